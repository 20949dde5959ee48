"""The session record has the documented shape and holds every attendee, item, motion, tally and speaker."""

import json
from datetime import timedelta

from consult.core.models import utcnow
from consult.meetings import services as meetings
from consult.meetings.record import session_record
from tests.meetings.conftest import running_session

TOP_KEYS = {"kind", "id", "title", "body", "starts_at", "ends_at", "place", "online_link", "language",
            "chaired_by", "written_by", "attendance", "quorum", "items", "segments", "speakers", "questions",
            "polls"}
ITEM_KEYS = {"number", "title", "kind", "description", "started_at", "ended_at", "notes", "speakers",
             "motions", "decisions", "actions", "proposals"}
MOTION_KEYS = {"text", "rule", "mode", "yes", "no", "abstain", "verdict", "named_votes"}


def test_session_record_is_complete(council_setup, db):
    setup = council_setup
    session, item = running_session(setup, db, present=("pres", "secr", "member1", "member2", "obs"))
    by_name = {a.membership.user.username: a for a in session.attendance}
    now = utcnow()
    meetings.record_attendance(session, [
        {"attendance_id": by_name["member2"].id, "status": "present",
         "arrived_at": now + timedelta(minutes=10), "left_at": now + timedelta(minutes=50)},
        {"attendance_id": by_name["member3"].id, "status": "excused", "arrived_at": None, "left_at": None},
    ])
    sub = meetings.add_item(session, title="Card design", parent=item,
                            description="Must not become a *monitoring* tool")
    meetings.set_item_proposals(item, [7, 9])
    meetings.record_item_progress(item, notes="Long discussion.", action="start")
    meetings.add_speaker(item, "Adama")
    meetings.add_speaker(item, "Mariam")
    meetings.add_speaker(sub, "Adama")
    named = meetings.add_motion(item, text="Adopt the card", rule="simple", mode="named")
    meetings.open_motion(named)
    for username, choice in (("pres", "yes"), ("secr", "yes"), ("member1", "no")):
        meetings.cast_vote(named, setup.users[username], choice)
    meetings.close_motion(named)
    secret = meetings.add_motion(sub, text="Choose the design", rule="two_thirds", mode="secret")
    meetings.open_motion(secret)
    for username, choice in (("pres", "yes"), ("secr", "no"), ("member1", "abstain")):
        meetings.cast_vote(secret, setup.users[username], choice)
    meetings.close_motion(secret)
    meetings.record_item_progress(item, action="end")
    meetings.close_session(session)

    record = session_record(session)
    json.dumps(record)  # JSON-able
    assert set(record) == TOP_KEYS
    assert record["kind"] == "council_session" and record["body"] == "Council of Cultures"
    assert record["chaired_by"] == ["Pres"] and record["written_by"] == ["Secr"]
    present = {p["name"]: p for p in record["attendance"]["present"]}
    assert set(present) == {"Pres", "Secr", "Member1", "Member2", "Obs"}
    assert present["Member2"]["arrived_at"] and present["Member2"]["left_at"]
    assert present["Obs"]["role"] == "observer"
    assert record["attendance"]["excused"] == [{"name": "Member3", "role": "member"}]
    assert record["attendance"]["absent"] == []
    assert record["quorum"] == {"required": 3, "present": 3, "reached": True}
    assert [i["number"] for i in record["items"]] == ["1", "1.1"]
    first, second = record["items"]
    assert set(first) == ITEM_KEYS
    assert first["notes"] == "Long discussion." and first["started_at"] and first["ended_at"]
    assert first["speakers"] == [{"name": "Adama", "order": 1}, {"name": "Mariam", "order": 2}]
    assert first["proposals"] == [{"id": 7, "title": "#7"}, {"id": 9, "title": "#9"}]
    motion = first["motions"][0]
    assert set(motion) == MOTION_KEYS
    assert (motion["yes"], motion["no"], motion["abstain"], motion["verdict"]) == (2, 1, 0, "adopted")
    assert {v["name"]: v["choice"] for v in motion["named_votes"]} == {"Pres": "yes", "Secr": "yes",
                                                                       "Member1": "no"}
    assert first["decisions"] == ["Adopt the card"]
    secret_row = second["motions"][0]
    assert (secret_row["yes"], secret_row["no"], secret_row["abstain"]) == (1, 1, 1)
    assert secret_row["verdict"] == "rejected" and secret_row["named_votes"] == []
    assert {s["name"]: s["speeches"] for s in record["speakers"]} == {"Adama": 2, "Mariam": 1}
    assert record["ends_at"] is not None
