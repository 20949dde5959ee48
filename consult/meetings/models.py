"""Council sessions: agenda items (one level of nesting), attendance, speakers, attachments and motions.

A session moves draft → convened → in progress → closed; a closed session is locked. A motion's verdict is
computed by the server (``consult.meetings.rules``) from the tally, the majority rule and the quorum at the
moment of the vote, and stored with them. Named votes are stored per member (``MotionVote``); secret votes
go through the votes engine, whose ballots carry no voter (``consult.meetings.secret_votes``).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship, with_expression

from consult.core.models import ListRowMixin, TimestampMixin, parent_key, utcnow
from consult.extensions import db

DRAFT, CONVENED, IN_PROGRESS, CLOSED = "draft", "convened", "in_progress", "closed"
SESSION_STATUSES = (DRAFT, CONVENED, IN_PROGRESS, CLOSED)
SESSION_STATUS_LABELS = {
    DRAFT: lazy_pgettext("session status", "Draft"), CONVENED: lazy_pgettext("session status", "Convened"),
    IN_PROGRESS: lazy_pgettext("session status", "In progress"),
    CLOSED: lazy_pgettext("session status", "Closed"),
}

ITEM_KINDS = ("information", "deliberation", "decision")
ITEM_KIND_LABELS = {"information": _l("Information"), "deliberation": _l("Deliberation"),
                    "decision": _l("Decision")}

PRESENT, EXCUSED, ABSENT = "present", "excused", "absent"
ATTENDANCE = (PRESENT, EXCUSED, ABSENT)
ATTENDANCE_LABELS = {PRESENT: _l("Present"), EXCUSED: _l("Excused"), ABSENT: _l("Absent")}

RULES = ("simple", "absolute", "two_thirds", "unanimity")
RULE_LABELS = {
    "simple": _l("Simple majority of votes cast"),
    "absolute": _l("Absolute majority of members"),
    "two_thirds": _l("Two-thirds of votes cast"),
    "unanimity": _l("Unanimity"),
}
MODES = ("named", "secret", "hands")
MODE_LABELS = {"named": _l("Named vote"), "secret": _l("Secret ballot"), "hands": _l("Show of hands")}
CHOICES = ("yes", "no", "abstain")
CHOICE_LABELS = {"yes": _l("Yes"), "no": _l("No"), "abstain": _l("Abstain")}
MOTION_DRAFT, MOTION_OPEN, MOTION_DECIDED = "draft", "open", "decided"
VERDICTS = ("adopted", "rejected", "no_quorum")
VERDICT_LABELS = {"adopted": lazy_pgettext("motion verdict", "Adopted"),
                  "rejected": lazy_pgettext("motion verdict", "Rejected"),
                  "no_quorum": _l("Not valid: quorum not reached")}


class CouncilSession(TimestampMixin, db.Model):
    __tablename__ = "council_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = parent_key("council.id")
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    #: planned start (naive UTC)
    starts_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, index=True)
    #: planned length in minutes (for the calendar)
    planned_minutes: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=120)
    place: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    online_link: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")
    #: one of SESSION_STATUSES
    status: Mapped[str] = mapped_column(sa.String(20), nullable=False, default=DRAFT, index=True)
    #: when the convocation and agenda were published
    convened_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    #: actual start and end of the sitting
    started_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(sa.DateTime)

    council = relationship("Council", lazy="joined")
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="AgendaItem.position"
    )
    attendance: Mapped[list[Attendance]] = relationship(back_populates="session",
                                                        cascade="all, delete-orphan")
    #: roll-call counts, filled only by a query that asks for them (``attendance_counts_expressions``), so a
    #: list of sessions needs no attendance rows; None otherwise
    present_total: Mapped[int | None] = query_expression()
    excused_total: Mapped[int | None] = query_expression()
    absent_total: Mapped[int | None] = query_expression()

    @property
    def is_closed(self) -> bool:
        return self.status == CLOSED

    @property
    def status_label(self) -> str:
        return str(SESSION_STATUS_LABELS[self.status])

    @property
    def top_items(self) -> list[AgendaItem]:
        return [i for i in self.items if i.parent_id is None]


class SessionVersion(db.Model):
    """The version of what a session's page shows live (roll call, quorum, agenda, motions and votes): a new
    random number at every change of one of the rows it shows, set by database triggers
    (``consult.meetings.versions``). The page compares it with the version of the rows and HTML it keeps,
    instead of reading them."""

    __tablename__ = "session_version"

    session_id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)


class AgendaItem(db.Model):
    __tablename__ = "agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = parent_key("council_session.id")
    #: the item this one is a sub-item of (one level only)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agenda_item.id", ondelete="CASCADE"))
    #: order among its siblings
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    #: Markdown
    description: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    duration_minutes: Mapped[int | None] = mapped_column(sa.Integer)
    presenter: Mapped[str] = mapped_column(sa.String(120), nullable=False, default="")
    #: one of ITEM_KINDS
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="information")
    #: the secretary's notes taken during the session
    notes: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    started_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(sa.DateTime)

    session: Mapped[CouncilSession] = relationship(back_populates="items")
    children: Mapped[list[AgendaItem]] = relationship(order_by="AgendaItem.position", viewonly=True)
    proposal_links: Mapped[list[AgendaItemProposal]] = relationship(cascade="all, delete-orphan",
                                                                     order_by="AgendaItemProposal.proposal_id")
    attachments: Mapped[list[Attachment]] = relationship(cascade="all, delete-orphan",
                                                         order_by="Attachment.id")
    speakers: Mapped[list[Speaker]] = relationship(cascade="all, delete-orphan", order_by="Speaker.position")
    motions: Mapped[list[Motion]] = relationship(back_populates="item", cascade="all, delete-orphan",
                                                 order_by="Motion.id")

    @property
    def kind_label(self) -> str:
        return str(ITEM_KIND_LABELS.get(self.kind, self.kind))


class AgendaItemProposal(db.Model):
    """A proposal put on the agenda (a plain id: proposals live in another module)."""

    __tablename__ = "agenda_item_proposal"

    item_id: Mapped[int] = mapped_column(sa.ForeignKey("agenda_item.id", ondelete="CASCADE"),
                                         primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, index=True)


class Attachment(db.Model):
    """A document attached to an item, stored under a server-made name in ``instance/uploads/meetings``."""

    __tablename__ = "agenda_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = parent_key("agenda_item.id")
    #: the name shown and offered for download (cleaned)
    filename: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    #: the random name on disk
    stored_name: Mapped[str] = mapped_column(sa.String(80), nullable=False, unique=True)
    #: the type found from the file's first bytes (never the browser's claim)
    content_type: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    size: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, nullable=False)


class Attendance(db.Model):
    """Roll call: one row per membership and session."""

    __tablename__ = "council_attendance"
    __table_args__ = (sa.UniqueConstraint("session_id", "membership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = parent_key("council_session.id")
    membership_id: Mapped[int] = parent_key("council_membership.id")
    #: one of ATTENDANCE
    status: Mapped[str] = mapped_column(sa.String(10), nullable=False, default=ABSENT)
    #: late arrival (None: there from the start)
    arrived_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    #: early departure
    left_at: Mapped[datetime | None] = mapped_column(sa.DateTime)

    session: Mapped[CouncilSession] = relationship(back_populates="attendance")
    membership = relationship("Membership", lazy="joined")

    @property
    def is_in_room(self) -> bool:
        return self.status == PRESENT and self.left_at is None


class Speaker(ListRowMixin, db.Model):
    """A person who spoke on an item, in order (a member or a guest named by the secretary)."""

    __tablename__ = "agenda_speaker"

    item_id: Mapped[int] = parent_key("agenda_item.id")
    name: Mapped[str] = mapped_column(sa.String(120), nullable=False)


class Motion(TimestampMixin, db.Model):
    __tablename__ = "council_motion"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = parent_key("agenda_item.id")
    text: Mapped[str] = mapped_column(sa.Text, nullable=False)
    #: one of RULES
    rule: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="simple")
    #: one of MODES, declared before voting opens
    mode: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="named")
    #: draft → open → decided
    status: Mapped[str] = mapped_column(sa.String(10), nullable=False, default=MOTION_DRAFT)
    #: the votes-engine poll of a secret motion (indexed: a vote in a poll finds its session's version,
    #: ``consult.meetings.versions``)
    poll_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    opened_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    decided_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    #: the tally, recorded at the decision
    yes: Mapped[int | None] = mapped_column(sa.Integer)
    no: Mapped[int | None] = mapped_column(sa.Integer)
    abstain: Mapped[int | None] = mapped_column(sa.Integer)
    #: the quorum facts at the moment of the vote
    members_count: Mapped[int | None] = mapped_column(sa.Integer)
    present_count: Mapped[int | None] = mapped_column(sa.Integer)
    quorum_required: Mapped[int | None] = mapped_column(sa.Integer)
    #: one of VERDICTS
    verdict: Mapped[str | None] = mapped_column(sa.String(12))
    #: the submitted minutes (approval by motion) that this motion approves once adopted
    approves_minutes_id: Mapped[int | None] = mapped_column(sa.ForeignKey("minutes.id", ondelete="SET NULL"),
                                                            index=True)

    item: Mapped[AgendaItem] = relationship(back_populates="motions")
    named_votes: Mapped[list[MotionVote]] = relationship(cascade="all, delete-orphan",
                                                         order_by="MotionVote.id")

    @property
    def rule_label(self) -> str:
        return str(RULE_LABELS[self.rule])

    @property
    def mode_label(self) -> str:
        return str(MODE_LABELS[self.mode])

    @property
    def verdict_label(self) -> str:
        return str(VERDICT_LABELS.get(self.verdict, "")) if self.verdict else ""


class MotionVote(db.Model):
    """A named vote: who voted what, public by the council's rules. Never used for secret motions."""

    __tablename__ = "council_motion_vote"
    __table_args__ = (sa.UniqueConstraint("motion_id", "membership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = parent_key("council_motion.id")
    membership_id: Mapped[int] = mapped_column(sa.ForeignKey("council_membership.id", ondelete="CASCADE"),
                                               nullable=False)
    #: one of CHOICES
    choice: Mapped[str] = mapped_column(sa.String(8), nullable=False)

    membership = relationship("Membership", lazy="joined")


def attendance_counts_expressions():
    """Loader options filling ``present_total``, ``excused_total`` and ``absent_total`` of each session loaded
    (one correlated count each, in the same query)."""

    def count(status):
        return (sa.select(sa.func.count()).select_from(Attendance)
                .where(Attendance.session_id == CouncilSession.id, Attendance.status == status)
                .correlate(CouncilSession).scalar_subquery())

    return (with_expression(CouncilSession.present_total, count(PRESENT)),
            with_expression(CouncilSession.excused_total, count(EXCUSED)),
            with_expression(CouncilSession.absent_total, count(ABSENT)))
