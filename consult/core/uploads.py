"""Uploaded files (proposal attachments, agenda documents): checked by their first bytes, never by their name
or declared type, stored under random server-made names in ``<instance>/uploads/<area>/``, and served with a
Content-Disposition header by the views of each domain.

Files follow the database transaction they belong to: a file written during a transaction that is rolled back
is deleted again, and a file removed during a transaction is deleted only once that transaction commits (a
refused deletion leaves the document in place)."""

from __future__ import annotations

import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session

from consult.core.errors import DomainError

_WRITTEN, _DOOMED = "consult_uploads_written", "consult_uploads_doomed"

#: first bytes → (media type, extension)
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
)
STORED_NAME = re.compile(r"[0-9a-f]{32}\.[a-z]{3,4}")


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    media_type: str
    download_name: str
    size: int


def sniff(data: bytes) -> tuple[str, str] | None:
    """The media type and extension the bytes really are (PDF or a common image), or None."""
    for signature, media_type, extension in SIGNATURES:
        if data.startswith(signature):
            return media_type, extension
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def folder(area: str) -> Path:
    path = Path(current_app.instance_path) / "uploads" / area
    path.mkdir(parents=True, exist_ok=True)
    return path


def safe_filename(name: str | None, extension: str, default: str = "attachment") -> str:
    """A readable download name: ASCII letters, digits, dots and dashes only, with the checked extension."""
    base = unicodedata.normalize("NFKD", os.path.basename((name or "").replace("\\", "/")))
    base = base.encode("ascii", "ignore").decode()
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", base.rsplit(".", 1)[0]).strip(".-")[:80] or default
    return f"{base}.{extension}"


def store(data: bytes, filename: str | None, *, area: str, max_bytes: int, field: str) -> StoredFile:
    """Check and write one upload; refusals are DomainErrors attached to ``field``."""
    if not data:
        raise DomainError(_l("The file is empty."), field=field)
    if len(data) > max_bytes:
        raise DomainError(_l("The file is too large: at most %(mb)s MB.",
                             mb=max(max_bytes // (1024 * 1024), 1)),
                          field=field)
    kind = sniff(data)
    if kind is None:
        raise DomainError(_l("This file is not an image (PNG, JPEG, GIF, WebP) or a PDF document."),
                          field=field)
    media_type, extension = kind
    stored = f"{secrets.token_hex(16)}.{extension}"
    path = folder(area) / stored
    path.write_bytes(data)
    _pending(_WRITTEN).append(path)
    return StoredFile(stored, media_type, safe_filename(filename, extension), len(data))


def remove(area: str, stored: str | None) -> None:
    """Delete a stored file when the current transaction commits (names not made by :func:`store` are
    ignored)."""
    if stored and STORED_NAME.fullmatch(stored):
        _pending(_DOOMED).append(folder(area) / stored)


def _pending(key: str) -> list:
    from consult.extensions import db

    session = db.session()
    if not session.in_transaction():
        session.begin()  # so that a rollback, even before any SQL, is an event that deletes what was written
    return session.info.setdefault(key, [])


@event.listens_for(Session, "after_commit")
def _files_after_commit(session) -> None:
    session.info.pop(_WRITTEN, None)
    for path in session.info.pop(_DOOMED, ()):
        path.unlink(missing_ok=True)


@event.listens_for(Session, "after_soft_rollback")
def _files_after_rollback(session, previous_transaction) -> None:
    if previous_transaction.parent is not None:  # a savepoint: the outer transaction goes on
        return
    session.info.pop(_DOOMED, None)
    for path in session.info.pop(_WRITTEN, ()):
        path.unlink(missing_ok=True)
