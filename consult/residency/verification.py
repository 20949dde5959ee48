"""Verifying a resident's account, whatever the method: the verification itself (made or renewed, with its
expiry from the configuration), a registrar's renewal and revocation, the birth year a resident states, and
the level an account has.

* An account is a *verified resident* while its :class:`ResidentStatus` is neither revoked nor expired;
  verifications last ``VERIFICATION_VALID_DAYS`` (0: no expiry) and any method renews them.
* The audit log says who verified which account by which method, never the document.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from consult.accounts.models import User
from consult.core import audit
from consult.core.errors import Conflict, DomainError, NotAllowed
from consult.core.models import utcnow
from consult.extensions import db
from consult.residency.models import LEVEL_SIGNED_IN, LEVEL_VERIFIED, RegisterEntry, ResidentStatus
from consult.residency.policies import current_status


def _expiry(now):
    days = int(current_app.config.get("VERIFICATION_VALID_DAYS") or 0)
    return now + timedelta(days=days) if days > 0 else None


def verify_account(user: User, method: str, *, by: User | None = None, birth_year: int | None = None,
                   district_id: int | None = None,
                   register_entry: RegisterEntry | None = None) -> ResidentStatus:
    """Make ``user`` a verified resident (or renew): method and date recorded, expiry from the configuration.

    Birth year and district are replaced only when the new method brings them (a birth year the person had
    stated is then replaced by the recorded one). A register link is kept only for the register method (other
    methods release it, so the entry may verify someone later).
    """
    if user.is_deleted:
        raise DomainError(_l("This account has been deleted."))
    now = utcnow()
    status = user.resident_status
    renewing = status is not None and status.is_current(now)
    if status is None:
        status = ResidentStatus(user_id=user.id, method=method)
        db.session.add(status)
        user.resident_status = status
    status.method = method
    status.verified_at = now
    status.expires_at = _expiry(now)
    status.revoked_at = None
    status.verified_by_id = getattr(by, "id", None)
    if birth_year is not None:
        status.birth_year = birth_year
        status.birth_year_declared = False
    if district_id is not None:
        status.district_id = district_id
    status.register_entry_id = register_entry.id if register_entry is not None else None
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError:
        raise Conflict(_l("This document has already verified another account.")) from None
    audit.record("residency.renewed" if renewing else "residency.verified", actor=by or user, subject=user,
                 method=method)
    db.session.flush()
    return status


def revoke_verification(user: User, registrar: User) -> None:
    """A registrar takes a verification back; the register link is released."""
    status = user.resident_status
    if status is None or status.revoked_at is not None:
        raise Conflict(_l("This account is not verified."))
    status.revoked_at = utcnow()
    status.register_entry_id = None
    audit.record("residency.revoked", actor=registrar, subject=user, method=status.method)
    db.session.flush()


def renew_verification(user: User, registrar: User) -> ResidentStatus:
    """A registrar renews a verification (same method, new date and expiry)."""
    status = user.resident_status
    if status is None or status.revoked_at is not None:
        raise Conflict(_l("Only a verification that has not been revoked can be renewed."))
    entry = db.session.get(RegisterEntry, status.register_entry_id) if status.register_entry_id else None
    return verify_account(user, status.method, by=registrar, register_entry=entry)


def declare_birth_year(user: User, year: int) -> ResidentStatus:
    """A verified resident states their birth year on their honour, for age rules that accept it.

    Only when no birth year is recorded (a resident-card code brings none): a year stated once is not changed
    by the person (a registrar records the right one in person), and a recorded year is never replaced by a
    stated one. The audit log says that it was stated, not the year.
    """
    status = current_status(user)
    if status is None:
        raise NotAllowed(_l("Only verified residents can state their birth year. Please verify your "
                            "residence first."))
    if status.birth_year is not None:
        raise Conflict(_l("Your birth year is already recorded. If it is wrong, a registrar can correct it "
                          "at a help desk."), field="birth_year")
    if not 1880 <= year <= utcnow().year:
        raise DomainError(_l("The birth year is not possible."), field="birth_year")
    status.birth_year = year
    status.birth_year_declared = True
    audit.record("residency.birth_year_declared", actor=user, subject=user)
    db.session.flush()
    return status


def status_level(user) -> str:
    return LEVEL_VERIFIED if current_status(user) is not None else LEVEL_SIGNED_IN
