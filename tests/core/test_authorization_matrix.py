"""Authorization matrix: every route of the URL map × every role answers as ``authz_matrix.TABLE`` says.

One demo load; each role signs in once and visits every route (GET as it is, POST with an empty form and a
valid CSRF token). Requests never commit, so every role meets the same demo. A route added without a line in
the table fails here, and so does a refused request that sent any INSERT, UPDATE or DELETE (a redirect to sign
in commits what was flushed before it).
"""

from __future__ import annotations

import sqlalchemy as sa

from consult.demo import load_demo
from tests.core.authz_matrix import MATRIX, REFUSED, SKIPPED
from tests.core.authz_runner import run_role
from tests.routes import ACCOUNTS, ROLES, DemoObjects, add_missing_objects, route_cases


def _check_scopes(db):
    """The scoped roles are tested on the objects their demo accounts hold them for."""
    from consult.accounts.models import User
    from consult.core import time
    from consult.councils.models import Membership
    from consult.councils.offices import in_term

    objects = DemoObjects()
    users = {u.username: u
             for u in db.session.scalars(sa.select(User).where(User.username.in_(ACCOUNTS.values())))}
    held = dict(db.session.execute(sa.select(Membership.user_id, Membership.role).where(
        Membership.council_id == objects.council.id, in_term(time.today()))).all())
    assert held.get(users["secretary"].id) == "secretary"
    assert held.get(users["member"].id) == "member"
    assert held.get(users["observer"].id) == "observer"
    assert users["moderator"].has_role("moderator", "debate", objects.debate.id)
    assert objects.session.council_id == objects.council.id
    assert objects.item.session_id == objects.session.id


def test_every_route_answers_every_role_as_the_matrix_says(app, db):
    load_demo(progress=False)
    add_missing_objects()
    db.session.commit()
    _check_scopes(db)
    cases = route_cases(app)
    keys = {case.key for case in cases}
    missing = sorted(keys - set(MATRIX) - set(SKIPPED))
    assert not missing, "routes without a line in tests/core/authz_matrix.py:\n" + "\n".join(missing)
    stale = sorted((set(MATRIX) | set(SKIPPED)) - keys)
    assert not stale, ("lines of tests/core/authz_matrix.py for routes that no longer exist:\n"
                       + "\n".join(stale))
    unfilled = sorted(case.key for case in cases if case.url is None and case.key not in SKIPPED)
    assert not unfilled, ("routes whose arguments the demo cannot fill (see tests/routes.py):\n"
                          + "\n".join(unfilled))

    tested = [case for case in cases if case.key not in SKIPPED]
    mismatches, saved = [], []
    for role in ROLES:
        for key, (symbol, status, writes) in run_role(app, tested, role).items():
            expected = MATRIX[key][role]
            if symbol != expected:
                mismatches.append(f"{key:66} {role:10} expected {expected:3} got {symbol} ({status})")
            if expected in REFUSED and writes:
                saved.append(f"{key} as {role}: {', '.join(sorted(set(writes)))}")
    assert not mismatches, "answers that differ from tests/core/authz_matrix.py:\n" + "\n".join(mismatches)
    assert not saved, "refused requests that wrote to the database:\n" + "\n".join(saved)
