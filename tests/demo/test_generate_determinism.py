"""``flask demo generate``: the same seed gives the same data whatever order the database returns rows in.

SQLite and PostgreSQL return the rows of a query without ORDER BY in different orders; the generator must not
let that order reach its random draws or the ids of the rows it makes. Here the seats of a council are handed
out once in id order and once reversed (as another database could), and one session held with the same seed
must give the same roll (same ids, same seats, same statuses) and the same motions.
"""

from __future__ import annotations

import random
from datetime import date, datetime

import sqlalchemy as sa

from consult.core.models import utcnow
from consult.demo.generate import Context
from consult.demo.generate.councils import seat_council
from consult.demo.generate.rows import accounts
from consult.demo.generate.sessions import hold_session
from consult.extensions import db as _db


def _residents(n: int = 40) -> list[int]:
    from consult.accounts.models import User

    now = utcnow()
    _db.session.execute(sa.insert(User.__table__), [
        {"username": f"det{k}", "display_name": f"Resident {k}", "language": "en", "is_blocked": False,
         "created_at": now, "updated_at": now} for k in range(n)])
    return list(_db.session.scalars(sa.select(User.id).where(User.username.like("det%")).order_by(User.id)))


def _hold(monkeypatch, ctx, council, people, starts: datetime, *, reverse: bool) -> tuple[list, list]:
    from consult.meetings import attendance

    seated = attendance.memberships_for
    monkeypatch.setattr(attendance, "memberships_for",
                        lambda session: sorted(seated(session), key=lambda m: m.id, reverse=reverse))
    ctx.rng = random.Random(3)
    session, _dates = hold_session(ctx, council, starts, people, last=True)
    monkeypatch.setattr(attendance, "memberships_for", seated)
    first = min(a.id for a in session.attendance)
    roll = [(a.id - first, a.membership_id, a.status, a.arrived_at, a.left_at)
            for a in sorted(session.attendance, key=lambda a: a.id)]
    motions = [(m.text, m.mode, m.rule, m.yes, m.no, m.abstain, m.verdict)
               for item in session.items for m in item.motions]
    return roll, motions


def test_a_session_does_not_depend_on_the_order_of_the_seats(db, monkeypatch):
    from consult.councils import services as councils

    ids = _residents()
    now = utcnow()
    ctx = Context(counts={"years": 1}, rng=random.Random(1), now=now, resident_ids=ids, user_ids=ids)
    council = councils.create_council(name="Determinism council", slug="determinism-council",
                                      convocation_days=5)
    people = accounts(ctx, ids)
    seat_council(ctx, council, people, ids, date(now.year - 1, 1, 15))
    _db.session.flush()
    starts = datetime(now.year - 1, 3, 10, 16, 0)

    in_order = _hold(monkeypatch, ctx, council, people, starts, reverse=False)
    reversed_ = _hold(monkeypatch, ctx, council, people, starts, reverse=True)

    roll, motions = in_order
    assert len(roll) >= 11 and motions  # a real roll and at least one motion were drawn
    # ids in seat order
    assert [seat for _n, seat, *_rest in roll] == sorted(seat for _n, seat, *_rest in roll)
    assert reversed_ == in_order
