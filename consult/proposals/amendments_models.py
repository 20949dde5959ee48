"""Amendments to proposals, the window in which a proposal takes them, and the versions of a proposal's text.

* A proposal takes amendments while its :class:`AmendmentWindow` is open (set by its author or the organisers
  of its process; no row: closed).
* An :class:`Amendment` is the whole new text (title and body) with a short explanation, and a copy of the
  text it was written against (``base_title``, ``base_body``, ``base_version``): when the proposal's text has
  changed since, the amendment is *out of date* and its diff is against the text it was written for.
* ``pending`` → ``accepted`` (the proposal's text becomes the amendment's: a new :class:`ProposalVersion`),
  ``rejected`` (with a public reason) or ``withdrawn`` (by its author). A pending or rejected amendment takes
  supports (:class:`AmendmentSupport`, once per person: the unique constraint decides; ``support_count`` is
  kept in the same transaction). A rejected one may become a proposal of its own (``promoted_to_id``).
* Moderators hide an amendment as they hide comments and proposals (``hidden_at``, ``hidden_reason``).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import User
from consult.core.models import TimestampMixin, parent_key, utcnow
from consult.extensions import db
from consult.proposals.models import Proposal

PENDING, ACCEPTED, REJECTED, WITHDRAWN = "pending", "accepted", "rejected", "withdrawn"
STATES = (PENDING, ACCEPTED, REJECTED, WITHDRAWN)
STATE_LABELS = {
    PENDING: lazy_pgettext("amendment state", "Waiting for the author's decision"),
    ACCEPTED: lazy_pgettext("amendment state", "Accepted"),
    REJECTED: lazy_pgettext("amendment state", "Rejected"),
    WITHDRAWN: lazy_pgettext("amendment state", "Withdrawn"),
}
#: states in which residents may support an amendment
SUPPORTABLE = (PENDING, REJECTED)
TITLE_MAX, BODY_MAX, EXPLANATION_MAX, REASON_MAX = 200, 20_000, 1000, 1000


class AmendmentWindow(db.Model):
    """Until when a proposal takes amendments (naive UTC, typed on the city's clock)."""

    __tablename__ = "proposal_amendment_window"

    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposal.id", ondelete="CASCADE"),
                                             primary_key=True)
    closes_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False)
    set_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    set_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)

    def is_open(self, now: datetime | None = None) -> bool:
        return (now or utcnow()) < self.closes_at


class Amendment(TimestampMixin, db.Model):
    __tablename__ = "proposal_amendment"
    __table_args__ = (
        sa.CheckConstraint("state IN ('pending', 'accepted', 'rejected', 'withdrawn')", name="state_known"),
        sa.CheckConstraint("support_count >= 0", name="support_count_positive"),
        sa.Index("ix_proposal_amendment_proposal", "proposal_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposal.id", ondelete="CASCADE"), nullable=False)
    #: who proposed it (null once their account is erased)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(sa.String(TITLE_MAX), nullable=False)
    #: Markdown, the whole new text
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    explanation: Mapped[str] = mapped_column(sa.String(EXPLANATION_MAX), nullable=False, default="")
    #: the proposal's text when the amendment was written, and that text's version number
    base_title: Mapped[str] = mapped_column(sa.String(TITLE_MAX), nullable=False)
    base_body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    base_version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)
    state: Mapped[str] = mapped_column(sa.String(10), nullable=False, default=PENDING)
    #: the public reason of a rejection
    reason: Mapped[str | None] = mapped_column(sa.String(REASON_MAX))
    decided_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    #: denormalised: the number of supports (kept in the transaction of each support)
    support_count: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    #: the proposal a rejected amendment became
    promoted_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("proposal.id", ondelete="SET NULL"))
    hidden_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    hidden_reason: Mapped[str | None] = mapped_column(sa.String(500))

    proposal: Mapped[Proposal] = relationship(foreign_keys=[proposal_id])
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])

    @property
    def url(self) -> str:
        return f"/amendments/{self.id}"

    @property
    def state_label(self):
        return STATE_LABELS.get(self.state, self.state)

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_out_of_date(self) -> bool:
        """Pending (or rejected), and the proposal's text is no longer the one it was written against."""
        return self.state in (PENDING, REJECTED) \
            and (self.base_title, self.base_body) != (self.proposal.title, self.proposal.body)

    def __repr__(self) -> str:
        return f"<Amendment {self.id} {self.state}>"


class AmendmentSupport(db.Model):
    __tablename__ = "proposal_amendment_support"

    id: Mapped[int] = mapped_column(primary_key=True)
    amendment_id: Mapped[int] = mapped_column(sa.ForeignKey("proposal_amendment.id", ondelete="CASCADE"),
                                              nullable=False)
    user_id: Mapped[int] = parent_key("user.id")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)

    __table_args__ = (sa.UniqueConstraint("amendment_id", "user_id"),)


class ProposalVersion(db.Model):
    """A version of a proposal's text. Version 1 is the text as published (recorded when the first amendment
    is accepted); each accepted amendment records the next, naming it."""

    __tablename__ = "proposal_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = parent_key("proposal.id")
    number: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    title: Mapped[str] = mapped_column(sa.String(TITLE_MAX), nullable=False)
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    amendment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("proposal_amendment.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)

    __table_args__ = (sa.UniqueConstraint("proposal_id", "number"),)


#: the attribute of a proposal that holds its window once read in this request (None: it has none)
_WINDOW = "_amendment_window"


def window_of(proposal: Proposal) -> AmendmentWindow | None:
    """The proposal's window (read once per request and proposal: the page and its rules ask it often)."""
    if _WINDOW not in proposal.__dict__:
        remember_window(proposal, db.session.get(AmendmentWindow, proposal.id))
    return proposal.__dict__[_WINDOW]


def remember_window(proposal: Proposal, window: AmendmentWindow | None) -> None:
    proposal.__dict__[_WINDOW] = window
