"""Residence, proven without surveillance.

A person is either unverified or a *verified resident* (with the method and date). Nothing about nationality,
citizenship or legal status is stored, and no eligibility rule can be written on them: a rule only knows the
verification level, an age limit (from the birth year, when recorded) and districts.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from consult.accounts.models import User
from consult.core.models import TimestampMixin, utcnow
from consult.extensions import db

LEVEL_SIGNED_IN = "signed_in"
LEVEL_VERIFIED = "verified"
LEVELS = (LEVEL_SIGNED_IN, LEVEL_VERIFIED)

METHOD_REGISTER = "register"
METHOD_CARD_CODE = "card_code"
METHOD_IN_PERSON = "in_person"
METHODS = (METHOD_REGISTER, METHOD_CARD_CODE, METHOD_IN_PERSON)


class District(db.Model):
    """A district of the city (eligibility rules and processes may be limited to some)."""

    __tablename__ = "district"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: short code used in the register CSV (e.g. ``centro``)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(sa.String(120), nullable=False)


class ResidentStatus(TimestampMixin, db.Model):
    """The verification of one account. No row (or a revoked or expired one) means unverified."""

    __tablename__ = "resident_status"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    #: how residence was shown: ``register``, ``card_code`` or ``in_person``
    method: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    verified_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    #: after this the person renews (null: no expiry)
    expires_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    #: the registrar who confirmed it (in person, codes issued by them); null for self-service
    verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    #: kept only when the register or the registrar recorded it, for age rules
    birth_year: Mapped[int | None] = mapped_column(sa.Integer)
    district_id: Mapped[int | None] = mapped_column(sa.ForeignKey("district.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(
        foreign_keys=[user_id],
        backref=backref("resident_status", uselist=False, lazy="joined", cascade="all, delete-orphan"),
    )
    district: Mapped[District | None] = relationship(lazy="joined")

    def is_current(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class EligibilityRule(TimestampMixin, db.Model):
    """Who may take part in a process, poll or council action: data, edited by admins.

    Columns are limited on purpose to residence facts: verification level, minimum age, districts.
    """

    __tablename__ = "eligibility_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    #: ``signed_in`` (any account) or ``verified`` (verified resident)
    min_level: Mapped[str] = mapped_column(sa.String(20), nullable=False, default=LEVEL_VERIFIED)
    #: minimum age in years reached this calendar year (null: no age limit)
    min_age: Mapped[int | None] = mapped_column(sa.Integer)
    #: district ids; empty means the whole city
    district_ids: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)

    __table_args__ = (
        sa.CheckConstraint("min_level in ('signed_in', 'verified')", name="min_level_known"),
        sa.CheckConstraint("min_age is null or (min_age >= 0 and min_age <= 120)", name="min_age_range"),
    )
