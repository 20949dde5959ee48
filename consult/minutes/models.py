"""Minutes of a council session or a debate: the document, its revisions, and its approval trail.

The source (a council session or a debate) is a generic reference ``(source_type, source_id)`` plus a JSON
snapshot of its structured record (see docs/DEVELOPING.md, "Session records"), so minutes render without the
producing module's models. Published minutes never change: a before-flush guard refuses any edit, and a
correction is a new minutes document (``kind="correction"``) that links to the one it corrects.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.models import TimestampMixin, utcnow
from consult.extensions import db

DRAFT, SUBMITTED, APPROVED, PUBLISHED = "draft", "submitted", "approved", "published"
#: the statuses in the order of the approval path, and their names
STATUS_LABELS = {DRAFT: lazy_pgettext("minutes status", "Draft"),
                 SUBMITTED: lazy_pgettext("minutes status", "Submitted for approval"),
                 APPROVED: lazy_pgettext("minutes status", "Approved"),
                 PUBLISHED: lazy_pgettext("minutes status", "Published")}
STATUSES = tuple(STATUS_LABELS)
ORIGINAL, CORRECTION, TRANSLATION = "original", "correction", "translation"
#: who approves: the council's president, or the council itself by a motion at a later session
APPROVAL_MODES = ("president", "motion")


class Minutes(TimestampMixin, db.Model):
    __tablename__ = "minutes"
    __table_args__ = (
        # one original per source, one translation per language: enforced by the database
        sa.Index("uq_minutes_original_source", "source_type", "source_id", unique=True,
                 sqlite_where=sa.text("kind = 'original'"), postgresql_where=sa.text("kind = 'original'")),
        sa.Index("uq_minutes_translation_language", "translation_of_id", "language", unique=True,
                 sqlite_where=sa.text("kind = 'translation'"),
                 postgresql_where=sa.text("kind = 'translation'")),
        sa.CheckConstraint("status IN ('draft', 'submitted', 'approved', 'published')", name="status"),
        sa.CheckConstraint("kind IN ('original', 'correction', 'translation')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: what the minutes record: ``council_session`` or ``debate``
    source_type: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    source_id: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    #: the council whose officers edit and approve (plain id: councils is another module); None for debates
    council_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    #: ``original``, ``correction`` (of a published document) or ``translation``
    kind: Mapped[str] = mapped_column(sa.String(12), nullable=False, default=ORIGINAL)
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("minutes.id", ondelete="SET NULL"),
                                                    index=True)
    translation_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("minutes.id", ondelete="SET NULL"),
                                                          index=True)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    #: language the text is written in (drives ``lang`` and ``dir`` of every export)
    language: Mapped[str] = mapped_column(sa.String(8), nullable=False, default="en")
    #: when the session or debate took place (UTC)
    held_at: Mapped[datetime | None] = mapped_column(sa.DateTime, index=True)
    #: snapshot of the structured record the draft was made from (JSON export)
    record: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)
    #: the current text (Markdown); equal to the latest revision's body
    body: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False, default=DRAFT, index=True)
    approval_mode: Mapped[str] = mapped_column(sa.String(12), nullable=False, default="president")
    submitted_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    approved_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    #: how it was approved, e.g. "Motion 3 adopted at the session of 12 March" (motion mode)
    approval_reference: Mapped[str | None] = mapped_column(sa.String(300))
    published_at: Mapped[datetime | None] = mapped_column(sa.DateTime, index=True)
    revision_count: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)

    approved_by = relationship("User", foreign_keys=[approved_by_id], lazy="joined")
    corrects: Mapped[Minutes | None] = relationship(remote_side=[id], foreign_keys=[corrects_id])
    translation_of: Mapped[Minutes | None] = relationship(remote_side=[id], foreign_keys=[translation_of_id])
    revisions: Mapped[list[MinutesRevision]] = relationship(
        back_populates="minutes", order_by="MinutesRevision.number", cascade="all, delete-orphan"
    )

    @property
    def status_label(self):
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def is_published(self) -> bool:
        return self.status == PUBLISHED

    def __repr__(self) -> str:
        return f"<Minutes {self.id} {self.kind} {self.status}>"


class MinutesRevision(db.Model):
    """Every save of the text: who, when, what. Never changed after it is written."""

    __tablename__ = "minutes_revision"
    __table_args__ = (sa.UniqueConstraint("minutes_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(sa.ForeignKey("minutes.id", ondelete="CASCADE"), nullable=False)
    #: 1, 2, 3... within the minutes
    number: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    #: None for the draft made from the record by the platform (or an erased account)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, nullable=False)
    #: optional short note on what changed
    note: Mapped[str | None] = mapped_column(sa.String(200))

    minutes: Mapped[Minutes] = relationship(back_populates="revisions")
    author = relationship("User", foreign_keys=[author_id], lazy="joined")


@sa.event.listens_for(sa.orm.Session, "before_flush")
def _published_minutes_are_immutable(session, _flush_context, _instances):
    """The last line of defence: whatever a service does, published minutes do not change."""
    from consult.core.errors import Conflict

    def refused() -> Conflict:  # built (and translated) only when raised: this runs on every flush of the app
        return Conflict(_l("Published minutes cannot be changed. Start a correction instead."))

    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, Minutes):
            history = sa.inspect(obj).attrs.status.history
            was = history.deleted[0] if history.deleted else obj.status
            if was == PUBLISHED and (obj in session.deleted
                                     or session.is_modified(obj, include_collections=False)):
                raise refused()
        if isinstance(obj, MinutesRevision) and (
                obj in session.deleted or session.is_modified(obj, include_collections=False)):
            raise Conflict(_l("Revisions of minutes are never changed or deleted."))
    for obj in session.new:
        if isinstance(obj, MinutesRevision):
            parent = obj.minutes
            if parent is not None and parent not in session.new:
                history = sa.inspect(parent).attrs.status.history
                was = history.deleted[0] if history.deleted else parent.status
                if was == PUBLISHED:
                    raise refused()
