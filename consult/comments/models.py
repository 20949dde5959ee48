"""Comments on any content, threaded three levels deep, with their edit history."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.models import TimestampMixin, parent_key, utcnow
from consult.extensions import db

#: replies may go this deep (1 = a comment on the item, 2 = a reply, 3 = a reply to a reply)
MAX_DEPTH = 3
ALIGNMENTS = ("in_favour", "against", "neutral")


class CommentFacts:
    """What a comment's state means, for the model and for the thread's plain rows alike."""

    __slots__ = ()

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def anchor(self) -> str:
        return f"comment-{self.id}"


class Comment(CommentFacts, TimestampMixin, db.Model):
    __tablename__ = "comment"
    __table_args__ = (
        sa.Index("ix_comment_target", "target_type", "target_id", "created_at"),
        sa.CheckConstraint("depth >= 1 AND depth <= 3", name="depth_range"),
        sa.CheckConstraint("alignment IN ('in_favour', 'against', 'neutral')", name="alignment_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the content commented on: registered target type and id
    target_type: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    target_id: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    #: the comment this one replies to (null for a comment on the item itself)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    #: 1 for a comment on the item, 2 for a reply, 3 for a reply to a reply
    depth: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    #: Markdown source, rendered and sanitised on display; emptied when the author deletes the comment
    body: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: in favour, against or neutral towards the item
    alignment: Mapped[str] = mapped_column(sa.String(12), nullable=False, default="neutral")
    #: set when the author changed the text (earlier versions are kept in ``revisions``)
    edited_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    #: set when the author deleted the comment; the thread shows "deleted" in its place
    deleted_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    #: set when moderators (or enough reports) hid the comment; the reason is public
    hidden_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    hidden_reason: Mapped[str | None] = mapped_column(sa.String(500))

    author = relationship("User", foreign_keys=[author_id])
    revisions: Mapped[list[CommentRevision]] = relationship(
        back_populates="comment", cascade="all, delete-orphan", passive_deletes=True,
        order_by="CommentRevision.id")

    @property
    def url(self) -> str:
        """The link to this comment (``comments.permalink``): the item's page at the comment, which that page
        shows wherever it is in a long conversation."""
        return f"/comments/{self.id}"


class CommentRevision(db.Model):
    """An earlier version of a comment, kept when its author edits it (the history is public)."""

    __tablename__ = "comment_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = parent_key("comment.id")
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    alignment: Mapped[str] = mapped_column(sa.String(12), nullable=False)
    #: when this version was written (the comment's creation or its previous edit)
    written_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False)
    #: when it was replaced
    replaced_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, nullable=False)

    comment: Mapped[Comment] = relationship(back_populates="revisions")


class CommentThread(db.Model):
    """The version of the conversation on one item: a new random number at every change of one of its comments
    or of the name of one of their authors, set by database triggers (``consult.comments.versions``). A page
    compares it with the version of the rows and HTML it keeps, instead of reading every comment."""

    __tablename__ = "comment_thread"

    target_type: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    target_id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
