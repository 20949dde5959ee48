"""The file of a closed poll's counted ballots (``/polls/<id>/trackers.csv``), made once and kept.

A closed poll is never reopened, so its list of fingerprints never changes; yet writing it while a person
waits takes a while for a large poll (31,429 ballots in the city dataset: 0.26–0.46 s, 18 to 46 times a bare
page; a city-wide vote has ten times more). So the file is made by a task when the poll closes
(``votes.trackers_file``) and kept as ``instance/documents/polls/<id>-<closing time>-counted-ballots.csv``
(the closing time, to the microsecond, tells this poll from any other that might get its id).

A request that comes before the file is ready has it made there and then when the poll has at most
:data:`MADE_WHILE_WAITING` ballots. For a larger poll it queues the task again (which does nothing once the
file is there) and answers that the file is being prepared: a page with a link to try again and a ``Refresh``
header, so that the browser comes back by itself, with or without JavaScript.
"""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from consult.core import signals, tasks
from consult.core.csv_export import write_csv
from consult.extensions import db
from consult.votes import queries
from consult.votes.models import Ballot, Poll

#: the largest poll whose file a request makes while the person waits (about 0.3 s on the city dataset)
MADE_WHILE_WAITING = 20_000


def _path(poll: Poll) -> Path:
    stamp = poll.closed_at.strftime("%Y%m%dT%H%M%S%f") if poll.closed_at else "closed"
    return Path(current_app.instance_path) / "documents" / "polls" / f"{poll.id}-{stamp}-counted-ballots.csv"


def kept(poll: Poll) -> str | None:
    """The kept file of a closed poll, or ``None`` when it is not made yet."""
    try:
        return _path(poll).read_bytes().decode("utf-8")  # as written: lines end with CRLF
    except FileNotFoundError:
        return None


def small_enough(poll: Poll) -> bool:
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Ballot).where(Ballot.poll_id == poll.id))
    return (count or 0) <= MADE_WHILE_WAITING


def make(poll: Poll) -> str:
    """Write the file of a closed poll (whole or not at all: another reader may open it at once)."""
    text = write_csv([["fingerprint"], *([fp] for fp in queries.all_fingerprints(poll))])
    path = _path(poll)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.{id(text)}.part")
    partial.write_bytes(text.encode("utf-8"))
    os.replace(partial, path)
    return text


@tasks.task("votes.trackers_file", retries=2, retry_delay=60, read_only=True)
def make_file(poll_id: int) -> None:
    """Make the file of a closed poll, unless it is there already."""
    poll = db.session.get(Poll, poll_id)
    if poll is not None and poll.is_closed and not _path(poll).exists():
        make(poll)


def _closed(poll, **_facts) -> None:
    make_file.enqueue(poll.id)


signals.poll_closed.connect(_closed)
