"""A live citizen debate in the moderator / expert / public format, and everything that happens in it.

A :class:`Debate` has people on stage (:class:`Panelist`), an agenda of :class:`Segment` with planned
durations, a speakers queue (:class:`SpeakerRequest`), public :class:`Question` with :class:`QuestionLike`
(one per account or per anonymous browser key, kept unique by the database), optional :class:`Registration`
with a waiting list, and :class:`DebatePoll` links to live polls of the votes engine.

A participant is named by a *participant key*: ``u:<user id>`` when signed in, ``a:<random browser key>`` when
anonymous (the key lives in the session only). No column holds anything about nationality or legal status.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.models import ListRowMixin, TimestampMixin, parent_key, utcnow
from consult.extensions import db
from consult.votes import methods

STATUSES = ("scheduled", "live", "paused", "ended")
FORMATS = ("moderator_experts_public",)
PANEL_ROLES = ("moderator", "expert")
QUESTION_STATUSES = ("new", "shortlisted", "live", "answered", "hidden")
REQUEST_KINDS = ("speech", "point_of_order")
REQUEST_STATUSES = ("waiting", "speaking", "done", "withdrawn")
#: what a name column holds once the account behind it was deleted (no pseudonym can be empty)
FORMER = ""


def _former_participant() -> str:
    from flask_babel import gettext

    return gettext("Former participant")


def shown_name(stored: str, *, blank_is_none: bool = False) -> hybrid_property:
    """A name read through the column attribute ``stored``: "Former participant" (translated) once the account
    behind it was deleted (:data:`FORMER`); in queries, the stored column. ``blank_is_none``: setting an empty
    name stores None (anonymous)."""

    def shown(self):
        value = getattr(self, stored)
        return _former_participant() if value == FORMER else value

    def store(self, value) -> None:
        setattr(self, stored, (value or None) if blank_is_none else value)

    def column(cls):
        return getattr(cls, stored)

    return hybrid_property(shown, store, expr=column)


class Debate(TimestampMixin, db.Model):
    __tablename__ = "debate"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    #: Markdown, rendered with the ``markdown`` filter
    description: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: planned start and end (naive UTC)
    starts_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, index=True)
    ends_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    #: where people meet (None for online-only debates)
    place: Mapped[str | None] = mapped_column(sa.String(200))
    #: link to a live stream or video call
    stream_url: Mapped[str | None] = mapped_column(sa.String(500))
    format: Mapped[str] = mapped_column(sa.String(40), nullable=False, default="moderator_experts_public")
    #: languages spoken on stage, comma separated codes or names ("it, fr, ar")
    languages: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    #: whether interpretation is offered in the room
    interpretation: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    #: people may ask, like and ask to speak without an account (a random browser key identifies them)
    allow_anonymous: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)
    registration_required: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    #: places in the room; registrations beyond it join the waiting list (None: no limit)
    capacity: Mapped[int | None] = mapped_column(sa.Integer)
    #: short code shown on the projector, typed on phones (unique, upper case)
    join_code: Mapped[str] = mapped_column(sa.String(12), nullable=False, unique=True)
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False, default="scheduled")
    started_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    #: default limit of one speech, in seconds
    speech_limit_seconds: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=120)
    #: people who have not spoken yet go before those who have
    first_time_priority: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)
    current_segment_id: Mapped[int | None] = mapped_column(sa.Integer)
    #: the question shown on the projector
    live_question_id: Mapped[int | None] = mapped_column(sa.Integer)
    #: the poll whose results the projector shows (votes engine poll id)
    projected_poll_id: Mapped[int | None] = mapped_column(sa.Integer)
    #: grows with every change; it is the id of server-sent events (Last-Event-ID)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    panelists: Mapped[list[Panelist]] = relationship(
        back_populates="debate", cascade="all, delete-orphan", order_by="Panelist.position")
    segments: Mapped[list[Segment]] = relationship(
        back_populates="debate", cascade="all, delete-orphan", order_by="Segment.position")

    @property
    def is_live(self) -> bool:
        return self.status in ("live", "paused")

    @property
    def is_ended(self) -> bool:
        return self.status == "ended"

    @property
    def language_list(self) -> list[str]:
        return [x.strip() for x in self.languages.split(",") if x.strip()]

    def __repr__(self) -> str:
        return f"<Debate {self.id} {self.title!r}>"


class Panelist(ListRowMixin, db.Model):
    """A person on stage: the moderator or an expert, with a short bio."""

    __tablename__ = "debate_panelist"

    debate_id: Mapped[int] = parent_key("debate.id")
    name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    #: ``moderator`` or ``expert``
    role: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    bio: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")
    #: optional link to an account (a moderator who runs the console)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    debate: Mapped[Debate] = relationship(back_populates="panelists")


class Segment(ListRowMixin, db.Model):
    """One part of the agenda, with its planned duration and the time it really took."""

    __tablename__ = "debate_segment"

    debate_id: Mapped[int] = parent_key("debate.id")
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    planned_minutes: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=10)
    started_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    #: seconds counted before the last pause
    elapsed_before: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    #: when the clock last started running (None while paused or not current)
    running_since: Mapped[datetime | None] = mapped_column(sa.DateTime)

    debate: Mapped[Debate] = relationship(back_populates="segments")

    def elapsed_seconds(self, now: datetime | None = None) -> int:
        running = 0
        if self.running_since is not None:
            running = max(0, int(((now or utcnow()) - self.running_since).total_seconds()))
        return self.elapsed_before + running


class Registration(db.Model):
    """A place in the room, or a place on the waiting list."""

    __tablename__ = "debate_registration"
    __table_args__ = (sa.UniqueConstraint("debate_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    debate_id: Mapped[int] = parent_key("debate.id")
    user_id: Mapped[int] = parent_key("user.id")
    #: ``registered`` or ``waiting``
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, nullable=False)


class SpeakerRequest(db.Model):
    """An entry of the speakers queue: a speech or a point of order, and, once given, how long it lasted."""

    __tablename__ = "debate_speaker_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    debate_id: Mapped[int] = parent_key("debate.id")
    #: the name shown in the queue (the pseudonym, or what the moderator typed); :data:`FORMER` once the
    #: account that asked was deleted (read it through :attr:`name`)
    stored_name: Mapped[str] = mapped_column("name", sa.String(120), nullable=False)
    #: ``u:<id>`` / ``a:<key>`` for people who asked from their phone; ``n:<name>`` for people added in the
    #: room
    participant_key: Mapped[str] = mapped_column(sa.String(80), nullable=False, index=True)
    #: ``moderator``, ``expert`` or ``public``
    role: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="public")
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="speech")
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False, default="waiting")
    #: order chosen by the moderator (smaller first)
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    #: what a point of order is about
    note: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    limit_seconds: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=120)
    requested_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, nullable=False)
    started_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    seconds: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    segment_id: Mapped[int | None] = mapped_column(sa.Integer)

    #: the name shown
    name = shown_name("stored_name")


class Question(db.Model):
    """A question from the public, in any language. ``likes`` is kept equal to the QuestionLike rows."""

    __tablename__ = "debate_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    debate_id: Mapped[int] = parent_key("debate.id")
    text: Mapped[str] = mapped_column(sa.String(1000), nullable=False)
    #: language the person wrote in (None: not said)
    language: Mapped[str | None] = mapped_column(sa.String(12))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    #: the pseudonym shown, None for anonymous questions, :data:`FORMER` once the author's account was deleted
    #: (read it through :attr:`author_name`)
    stored_author_name: Mapped[str | None] = mapped_column("author_name", sa.String(120))
    participant_key: Mapped[str] = mapped_column(sa.String(80), nullable=False, index=True)
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False, default="new")
    hidden_reason: Mapped[str | None] = mapped_column(sa.String(300))
    likes: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, nullable=False, index=True)
    answered_at: Mapped[datetime | None] = mapped_column(sa.DateTime)

    #: the name shown: the pseudonym, or None (anonymous)
    author_name = shown_name("stored_author_name", blank_is_none=True)


class QuestionLike(db.Model):
    """One like of one participant for one question; the unique constraint stops a second one."""

    __tablename__ = "debate_question_like"
    __table_args__ = (sa.UniqueConstraint("question_id", "participant_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = parent_key("debate_question.id")
    participant_key: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, nullable=False)


class DebatePoll(db.Model):
    """A live poll of the votes engine asked during this debate."""

    __tablename__ = "debate_poll"
    __table_args__ = (sa.UniqueConstraint("poll_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    debate_id: Mapped[int] = parent_key("debate.id")
    #: id of the votes engine's poll
    poll_id: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    question: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    method: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    #: ``draft``, ``open`` or ``closed`` (mirrors the engine, for pages that must not call it per row)
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False, default="draft")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, nullable=False)

    @property
    def voting_method(self) -> methods.BaseMethod:
        """The votes engine's method of this poll: its live ballot's partial and its live results' figure."""
        return methods.get(self.method)
