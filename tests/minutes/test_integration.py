"""End to end with the councils and meetings modules: closing a session drafts its minutes, and the council's
officers (by membership) carry them through approval. The API then serves the session and the council."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import jsonschema
import pytest

from consult.extensions import db as _db
from consult.minutes import services as minutes_services


@pytest.fixture
def closed_session(db, make_user):
    from consult.councils import services as councils
    from consult.meetings import services as meetings

    president = make_user("president", display_name="Adama")
    secretary = make_user("secretary", display_name="Mariam")
    make_user("member", display_name="Chen")
    council = councils.create_council(name="Council of Cultures", slug="cultures")
    start = date(2020, 1, 1)
    councils.add_membership(council, president, role="president", starts_on=start)
    councils.add_membership(council, secretary, role="secretary", starts_on=start)
    starts_at = datetime(2030, 3, 12, 17, 0)
    session = meetings.create_session(council, title="Ordinary session", starts_at=starts_at,
                                      place="Town hall")
    meetings.add_item(session, title="Resident cards", kind="decision")
    meetings.convene_session(session, now=starts_at - timedelta(days=20))
    meetings.start_session(session, now=starts_at)
    meetings.close_session(session, now=starts_at + timedelta(hours=2))
    _db.session.commit()
    return session


def test_closing_a_session_drafts_minutes_that_officers_approve(client, closed_session):
    minutes = minutes_services.original_for("council_session", closed_session.id)
    assert minutes is not None and minutes.council_id == closed_session.council_id
    assert "Resident cards" in minutes.body and "Town hall" in minutes.body
    client.sign_in("secretary")
    assert client.post_form(f"/minutes/{minutes.id}/submit").status_code == 303
    client.sign_out()
    client.sign_in("member")
    assert client.post_form(f"/minutes/{minutes.id}/approve").status_code == 403
    client.sign_out()
    client.sign_in("president")
    assert client.post_form(f"/minutes/{minutes.id}/approve").status_code == 303
    assert client.post_form(f"/minutes/{minutes.id}/publish").status_code == 303


def test_api_serves_sessions_and_councils_as_documented(client, closed_session):
    spec = client.get("/api/openapi.json").get_json()
    for name, schema in (("sessions", "SessionList"), ("councils", "CouncilList")):
        body = client.get(f"/api/v1/{name}").get_json()
        assert body["meta"]["total"] == 1
        jsonschema.Draft202012Validator({"$ref": f"#/components/schemas/{schema}",
                                         "components": spec["components"]}).validate(body)
    session = client.get("/api/v1/sessions").get_json()["data"][0]
    assert session["agenda"] == [{"position": 1, "title": "Resident cards", "kind": "decision"}]
    assert set(session["attendance"]) == {"present", "excused", "absent"}


def test_ending_a_debate_drafts_its_minutes_for_its_moderator(client, make_user):
    from consult.debates import services as debates
    moderator = make_user("karim", display_name="Karim", roles=("moderator",))
    debate = debates.create_debate(moderator, title="Telling a different story", place="Library",
                                   starts_at=datetime(2030, 5, 2, 18, 0))
    debates.start_debate(debate, moderator)
    debates.end_debate(debate, moderator)
    _db.session.commit()
    minutes = minutes_services.original_for("debate", debate.id)
    assert minutes is not None and minutes.council_id is None
    assert "Library" in minutes.body
    client.sign_in("karim")
    assert client.get(f"/minutes/{minutes.id}/edit").status_code == 200
