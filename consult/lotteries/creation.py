"""Setting a lottery up: its calendar and public random value, the district and age-band categories, the
organisers' own questions and the quotas (the rules are listed in ``consult.lotteries.pools``'s docstring).

Services flush and never commit.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from consult.core import audit
from consult.core.errors import Conflict, DomainError
from consult.extensions import db
from consult.lotteries.models import (
    AGE_BAND,
    CUSTOM,
    DISTRICT,
    NOT_GIVEN,
    OPEN,
    OWNER_TYPES,
    Lottery,
    LotteryCategory,
    LotteryValue,
)

#: the age bands a new lottery starts with (organisers change their quotas)
AGE_BANDS = ((16, 29), (30, 44), (45, 64), (65, None))
MAX_CATEGORIES = 6
MAX_VALUES = 12


def _not_given_value(seats: int, position: int) -> LotteryValue:
    return LotteryValue(key=NOT_GIVEN, label="", min_seats=0, max_seats=seats, position=position)


def _age_label(low: int, high: int | None) -> str:
    return f"{low}–{high}" if high is not None else f"{low}+"


def create_lottery(
    *,
    title: str,
    owner_type: str,
    owner_id: int,
    seats: int,
    pool_opens_at: datetime,
    pool_closes_at: datetime,
    draw_at: datetime,
    random_source: str,
    description: str = "",
    commitment: str | None = None,
    eligibility_rule_id: int | None = None,
    by=None,
) -> Lottery:
    """A lottery with its district and age-band categories (quotas open: 0..seats)."""
    from consult.residency.models import District

    title = " ".join((title or "").split())
    if not title:
        raise DomainError(_l("Give the panel a title."), field="title")
    if owner_type not in OWNER_TYPES:
        raise DomainError(_l("Choose what the panel is for."), field="owner")
    if not seats or not 1 <= seats <= 500:
        raise DomainError(_l("A panel has from 1 to 500 seats."), field="seats")
    _check_calendar(pool_opens_at, pool_closes_at, draw_at)
    random_source = (random_source or "").strip()
    if not random_source:
        raise DomainError(
            _l("Name the public random value the draw will use, before anyone can know it."),
            field="random_source",
        )
    commitment = _commitment(commitment)
    lottery = Lottery(
        title=title[:200],
        description=(description or "").strip(),
        owner_type=owner_type,
        owner_id=owner_id,
        seats=seats,
        pool_opens_at=pool_opens_at,
        pool_closes_at=pool_closes_at,
        draw_at=draw_at,
        random_source=random_source[:500],
        commitment=commitment,
        eligibility_rule_id=eligibility_rule_id,
        created_by_id=getattr(by, "id", None),
        draws=[],
    )
    districts = db.session.scalars(sa.select(District).order_by(District.name)).all()
    district = LotteryCategory(key=DISTRICT, kind=DISTRICT, name="", position=1)
    district.values = [
        LotteryValue(
            key=d.code[:40], label=d.name[:120], district_id=d.id, min_seats=0, max_seats=seats, position=i
        )
        for i, d in enumerate(districts, start=1)
    ]
    district.values.append(_not_given_value(seats, len(districts) + 1))
    age = LotteryCategory(key=AGE_BAND, kind=AGE_BAND, name="", position=2)
    age.values = [
        LotteryValue(
            key=_age_label(low, high),
            label=_age_label(low, high),
            age_from=low,
            age_to=high,
            min_seats=0,
            max_seats=seats,
            position=i,
        )
        for i, (low, high) in enumerate(AGE_BANDS, start=1)
    ]
    age.values.append(_not_given_value(seats, len(AGE_BANDS) + 1))
    lottery.categories = [district, age]
    db.session.add(lottery)
    db.session.flush()
    audit.record(
        "lotteries.created", actor=by, subject=lottery, owner_type=owner_type, owner_id=owner_id, seats=seats
    )
    return lottery


def _check_calendar(opens: datetime | None, closes: datetime | None, draw_at: datetime | None) -> None:
    if opens is None or closes is None or draw_at is None:
        raise DomainError(_l("Give the dates of the pool and of the draw."), field="pool_closes_at")
    if closes <= opens:
        raise DomainError(_l("The pool closes after it opens."), field="pool_closes_at")
    if draw_at < closes:
        raise DomainError(_l("The draw comes after the pool closes."), field="draw_at")


def _commitment(value: str | None) -> str | None:
    value = (value or "").strip().lower()
    if not value:
        return None
    if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise DomainError(
            _l("A commitment is a SHA-256 digest: 64 hexadecimal characters."), field="commitment"
        )
    return value


def _require_open(lottery: Lottery) -> None:
    if lottery.status != OPEN:
        raise Conflict(_l("The pool is closed: the volunteers can no longer change."))


def add_category(lottery: Lottery, *, name: str, reason: str, values: list[str], by=None) -> LotteryCategory:
    """An organisers' question, answered voluntarily: its name, why it is asked, and its answers."""
    _require_open(lottery)
    name = " ".join((name or "").split())
    reason = " ".join((reason or "").split())
    labels = []
    for value in values:
        label = " ".join((value or "").split())[:120]
        if label and label.casefold() not in {v.casefold() for v in labels}:
            labels.append(label)
    if not name:
        raise DomainError(_l("Write the question."), field="name")
    if not reason:
        raise DomainError(_l("Say why it is asked: volunteers read it before they answer."), field="reason")
    if not 2 <= len(labels) <= MAX_VALUES:
        raise DomainError(
            _l("Give from 2 to %(n)s possible answers, one per line.", n=MAX_VALUES), field="values"
        )
    if len(lottery.categories) >= MAX_CATEGORIES:
        raise DomainError(_l("A lottery has at most %(n)s categories.", n=MAX_CATEGORIES), field="name")
    number = max((c.position for c in lottery.categories), default=0) + 1
    category = LotteryCategory(
        key=f"q{number}", kind=CUSTOM, name=name[:120], reason=reason[:500], position=number
    )
    category.values = [
        LotteryValue(key=f"a{i}", label=label, min_seats=0, max_seats=lottery.seats, position=i)
        for i, label in enumerate(labels, start=1)
    ]
    category.values.append(_not_given_value(lottery.seats, len(labels) + 1))
    lottery.categories.append(category)
    db.session.flush()
    audit.record("lotteries.category_added", actor=by, subject=lottery, category=category.key)
    return category


def set_quotas(lottery: Lottery, quotas: dict[int, tuple[int | None, int | None]], by=None) -> None:
    """Set the min/max seats of values (``{value id: (min, max)}``), checked against the seats."""
    _require_open(lottery)
    values = {v.id: v for c in lottery.categories for v in c.values}
    for value_id, (low, high) in quotas.items():
        value = values.get(value_id)
        if value is None:
            continue
        low = 0 if low is None else low
        high = lottery.seats if high is None else high
        if low < 0 or high < low or high > lottery.seats:
            raise DomainError(
                _l(
                    "“%(value)s”: the minimum is 0 or more, the maximum is at least the minimum "
                    "and at most the number of seats.",
                    value=value_name(value),
                ),
                field=f"min_{value.id}",
            )
        value.min_seats, value.max_seats = low, high
    for category in lottery.categories:
        if sum(v.min_seats for v in category.values) > lottery.seats:
            raise DomainError(
                _l(
                    "The minimums of “%(category)s” add up to more than the seats.",
                    category=category_name(category),
                )
            )
        if sum(v.max_seats for v in category.values) < lottery.seats:
            raise DomainError(
                _l(
                    "The maximums of “%(category)s” add up to fewer than the seats.",
                    category=category_name(category),
                )
            )
    db.session.flush()
    audit.record("lotteries.quotas_set", actor=by, subject=lottery)


def category_name(category: LotteryCategory) -> str:
    from flask_babel import gettext as _

    if category.kind == DISTRICT:
        return _("District")
    if category.kind == AGE_BAND:
        return _("Age")
    return category.name


def value_name(value: LotteryValue) -> str:
    from flask_babel import gettext as _

    if value.key == NOT_GIVEN:
        return _("Not given")
    return value.label
