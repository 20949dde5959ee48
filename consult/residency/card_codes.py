"""Resident-card codes: a registrar issues batches of single-use codes to print (only their HMACs are kept),
a resident redeems one to verify their account, and a registrar cancels a batch or a lost card's code.

A code is claimed by one atomic ``UPDATE`` whose row count decides, so two redemptions at once give one
success; it is found by its HMAC, never compared character by character.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from consult.accounts.models import User
from consult.core import audit
from consult.core.errors import DomainError
from consult.core.models import utcnow
from consult.extensions import db
from consult.residency.hashing import code_hash, group_code, normalise_code, random_code
from consult.residency.models import METHOD_CARD_CODE, CardCode, CardCodeBatch, ResidentStatus
from consult.residency.verification import verify_account

CARD_CODE_LENGTH = 12  # 60 bits: guessing is hopeless under the rate limit
MAX_BATCH = 500


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
        raw = random_code(CARD_CODE_LENGTH)
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
