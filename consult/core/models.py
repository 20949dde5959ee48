"""Model mixins and column helpers shared by every domain."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from consult.extensions import db


def utcnow() -> datetime:
    """Aware UTC now; stored as naive UTC so SQLite and PostgreSQL compare alike."""
    return datetime.now(UTC).replace(tzinfo=None)


class TimestampMixin:
    #: when the row was created (UTC)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, nullable=False)
    #: when the row last changed (UTC)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, onupdate=utcnow, nullable=False)


def parent_key(column: str):
    """The key of a row that belongs to another (``column``: ``"debate.id"``): required, indexed, and the row
    goes when its parent goes (``ON DELETE CASCADE``)."""
    return mapped_column(sa.ForeignKey(column, ondelete="CASCADE"), nullable=False, index=True)


def get_or_404(model, ident):
    """Load one row by primary key or abort with 404 (the view skeleton's first step)."""
    return db.get_or_404(model, ident)
