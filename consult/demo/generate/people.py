"""Generated accounts and residency: people created over the years (more of them recently), most of them
verified residents with a method, a birth year and a district (register ones with their own register entry);
the moderation account. Accounts have no password and no email; ids grow with time."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from consult.accounts.models import RoleGrant, User
from consult.demo.generate.participation_texts import FIRST_NAMES, LANGUAGES, LETTERS
from consult.demo.generate.rows import DAY, HOUR, at_offset, bulk_insert, next_free_id, pick, sync_sequences
from consult.extensions import db
from consult.residency.models import District, RegisterEntry, ResidentStatus


@dataclass
class People:
    """Generated accounts in the order they were created (ids grow with time)."""

    ids: list[int] = field(default_factory=list)
    created: list[float] = field(default_factory=list)  # offsets from now (seconds, negative)
    #: eligible pools: key None (whole city) or a frozenset of district ids -> (created offsets, ids), by time
    pools: dict = field(default_factory=dict)
    district_of: dict[int, int] = field(default_factory=dict)

    def existing(self, at: float) -> int:
        """How many accounts existed at ``at``."""
        return bisect.bisect_right(self.created, at)

    def pool(self, districts: frozenset | None) -> tuple[list[float], list[int]]:
        if districts not in self.pools:
            times, ids = self.pools[None]
            kept = [(t, i) for t, i in zip(times, ids, strict=True) if self.district_of.get(i) in districts]
            self.pools[districts] = ([t for t, _ in kept], [i for _, i in kept])
        return self.pools[districts]


def _districts(ctx) -> list[int]:
    ids = list(db.session.scalars(sa.select(District.id).order_by(District.id)))
    if not ids:
        from consult.demo import DISTRICTS

        db.session.add_all([District(code=code, name=name) for code, name in DISTRICTS])
        db.session.flush()
        ids = list(db.session.scalars(sa.select(District.id).order_by(District.id)))
    return ids


def _staff(role: str) -> int | None:
    return db.session.scalar(sa.select(RoleGrant.user_id).where(RoleGrant.role == role,
                                                                RoleGrant.scope_type.is_(None))
                             .order_by(RoleGrant.id).limit(1))


def make_people(ctx, n: int, verified_pct: int, *, span_days: float, name_prefix: str = "",
                eligible_age: int = 16) -> People:
    """``n`` accounts created over the last ``span_days`` (more recently, more of them), ``verified_pct`` % of
    them verified residents with a birth year (aged ``eligible_age``+) and a district."""
    rng = ctx.rng
    people = People()
    if not ctx.district_ids:
        ctx.district_ids = _districts(ctx)
    district_ids = ctx.district_ids
    district_weights = [1.0 + rng.random() for _ in district_ids]
    registrar = _staff("registrar")
    valid_days = int(current_app.config.get("VERIFICATION_VALID_DAYS") or 0)
    first = next_free_id(User)
    first_entry = next_free_id(RegisterEntry)
    offsets = sorted(-span_days * DAY * (1 - rng.random() ** 0.6) - HOUR for _ in range(n))
    this_year = ctx.now.year
    users, statuses, entries = [], [], []
    pool_times, pool_ids = [], []
    for k, offset in enumerate(offsets):
        user_id = first + k
        first_name = rng.choice(FIRST_NAMES)
        slug = "".join(c for c in first_name.lower() if c.isascii() and c.isalpha()) or "resident"
        created = at_offset(ctx, offset)
        users.append({"id": user_id, "username": f"{name_prefix}{slug}-{user_id}",
                      "display_name": f"{first_name} {rng.choice(LETTERS)}.", "email": None,
                      "password_hash": None, "language": rng.choice(LANGUAGES), "is_blocked": False,
                      "deleted_at": None, "last_sign_in_at": None, "created_at": created,
                      "updated_at": created})
        people.ids.append(user_id)
        people.created.append(offset)
        if rng.random() * 100 >= verified_pct:
            continue
        method = pick(rng, {"register": 45, "card_code": 30, "in_person": 25})
        verified = min(offset + rng.random() * 3 * DAY, -60.0)
        if valid_days and verified < -(valid_days - 30) * DAY:  # renewed since: the current verification
            verified = -rng.random() * (valid_days - 30) * DAY - HOUR
        verified_at = at_offset(ctx, verified)
        birth_year = this_year - int(rng.triangular(eligible_age, 90, 34))
        district = rng.choices(district_ids, district_weights)[0]
        entry_id = None
        if method == "register":
            entry_id = first_entry + len(entries)
            entries.append({"id": entry_id, "digest": rng.randbytes(32), "birth_year": birth_year,
                            "district_id": district, "left_at": None})
        statuses.append({"user_id": user_id, "method": method, "verified_at": verified_at,
                         "expires_at": verified_at + timedelta(days=valid_days) if valid_days else None,
                         "verified_by_id": registrar if method != "register" else None, "revoked_at": None,
                         "birth_year": birth_year, "district_id": district, "register_entry_id": entry_id,
                         "created_at": created, "updated_at": verified_at})
        people.district_of[user_id] = district
        pool_times.append(offset)
        pool_ids.append(user_id)
    people.pools[None] = (pool_times, pool_ids)
    with ctx.progress("Residents", len(users) + len(statuses) + len(entries)) as advance:
        bulk_insert(User, users, advance)
        bulk_insert(RegisterEntry, entries, advance)
        bulk_insert(ResidentStatus, statuses, advance)
    sync_sequences(User, RegisterEntry)
    db.session.flush()
    ctx.user_ids.extend(people.ids)
    ctx.resident_ids.extend(pool_ids)
    return people


def moderator_account(ctx) -> User:
    """An existing moderator, or a generated moderation account (no password) with the role."""
    user_id = _staff("moderator")
    if user_id is None:
        user_id = next_free_id(User)
        bulk_insert(User, [{"id": user_id, "username": f"moderation-{user_id}",
                            "display_name": "Moderation team", "email": None, "password_hash": None,
                            "language": "en", "is_blocked": False, "deleted_at": None,
                            "last_sign_in_at": None, "created_at": ctx.now, "updated_at": ctx.now}])
        sync_sequences(User)
        bulk_insert(RoleGrant, [{"user_id": user_id, "role": "moderator", "scope_type": None,
                                 "scope_id": None, "granted_by_id": None, "created_at": ctx.now,
                                 "updated_at": ctx.now}])
        db.session.flush()
    return db.session.get(User, user_id)
