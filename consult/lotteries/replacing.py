"""Replacements: the seats of those who declined drawn again among the volunteers never drawn, with the
quotas less the panelists kept, from SHA-256(seed + ":replacement:" + number) (a task, as the first draw).

Services flush and never commit.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from consult.core import audit, tasks
from consult.core.errors import Conflict, DomainError
from consult.core.models import utcnow
from consult.extensions import db
from consult.lotteries import draw as sortition
from consult.lotteries.drawing import _actor, _mark_drawn, _run
from consult.lotteries.invitations import panel_rows, seats_to_replace
from consult.lotteries.models import DECLINED, DRAWN, Lottery, Volunteer


def request_replacement(lottery: Lottery, by=None) -> int:
    """Queue the draw of the replacements (:func:`run_replacement`) once some panel can fill the seats with
    the quotas less the panelists kept; returns the seats to fill."""
    plan = _replacement(lottery)
    request = plan["request"]
    problem = sortition.feasible(request["categories"], request["pool"], request["seats"])
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
    categories = sortition.quotas_less(data["categories"], data["pool"], kept)
    seed = sortition.replacement_seed(lottery.seed, number)
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
    return sortition.feasible(request["categories"], request["pool"], request["seats"]) is None
