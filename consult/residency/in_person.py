"""Verification in person: the resident shows a short-lived one-time code from their profile, and a
registrar in front of them confirms it (with the birth year and district seen on a document). The code is
stored as an HMAC and deleted by the statement that checks it, so it works once.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from consult.accounts.models import User
from consult.core.errors import DomainError, NotAllowed
from consult.core.models import utcnow
from consult.extensions import db
from consult.residency.hashing import code_hash, group_code, random_code
from consult.residency.models import METHOD_IN_PERSON, District, InPersonCode
from consult.residency.verification import verify_account

IN_PERSON_CODE_LENGTH = 8


def in_person_lifetime() -> timedelta:
    return timedelta(minutes=int(current_app.config.get("IN_PERSON_CODE_MINUTES", 15)))


def issue_in_person_code(user: User) -> str:
    """A short-lived one-time code the person shows a registrar. A new code replaces the previous one."""
    db.session.execute(sa.delete(InPersonCode).where(InPersonCode.user_id == user.id))
    raw = random_code(IN_PERSON_CODE_LENGTH)
    db.session.add(InPersonCode(user_id=user.id, code_hash=code_hash("in_person", raw),
                                expires_at=utcnow() + in_person_lifetime()))
    db.session.flush()
    return group_code(raw)


def find_in_person_code(code: str) -> InPersonCode:
    """The person behind a code a registrar typed, or a clear refusal (unknown and expired look alike)."""
    row = db.session.scalar(sa.select(InPersonCode)
                            .where(InPersonCode.code_hash == code_hash("in_person", code)))
    if row is None or row.expires_at <= utcnow() or row.user.is_deleted:
        raise DomainError(_l("This code is not valid or has expired. Ask the person to show a new code from "
                             "their profile."), field="code")
    return row


def confirm_in_person(registrar: User, code: str, *, birth_year: int | None = None,
                      district_id: int | None = None) -> User:
    """A registrar confirms a person in front of them; the code is deleted by the same statement that
    checks it, so it works once."""
    row = find_in_person_code(code)
    user = row.user
    if user.id == registrar.id:
        raise NotAllowed(_l("You cannot verify your own account. Please ask another registrar."),
                         field="code")
    if birth_year is not None and not 1880 <= birth_year <= utcnow().year:
        raise DomainError(_l("The birth year is not possible."), field="birth_year")
    if district_id is not None and db.session.get(District, district_id) is None:
        raise DomainError(_l("Unknown district."), field="district_id")
    deleted = db.session.execute(sa.delete(InPersonCode).where(InPersonCode.id == row.id,
                                                               InPersonCode.expires_at > utcnow()))
    if deleted.rowcount != 1:
        raise DomainError(_l("This code is not valid or has expired. Ask the person to show a new code from "
                             "their profile."), field="code")
    verify_account(user, METHOD_IN_PERSON, by=registrar, birth_year=birth_year, district_id=district_id)
    return user
