"""Residence verification services: the register, resident-card codes, in person; renewal and revocation.

Rules kept here:

* An account is a *verified resident* while its :class:`ResidentStatus` is neither revoked nor expired;
  verifications last ``VERIFICATION_VALID_DAYS`` (0: no expiry) and any method renews them.
* One register entry verifies at most one account (UNIQUE ``resident_status.register_entry_id``). A second
  account asking with the same entry is refused and a :class:`RegisterClaim` is left for a registrar.
* Codes (resident-card and in-person) are stored only as HMACs; a code is claimed by one atomic ``UPDATE``
  (or ``DELETE``) whose row count decides, so two redemptions at once give one success.
* The audit log says who verified which account by which method, never the document.

Services flush and raise :class:`~consult.core.errors.DomainError`; they never commit.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from consult.accounts.models import User
from consult.core import audit
from consult.core.errors import Conflict, DomainError, NotAllowed
from consult.core.models import utcnow
from consult.extensions import db
from consult.residency.hashing import (
    CODE_ALPHABET,
    InvalidFact,
    code_hash,
    digest_of,
    group_code,
    normalise_code,
)
from consult.residency.models import (
    LEVEL_SIGNED_IN,
    LEVEL_VERIFIED,
    LEVELS,
    METHOD_CARD_CODE,
    METHOD_IN_PERSON,
    METHOD_REGISTER,
    CardCode,
    CardCodeBatch,
    District,
    EligibilityRule,
    InPersonCode,
    RegisterClaim,
    RegisterEntry,
    ResidentStatus,
)

CARD_CODE_LENGTH = 12  # 60 bits: guessing is hopeless under the rate limit
IN_PERSON_CODE_LENGTH = 8
MAX_BATCH = 500


class EntryTaken(Conflict):
    """The register entry already verified another account; a claim was left for the registrars.

    The claim is part of the current transaction: the caller keeps it (a view answers with a redirect and a
    message, which commits), unlike other refusals.
    """


# -- the verification itself -------------------------------------------------------------------------------


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
    from consult.residency.policies import current_status

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
    from consult.residency.policies import current_status

    return LEVEL_VERIFIED if current_status(user) is not None else LEVEL_SIGNED_IN


# -- resident-card codes -------------------------------------------------------------------------------------


def _random_code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def issue_card_codes(registrar: User, *, count: int, valid_days: int,
                     label: str) -> tuple[CardCodeBatch, list[str]]:
    """Make a batch of single-use codes. The plaintext codes are returned once, to print; only hashes stay."""
    if not 1 <= count <= MAX_BATCH:
        raise DomainError(_l("A batch has between 1 and %(max)s codes.", max=MAX_BATCH), field="count")
    if not 1 <= valid_days <= 730:
        raise DomainError(_l("Codes are valid between 1 and 730 days."), field="valid_days")
    now = utcnow()
    batch = CardCodeBatch(label=label.strip(), size=count, created_by_id=registrar.id,
                          expires_at=now + timedelta(days=valid_days))
    db.session.add(batch)
    db.session.flush()
    codes: list[str] = []
    hashes: set[str] = set()
    while len(codes) < count:
        raw = _random_code(CARD_CODE_LENGTH)
        digest = code_hash("card", raw)
        if digest in hashes:
            continue
        hashes.add(digest)
        codes.append(group_code(raw))
    db.session.execute(sa.insert(CardCode.__table__),
                       [{"batch_id": batch.id, "code_hash": h, "expires_at": batch.expires_at} for h in
                        [code_hash("card", c) for c in codes]])
    audit.record("residency.card_codes_issued", actor=registrar, subject=batch, count=count)
    db.session.flush()
    return batch, codes


def redeem_card_code(user: User, code: str) -> ResidentStatus:
    """A resident redeems a code: one atomic UPDATE claims it (used, revoked or expired codes match no row).

    The code is found by its HMAC, so there is no character-by-character comparison to time.
    """
    if not normalise_code(code):
        raise DomainError(_l("Please enter the code printed on your card."), field="code")
    digest = code_hash("card", code)
    now = utcnow()
    claimed = db.session.execute(
        sa.update(CardCode).where(CardCode.code_hash == digest, CardCode.used_at.is_(None),
                                  CardCode.revoked_at.is_(None), CardCode.expires_at > now)
        .values(used_at=now, used_by_id=user.id).execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        row = db.session.scalar(sa.select(CardCode).where(CardCode.code_hash == digest))
        if row is None:
            message = _l("This code is not valid. Check each character: codes use letters and the digits 2 "
                         "to 9.")
        elif row.used_at is not None:
            message = _l("This code has already been used. Each code works once.")
        elif row.revoked_at is not None:
            message = _l("This code has been cancelled. Please ask the help desk for a new one.")
        else:
            message = _l("This code has expired. Please ask the help desk for a new one.")
        raise DomainError(message, field="code")
    batch = db.session.scalar(sa.select(CardCodeBatch).join(CardCode).where(CardCode.code_hash == digest))
    return verify_account(user, METHOD_CARD_CODE, by=batch.created_by if batch else None)


def revoke_batch(batch: CardCodeBatch, registrar: User) -> int:
    """Cancel every unused code of a batch; returns how many."""
    now = utcnow()
    result = db.session.execute(sa.update(CardCode).where(
        CardCode.batch_id == batch.id, CardCode.used_at.is_(None), CardCode.revoked_at.is_(None)
    ).values(revoked_at=now).execution_options(synchronize_session=False))
    batch.revoked_at = now
    audit.record("residency.card_codes_revoked", actor=registrar, subject=batch, count=result.rowcount)
    db.session.flush()
    return result.rowcount


def revoke_card_code(code: str, registrar: User) -> None:
    """Cancel one unused code (a lost or stolen card)."""
    result = db.session.execute(sa.update(CardCode).where(
        CardCode.code_hash == code_hash("card", code), CardCode.used_at.is_(None),
        CardCode.revoked_at.is_(None)
    ).values(revoked_at=utcnow()).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise DomainError(_l("No unused code matches. It may be mistyped, already used or already "
                             "cancelled."), field="code")
    audit.record("residency.card_code_revoked", actor=registrar)
    db.session.flush()


def batch_counts() -> list[tuple[CardCodeBatch, int, int]]:
    """Batches with their used and cancelled counts (one query)."""
    used = sa.func.count(CardCode.used_at)
    revoked = sa.func.count(CardCode.revoked_at)
    rows = db.session.execute(
        sa.select(CardCodeBatch, used, revoked).outerjoin(CardCode, CardCode.batch_id == CardCodeBatch.id)
        .group_by(CardCodeBatch.id).order_by(CardCodeBatch.created_at.desc()).limit(100)
    )
    return [(batch, u, r) for batch, u, r in rows]


# -- in person
# ------------------------------------------------------------------------------------------------


def in_person_lifetime() -> timedelta:
    return timedelta(minutes=int(current_app.config.get("IN_PERSON_CODE_MINUTES", 15)))


def issue_in_person_code(user: User) -> str:
    """A short-lived one-time code the person shows a registrar. A new code replaces the previous one."""
    db.session.execute(sa.delete(InPersonCode).where(InPersonCode.user_id == user.id))
    raw = _random_code(IN_PERSON_CODE_LENGTH)
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


# -- eligibility rules
# ----------------------------------------------------------------------------------------

BINDING_VOTE_RULE = {"name": "Binding votes: verified residents aged 16 or over", "min_level": LEVEL_VERIFIED,
                     "min_age": 16}


def default_binding_rule() -> EligibilityRule:
    """The default rule for binding votes (verified resident, 16+, any district), created when missing."""
    rule = db.session.scalar(sa.select(EligibilityRule)
                             .where(EligibilityRule.name == BINDING_VOTE_RULE["name"]))
    if rule is None:
        rule = EligibilityRule(district_ids=[], **BINDING_VOTE_RULE)
        db.session.add(rule)
        db.session.flush()
    return rule


def save_rule(rule: EligibilityRule | None, *, name: str, min_level: str, min_age: int | None,
              district_ids: list[int], by: User,
              accept_declared_birth_year: bool | None = None) -> EligibilityRule:
    """Create or change an eligibility rule. Only residence facts can be set: level, age, districts, and
    whether a birth year the resident states meets the age limit for proposing and supporting (None: as it
    was; a new rule accepts it)."""
    if min_level not in LEVELS:
        raise DomainError(_l("Unknown level."), field="min_level")
    if min_age is not None and not 0 <= min_age <= 120:
        raise DomainError(_l("The minimum age is between 0 and 120."), field="min_age")
    known = set(db.session.scalars(sa.select(District.id).where(District.id.in_(district_ids or [0]))))
    if set(district_ids) - known:
        raise DomainError(_l("Unknown district."), field="district_ids")
    creating = rule is None
    if creating:
        rule = EligibilityRule()
        db.session.add(rule)
    rule.name, rule.min_level, rule.min_age = name.strip(), min_level, min_age
    rule.district_ids = sorted(known)
    if accept_declared_birth_year is not None or creating:
        rule.accept_declared_birth_year = accept_declared_birth_year is not False
    db.session.flush()
    audit.record("residency.rule_created" if creating else "residency.rule_changed", actor=by, subject=rule)
    db.session.flush()
    return rule


# -- personal data
# --------------------------------------------------------------------------------------------


def export_personal_data(user: User) -> dict:
    """What residency holds about a person: level, method and dates — never the register fingerprint."""
    status = user.resident_status
    return {
        "level": status_level(user),
        "method": status.method if status else None,
        "verified_at": status.verified_at.isoformat() if status else None,
        "expires_at": status.expires_at.isoformat() if status and status.expires_at else None,
        "revoked_at": status.revoked_at.isoformat() if status and status.revoked_at else None,
        "birth_year": status.birth_year if status else None,
        "birth_year_self_declared": bool(status and status.birth_year is not None
                                         and status.birth_year_declared),
        "district": status.district.name if status and status.district else None,
        "verified_with_register": bool(status and status.register_entry_id),
    }


def erase_personal_data(user: User) -> None:
    """Account deletion: the verification and its register link go (the entry may verify a new account),
    pending codes and claims go, used card codes forget who used them."""
    db.session.execute(sa.delete(ResidentStatus).where(ResidentStatus.user_id == user.id))
    db.session.execute(sa.delete(InPersonCode).where(InPersonCode.user_id == user.id))
    db.session.execute(sa.delete(RegisterClaim).where(RegisterClaim.user_id == user.id))
    db.session.execute(sa.update(CardCode).where(CardCode.used_by_id == user.id).values(used_by_id=None)
                       .execution_options(synchronize_session=False))
    db.session.expire(user, ["resident_status"])
    db.session.flush()
