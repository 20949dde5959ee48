"""Civic lotteries: the pool, the quotas, the verifiable draw, invitations, replacements and the seated panel.

Rules kept here (``consult/lotteries/draw.py`` holds the draw itself, runnable from the open data alone):

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

import hashlib
import json
import logging
import secrets
import tempfile
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from consult.core import audit, tasks
from consult.core.errors import Conflict, DomainError
from consult.core.models import utcnow
from consult.extensions import db
from consult.lotteries import draw as drawing
from consult.lotteries.models import (
    ACCEPTED,
    AGE_BAND,
    CLOSED,
    CUSTOM,
    DECLINED,
    DISTRICT,
    DRAWN,
    FINAL,
    NOT_GIVEN,
    OPEN,
    OWNER_TYPES,
    Lottery,
    LotteryCategory,
    LotteryValue,
    Volunteer,
)

log = logging.getLogger(__name__)

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


def panel_counts(lottery: Lottery, rows: list[Volunteer]) -> dict[tuple[str, str], int]:
    """How many of the panel (the drawn who have not declined) have each value, from the published input."""
    if lottery.draw_input is None:
        return {}
    on_panel = {r.row_id for r in rows if r.reply != DECLINED}
    counts: dict[tuple[str, str], int] = {}
    for row in lottery.draw_input["pool"]:
        if row["id"] in on_panel:
            for key, value in row["features"].items():
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
    problem = drawing.feasible(categories, pool, lottery.seats)
    if problem is not None:
        raise DomainError(_l("No panel can meet these quotas with this pool: change the quotas first. "
                             "(%(detail)s)", detail=problem[:300]))
    lottery.draw_input = {
        "seats": lottery.seats,
        "categories": categories,
        "pool": pool,
        "algorithm": drawing.ALGORITHM,
        "library": library_version(),
    }
    lottery.pool_digest = drawing.digest(lottery.draw_input)
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


def check_revealed_value(lottery: Lottery, value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(_l("Type the public value as it was published."), field="revealed_value")
    if lottery.commitment and hashlib.sha256(value.encode("utf-8")).hexdigest() != lottery.commitment:
        raise DomainError(
            _l("This value does not match the commitment published when the pool closed."),
            field="revealed_value",
        )
    return value


def _run(request: dict) -> dict:
    """The draw (a child process, see ``draw.run``); kept per input, as it always gives the same answer."""
    key = hashlib.sha256(drawing.canonical({**request, "library": library_version()})).hexdigest()
    kept = draw_cache / f"{key}.json" if draw_cache is not None else None
    if key not in _results and kept is not None and kept.is_file():
        _results[key] = json.loads(kept.read_text())
    if key not in _results:
        result = drawing.run(request)
        if "error" in result:
            log.warning("lottery draw refused: %s", result["error"])
            raise DomainError(
                _l(
                    "The draw found no panel that meets the quotas with this pool. (%(detail)s)",
                    detail=result["error"][:300],
                )
            )
        _results[key] = result
        if kept is not None:
            kept.parent.mkdir(parents=True, exist_ok=True)
            kept.write_text(json.dumps(result))
    return _results[key]


#: draws already run in this process (input digest -> result): the same input always gives the same panel
_results: dict[str, dict] = {}
#: a folder where draws are also kept across processes (the demo's, whose input is always the same)
draw_cache: Path | None = None


def keep_results(results: dict[str, dict]) -> None:
    """Results of draws already run elsewhere (``{input digest: result}``, as :func:`_run` keys them)."""
    _results.update(results)


def default_draw_cache() -> Path:
    return Path(tempfile.gettempdir()) / "consult-lottery-draws"


def reveal(lottery: Lottery, revealed_value: str, by=None) -> str:
    """Record the revealed public value and its seed; the draw runs as a task (:func:`run_draw`), since a
    pool of hundreds takes the solver some seconds."""
    if lottery.status != CLOSED or lottery.seed is not None:
        raise Conflict(_l("This can be done only once the pool is closed and before the draw."))
    value = check_revealed_value(lottery, revealed_value)
    lottery.revealed_value, lottery.seed = value, drawing.seed_of(lottery.pool_digest, value)
    db.session.flush()
    audit.record("lotteries.value_revealed", actor=by, subject=lottery, seed=lottery.seed)
    run_draw.enqueue(lottery.id, getattr(by, "id", None))
    return lottery.seed


@tasks.task("lotteries.draw", retries=2, retry_delay=30, short_write=True)
def run_draw(lottery_id: int, actor_id: int | None = None) -> None:
    """The draw of a lottery whose value was revealed (reads, then the solver, then the writes)."""
    lottery = db.session.get(Lottery, lottery_id)
    if lottery is None or lottery.status != CLOSED or lottery.revealed_value is None:
        return
    draw(lottery, lottery.revealed_value, by=_actor(actor_id))


def _actor(actor_id: int | None):
    from consult.accounts.models import User

    return db.session.get(User, actor_id) if actor_id is not None else None


def draw(lottery: Lottery, revealed_value: str, by=None) -> list[Volunteer]:
    """Draw the panel from the revealed public value; the drawn are invited."""
    if lottery.status != CLOSED:
        raise Conflict(_l("This can be done only once the pool is closed and before the draw."))
    value = check_revealed_value(lottery, revealed_value)
    seed = drawing.seed_of(lottery.pool_digest, value)
    data = lottery.draw_input
    result = _run(
        {"categories": data["categories"], "pool": data["pool"], "seats": data["seats"], "seed": seed}
    )
    lottery.revealed_value, lottery.seed = value, seed
    lottery.probability_min = result["probabilities"]["min"]
    lottery.probability_max = result["probabilities"]["max"]
    lottery.probability_mean = result["probabilities"]["mean"]
    lottery.draws = [
        {
            "number": 0,
            "seats": data["seats"],
            "seed": seed,
            "excluded": [],
            "kept": [],
            "selected": result["selected"],
            "at": utcnow().isoformat(timespec="seconds"),
        }
    ]
    lottery.status, lottery.drawn_at = DRAWN, utcnow()
    drawn = _mark_drawn(lottery, result["selected"], 0)
    audit.record("lotteries.drawn", actor=by, subject=lottery, seed=seed, drawn=len(drawn))
    db.session.flush()
    return drawn


def _mark_drawn(lottery: Lottery, row_ids: list[str], number: int) -> list[Volunteer]:
    rows = db.session.scalars(
        sa.select(Volunteer).where(Volunteer.lottery_id == lottery.id, Volunteer.row_id.in_(row_ids))
    ).all()
    now = utcnow()
    for row in rows:
        row.draw_number, row.invited_at = number, now
    db.session.flush()
    user_ids = [row.user_id for row in rows if row.user_id is not None]
    if user_ids:
        invite.enqueue(lottery.id, user_ids)
    return rows


def panel_rows(lottery: Lottery) -> list[Volunteer]:
    """The drawn volunteers (first draw and replacements), in the order drawn."""
    return list(
        db.session.scalars(
            sa.select(Volunteer)
            .where(Volunteer.lottery_id == lottery.id, Volunteer.draw_number.is_not(None))
            .order_by(Volunteer.draw_number, Volunteer.row_id)
        )
    )


def reply(lottery: Lottery, user, accept: bool) -> Volunteer:
    """The drawn volunteer accepts or declines the seat."""
    from consult.core.policy import enforce

    enforce("lottery.reply", user, lottery)
    row = db.session.scalar(
        sa.select(Volunteer).where(Volunteer.lottery_id == lottery.id, Volunteer.user_id == user.id)
    )
    row.reply, row.replied_at = (ACCEPTED if accept else DECLINED), utcnow()
    db.session.flush()
    audit.record("lotteries.replied", actor=user, subject=lottery, accepted=accept)
    return row


def seats_to_replace(lottery: Lottery) -> int:
    """Seats given back by those who declined, not yet drawn again."""
    rows = panel_rows(lottery)
    declined = sum(1 for r in rows if r.reply == DECLINED)
    replaced = sum(d["seats"] for d in lottery.draws[1:])
    return max(0, declined - replaced)


def request_replacement(lottery: Lottery, by=None) -> int:
    """Queue the draw of the replacements (:func:`run_replacement`) once some panel can fill the seats with
    the quotas less the panelists kept; returns the seats to fill."""
    plan = _replacement(lottery)
    request = plan["request"]
    problem = drawing.feasible(request["categories"], request["pool"], request["seats"])
    if problem is not None:
        raise DomainError(_l("No volunteer left in the pool can fill these seats within the quotas. Seat the "
                             "panel as it is, with fewer members. (%(detail)s)", detail=problem[:300]))
    run_replacement.enqueue(lottery.id, getattr(by, "id", None))
    return plan["seats"]


@tasks.task("lotteries.replace", retries=2, retry_delay=30, short_write=True)
def run_replacement(lottery_id: int, actor_id: int | None = None) -> None:
    """Draw the replacements still to draw (nothing when another run drew them already)."""
    lottery = db.session.get(Lottery, lottery_id)
    if lottery is None or lottery.status != DRAWN or seats_to_replace(lottery) == 0:
        return
    replace(lottery, by=_actor(actor_id))


def _replacement(lottery: Lottery) -> dict:
    """What the next replacement draws: its number, seed, seats, the rows excluded (drawn before) and kept
    (drawn and not declined), and the request for the draw (pool less the excluded, quotas less the kept)."""
    if lottery.status != DRAWN:
        raise Conflict(_l("This can be done only after the draw and before the panel is seated."))
    seats = seats_to_replace(lottery)
    if seats == 0:
        raise DomainError(_l("Nobody has declined: there is no seat to fill again."))
    drawn = [row_id for d in lottery.draws for row_id in d["selected"]]
    declined = {r.row_id for r in panel_rows(lottery) if r.reply == DECLINED}
    kept = sorted(row_id for row_id in drawn if row_id not in declined)
    number = len(lottery.draws)
    data = lottery.draw_input
    excluded = sorted(drawn)
    pool = [row for row in data["pool"] if row["id"] not in set(excluded)]
    if len(pool) < seats:
        raise DomainError(_l("Every volunteer of the pool has been drawn: no one is left to invite."))
    categories = drawing.quotas_less(data["categories"], data["pool"], kept)
    seed = drawing.replacement_seed(lottery.seed, number)
    return {"number": number, "seats": seats, "seed": seed, "excluded": excluded, "kept": kept,
            "request": {"categories": categories, "pool": pool, "seats": seats, "seed": seed}}


def replace(lottery: Lottery, by=None) -> list[Volunteer]:
    """Draw the seats of those who declined among the volunteers never drawn, quotas less those kept."""
    plan = _replacement(lottery)
    number, seats, seed, excluded, kept = (plan[k] for k in ("number", "seats", "seed", "excluded", "kept"))
    result = _run(plan["request"])
    lottery.draws = [
        *lottery.draws,
        {
            "number": number,
            "seats": seats,
            "seed": seed,
            "excluded": excluded,
            "kept": kept,
            "selected": result["selected"],
            "at": utcnow().isoformat(timespec="seconds"),
        },
    ]
    rows = _mark_drawn(lottery, result["selected"], number)
    audit.record("lotteries.replaced", actor=by, subject=lottery, number=number, seats=seats)
    db.session.flush()
    return rows


def _can_replace(lottery: Lottery) -> bool:
    """Some volunteers never drawn can fill the declined seats within the quotas."""
    try:
        request = _replacement(lottery)["request"]
    except DomainError:
        return False
    return drawing.feasible(request["categories"], request["pool"], request["seats"]) is None


def seat(lottery: Lottery, by=None) -> list[Volunteer]:
    """Seat the panel (every invitation answered, no declined seat left to fill), then drop what is no longer
    needed: the rows of volunteers not on the panel, and the panelists' answers."""
    if lottery.status != DRAWN:
        raise Conflict(_l("This can be done only after the draw and before the panel is seated."))
    rows = panel_rows(lottery)
    if any(r.reply is None for r in rows):
        raise DomainError(_l("Some of the drawn have not replied yet."))
    if seats_to_replace(lottery) and _can_replace(lottery):
        raise DomainError(_l("Some seats were declined: draw their replacements first."))
    panel = [r for r in rows if r.reply == ACCEPTED]
    db.session.execute(
        sa.delete(Volunteer).where(
            Volunteer.lottery_id == lottery.id, Volunteer.id.not_in([r.id for r in panel] or [0])
        )
    )
    for row in panel:
        row.answers = {}
    lottery.status, lottery.seated_at = FINAL, utcnow()
    db.session.flush()
    seat_on = SEAT_ON.get(lottery.owner_type)
    if seat_on is not None:
        seat_on(lottery, panel)
    audit.record("lotteries.seated", actor=by, subject=lottery, panel=len(panel))
    return panel


def _seat_on_debate(lottery: Lottery, panel: list[Volunteer]) -> None:
    """The panelists join the debate's panel as "the public" (listed on its page with the moderator and the
    experts)."""
    from consult.debates.changes import changed
    from consult.debates.models import Debate, Panelist

    debate = db.session.get(Debate, lottery.owner_id)
    if debate is None:
        return
    position = max((p.position for p in debate.panelists), default=0)
    for number, row in enumerate(sorted(panel, key=lambda r: (r.user.display_name if r.user else "")), 1):
        if row.user is None:
            continue
        debate.panelists.append(Panelist(name=row.user.public_name[:120], role="public", user_id=row.user_id,
                                         bio="", position=position + number))
    changed(debate, "status")


#: how a seated panel is seated on its owner, by owner type (the lottery page lists it in every case)
SEAT_ON = {"debate": _seat_on_debate}


def seated_panel(owner_type: str, owner_id: int) -> list[tuple[Lottery, list[str]]]:
    """The seated panels of an owner with the public names of their panelists (for the owner's page), in one
    statement."""
    from flask_babel import gettext as _

    from consult.accounts.models import User

    found = db.session.execute(
        sa.select(Lottery, User.display_name, User.deleted_at)
        .join(Volunteer, Volunteer.lottery_id == Lottery.id)
        .outerjoin(User, User.id == Volunteer.user_id)
        .where(Lottery.owner_type == owner_type, Lottery.owner_id == owner_id, Lottery.status == FINAL,
               Volunteer.reply == ACCEPTED)
        .order_by(Lottery.id, User.display_name)
    ).all()
    panels: dict[int, tuple[Lottery, list[str]]] = {}
    for lottery, name, deleted_at in found:
        names = panels.setdefault(lottery.id, (lottery, []))[1]
        names.append(_("Former participant") if name is None or deleted_at is not None else name)
    return list(panels.values())


@tasks.task("lotteries.invite", retries=5, retry_delay=30, backoff=2, short_write=True)
def invite(lottery_id: int, user_ids: list[int]) -> int:
    """An in-app notification, and a mail to those who gave an address, for each person drawn."""
    from flask import current_app
    from flask_babel import force_locale
    from flask_babel import gettext as _

    from consult.accounts.models import User
    from consult.core.mail import mail_enabled, send_mails
    from consult.core.urls import external_url
    from consult.notifications.models import Notification

    lottery = db.session.get(Lottery, lottery_id)
    if lottery is None:
        return 0
    people = db.session.scalars(
        sa.select(User).where(User.id.in_(user_ids), User.deleted_at.is_(None)).order_by(User.id)
    ).all()
    db.session.add_all(
        [
            Notification(
                user_id=u.id,
                event="lottery_invited",
                target_type="lottery",
                target_id=lottery.id,
                params={"title": lottery.title},
            )
            for u in people
        ]
    )
    db.session.flush()
    if mail_enabled():
        mails = []
        for user in people:
            if not user.email:
                continue
            with force_locale(user.language or "en"):
                subject = _("You were drawn for %(title)s", title=lottery.title)
                body = (
                    _(
                        "You were drawn by lot for the panel “%(title)s”. Please tell us whether you accept "
                        "the seat:",
                        title=lottery.title,
                    )
                    + "\n\n"
                    + external_url("lotteries.show", lottery_id=lottery.id)
                    + "\n\n"
                    + str(current_app.config["PLATFORM_NAME"])
                )
            mails.append((user.email, subject, body))
        send_mails(mails)
    return len(people)
