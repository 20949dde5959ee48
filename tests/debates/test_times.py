"""Debate times typed in the platform's zone (Europe/Rome, UTC+1 in winter, UTC+2 in summer) are stored in UTC
and shown as one interval in the reader's language."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from consult.debates.models import Debate
from tests.helpers import text_of


def _fields(**times):
    return {"title": "Telling a different story", "description": "", "place": "Biblioteca civica",
            "speech_limit_seconds": "120", **times}


def test_debate_times_typed_locally_are_stored_in_utc_and_shown_as_one_interval(client, make_user, db):
    make_user("mod", roles=("moderator",))
    client.sign_in("mod")
    response = client.post_form("/debates/new",
                                _fields(starts_at="2030-12-17T18:30", ends_at="2030-12-17T20:00"))
    assert response.status_code == 303, text_of(response)
    debate = db.session.scalar(sa.select(Debate))
    assert (debate.starts_at, debate.ends_at) == (datetime(2030, 12, 17, 17, 30),
                                                  datetime(2030, 12, 17, 19, 0))
    page = client.get(f"/debates/{debate.id}").get_data(as_text=True)
    assert "Dec 17, 2030, 6:30\u2009–\u20098:00\u202fPM" in page
    assert "12/17/30" not in page and "6:30:00" not in page  # no second format mixed in
    french = client.get(f"/debates/{debate.id}?lang=fr", follow_redirects=True).get_data(as_text=True)
    assert "17 déc. 2030, 18:30\u2009–\u200920:00" in french
    edit = client.get(f"/debates/{debate.id}/edit").get_data(as_text=True)
    assert 'value="2030-12-17T18:30"' in edit and 'value="2030-12-17T20:00"' in edit
    # over two days, in summer: both dates, each with its time
    response = client.post_form(f"/debates/{debate.id}/edit", _fields(starts_at="2030-07-01T21:00",
                                                                         ends_at="2030-07-02T01:00"))
    assert response.status_code == 303, text_of(response)
    db.session.refresh(debate)
    assert (debate.starts_at, debate.ends_at) == (datetime(2030, 7, 1, 19, 0), datetime(2030, 7, 1, 23, 0))
    page = client.get(f"/debates/{debate.id}?lang=en", follow_redirects=True).get_data(as_text=True)
    assert "Jul 1, 2030, 9:00\u202fPM\u2009–\u2009Jul 2, 2030, 1:00\u202fAM" in page


def test_debate_time_the_clocks_skip_is_refused(client, make_user, db):
    make_user("mod", roles=("moderator",))
    client.sign_in("mod")
    response = client.post_form("/debates/new", _fields(starts_at="2030-03-31T02:30", ends_at=""))
    assert response.status_code == 422
    assert "There is no 2:30 AM on March 31, 2030 in Europe/Rome" in text_of(response)
    assert db.session.scalar(sa.select(sa.func.count(Debate.id))) == 0


def test_poll_opening_is_typed_in_local_time(client, make_user, db):
    from consult.votes.models import Poll

    make_user("admin", roles=("admin",))
    client.sign_in("admin")
    form = client.get("/polls/new").get_data(as_text=True)
    assert "Opens at (optional)" in form and "UTC" not in form
    response = client.post_form("/polls/new", {"question": "Which project first?", "method": "single",
                                               "mode": "secret", "majority": "simple",
                                               "options": "Language café\nWelcome desk\n",
                                               "opens_at": "2030-12-17T18:00",
                                               "closes_at": "2030-12-24T12:00"})
    assert response.status_code == 303, text_of(response)
    poll = db.session.scalar(sa.select(Poll).where(Poll.question == "Which project first?"))
    assert (poll.opens_at, poll.closes_at) == (datetime(2030, 12, 17, 17, 0), datetime(2030, 12, 24, 11, 0))


def test_process_phase_dates_round_trip_and_show_as_one_interval(client, make_user, db):
    from consult.processes import services as processes
    from consult.processes.models import Phase

    admin = make_user("admin", roles=("admin",))
    process = processes.create_process(actor=admin, title="Welcoming city", description="", themes=[],
                                       district_ids=[], rule=None, support_threshold=10)
    db.session.commit()
    client.sign_in("admin")
    response = client.post_form(f"/processes/{process.id}/phases/new", {
        "kind": "proposals", "starts_at": "2030-07-01T09:00", "ends_at": "2030-07-01T18:00",
        "capabilities": ["propose"]})
    assert response.status_code == 303, text_of(response)
    phase = db.session.scalar(sa.select(Phase))
    assert (phase.starts_at, phase.ends_at) == (datetime(2030, 7, 1, 7, 0), datetime(2030, 7, 1, 16, 0))
    edit = client.get(f"/processes/{process.id}/phases/{phase.id}").get_data(as_text=True)
    assert 'value="2030-07-01T09:00"' in edit and 'value="2030-07-01T18:00"' in edit
    page = client.get(f"/processes/{process.id}").get_data(as_text=True)
    assert "Jul 1, 2030, 9:00\u202fAM\u2009–\u20096:00\u202fPM" in page
    refused = client.post_form(f"/processes/{process.id}/phases/{phase.id}", {
        "kind": "proposals", "starts_at": "2030-10-27T02:30", "ends_at": "2030-11-01T18:00"})
    assert refused.status_code == 422 and "comes twice" in text_of(refused)
