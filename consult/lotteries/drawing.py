"""The draw: the revealed public value and its seed, then the panel drawn (as a task: the solver runs in a
child process, ``consult.lotteries.draw.run``), each result kept per input since it never changes.

Services flush and never commit.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from consult.core import audit, tasks
from consult.core.errors import Conflict, DomainError
from consult.core.models import utcnow
from consult.extensions import db
from consult.lotteries import draw as sortition
from consult.lotteries.invitations import invite
from consult.lotteries.models import CLOSED, DRAWN, Lottery, Volunteer
from consult.lotteries.pools import library_version

log = logging.getLogger(__name__)


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
    key = hashlib.sha256(sortition.canonical({**request, "library": library_version()})).hexdigest()
    kept = draw_cache / f"{key}.json" if draw_cache is not None else None
    if key not in _results and kept is not None and kept.is_file():
        _results[key] = json.loads(kept.read_text())
    if key not in _results:
        result = sortition.run(request)
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
    lottery.revealed_value, lottery.seed = value, sortition.seed_of(lottery.pool_digest, value)
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
    seed = sortition.seed_of(lottery.pool_digest, value)
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
