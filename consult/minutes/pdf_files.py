"""The PDF of minutes, made once per version of the document and kept in the instance folder.

WeasyPrint takes about a second for a session's minutes, and the PDF changes only when the document does. So
it is kept as ``instance/documents/minutes/<id>-<digest>.pdf``, the digest taken over the document's HTML
(text, title, dates, corrections, language) and the print stylesheet: a change makes a new file, and the older
one of the same minutes is removed. Nothing stale can be served.

Publishing minutes (the page's button) queues ``minutes.render_pdf`` to run a few seconds later
(``RENDER_DELAY``): the consumer makes the file before most readers ask. A reader who comes first, or on a
host whose instance folder does not hold the file yet, waits for one rendering, as before, and leaves the
file for the next reader. A PDF is a download that a person asked for and waits for, so it stays the answer
to the request, not a "being prepared" page. (In the tests' immediate queue a delayed task does not run: no
test pays for a rendering it did not ask for.)
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from flask import current_app

from consult.core import tasks
from consult.extensions import db
from consult.minutes import export, services
from consult.minutes.models import Minutes

#: seconds between the publication and the rendering ahead of readers
RENDER_DELAY = 10


def _folder() -> Path:
    return Path(current_app.instance_path) / "documents" / "minutes"


def _stylesheet_digest() -> bytes:
    path = os.path.join(current_app.static_folder, "css", "minutes.css")
    with open(path, "rb") as fh:
        return hashlib.blake2b(fh.read(), digest_size=16).digest()


def _path(minutes_id: int, html: str) -> Path:
    digest = hashlib.blake2b(html.encode() + _stylesheet_digest(), digest_size=12).hexdigest()
    return _folder() / f"{minutes_id}-{digest}.pdf"


def _store(path: Path, data: bytes) -> None:
    """Write the file whole or not at all (another thread may read it at once), and drop older versions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.{id(data)}.part")
    partial.write_bytes(data)
    os.replace(partial, path)
    for older in path.parent.glob(f"{path.name.split('-')[0]}-*.pdf"):
        if older != path:
            older.unlink(missing_ok=True)


def pdf_of(minutes: Minutes, corrections) -> bytes:
    """The PDF of ``minutes`` as it is now: the kept file, or a rendering kept for the next reader."""
    html = export.document_html(minutes, corrections=corrections, for_pdf=True)
    path = _path(minutes.id, html)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    data = export.pdf_from_html(html)
    _store(path, data)
    return data


def render_ahead(minutes: Minutes) -> None:
    """Queue the rendering of ``minutes`` (and of the minutes it corrects, whose document names it) for once
    this transaction commits."""
    for target in (minutes.id, minutes.corrects_id):
        if target is not None:
            render_pdf.enqueue(target, delay=RENDER_DELAY)


@tasks.task("minutes.render_pdf", retries=2, retry_delay=60, read_only=True)
def render_pdf(minutes_id: int) -> None:
    """Make the PDF of published minutes before anyone asks for it (nothing if they are gone meanwhile)."""
    with current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]):
        minutes = db.session.get(Minutes, minutes_id)
        if minutes is not None and minutes.published_at is not None:
            pdf_of(minutes, services.corrections_of(minutes))
