"""Follows and in-app notifications. Both point at content through ``(target_type, target_id)``."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.models import parent_key, utcnow
from consult.extensions import db


class Follow(db.Model):
    """A person follows one piece of content; one row per person and item (database constraint)."""

    __tablename__ = "follow"
    __table_args__ = (sa.UniqueConstraint("user_id", "target_type", "target_id"),
                      sa.Index("ix_follow_target", "target_type", "target_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = parent_key("user.id")
    #: registered target type (``proposal``, ``comment`` ...) and id
    target_type: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    target_id: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, nullable=False)

    user = relationship("User", foreign_keys=[user_id])


class Notification(db.Model):
    """Something happened to followed content. The message is rendered when read, in the reader's language."""

    __tablename__ = "notification"
    __table_args__ = (sa.Index("ix_notification_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the person notified
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False)
    #: the kind of event (``comment_posted``, ``state_changed``, ``answer_published``, ``outcome_updated``
    #: ...)
    event: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    target_type: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    target_id: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    #: who caused it (null for the system or an erased account)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    #: the facts the message needs (title of the item, new state ...), never personal data of others
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict, nullable=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, nullable=False, index=True)
    read_at: Mapped[datetime | None] = mapped_column(sa.DateTime)

    actor = relationship("User", foreign_keys=[actor_id])

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
