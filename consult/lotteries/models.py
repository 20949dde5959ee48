"""Civic lotteries: a panel drawn by lot, with quotas, from a pool of volunteers.

A :class:`Lottery` seats a panel for its owner (a debate's public panel, a citizens' assembly attached to a
process, or a council's co-opted places; plain ids, as other modules' objects are kept here). Organisers set
categories (district and age band come from the residence record; others are questions each volunteer may
leave unanswered) with quotas per value. Residents join the pool (:class:`Volunteer`: a random row id and the
value of each category, nothing else). When the pool closes its anonymised input is frozen and published with
its digest; the draw's seed comes from a public value revealed later (``consult/lotteries/draw.py`` says how).

What is kept, and for how long:

* while the pool is open: who joined (account) and the value of each category (never a birth year, an
  address, a nationality or a legal status);
* once the panel is seated (``final``): the rows of volunteers who were not drawn, and of those who declined,
  are deleted (their anonymised rows stay in the published ``draw_input``, which holds no account); the
  panelists keep their account link (their public name is listed on the panel) and lose their answers.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.models import ListRowMixin, TimestampMixin, parent_key, utcnow
from consult.extensions import db

OPEN, CLOSED, DRAWN, FINAL = "open", "closed", "drawn", "final"
STATUS_LABELS = {
    OPEN: lazy_pgettext("lottery status", "Pool open"),
    CLOSED: lazy_pgettext("lottery status", "Pool closed, waiting for the draw"),
    DRAWN: lazy_pgettext("lottery status", "Drawn, invitations sent"),
    FINAL: lazy_pgettext("lottery status", "Panel seated"),
}
OWNER_LABELS = {
    "debate": _l("the public panel of a debate"),
    "process": _l("a citizens' assembly of a process"),
    "council": _l("the co-opted places of a council"),
}
OWNER_TYPES = tuple(OWNER_LABELS)
DISTRICT, AGE_BAND, CUSTOM = "district", "age_band", "custom"
ACCEPTED, DECLINED = "accepted", "declined"
NOT_GIVEN = "not_given"


class Lottery(TimestampMixin, db.Model):
    __tablename__ = "lottery"
    __table_args__ = (
        sa.CheckConstraint("status IN ('open', 'closed', 'drawn', 'final')", name="status"),
        sa.CheckConstraint("owner_type IN ('debate', 'process', 'council')", name="owner_type"),
        sa.CheckConstraint("seats >= 1", name="seats_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: what the panel is seated on (plain id: another module's object)
    owner_type: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    owner_id: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    seats: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    #: who may join the pool (residence facts only); None: any verified resident
    eligibility_rule_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("eligibility_rule.id", ondelete="SET NULL")
    )
    #: the calendar (naive UTC; typed in local time)
    pool_opens_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False)
    pool_closes_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False)
    draw_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False)
    #: the public random value named in advance (e.g. "the winning numbers of the national lottery drawn on
    #: 12 December 2026, in the order drawn, separated by spaces")
    random_source: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")
    #: optional: SHA-256 (hex) of a value the organiser reveals at the draw
    commitment: Mapped[str | None] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(10), nullable=False, default=OPEN, index=True)
    #: frozen when the pool closes: seats, categories with quotas, anonymised pool (what the digest covers)
    draw_input: Mapped[dict | None] = mapped_column(sa.JSON)
    pool_digest: Mapped[str | None] = mapped_column(sa.String(64))
    revealed_value: Mapped[str | None] = mapped_column(sa.String(500))
    seed: Mapped[str | None] = mapped_column(sa.String(64))
    algorithm: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="maximin")
    #: the published draws: [{"number", "seats", "seed", "excluded", "kept", "selected"}]
    draws: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    #: selection probabilities of the first draw's lottery, in aggregate only (never per person)
    probability_min: Mapped[float | None] = mapped_column(sa.Float)
    probability_max: Mapped[float | None] = mapped_column(sa.Float)
    probability_mean: Mapped[float | None] = mapped_column(sa.Float)
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    drawn_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    seated_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    categories: Mapped[list[LotteryCategory]] = relationship(
        back_populates="lottery",
        cascade="all, delete-orphan",
        order_by="LotteryCategory.position",
        lazy="selectin",
    )

    @property
    def status_label(self):
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def owner_label(self):
        return OWNER_LABELS.get(self.owner_type, self.owner_type)

    def pool_is_open(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.status == OPEN and self.pool_opens_at <= now < self.pool_closes_at

    @property
    def url(self) -> str:
        return f"/lotteries/{self.id}"

    def __repr__(self) -> str:
        return f"<Lottery {self.id} {self.title!r}>"


class LotteryCategory(ListRowMixin, db.Model):
    """A category the quotas are set on: district, age band, or a question the organisers add."""

    __tablename__ = "lottery_category"
    __table_args__ = (
        sa.UniqueConstraint("lottery_id", "key"),
        sa.CheckConstraint("kind IN ('district', 'age_band', 'custom')", name="kind"),
    )

    lottery_id: Mapped[int] = parent_key("lottery.id")
    #: the category's name in the open data ("district", "age_band", "q3")
    key: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    #: why it is asked (shown next to the question)
    reason: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")

    lottery: Mapped[Lottery] = relationship(back_populates="categories")
    values: Mapped[list[LotteryValue]] = relationship(
        back_populates="category",
        cascade="all, delete-orphan",
        order_by="LotteryValue.position",
        lazy="selectin",
    )


class LotteryValue(ListRowMixin, db.Model):
    """A value of a category and its quota: at least ``min_seats``, at most ``max_seats`` panelists."""

    __tablename__ = "lottery_value"
    __table_args__ = (
        sa.UniqueConstraint("category_id", "key"),
        sa.CheckConstraint("min_seats >= 0 AND max_seats >= min_seats", name="quota_range"),
    )

    category_id: Mapped[int] = parent_key("lottery_category.id")
    key: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    label: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    min_seats: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    max_seats: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    #: age band: ages from/to (inclusive; None: open)
    age_from: Mapped[int | None] = mapped_column(sa.Integer)
    age_to: Mapped[int | None] = mapped_column(sa.Integer)
    #: district: the district it stands for
    district_id: Mapped[int | None] = mapped_column(sa.Integer)

    category: Mapped[LotteryCategory] = relationship(back_populates="values")


class Volunteer(db.Model):
    """A resident in the pool: a random public row id and the value of each category, nothing more."""

    __tablename__ = "lottery_volunteer"
    __table_args__ = (
        sa.UniqueConstraint("lottery_id", "user_id"),
        sa.UniqueConstraint("lottery_id", "row_id"),
        sa.CheckConstraint("reply IS NULL OR reply IN ('accepted', 'declined')", name="reply"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lottery_id: Mapped[int] = parent_key("lottery.id")
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    #: the row's id in the published pool (random, says nothing of the person)
    row_id: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    #: {category key: value key}
    answers: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)
    joined_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    #: the draw that selected them (0: the first; n: replacement n), None: not drawn
    draw_number: Mapped[int | None] = mapped_column(sa.Integer)
    invited_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    reply: Mapped[str | None] = mapped_column(sa.String(10))
    replied_at: Mapped[datetime | None] = mapped_column(sa.DateTime)

    user = relationship("User", foreign_keys=[user_id], lazy="joined")
