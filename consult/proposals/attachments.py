"""Proposal attachments: one image or PDF per proposal, through :mod:`consult.core.uploads`."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from consult.core import uploads

AREA = "proposals"
DEFAULT_MAX_BYTES = 5 * 1024 * 1024


def folder() -> Path:
    return uploads.folder(AREA)


def store(data: bytes, filename: str | None) -> tuple[str, str, str]:
    """Check and write the file; returns (stored name, media type, download name). Raises DomainError."""
    limit = int(current_app.config.get("PROPOSAL_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))
    stored = uploads.store(data, filename, area=AREA, max_bytes=limit, field="attachment")
    return stored.stored_name, stored.media_type, stored.download_name


def remove(stored: str | None) -> None:
    uploads.remove(AREA, stored)
