"""Self-verification against the resident register, and the claims it leaves: a matching, current entry
verifies the account; an entry that already verified another account is refused (:class:`EntryTaken`) and a
:class:`RegisterClaim` is left for a registrar, who moves the verification or dismisses the claim.

One register entry verifies at most one account (UNIQUE ``resident_status.register_entry_id``).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from consult.accounts.models import User
from consult.core import audit
from consult.core.errors import Conflict, DomainError
from consult.core.models import utcnow
from consult.extensions import db
from consult.residency.hashing import InvalidFact, digest_of
from consult.residency.models import METHOD_REGISTER, RegisterClaim, RegisterEntry, ResidentStatus
from consult.residency.verification import revoke_verification, verify_account


class EntryTaken(Conflict):
    """The register entry already verified another account; a claim was left for the registrars.

    The claim is part of the current transaction: the caller keeps it (a view answers with a redirect and a
    message, which commits), unlike other refusals.
    """


def verify_with_register(user: User, doc_type: str, number: str, birth_date: str) -> ResidentStatus:
    """Self-verification: a matching, current register entry verifies the account (or renews it).

    The lookup is by HMAC only (no comparison of plaintext, no partial match to time). An entry already
    linked to another account is refused, and a claim is left for a registrar to resolve.
    """
    try:
        digest = digest_of(doc_type, number, birth_date)
    except InvalidFact as err:
        raise DomainError(err.message, field=err.field) from None
    entry = db.session.scalar(sa.select(RegisterEntry).where(RegisterEntry.digest == digest))
    now = utcnow()
    if entry is None or (entry.left_at is not None and entry.left_at <= now):
        raise DomainError(_l("We could not find this document in the resident register. Check the type, the "
                             "number and the birth date. If it still does not work, a registrar can verify "
                             "you in person."))
    holder = db.session.scalar(sa.select(ResidentStatus).where(ResidentStatus.register_entry_id == entry.id))
    if holder is not None and holder.user_id != user.id:
        _leave_claim(entry, user)
        raise EntryTaken(_l("This document has already verified another account. Each document can verify "
                            "one "
                          "account only. We have told the registrars: please visit a help desk so they can "
                          "sort it out with you."))
    return verify_account(user, METHOD_REGISTER, birth_year=entry.birth_year, district_id=entry.district_id,
                          register_entry=entry)


def _leave_claim(entry: RegisterEntry, user: User) -> None:
    """Record (once) that ``user`` asked for an entry held by someone else (see :class:`EntryTaken`)."""
    exists = db.session.scalar(sa.select(RegisterClaim.id).where(
        RegisterClaim.register_entry_id == entry.id, RegisterClaim.user_id == user.id,
        RegisterClaim.resolved_at.is_(None)))
    if exists is None:
        try:
            with db.session.begin_nested():
                db.session.add(RegisterClaim(register_entry_id=entry.id, user_id=user.id))
                db.session.flush()
        except sa.exc.IntegrityError:
            pass  # an older, resolved claim by the same person: reopen it
        else:
            return
        db.session.execute(sa.update(RegisterClaim).where(
            RegisterClaim.register_entry_id == entry.id, RegisterClaim.user_id == user.id
        ).values(resolved_at=None, resolved_by_id=None, resolution=None, created_at=utcnow()))


def open_claims() -> list[RegisterClaim]:
    return list(db.session.scalars(
        sa.select(RegisterClaim).where(RegisterClaim.resolved_at.is_(None)).order_by(RegisterClaim.created_at)
        .options(sa.orm.joinedload(RegisterClaim.user))
    ))


def claim_holder(claim: RegisterClaim) -> User | None:
    return db.session.scalar(sa.select(User).join(ResidentStatus, ResidentStatus.user_id == User.id)
                             .where(ResidentStatus.register_entry_id == claim.register_entry_id))


def resolve_claim(claim: RegisterClaim, registrar: User, *, move: bool) -> None:
    """A registrar settles a claim: ``move`` gives the verification to the claimant (the holder loses it,
    e.g. an old account the person lost), otherwise the claim is dismissed."""
    if claim.resolved_at is not None:
        raise Conflict(_l("This request has already been dealt with."))
    if move and claim.user.is_deleted:  # checked before anything changes: nothing is saved half-way
        raise DomainError(_l("This account has been deleted."))
    if move:
        holder = claim_holder(claim)
        if holder is not None:
            revoke_verification(holder, registrar)
        entry = db.session.get(RegisterEntry, claim.register_entry_id)
        verify_account(claim.user, METHOD_REGISTER, by=registrar, birth_year=entry.birth_year,
                       district_id=entry.district_id, register_entry=entry)
    claim.resolved_at = utcnow()
    claim.resolved_by_id = registrar.id
    claim.resolution = "moved" if move else "dismissed"
    audit.record("residency.claim_resolved", actor=registrar, subject=claim.user, resolution=claim.resolution)
    db.session.flush()
