"""Residence verification services: the register, resident-card codes, in person; renewal and revocation.
The one module other code imports for residency: each concern keeps its rules in its own module, and its verbs
are named here too.

* ``verification``: the verification itself (any method renews it), renewal, revocation, the stated birth
  year, the account's level.
* ``register_verification``: self-verification against the register, and the claims a taken entry leaves.
* ``card_codes``: batches of single-use resident-card codes, redeemed by one atomic ``UPDATE``.
* ``in_person``: a short-lived code the person shows a registrar, who confirms it.
* ``eligibility``: eligibility rules from residence facts, and the default rule of binding votes.
* Here: what residency holds about a person, for "download my data" and account deletion.

Codes are stored only as HMACs; the audit log says who verified which account by which method, never the
document. Services flush and raise :class:`~consult.core.errors.DomainError`; they never commit.
"""

from __future__ import annotations

import sqlalchemy as sa

from consult.accounts.models import User
from consult.extensions import db
from consult.residency.card_codes import (
    CARD_CODE_LENGTH,
    MAX_BATCH,
    batch_counts,
    issue_card_codes,
    redeem_card_code,
    revoke_batch,
    revoke_card_code,
)
from consult.residency.eligibility import BINDING_VOTE_RULE, default_binding_rule, save_rule
from consult.residency.in_person import (
    IN_PERSON_CODE_LENGTH,
    confirm_in_person,
    find_in_person_code,
    in_person_lifetime,
    issue_in_person_code,
)
from consult.residency.models import CardCode, InPersonCode, RegisterClaim, ResidentStatus
from consult.residency.register_verification import (
    EntryTaken,
    claim_holder,
    open_claims,
    resolve_claim,
    verify_with_register,
)
from consult.residency.verification import (
    declare_birth_year,
    renew_verification,
    revoke_verification,
    status_level,
    verify_account,
)

__all__ = [
    "BINDING_VOTE_RULE", "CARD_CODE_LENGTH", "IN_PERSON_CODE_LENGTH", "MAX_BATCH", "EntryTaken",
    "batch_counts", "claim_holder", "confirm_in_person", "declare_birth_year", "default_binding_rule",
    "erase_personal_data", "export_personal_data", "find_in_person_code", "in_person_lifetime",
    "issue_card_codes", "issue_in_person_code", "open_claims", "redeem_card_code", "renew_verification",
    "resolve_claim", "revoke_batch", "revoke_card_code", "revoke_verification", "save_rule", "status_level",
    "verify_account", "verify_with_register",
]


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
