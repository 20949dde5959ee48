"""Civic lotteries: the pool of volunteers, and closing it (the draw's frozen, published input).

The rules of the domain (``consult/lotteries/draw.py`` holds the draw itself, runnable from the open data
alone; ``creation`` sets a lottery up, ``drawing`` and ``replacing`` draw, ``invitations`` invites and
hears the replies, ``seating`` seats the panel on its owner):

* a lottery has a district category (values from the city's districts) and an age-band category; organisers
  add questions of their own, each answered voluntarily (every category has the value "not given", quota
  0..seats). District and age band come from the residence record (the birth year when one is recorded),
  never from the form. Nothing about nationality or legal status is asked;
* quotas and categories change only while the pool is open; closing it freezes and publishes the draw's input
  (seats, quotas, anonymised pool) and its SHA-256 digest;
* the draw's seed is SHA-256(pool digest + the public value revealed after the pool closed); when the
  organiser committed to a value by its hash, only that value is accepted;
* a replacement draws the seats of those who declined among the volunteers never drawn, with the quotas less
  the panelists kept, from SHA-256(seed + ":replacement:" + number);
* the panel is seated when every invitation has an answer; then the rows of the volunteers not on the panel
  are deleted, and the panelists' answers too (the published, anonymised input stays).

Services flush and never commit.
"""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from consult.core import audit
from consult.core.errors import DomainError
from consult.core.models import utcnow
from consult.extensions import db
from consult.lotteries import draw as sortition
from consult.lotteries.creation import _require_open
from consult.lotteries.models import (
    AGE_BAND,
    CLOSED,
    CUSTOM,
    DISTRICT,
    NOT_GIVEN,
    Lottery,
    LotteryCategory,
    Volunteer,
)

# -- the pool ---------------------------------------------------------------------------------------------


def _district_value(category: LotteryCategory, status) -> str:
    district_id = getattr(status, "district_id", None)
    for value in category.values:
        if value.district_id is not None and value.district_id == district_id:
            return value.key
    return NOT_GIVEN


def _age_value(category: LotteryCategory, status, today: datetime) -> str:
    birth_year = getattr(status, "birth_year", None)
    if birth_year is None:
        return NOT_GIVEN
    age = today.year - birth_year
    for value in category.values:
        if (
            value.age_from is not None
            and value.age_from <= age
            and (value.age_to is None or age <= value.age_to)
        ):
            return value.key
    return NOT_GIVEN


def answers_for(lottery: Lottery, user, given: dict[str, str] | None = None) -> dict[str, str]:
    """The values of a volunteer: district and age band from the residence record, the organisers' questions
    from what they chose to answer (anything else is "not given")."""
    from consult.residency.policies import current_status

    status = current_status(user)
    given = given or {}
    now = utcnow()
    answers = {}
    for category in lottery.categories:
        if category.kind == DISTRICT:
            answers[category.key] = _district_value(category, status)
        elif category.kind == AGE_BAND:
            answers[category.key] = _age_value(category, status, now)
        else:
            keys = {v.key for v in category.values}
            choice = given.get(category.key) or NOT_GIVEN
            answers[category.key] = choice if choice in keys else NOT_GIVEN
    return answers


def join(lottery: Lottery, user, given: dict[str, str] | None = None) -> Volunteer:
    """Add ``user`` to the pool (the policy ``lottery.join`` decided they may)."""
    from consult.core.policy import enforce

    enforce("lottery.join", user, lottery)
    row = Volunteer(
        lottery_id=lottery.id,
        user_id=user.id,
        row_id=secrets.token_hex(6),
        answers=answers_for(lottery, user, given),
    )
    db.session.add(row)
    db.session.flush()
    audit.record("lotteries.joined", actor=user, subject=lottery)
    return row


def leave(lottery: Lottery, user) -> None:
    """Leave the pool before it closes: the row is deleted."""
    _require_open(lottery)
    db.session.execute(
        sa.delete(Volunteer).where(Volunteer.lottery_id == lottery.id, Volunteer.user_id == user.id)
    )
    db.session.flush()
    audit.record("lotteries.left", actor=user, subject=lottery)


def pool_size(lottery: Lottery) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Volunteer).where(Volunteer.lottery_id == lottery.id)
        )
        or 0
    )


def pool_counts(lottery: Lottery) -> dict[tuple[str, str], int]:
    """How many volunteers have each value (aggregate: ``{(category key, value key): count}``); after the
    pool closed, counted on the published input."""
    counts: dict[tuple[str, str], int] = {}
    if lottery.draw_input is not None:
        rows = [row["features"] for row in lottery.draw_input["pool"]]
    else:
        rows = list(
            db.session.scalars(sa.select(Volunteer.answers).where(Volunteer.lottery_id == lottery.id))
        )
    for answers in rows:
        for key, value in answers.items():
            counts[(key, value)] = counts.get((key, value), 0) + 1
    return counts


def published_categories(lottery: Lottery) -> list[dict]:
    return [
        {
            "key": c.key,
            "kind": c.kind,
            "name": c.name if c.kind == CUSTOM else c.kind,
            "values": [
                {"key": v.key, "label": v.label, "min": v.min_seats, "max": v.max_seats} for v in c.values
            ],
        }
        for c in lottery.categories
    ]


def close_pool(lottery: Lottery, by=None) -> str:
    """Freeze and publish the draw's input (seats, quotas, anonymised pool) and its digest."""
    _require_open(lottery)
    rows = db.session.scalars(
        sa.select(Volunteer).where(Volunteer.lottery_id == lottery.id).order_by(Volunteer.row_id)
    ).all()
    if len(rows) < lottery.seats:
        raise DomainError(
            _l(
                "The pool has %(n)s volunteers, fewer than the %(seats)s seats.",
                n=len(rows),
                seats=lottery.seats,
            )
        )
    categories = published_categories(lottery)
    pool = []
    for row in rows:
        features = {}
        for category in categories:
            value = row.answers.get(category["key"], NOT_GIVEN)
            known = {v["key"] for v in category["values"]}
            features[category["key"]] = value if value in known else NOT_GIVEN
        pool.append({"id": row.row_id, "features": features})
    _check_feasible(categories, pool, lottery.seats)
    problem = sortition.feasible(categories, pool, lottery.seats)
    if problem is not None:
        raise DomainError(_l("No panel can meet these quotas with this pool: change the quotas first. "
                             "(%(detail)s)", detail=problem[:300]))
    lottery.draw_input = {
        "seats": lottery.seats,
        "categories": categories,
        "pool": pool,
        "algorithm": sortition.ALGORITHM,
        "library": library_version(),
    }
    lottery.pool_digest = sortition.digest(lottery.draw_input)
    lottery.status, lottery.closed_at = CLOSED, utcnow()
    db.session.flush()
    audit.record(
        "lotteries.pool_closed", actor=by, subject=lottery, pool=len(pool), digest=lottery.pool_digest
    )
    return lottery.pool_digest


def _check_feasible(categories: list[dict], pool: list[dict], seats: int) -> None:
    """The quotas can be met by this pool (each value's minimum is at most its volunteers)."""
    for category in categories:
        for value in category["values"]:
            have = sum(1 for row in pool if row["features"][category["key"]] == value["key"])
            if have < value["min"]:
                raise DomainError(
                    _l(
                        "The quotas cannot be met: a value asks for at least %(min)s seats and "
                        "only %(have)s volunteers have it. Lower that minimum first.",
                        min=value["min"],
                        have=have,
                    )
                )


def library_version() -> str:
    from importlib.metadata import version

    return f"sortition-algorithms {version('sortition-algorithms')}, highspy {version('highspy')}"
