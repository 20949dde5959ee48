"""Outcomes: what a decision leads to, the actions that carry it out, and their public follow-up.

Councils, processes and proposals belong to other modules; outcomes keep their ids as plain integer columns
so this module never imports their models. An outcome's progress is derived from its actions, never stored.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.models import TimestampMixin, parent_key, utcnow
from consult.extensions import db

PLANNED, IN_PROGRESS, DONE, DROPPED = "planned", "in_progress", "done", "dropped"
#: an action's status, and an outcome's (drawn from its actions'); two tables, since the words agree with
#: the thing in many languages (an action, an outcome)
ACTION_STATUS_LABELS = {PLANNED: lazy_pgettext("outcome action status", "Planned"),
                        IN_PROGRESS: lazy_pgettext("outcome action status", "In progress"),
                        DONE: lazy_pgettext("outcome action status", "Done"),
                        DROPPED: lazy_pgettext("outcome action status", "Dropped")}
OUTCOME_STATUS_LABELS = {PLANNED: lazy_pgettext("outcome status", "Planned"),
                         IN_PROGRESS: lazy_pgettext("outcome status", "In progress"),
                         DONE: lazy_pgettext("outcome status", "Done"),
                         DROPPED: lazy_pgettext("outcome status", "Dropped")}
ACTION_STATUSES = tuple(ACTION_STATUS_LABELS)


class Outcome(TimestampMixin, db.Model):
    __tablename__ = "outcome"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: what was decided, in a short sentence
    title: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    #: the decision's text and context (Markdown)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: the council that decided (plain id; councils is another module)
    council_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    #: the participatory process it belongs to (plain id)
    process_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    #: the proposal that led to the decision (plain id)
    proposal_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    minutes_id: Mapped[int | None] = mapped_column(sa.ForeignKey("minutes.id", ondelete="SET NULL"),
                                                   index=True)
    #: where the decision was taken, e.g. ``council_session`` 7
    source_type: Mapped[str | None] = mapped_column(sa.String(30))
    source_id: Mapped[int | None] = mapped_column(sa.Integer)
    #: stable key of the decision in its record (one outcome per adopted motion), unique
    source_key: Mapped[str | None] = mapped_column(sa.String(120), unique=True)
    decided_on: Mapped[date | None] = mapped_column(sa.Date, index=True)

    actions: Mapped[list[OutcomeAction]] = relationship(
        back_populates="outcome", order_by="OutcomeAction.position", cascade="all, delete-orphan",
        lazy="selectin")

    @property
    def progress(self) -> int | None:
        """Mean progress of the actions that are not dropped (done counts as 100); None without actions."""
        live = [a for a in self.actions if a.status != DROPPED]
        if not live:
            return None
        return round(sum(100 if a.status == DONE else a.progress for a in live) / len(live))

    @property
    def status(self) -> str:
        statuses = {a.status for a in self.actions}
        if not statuses:
            return PLANNED
        if statuses <= {DONE, DROPPED} and DONE in statuses:
            return DONE
        if statuses == {DROPPED}:
            return DROPPED
        if statuses == {PLANNED}:
            return PLANNED
        return IN_PROGRESS

    @property
    def status_label(self):
        return OUTCOME_STATUS_LABELS[self.status]


class OutcomeAction(TimestampMixin, db.Model):
    __tablename__ = "outcome_action"
    __table_args__ = (
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
        sa.CheckConstraint("status IN ('planned', 'in_progress', 'done', 'dropped')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = parent_key("outcome.id")
    title: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False, default=PLANNED)
    #: 0–100
    progress: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    #: the body responsible (an office or service, not a person's private data)
    responsible: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    due_on: Mapped[date | None] = mapped_column(sa.Date)
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)

    outcome: Mapped[Outcome] = relationship(back_populates="actions")

    @property
    def status_label(self):
        return ACTION_STATUS_LABELS.get(self.status, self.status)


class OutcomeUpdate(db.Model):
    """A dated update on an outcome or one of its actions (status, progress and what happened)."""

    __tablename__ = "outcome_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = parent_key("outcome.id")
    action_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outcome_action.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, nullable=False, index=True)
    text: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: the action's status and progress after this update (None for a note on the outcome)
    status: Mapped[str | None] = mapped_column(sa.String(12))
    progress: Mapped[int | None] = mapped_column(sa.Integer)

    outcome: Mapped[Outcome] = relationship()
    action: Mapped[OutcomeAction | None] = relationship()
    author = relationship("User", foreign_keys=[author_id], lazy="joined")

    @property
    def status_label(self):
        return ACTION_STATUS_LABELS.get(self.status, self.status) if self.status else None


class FollowUpComment(db.Model):
    """A public comment of a monitoring committee member on an outcome."""

    __tablename__ = "outcome_follow_up"

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = parent_key("outcome.id")
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, nullable=False)
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)

    author = relationship("User", foreign_keys=[author_id], lazy="joined")
