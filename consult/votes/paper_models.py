"""Whole paper ballots entered twice: batches of slips from a polling station, each registrar's copy of each
slip, and the counted slips (see ``consult.votes.paper_ballots`` for the rules).

Three tables, so that the counted data never names a registrar:

* ``vote_paper_batch``: one pile of slips from one polling station (station name, number of slips, state).
* ``vote_paper_entry``: one registrar's copy of one slip (slip number, copy 1 or 2, registrar, what they
  read). The audit trail of the double entry, kept while the poll is open; removed once the poll is closed
  and the batch counted. UNIQUE (batch, slip, copy) allows two copies per slip; UNIQUE (batch, slip,
  registrar) stops one registrar from typing both.
* ``vote_paper_ballot``: a counted slip: its poll, its batch (the polling station: the result's provenance)
  and what it says. No registrar, no slip number, no time; ``WITHOUT ROWID`` on SQLite, like ballots.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.models import TimestampMixin, parent_key
from consult.extensions import db

BATCH_ENTERING, BATCH_COUNTED = "entering", "counted"
#: what a slip is: a valid ballot, a blank slip, a spoilt (invalid) slip
SLIP_KINDS = ("valid", "blank", "invalid")


class PaperBatch(TimestampMixin, db.Model):
    __tablename__ = "vote_paper_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = parent_key("vote_poll.id")
    #: the polling station the slips come from, e.g. "Town hall"
    station: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    #: how many slips the batch holds (numbered 1 to ``slips`` as they are entered)
    slips: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    status: Mapped[str] = mapped_column(sa.String(10), nullable=False, default=BATCH_ENTERING)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    counted_at: Mapped[datetime | None] = mapped_column(sa.DateTime)

    poll = relationship("Poll", lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("poll_id", "station", name="uq_vote_paper_batch_station"),
        sa.CheckConstraint("status in ('entering', 'counted')", name="paper_batch_status_known"),
        sa.CheckConstraint("slips > 0", name="paper_batch_has_slips"),
    )

    @property
    def is_counted(self) -> bool:
        return self.status == BATCH_COUNTED


class PaperEntry(TimestampMixin, db.Model):
    """One registrar's copy of one slip of a batch."""

    __tablename__ = "vote_paper_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = parent_key("vote_paper_batch.id")
    slip: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    #: 1 for the first registrar who typed this slip, 2 for the second
    copy: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    registrar_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(sa.String(8), nullable=False, default="valid")
    #: the method's canonical choice as compact JSON text (``methods.encode``); null for blank/invalid slips
    choice: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (
        sa.UniqueConstraint("batch_id", "slip", "copy", name="uq_vote_paper_entry_copy"),
        sa.UniqueConstraint("batch_id", "slip", "registrar_id", name="uq_vote_paper_entry_registrar"),
        sa.CheckConstraint("copy in (1, 2)", name="paper_entry_copy_known"),
        sa.CheckConstraint("kind in ('valid', 'blank', 'invalid')", name="paper_entry_kind_known"),
    )

    @property
    def reading(self) -> tuple[str, str | None]:
        """What the registrar read: two copies agree when their readings are equal."""
        return self.kind, self.choice


class PaperBallot(db.Model):
    """A counted paper slip: what it says and which batch (station) it came from; never who typed it."""

    __tablename__ = "vote_paper_ballot"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    poll_id: Mapped[int] = mapped_column(sa.ForeignKey("vote_poll.id", ondelete="CASCADE"), nullable=False)
    batch_id: Mapped[int] = mapped_column(sa.ForeignKey("vote_paper_batch.id", ondelete="CASCADE"),
                                          nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(8), nullable=False, default="valid")
    choice: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (
        sa.Index("ix_vote_paper_ballot_poll_batch", "poll_id", "batch_id"),
        sa.CheckConstraint("kind in ('valid', 'blank', 'invalid')", name="paper_ballot_kind_known"),
        {"sqlite_with_rowid": False},
    )
