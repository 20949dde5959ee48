"""Session and roll-call times typed in the platform's zone (Europe/Rome) are stored in UTC and shown as
typed.

Expected UTC values come from Rome's published offsets: UTC+1 in winter, UTC+2 in summer; in 2030 the clocks
go forward on 31 March (02:00 -> 03:00) and back on 27 October (03:00 -> 02:00).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from consult.meetings import services as meetings
from consult.meetings.models import Attendance, CouncilSession
from tests.helpers import text_of
from tests.meetings.conftest import roll_call_data

NEW = "/councils/council-of-cultures/sessions/new"


def _plan(client, starts_at, **extra):
    return client.post_form(NEW,
                            {"title": "December session", "starts_at": starts_at, "planned_minutes": "120",
                             "place": "Sala Gialla", **extra})


def _session(db):
    db.session.expire_all()
    return db.session.scalar(sa.select(CouncilSession))


def test_a_session_typed_for_18_00_is_stored_17_00_utc_in_winter_and_shown_as_typed(client, council_setup,
                                                                                    db):
    client.sign_in("secr")
    assert _plan(client, "2030-12-17T18:00").status_code == 303
    session = _session(db)
    assert session.starts_at == datetime(2030, 12, 17, 17, 0)  # not 17:10 (pytz's local mean time)
    page = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert '<time datetime="2030-12-17T17:00:00Z">' in page
    assert "6:00:00\u202fPM" in page and "6:10" not in page
    form = client.get(f"/sessions/{session.id}/edit").get_data(as_text=True)
    assert 'value="2030-12-17T18:00"' in form
    # saved again unchanged: still the same instant
    assert client.post_form(f"/sessions/{session.id}/edit", {"title": "December session",
                                                             "starts_at": "2030-12-17T18:00",
                                                             "planned_minutes": "90",
                                                             "place": "Sala Gialla"}).status_code == 303
    assert _session(db).starts_at == datetime(2030, 12, 17, 17, 0)
    # in summer the same wall clock is 16:00 UTC
    assert client.post_form(f"/sessions/{session.id}/edit", {"title": "December session",
                                                             "starts_at": "2030-07-02T18:00",
                                                             "planned_minutes": "90",
                                                             "place": "Sala Gialla"}).status_code == 303
    assert _session(db).starts_at == datetime(2030, 7, 2, 16, 0)


def test_a_time_the_clocks_skip_is_refused_on_the_form(client, council_setup, db):
    client.sign_in("secr")
    response = _plan(client, "2030-03-31T02:30")
    assert response.status_code == 422
    assert ("There is no 2:30 AM on March 31, 2030 in Europe/Rome: the clocks go forward past it that night. "
            "Please choose another time.") in text_of(response)
    assert _session(db) is None


def test_a_time_that_comes_twice_is_asked_about_then_stored_as_chosen(client, council_setup, db):
    client.sign_in("secr")
    response = _plan(client, "2030-10-27T02:30")
    assert response.status_code == 422
    assert "2:30 AM comes twice on October 27, 2030 in Europe/Rome" in text_of(response)  # text_of: one space
    html = response.get_data(as_text=True)
    assert "The first 2:30\u202fAM (UTC+02:00, before the clocks go back)" in html
    assert "The second 2:30\u202fAM (UTC+01:00, after the clocks go back)" in html
    assert _session(db) is None
    assert _plan(client, "2030-10-27T02:30", **{"starts_at-fold": "1"}).status_code == 303
    session = _session(db)
    assert session.starts_at == datetime(2030, 10, 27, 1, 30)
    edit = client.get(f"/sessions/{session.id}/edit").get_data(as_text=True)
    assert 'value="2030-10-27T02:30"' in edit and 'name="starts_at-fold" value="1" checked' in edit
    assert client.post_form(f"/sessions/{session.id}/edit",
                            {"title": "Early", "starts_at": "2030-10-27T02:30",
                             "starts_at-fold": "0", "planned_minutes": "60",
                             "place": "Sala Gialla"}).status_code == 303
    assert _session(db).starts_at == datetime(2030, 10, 27, 0, 30)


def _sitting(setup, db, starts_at, started_at):
    session = meetings.create_session(setup.council, title="Sitting", starts_at=starts_at, place="Town hall")
    meetings.add_item(session, title="Resident cards", kind="decision")
    meetings.convene_session(session)
    meetings.start_session(session, now=started_at)
    db.session.commit()
    return session


def _roll(client, session, db, member="member1", **times):
    rows = {a.membership.user.username: a for a in session.attendance}
    lines = {rows[u].membership_id: {"status": "present"} for u in ("pres", "secr", "member1")}
    lines[rows[member].membership_id].update(times)
    response = client.post_form(f"/sessions/{session.id}/roll-call", roll_call_data(lines))
    db.session.expire_all()
    return response, db.session.get(Attendance, rows[member].id)


def test_a_late_arrival_is_stored_in_utc_and_shown_as_typed(client, council_setup, db):
    # 11:00
    session = _sitting(council_setup, db, datetime(2030, 12, 17, 10, 0), datetime(2030, 12, 17, 10, 2))
    client.sign_in("secr")
    response, row = _roll(client, session, db, arrived="11:49", left="12:30")
    assert response.status_code == 303
    assert row.arrived_at == datetime(2030, 12, 17, 10, 49)  # not 10:59
    assert row.left_at == datetime(2030, 12, 17, 11, 30)
    roll = client.get(f"/sessions/{session.id}/roll-call").get_data(as_text=True)
    assert 'value="11:49"' in roll and 'value="12:30"' in roll
    page = text_of(client.get(f"/sessions/{session.id}"))
    assert "11:49 AM" in page and "12:30 PM" in page  # text_of makes Babel's narrow space a space


def test_roll_call_times_on_the_nights_the_clocks_change(client, council_setup, db):
    client.sign_in("secr")
    # 31 March 2030, a sitting from 01:30 (00:30 UTC): 02:30 never shows on a clock in Rome
    spring = _sitting(council_setup, db, datetime(2030, 3, 31, 0, 30), datetime(2030, 3, 31, 0, 30))
    response, row = _roll(client, spring, db, arrived="02:30")
    assert response.status_code == 422 and "There is no 2:30 AM on March 31, 2030" in text_of(response)
    assert row is None or row.arrived_at is None
    response, row = _roll(client, spring, db, arrived="03:10")
    assert response.status_code == 303 and row.arrived_at == datetime(2030, 3, 31, 1, 10)


def test_roll_call_reads_a_repeated_time_as_the_one_after_the_start(client, council_setup, db):
    client.sign_in("secr")
    # 27 October 2030, a sitting that began at the first 02:40 (00:40 UTC): 02:50 is the first one (00:50
    # UTC), 02:10 can only be the second (01:10 UTC), after the clocks went back
    autumn = _sitting(council_setup, db, datetime(2030, 10, 27, 0, 40), datetime(2030, 10, 27, 0, 40))
    response, row = _roll(client, autumn, db, arrived="02:50", left="02:10")
    assert response.status_code == 303
    assert row.arrived_at == datetime(2030, 10, 27, 0, 50) and row.left_at == datetime(2030, 10, 27, 1, 10)
