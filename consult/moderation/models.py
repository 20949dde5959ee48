"""Reports, the public moderation log and fact-check notes. Content is referred to by ``(target_type,
target_id)``."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.models import TimestampMixin, utcnow
from consult.extensions import db

REPORT_REASONS = ("spam", "offensive", "off_topic", "misinformation", "other")
LOG_ACTIONS = ("hidden_by_reports", "hidden", "restored", "reports_dismissed")


class Report(db.Model):
    """A person flags content. One report per person and item (database constraint). Never shown publicly."""

    __tablename__ = "report"
    __table_args__ = (
        sa.UniqueConstraint("reporter_id", "target_type", "target_id"),
        sa.Index("ix_report_target", "target_type", "target_id"),
        sa.CheckConstraint("reason IN ('spam', 'offensive', 'off_topic', 'misinformation', 'other')",
                           name="reason_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    target_id: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    #: who reported (moderators see the reasons, not the names; null once the account is erased)
    reporter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    #: optional words from the reporter
    note: Mapped[str] = mapped_column(sa.String(1000), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, nullable=False)
    #: set when a moderator decided (hid, restored or dismissed)
    resolved_at: Mapped[datetime | None] = mapped_column(sa.DateTime, index=True)


class ModerationEvent(db.Model):
    """One line of the public moderation log: what was hidden or restored, when and why. No reporter, ever."""

    __tablename__ = "moderation_event"
    __table_args__ = (sa.Index("ix_moderation_event_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, nullable=False, index=True)
    target_type: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    target_id: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    #: ``hidden_by_reports``, ``hidden``, ``restored``, ``reports_dismissed``
    action: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    #: the public reason
    reason: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")
    #: the moderator who acted (kept for accountability, not shown on the public log)
    moderator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))


class FactCheckNote(TimestampMixin, db.Model):
    """Context from the moderators (the commission against misinformation and rumours), shown above
    content."""

    __tablename__ = "fact_check_note"
    __table_args__ = (sa.Index("ix_fact_check_note_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    target_id: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    #: Markdown, rendered and sanitised
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    #: the sources, as a list of http(s) URLs
    sources: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    author = relationship("User", foreign_keys=[author_id])
