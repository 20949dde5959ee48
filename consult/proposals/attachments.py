"""Proposal attachments: one image or PDF, recognised by its first bytes (never by name or declared type),
stored under a random server-made name in ``<instance>/uploads/proposals``, served with Content-Disposition."""

from __future__ import annotations

import os
import re
import secrets
import unicodedata
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from consult.core.errors import DomainError

#: first bytes → (media type, extension)
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
    (b"%PDF-", "application/pdf", "pdf"),
)
DEFAULT_MAX_BYTES = 5 * 1024 * 1024


def sniff(data: bytes) -> tuple[str, str] | None:
    """The media type and extension the bytes really are, or None."""
    for signature, media_type, extension in SIGNATURES:
        if data.startswith(signature):
            return media_type, extension
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def folder() -> Path:
    path = Path(current_app.instance_path) / "uploads" / "proposals"
    path.mkdir(parents=True, exist_ok=True)
    return path


def safe_filename(name: str | None, extension: str) -> str:
    """A readable download name: letters, digits, dots and dashes only, with the checked extension."""
    base = unicodedata.normalize("NFKD", os.path.basename(name or "")).encode("ascii", "ignore").decode()
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", base.rsplit(".", 1)[0]).strip(".-")[:80] or "attachment"
    return f"{base}.{extension}"


def store(data: bytes, filename: str | None) -> tuple[str, str, str]:
    """Check and write the file; returns (stored name, media type, download name). Raises DomainError."""
    if not data:
        raise DomainError(_l("The file is empty."), field="attachment")
    limit = int(current_app.config.get("PROPOSAL_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))
    if len(data) > limit:
        raise DomainError(_l("The file is too large: at most %(mb)s MB.", mb=limit // (1024 * 1024)),
                          field="attachment")
    kind = sniff(data)
    if kind is None:
        raise DomainError(_l("This file is not an image (PNG, JPEG, GIF, WebP) or a PDF document."),
                          field="attachment")
    media_type, extension = kind
    stored = f"{secrets.token_hex(16)}.{extension}"
    (folder() / stored).write_bytes(data)
    return stored, media_type, safe_filename(filename, extension)


def remove(stored: str | None) -> None:
    if stored and re.fullmatch(r"[0-9a-f]{32}\.[a-z]{3,4}", stored):
        try:
            (folder() / stored).unlink()
        except FileNotFoundError:
            pass
