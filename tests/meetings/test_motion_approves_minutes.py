"""Minutes approved by motion: the secretary submits them in motion mode, a motion of a later session names
them (the motion form offers the council's minutes awaiting a motion), and the council's vote decides:
adopted, the minutes are approved; rejected, they stay submitted.
Minutes of another council cannot be named."""

from __future__ import annotations

import re

from consult.councils import services as councils
from consult.meetings import services as meetings
from consult.meetings.models import Motion
from consult.minutes import services as minutes_services
from tests.meetings.conftest import running_session


def _minutes_in_motion_mode(client, session, db):
    """The minutes drafted when ``session`` closes, put in motion mode and submitted by the secretary."""
    meetings.close_session(session)
    db.session.commit()
    minutes = minutes_services.original_for("council_session", session.id)
    client.sign_in("secr")
    assert client.post_form(f"/minutes/{minutes.id}/approval-mode", {"mode": "motion"}).status_code == 303
    assert client.post_form(f"/minutes/{minutes.id}/submit").status_code == 303
    client.sign_out()
    db.session.refresh(minutes)
    assert (minutes.status, minutes.approval_mode) == ("submitted", "motion")
    return minutes


def _vote(client, db, item, text, minutes_id, choices):
    """The secretary writes a motion naming the minutes and opens it; the members vote; the secretary closes
    it."""
    client.sign_in("secr")
    response = client.post_form(f"/items/{item.id}/motions", {"text": text, "rule": "simple", "mode": "named",
                                                               "approves_minutes_id": str(minutes_id)})
    assert response.status_code == 303
    motion = db.session.query(Motion).filter_by(text=text).one()
    assert motion.approves_minutes_id == minutes_id
    assert client.post_form(f"/motions/{motion.id}/open").status_code == 303
    client.sign_out()
    for username, choice in choices.items():
        client.sign_in(username)
        assert client.post_form(f"/motions/{motion.id}/vote", {"choice": choice}).status_code == 303
        client.sign_out()
    client.sign_in("secr")
    assert client.post_form(f"/motions/{motion.id}/close").status_code == 303
    client.sign_out()
    db.session.refresh(motion)
    return motion


def test_an_adopted_motion_approves_the_minutes_it_names(client, running, db):
    setup, first, _item = running
    minutes = _minutes_in_motion_mode(client, first, db)
    second, item = running_session(setup, db)

    # the session page offers the minutes awaiting a motion to whoever runs the session
    client.sign_in("secr")
    page = client.get(f"/sessions/{second.id}").get_data(as_text=True)
    assert f'<option value="{minutes.id}">{minutes.title}</option>' in page
    client.sign_out()

    rejected = _vote(client, db, item, "Approve the minutes as written", minutes.id,
                     {"member1": "no", "member2": "no", "member3": "yes"})
    assert rejected.verdict == "rejected"
    db.session.refresh(minutes)
    assert minutes.status == "submitted" and minutes.approval_reference is None

    adopted = _vote(client, db, item, "Approve the minutes of the ordinary session", minutes.id,
                    {"member1": "yes", "member2": "yes", "member3": "abstain"})
    assert adopted.verdict == "adopted"
    db.session.refresh(minutes)
    assert minutes.status == "approved" and minutes.approved_at is not None
    assert "Approve the minutes of the ordinary session" in minutes.approval_reference


def test_a_motion_cannot_name_another_councils_minutes(client, running, db, make_user):
    setup, session, item = running
    other = councils.create_council(name="Youth Council", purpose="Young residents.", quorum_percent=50,
                                    convocation_days=5)
    record = {"kind": "council_session", "id": 999, "title": "Youth session", "items": []}
    theirs = minutes_services.create_draft(record, council_id=other.id, approval_mode="motion")
    minutes_services.submit(theirs, actor=None)
    db.session.commit()

    client.sign_in("secr")
    # only this council's minutes are offered: here, none (the select is not shown)
    assert 'name="approves_minutes_id"' not in client.get(f"/sessions/{session.id}").get_data(as_text=True)
    response = client.post_form(f"/items/{item.id}/motions", {"text": "Approve their minutes",
                                                               "rule": "simple", "mode": "named",
                                                               "approves_minutes_id": str(theirs.id)})
    assert response.status_code == 422
    # the field, with the service's refusal as its error
    error = re.search(r'<p class="field__error" id="approves_minutes_id-error">([^<]*)</p>',
                      response.get_data(as_text=True))
    assert error and "minutes submitted for approval by motion" in error.group(1)
    assert db.session.query(Motion).count() == 0
    db.session.refresh(theirs)
    assert theirs.status == "submitted"
