"""Elections, their candidacies (with supporters and human translations), the seats reserved per district and
the seats given from the result.

* An election belongs to a council; its calendar is stored in UTC (typed in local time on the forms).
* Who votes is an eligibility rule (``voter_rule``: verified residents aged 16 or over by default); who may
  stand is another (``candidate_rule``: verified residents aged 18 or over by default). Both know residence
  facts only (verification, age, districts): no column anywhere records nationality or legal status.
* The ballots are those of a poll of ``consult.votes`` owned by the election (``poll_id``): secret by schema.
* ``support_count`` of a candidacy is denormalised like a proposal's: the service that adds a support moves it
  in the same transaction; the unique constraint on ``(candidacy_id, user_id)`` stops a second support.
* ``ElectionSeat`` rows are the seats the election gave: each elected candidate's first membership, and every
  substitute seated later in the place of a member who left (``replaces_id``).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.models import TimestampMixin, parent_key, utcnow
from consult.extensions import db

# -- election status (the steps someone takes; the phase shown is derived from the status and the calendar)
DRAFT, CALLED, VOTING, RESULTS = "draft", "called", "voting", "results"
STATUSES = (DRAFT, CALLED, VOTING, RESULTS)

# -- counting methods (``consult.votes.methods`` registry names)
METHOD_LABELS = {
    "stv": lazy_pgettext("counting method", "Single transferable vote (Scottish STV rules, Droop quota)"),
    "seq_phragmen": lazy_pgettext("counting method", "Sequential Phragmén (approval ballots)"),
    "equal_shares": lazy_pgettext("counting method", "Method of equal shares (approval ballots)"),
}
METHODS = tuple(METHOD_LABELS)

# -- candidacy status
SUBMITTED, ACCEPTED, REFUSED, WITHDRAWN = "submitted", "accepted", "refused", "withdrawn"
CANDIDACY_STATUS_LABELS = {
    SUBMITTED: lazy_pgettext("candidacy status", "Waiting for review"),
    ACCEPTED: lazy_pgettext("candidacy status", "Accepted"),
    REFUSED: lazy_pgettext("candidacy status", "Refused"),
    WITHDRAWN: lazy_pgettext("candidacy status", "Withdrawn"),
}
#: the place a candidacy took in the result
ELECTED, SUBSTITUTE, NOT_ELECTED = "elected", "substitute", "not_elected"
#: a substitute who declined a seat offered to them (passed over from then on)
DECLINED = "declined"
#: how a seat was given
SEAT_ELECTED, SEAT_SUBSTITUTE = "elected", "substitute"


class Election(TimestampMixin, db.Model):
    __tablename__ = "election"
    __table_args__ = (
        sa.CheckConstraint("seats >= 1 AND seats <= 200", name="seats_range"),
        sa.CheckConstraint("term_months >= 1 AND term_months <= 120", name="term_range"),
        sa.CheckConstraint("supporters_needed >= 0", name="supporters_range"),
        sa.CheckConstraint("status in ('draft', 'called', 'voting', 'results')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = parent_key("council.id")
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    #: the call: what is elected and how (Markdown)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    seats: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    #: length of the elected members' term, in months
    term_months: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    #: ``stv``, ``seq_phragmen`` or ``equal_shares``
    method: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="stv")
    status: Mapped[str] = mapped_column(sa.String(10), nullable=False, default=DRAFT)
    #: supporters (eligible voters) a nomination needs before it can be accepted (0: none)
    supporters_needed: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    voter_rule_id: Mapped[int | None] = mapped_column(sa.ForeignKey("eligibility_rule.id",
                                                                    ondelete="RESTRICT"))
    candidate_rule_id: Mapped[int | None] = mapped_column(sa.ForeignKey("eligibility_rule.id",
                                                                        ondelete="RESTRICT"))
    #: the published seed of the lots that break ties (drawn when the call is published)
    tie_seed: Mapped[str | None] = mapped_column(sa.String(64))
    # -- the calendar (naive UTC)
    called_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    nominations_open_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False)
    nominations_close_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False)
    campaign_starts_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    voting_opens_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False)
    voting_closes_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False)
    #: when the results are planned; ``published_at`` is when they were
    results_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    published_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    #: appeals may be lodged until then; the elected members' terms start after it
    appeal_ends_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False)
    #: the poll of ``consult.votes`` whose ballots elect (made when voting opens)
    poll_id: Mapped[int | None] = mapped_column(sa.ForeignKey("vote_poll.id", ondelete="SET NULL"))
    #: what the count said, once the reserved seats are applied: ``{"elected": [candidacy ids in order],
    #: "substitutes": [...], "replacements": [...], "order": [...]}``
    outcome: Mapped[dict | None] = mapped_column(sa.JSON)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    council = relationship("Council", lazy="joined")
    voter_rule = relationship("EligibilityRule", foreign_keys=[voter_rule_id])
    candidate_rule = relationship("EligibilityRule", foreign_keys=[candidate_rule_id])
    reserved: Mapped[list[ReservedSeats]] = relationship(
        back_populates="election", cascade="all, delete-orphan", lazy="selectin",
        order_by="ReservedSeats.district_id")
    candidacies: Mapped[list[Candidacy]] = relationship(
        back_populates="election", cascade="all, delete-orphan", order_by="Candidacy.id")

    @property
    def url(self) -> str:
        return f"/elections/{self.id}"

    @property
    def method_label(self):
        return METHOD_LABELS.get(self.method, self.method)

    @property
    def is_draft(self) -> bool:
        return self.status == DRAFT

    @property
    def reserved_total(self) -> int:
        return sum(r.seats for r in self.reserved)

    def nominations_open(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.status == CALLED and self.nominations_open_at <= now < self.nominations_close_at

    def __repr__(self) -> str:
        return f"<Election {self.id} {self.status}>"


class ReservedSeats(db.Model):
    """``seats`` of the election's seats go to residents of ``district`` (``services.apply_reservations``)."""

    __tablename__ = "election_reserved_seats"
    __table_args__ = (sa.CheckConstraint("seats >= 1", name="seats_positive"),)

    election_id: Mapped[int] = mapped_column(sa.ForeignKey("election.id", ondelete="CASCADE"),
                                             primary_key=True)
    district_id: Mapped[int] = mapped_column(sa.ForeignKey("district.id", ondelete="CASCADE"),
                                             primary_key=True)
    seats: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)

    election: Mapped[Election] = relationship(back_populates="reserved")
    district = relationship("District", lazy="joined")


class Candidacy(TimestampMixin, db.Model):
    """A resident stands in an election: a statement in their language, an optional photo, supporters."""

    __tablename__ = "election_candidacy"
    __table_args__ = (
        sa.UniqueConstraint("election_id", "user_id", name="uq_election_candidacy_person"),
        sa.CheckConstraint("status in ('submitted', 'accepted', 'refused', 'withdrawn')",
                           name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = parent_key("election.id")
    user_id: Mapped[int] = parent_key("user.id")
    #: the name on the ballot, as the candidate gives it
    name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    #: Markdown, in ``language``
    statement: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    language: Mapped[str] = mapped_column(sa.String(8), nullable=False)
    #: the candidate's district when they stood (from their residence record; reserved seats count it)
    district_id: Mapped[int | None] = mapped_column(sa.ForeignKey("district.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(sa.String(10), nullable=False, default=SUBMITTED)
    support_count: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    #: the organisers' reason when they refuse (or a note when they accept)
    review_reason: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    # -- optional photo (``consult.core.uploads``, area ``elections``)
    photo_name: Mapped[str | None] = mapped_column(sa.String(60))
    photo_type: Mapped[str | None] = mapped_column(sa.String(40))
    photo_alt: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    # -- the result: place in the final order (1 = first elected) and elected / substitute / not elected
    rank: Mapped[int | None] = mapped_column(sa.Integer)
    result: Mapped[str | None] = mapped_column(sa.String(12))

    election: Mapped[Election] = relationship(back_populates="candidacies")
    user = relationship("User", foreign_keys=[user_id], lazy="joined")
    district = relationship("District", lazy="joined")
    translations: Mapped[list[CandidacyTranslation]] = relationship(
        back_populates="candidacy", cascade="all, delete-orphan", lazy="selectin",
        order_by="CandidacyTranslation.language")

    @property
    def url(self) -> str:
        return f"/candidacies/{self.id}"

    @property
    def title(self) -> str:
        """How notifications name it: the candidate and the election."""
        return f"{self.name} — {self.election.title}"

    @property
    def status_label(self):
        return CANDIDACY_STATUS_LABELS.get(self.status, self.status)

    @property
    def is_active(self) -> bool:
        return self.status in (SUBMITTED, ACCEPTED)

    def __repr__(self) -> str:
        return f"<Candidacy {self.id} {self.status}>"


class CandidacyTranslation(TimestampMixin, db.Model):
    """A statement translated by a person (a translator or the candidate), never by a machine."""

    __tablename__ = "election_candidacy_translation"
    __table_args__ = (sa.UniqueConstraint("candidacy_id", "language", name="uq_candidacy_translation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidacy_id: Mapped[int] = parent_key("election_candidacy.id")
    language: Mapped[str] = mapped_column(sa.String(8), nullable=False)
    statement: Mapped[str] = mapped_column(sa.Text, nullable=False)
    translator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    candidacy: Mapped[Candidacy] = relationship(back_populates="translations")
    translator = relationship("User", lazy="joined")


class CandidacySupport(db.Model):
    """One eligible voter supports one nomination; the unique constraint stops a second support."""

    __tablename__ = "election_candidacy_support"
    __table_args__ = (sa.UniqueConstraint("candidacy_id", "user_id", name="uq_candidacy_support"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidacy_id: Mapped[int] = parent_key("election_candidacy.id")
    user_id: Mapped[int] = parent_key("user.id")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)


class ElectionSeat(db.Model):
    """A seat the election gave: an elected candidate's membership, or a substitute's in the place of a member
    who left (``replaces``)."""

    __tablename__ = "election_seat"

    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = parent_key("election.id")
    candidacy_id: Mapped[int] = mapped_column(sa.ForeignKey("election_candidacy.id", ondelete="CASCADE"),
                                              nullable=False, unique=True)
    membership_id: Mapped[int | None] = mapped_column(sa.ForeignKey("council_membership.id",
                                                                    ondelete="SET NULL"))
    #: ``elected`` or ``substitute``
    kind: Mapped[str] = mapped_column(sa.String(12), nullable=False)
    replaces_id: Mapped[int | None] = mapped_column(sa.ForeignKey("election_seat.id", ondelete="SET NULL"))
    seated_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    seated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    candidacy: Mapped[Candidacy] = relationship(lazy="joined")
    membership = relationship("Membership", lazy="joined")
    replaces: Mapped[ElectionSeat | None] = relationship(remote_side=[id])


#: an appeal's status
LODGED, UPHELD, DISMISSED = "lodged", "upheld", "dismissed"
APPEAL_STATUS_LABELS = {
    LODGED: lazy_pgettext("appeal status", "Waiting for a decision"),
    UPHELD: lazy_pgettext("appeal status", "Upheld"),
    DISMISSED: lazy_pgettext("appeal status", "Dismissed"),
}


class ElectionAppeal(db.Model):
    """An appeal against the results, lodged before the appeal window ends, decided by the organisers with a
    public reason. Its text and decision are public; who lodged it is seen by the organisers only."""

    __tablename__ = "election_appeal"
    __table_args__ = (sa.CheckConstraint("status in ('lodged', 'upheld', 'dismissed')", name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = parent_key("election.id")
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(sa.Text, nullable=False)
    lodged_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    status: Mapped[str] = mapped_column(sa.String(10), nullable=False, default=LODGED)
    decision: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(sa.DateTime)

    election: Mapped[Election] = relationship()
    author = relationship("User", foreign_keys=[author_id])

    @property
    def status_label(self):
        return APPEAL_STATUS_LABELS.get(self.status, self.status)
