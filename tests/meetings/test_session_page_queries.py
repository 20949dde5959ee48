"""The session page reads the session's minutes in the statement that reads the session (one round trip
fewer on every closed session's page), without their text, and still links to them as they are now."""

from __future__ import annotations

import re

from consult.meetings import services as meetings
from consult.minutes import services as minutes_services
from tests.helpers import QueryCounter


def test_the_minutes_come_with_the_session(client, running, db):
    setup, session, _item = running
    meetings.close_session(session)
    db.session.commit()
    minutes = minutes_services.original_for("council_session", session.id)
    for step in (minutes_services.submit, minutes_services.approve, minutes_services.publish):
        step(minutes, actor=setup.users["pres" if step is minutes_services.approve else "secr"])
    db.session.commit()
    url = f"/sessions/{session.id}"
    client.get(url)
    with QueryCounter() as queries:
        html = client.get(url).get_data(as_text=True)
    assert re.search(rf'<a href="/minutes/{minutes.id}">\s*Read the minutes', html)
    assert not [s for s in queries.statements if s.lstrip().startswith("SELECT minutes.")]
    [statement] = [s for s in queries.statements if " minutes" in s]  # the session's own statement
    assert "minutes.body" not in statement and "minutes.record" not in statement  # only linked to


def test_the_roll_call_reads_the_seats_of_the_sessions_council_only():
    """Every other council's seats are left out before the names are joined (a condition of its own, not a
    branch of the OR that keeps attendance rows, seats of the day and the reader's seats): at city scale the
    statement read 260 seats and their accounts for a council of 52 (0.83 ms -> 0.14 ms on PostgreSQL)."""
    from sqlalchemy.sql import operators

    from consult.meetings import roll_queries

    where = roll_queries._roll_statement().whereclause
    assert where.operator is operators.and_
    assert "council_membership.council_id = :council_id" in [str(clause) for clause in where.clauses]
