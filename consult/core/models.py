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


class ListRowMixin:
    """A row of a short ordered list that belongs to another row (a process's themes, a poll's options, an
    item's speakers): its id, and its place in the list."""

    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)
    #: order in the list (smaller first)
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)


class HashedCodeMixin:
    """A code given to a person that works until it expires (once, where the model records its use): only a
    keyed hash of it is stored, and two codes never have the same hash."""

    #: hex keyed hash of the normalised code (never the code itself)
    code_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False)


def parent_key(column: str):
    """The key of a row that belongs to another (``column``: ``"debate.id"``): required, indexed, and the row
    goes when its parent goes (``ON DELETE CASCADE``)."""
    return mapped_column(sa.ForeignKey(column, ondelete="CASCADE"), nullable=False, index=True)


def get_or_404(model, ident):
    """Load one row by primary key or abort with 404 (the view skeleton's first step)."""
    return db.get_or_404(model, ident)


class CatalogVersion(db.Model):
    """The version of a catalogue many pages show (a list of rows that rarely changes, e.g. the proposals
    list's filter choices: ``consult.proposals.versions``), one row per catalogue: a new random number at
    every change of what it shows, set by database triggers. A page reads it (in a statement it runs anyway,
    where it can) and reuses what it keeps under it instead of reading the catalogue's rows."""

    __tablename__ = "catalog_version"

    name: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
