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
from consult.core.models import HashedCodeMixin, TimestampMixin, parent_key, utcnow
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
    #: its shape: a GeoJSON Polygon or MultiPolygon in longitude/latitude, checked by ``consult.geo.geometry``
    #: (null: not drawn on maps)
    geometry: Mapped[dict | None] = mapped_column(sa.JSON)


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
    #: kept only for age rules: recorded by the register or a registrar, or stated by the person (below)
    birth_year: Mapped[int | None] = mapped_column(sa.Integer)
    #: the birth year was stated by the person on their honour, not recorded by the register or a registrar:
    #: it counts only where the rule accepts that, and never for votes (see ``policies.check_rule``)
    birth_year_declared: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False,
                                                      server_default=sa.false())
    district_id: Mapped[int | None] = mapped_column(sa.ForeignKey("district.id", ondelete="SET NULL"))
    #: the register entry that verified this account (null for codes and in person). UNIQUE: one register
    #: entry verifies at most one account; erasing the account or revoking the verification clears it.
    register_entry_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("register_entry.id", ondelete="SET NULL"), unique=True
    )

    user: Mapped[User] = relationship(
        foreign_keys=[user_id],
        backref=backref("resident_status", uselist=False, lazy="joined", cascade="all, delete-orphan"),
    )
    district: Mapped[District | None] = relationship(lazy="joined")
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])

    def is_current(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    def expires_soon(self, days: int = 30) -> bool:
        """Current, but ending within ``days``: the person is asked to renew."""
        now = utcnow()
        return self.is_current(now) and self.expires_at is not None and (self.expires_at - now).days < days


class EligibilityRule(TimestampMixin, db.Model):
    """Who may take part in a process, poll or council action: data, edited by admins.

    Columns are limited on purpose to residence facts: verification level, minimum age, districts, and whether
    a birth year the resident states themselves meets the age limit when nobody recorded one.
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
    #: for proposing and supporting (not binding), a resident whose verification recorded no birth year (a
    #: card code) may state it on their honour; votes always need a birth year recorded by the register or a
    #: registrar
    accept_declared_birth_year: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True,
                                                             server_default=sa.true())

    __table_args__ = (
        sa.CheckConstraint("min_level in ('signed_in', 'verified')", name="min_level_known"),
        sa.CheckConstraint("min_age is null or (min_age >= 0 and min_age <= 120)", name="min_age_range"),
    )


#: document types the register and the self-verification form know; any of them proves residence
DOCUMENT_TYPES = ("residence_permit", "passport", "national_id", "resident_card", "asylum_document", "other")


class RegisterEntry(db.Model):
    """One line of the municipality's resident register, kept only as a one-way fingerprint.

    ``digest`` is ``HMAC-SHA256(RESIDENCE_HMAC_KEY, "type|NUMBER|YYYY-MM-DD")`` as 32 raw bytes (a CHECK keeps
    it at exactly 32 bytes): the table has no text column, so it cannot hold a document number by mistake.
    The key lives in the instance configuration, never in the database. No import dates are kept per entry
    (the audit log has the imports): less data, less to leak.
    """

    __tablename__ = "register_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: HMAC-SHA256 of the normalised ``type|number|birth date`` (32 bytes)
    digest: Mapped[bytes] = mapped_column(sa.LargeBinary(32), nullable=False, unique=True)
    #: kept only when the register gives it, for age rules
    birth_year: Mapped[int | None] = mapped_column(sa.SmallInteger)
    district_id: Mapped[int | None] = mapped_column(sa.ForeignKey("district.id", ondelete="SET NULL"))
    #: the person left the register (moved away) on this date; null while they are in it
    left_at: Mapped[datetime | None] = mapped_column(sa.DateTime)

    __table_args__ = (
        sa.CheckConstraint("length(digest) = 32", name="digest_is_32_bytes"),
        sa.CheckConstraint("birth_year is null or (birth_year > 1850 and birth_year < 2200)",
                           name="birth_year"),
    )


class RegisterClaim(db.Model):
    """A second account tried to verify with a register entry that already verified another one.

    A registrar resolves it: move the verification to the new account (the old one is no longer verified), or
    dismiss it. Nothing about the document is kept here, only the two links.
    """

    __tablename__ = "register_claim"

    id: Mapped[int] = mapped_column(primary_key=True)
    register_entry_id: Mapped[int] = mapped_column(sa.ForeignKey("register_entry.id", ondelete="CASCADE"),
                                                   nullable=False)
    #: the account that asked and was refused
    user_id: Mapped[int] = parent_key("user.id")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    #: ``moved`` (verification given to the claimant) or ``dismissed``
    resolution: Mapped[str | None] = mapped_column(sa.String(20))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    entry: Mapped[RegisterEntry] = relationship()

    __table_args__ = (sa.UniqueConstraint("register_entry_id", "user_id"),)


class CardCodeBatch(db.Model):
    """A batch of resident-card codes printed by a registrar; codes expire with the batch."""

    __tablename__ = "card_code_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: a note for staff, e.g. "Help desk Stazione, March"
    label: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    size: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime)

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])


class CardCode(HashedCodeMixin, db.Model):
    """One single-use resident-card code. Only its HMAC-SHA256 is stored; redeeming is one atomic UPDATE."""

    __tablename__ = "card_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = parent_key("card_code_batch.id")
    used_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    #: cleared when that account is deleted
    used_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime)

    batch: Mapped[CardCodeBatch] = relationship()


class InPersonCode(HashedCodeMixin, db.Model):
    """The short-lived one-time code a resident shows a registrar. One per account; only its hash is
    stored."""

    __tablename__ = "in_person_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False,
                                         unique=True)

    user: Mapped[User] = relationship()
