"""Exports of minutes: Markdown, JSON (with the structured record), and a printable PDF (WeasyPrint).

The PDF is made from the same template as the HTML document, with ``lang`` and ``dir`` from the minutes'
language (right-to-left for Arabic), the print rules of ``static/css/minutes.css`` and only local fonts
(DejaVu, and Noto for Arabic script). WeasyPrint may fetch nothing from the network: its URL fetcher refuses
every URL that is not a ``data:`` URL or a file inside the static folder.
"""

from __future__ import annotations

import os
from urllib.parse import unquote, urlparse

from babel import Locale
from flask import current_app, render_template
from flask_babel import force_locale

from consult.minutes.drafting import display_title
from consult.minutes.models import Minutes


def direction_of(language: str) -> str:
    try:
        return Locale.parse(language).text_direction
    except (ValueError, TypeError):
        return "ltr"


def to_markdown(minutes: Minutes) -> str:
    return f"# {display_title(minutes)}\n\n{minutes.body.strip()}\n"


def to_json(minutes: Minutes, *, url: str | None = None) -> dict:
    """The document and the structured record it was drafted from (public fields only)."""
    return {
        "id": minutes.id,
        "kind": minutes.kind,
        "title": display_title(minutes),
        "language": minutes.language,
        "status": minutes.status,
        "source": {"type": minutes.source_type, "id": minutes.source_id},
        "council_id": minutes.council_id,
        "corrects_id": minutes.corrects_id,
        "translation_of_id": minutes.translation_of_id,
        "held_at": minutes.held_at.isoformat() if minutes.held_at else None,
        "approval": {
            "mode": minutes.approval_mode,
            "approved_at": minutes.approved_at.isoformat() if minutes.approved_at else None,
            "reference": minutes.approval_reference,
        },
        "published_at": minutes.published_at.isoformat() if minutes.published_at else None,
        "revision": minutes.revision_count,
        "url": url,
        "text_markdown": minutes.body,
        "record": minutes.record,
    }


def document_html(minutes: Minutes, **context) -> str:
    """The standalone document (used for the PDF and the printable page), wholly in the minutes' language."""
    with force_locale(minutes.language):
        return render_template("minutes/document.html", minutes=minutes,
                               direction=direction_of(minutes.language), **context)


def _static_dir() -> str:
    return os.path.realpath(current_app.static_folder)


def _is_local(url: str, static_dir: str) -> bool:
    if url.startswith("data:"):
        return True
    parsed = urlparse(url)
    if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
        return False
    path = os.path.realpath(unquote(parsed.path))
    return path == static_dir or path.startswith(static_dir + os.sep)


def local_url_fetcher(static_dir: str):
    """A WeasyPrint URL fetcher that refuses the network (and any file outside ``static_dir``)."""
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # WeasyPrint < 68: plain function fetchers
        from weasyprint import default_url_fetcher

        def fetch(url, *args, **kwargs):
            if not _is_local(url, static_dir):
                raise ValueError(f"remote or foreign URL refused: {url}")
            return default_url_fetcher(url, *args, **kwargs)

        return fetch

    class LocalOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if not _is_local(url, static_dir):
                raise ValueError(f"remote or foreign URL refused: {url}")
            return super().fetch(url, headers)

    return LocalOnly(allowed_protocols=("file", "data"))


def pdf_from_html(html: str) -> bytes:
    from weasyprint import CSS, HTML

    static_dir = _static_dir()
    fetcher = local_url_fetcher(static_dir)
    stylesheet = CSS(filename=os.path.join(static_dir, "css", "minutes.css"), url_fetcher=fetcher)
    document = HTML(string=html, base_url=static_dir + os.sep, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[stylesheet])


def to_pdf(minutes: Minutes, **context) -> bytes:
    # the stylesheet is given to WeasyPrint from the static folder: the page's own <link> is left out
    return pdf_from_html(document_html(minutes, for_pdf=True, **context))
