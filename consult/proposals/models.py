"""Proposals, their supports, translations, official answers and merges.

* A proposal starts as a *draft* the author previews, then is published (``submitted``).
* ``support_count`` is denormalised: every service that adds or removes a support updates it in the same
  transaction; the unique constraint on ``(proposal_id, user_id)`` is what stops a double support.
* A merge creates a new proposal; each source gets ``merged_into_id`` and the state ``merged``;
  ``ProposalSource`` rows list the sources of the new one.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import User
from consult.core.models import TimestampMixin, parent_key, utcnow
from consult.extensions import db
from consult.processes.models import Process, Theme
from consult.residency.models import District

DRAFT = "draft"
SUBMITTED = "submitted"
UNDER_REVIEW = "under_review"
QUALIFIED = "qualified"
ACCEPTED = "accepted"
ADOPTED = "adopted"
REJECTED = "rejected"
IMPLEMENTED = "implemented"
WITHDRAWN = "withdrawn"
MERGED = "merged"

STATES = (DRAFT, SUBMITTED, UNDER_REVIEW, QUALIFIED, ACCEPTED, ADOPTED, REJECTED, IMPLEMENTED, WITHDRAWN,
          MERGED)
#: the states anyone can see in lists and filters
PUBLIC_STATES = STATES[1:]
#: states an official (moderator or admin) can set with an answer
OFFICIAL_STATES = (SUBMITTED, UNDER_REVIEW, QUALIFIED, ACCEPTED, ADOPTED, REJECTED, IMPLEMENTED)
#: states in which residents can still support (and the author withdraw)
OPEN_STATES = (SUBMITTED, UNDER_REVIEW, QUALIFIED)
STATE_LABELS = {
    DRAFT: lazy_pgettext("proposal state", "Draft"),
    SUBMITTED: lazy_pgettext("proposal state", "Submitted"),
    UNDER_REVIEW: lazy_pgettext("proposal state", "Under review"),
    QUALIFIED: lazy_pgettext("proposal state", "Qualified"),
    ACCEPTED: lazy_pgettext("proposal state", "Accepted for an agenda"),
    ADOPTED: lazy_pgettext("proposal state", "Adopted"),
    REJECTED: lazy_pgettext("proposal state", "Rejected"),
    IMPLEMENTED: lazy_pgettext("proposal state", "Implemented"),
    WITHDRAWN: lazy_pgettext("proposal state", "Withdrawn"),
    MERGED: lazy_pgettext("proposal state", "Merged"),
}


class ProposalFacts:
    """What a proposal's state means, for the model and for the page's plain rows alike."""

    __slots__ = ()

    @property
    def is_draft(self) -> bool:
        return self.state == DRAFT

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def state_label(self):
        return STATE_LABELS.get(self.state, self.state)

    @property
    def has_image(self) -> bool:
        return bool(self.attachment_name) and (self.attachment_type or "").startswith("image/")


class Proposal(ProposalFacts, TimestampMixin, db.Model):
    __tablename__ = "proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(sa.ForeignKey("process.id", ondelete="CASCADE"), nullable=False)
    #: who wrote it (null for a merge made by the moderators, or after the author's account was erased)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    #: the moderator who merged the sources into this proposal
    merged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    #: Markdown; rendered through ``consult.core.text`` only
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    #: the language it is written in (an interface language code)
    language: Mapped[str] = mapped_column(sa.String(8), nullable=False, default="en")
    theme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("process_theme.id", ondelete="SET NULL"))
    district_id: Mapped[int | None] = mapped_column(sa.ForeignKey("district.id", ondelete="SET NULL"))
    #: an optional place (WGS 84 degrees), chosen on the district map or typed (``consult.geo.forms``)
    latitude: Mapped[float | None] = mapped_column(sa.Float)
    longitude: Mapped[float | None] = mapped_column(sa.Float)
    #: one of ``STATES``
    state: Mapped[str] = mapped_column(sa.String(20), nullable=False, default=DRAFT)
    #: when it left the draft (the author's edit window counts from here)
    published_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    qualified_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("proposal.id", ondelete="SET NULL"),
                                                       index=True)
    #: denormalised: number of supports (updated in the same transaction as the supports)
    support_count: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    #: denormalised: number of comments (kept by the comments service)
    comment_count: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    #: set by moderation: the proposal is hidden from lists, its page shows the public reason
    hidden_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    hidden_reason: Mapped[str | None] = mapped_column(sa.String(500))
    #: the stored file's server-made name (under ``instance/uploads/proposals``)
    attachment_name: Mapped[str | None] = mapped_column(sa.String(80))
    #: the checked type: ``image/png``, ``image/jpeg``, ``image/gif``, ``image/webp`` or ``application/pdf``
    attachment_type: Mapped[str | None] = mapped_column(sa.String(40))
    #: the name the author's file had (shown and used in Content-Disposition, never on disk)
    attachment_filename: Mapped[str | None] = mapped_column(sa.String(200))
    #: a short description of the image for people who cannot see it
    attachment_alt: Mapped[str | None] = mapped_column(sa.String(300))

    process: Mapped[Process] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    merged_by: Mapped[User | None] = relationship(foreign_keys=[merged_by_id])
    theme: Mapped[Theme | None] = relationship()
    district: Mapped[District | None] = relationship()
    merged_into: Mapped[Proposal | None] = relationship(remote_side=[id], foreign_keys=[merged_into_id])
    translations: Mapped[list[ProposalTranslation]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="ProposalTranslation.language")
    answers: Mapped[list[ProposalAnswer]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan",
        order_by="ProposalAnswer.created_at.desc(), ProposalAnswer.id.desc()")
    sources: Mapped[list[Proposal]] = relationship(
        secondary="proposal_source", primaryjoin="Proposal.id == ProposalSource.target_id",
        secondaryjoin="Proposal.id == ProposalSource.source_id", order_by="Proposal.id", viewonly=True)

    __table_args__ = (
        sa.CheckConstraint("support_count >= 0", name="support_count_positive"),
        sa.Index("ix_proposal_list", "process_id", "state", "published_at"),
        # list orders: scanned in order, filtered on state and hidden_at from the index itself (covering)
        sa.Index("ix_proposal_newest", "published_at", "id", "state", "hidden_at"),
        sa.Index("ix_proposal_supported", "support_count", "id", "state", "hidden_at"),
        sa.Index("ix_proposal_commented", "comment_count", "id", "state", "hidden_at"),
        # a list filtered by process, theme, district or state: that filter's rows newest first, and covering
        # for every sort (a page reads 20 entries; another sort orders the filter's entries, never the
        # table's). These also serve the foreign keys' lookups (ON DELETE). The unfiltered list's states are
        # written ``state NOT IN (...)`` so that SQLite's planner does not take ix_proposal_state for it.
        sa.Index("ix_proposal_process", "process_id", "published_at", "id", "state", "hidden_at",
                 "support_count", "comment_count"),
        sa.Index("ix_proposal_theme", "theme_id", "published_at", "id", "state", "hidden_at", "support_count",
                 "comment_count"),
        sa.Index("ix_proposal_district", "district_id", "published_at", "id", "state", "hidden_at",
                 "support_count", "comment_count"),
        sa.Index("ix_proposal_state", "state", "published_at", "id", "hidden_at", "support_count",
                 "comment_count"),
    )

    @property
    def url(self) -> str:
        """The path of the proposal's page (for notifications, moderation and feeds)."""
        return f"/proposals/{self.id}"

    def comment_decision(self, person):
        """Whether ``person`` may comment here now (asked by the comments module)."""
        from consult.core.policy import policies

        return policies.decide("proposal.comment", person, self)

    def __repr__(self) -> str:
        return f"<Proposal {self.id} {self.state}>"


class ProposalTally(db.Model):
    """How many visible proposals each (process, theme, district, state, published) group has: the exact total
    of a list without counting proposal rows, so a list's count costs the same at any number of proposals.

    Kept by database triggers on ``proposal`` (``consult.proposals.tally``) in the transaction of every
    change, whatever makes it (services, moderation, bulk inserts, a theme or district deleted, a process
    deleted). Hidden proposals are not counted. Rows are never deleted: a group keeps its row at 0.
    """

    __tablename__ = "proposal_tally"

    process_id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    #: the theme, or 0 for none
    theme_id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    #: the district, or 0 for none
    district_id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    state: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    #: whether ``published_at`` is set (the open-data API lists only those)
    published: Mapped[bool] = mapped_column(sa.Boolean, primary_key=True)
    #: visible proposals in the group
    proposals: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)


class ProposalSupport(db.Model):
    """One resident supports one proposal; the unique constraint stops a second support, whatever the
    timing."""

    __tablename__ = "proposal_support"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposal.id", ondelete="CASCADE"), nullable=False)
    user_id: Mapped[int] = parent_key("user.id")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    #: the source proposal this support was carried over from by a merge (null: given directly)
    carried_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("proposal.id", ondelete="SET NULL"))

    __table_args__ = (sa.UniqueConstraint("proposal_id", "user_id"),)


class ProposalSource(db.Model):
    """A merge: ``source`` was merged and reformulated into ``target``."""

    __tablename__ = "proposal_source"

    target_id: Mapped[int] = mapped_column(sa.ForeignKey("proposal.id", ondelete="CASCADE"), primary_key=True)
    source_id: Mapped[int] = mapped_column(sa.ForeignKey("proposal.id", ondelete="CASCADE"), primary_key=True,
                                           index=True)


class ProposalTranslation(TimestampMixin, db.Model):
    """A translation of a proposal into another language, written by a person (translator or author)."""

    __tablename__ = "proposal_translation"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposal.id", ondelete="CASCADE"), nullable=False)
    language: Mapped[str] = mapped_column(sa.String(8), nullable=False)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    translator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    proposal: Mapped[Proposal] = relationship(back_populates="translations")
    translator: Mapped[User | None] = relationship(lazy="joined")

    __table_args__ = (sa.UniqueConstraint("proposal_id", "language"),)


class ProposalAnswer(db.Model):
    """An official answer: the state it set and a public text in one or more languages."""

    __tablename__ = "proposal_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = parent_key("proposal.id")
    #: the state the proposal had after this answer
    state: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="answers")
    texts: Mapped[list[AnswerText]] = relationship(
        back_populates="answer", cascade="all, delete-orphan", order_by="AnswerText.language",
        lazy="selectin")

    @property
    def state_label(self):
        return STATE_LABELS.get(self.state, self.state)

    def text_for(self, *languages) -> AnswerText | None:
        """The text in the first of ``languages`` that exists, else the first written."""
        by_language = {t.language: t for t in self.texts}
        for language in languages:
            if language in by_language:
                return by_language[language]
        return self.texts[0] if self.texts else None


class AnswerText(db.Model):
    __tablename__ = "proposal_answer_text"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(sa.ForeignKey("proposal_answer.id", ondelete="CASCADE"),
                                           nullable=False)
    language: Mapped[str] = mapped_column(sa.String(8), nullable=False)
    #: Markdown
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)

    answer: Mapped[ProposalAnswer] = relationship(back_populates="texts")

    __table_args__ = (sa.UniqueConstraint("answer_id", "language"),)
