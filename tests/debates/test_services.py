"""Debate services: queue order, likes, limits, the clock, registration, the record and the event fan-out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from consult.core.errors import Conflict, DomainError, NotFound
from consult.core.signals import debate_closed
from consult.debates import events
from consult.debates import services as s
from consult.debates.models import Question, QuestionLike, SpeakerRequest
from tests.debates.conftest import participant
from tests.helpers import count


@pytest.fixture
def live(db, make_user, make_debate):
    mod = make_user("mod", roles=("moderator",))
    debate = make_debate(mod)
    s.start_debate(debate, mod)
    db.session.commit()
    return debate, mod


def names(queue):
    return [r.name for r in queue]


def test_queue_points_of_order_then_first_time_speakers_then_order(live, db):
    debate, mod = live
    s.request_to_speak(debate, participant("a:1"), "Amina")
    s.request_to_speak(debate, participant("a:2"), "Bruno")
    amina = db.session.query(SpeakerRequest).filter_by(name="Amina").one()
    s.start_speech(debate, amina)
    s.stop_speech(debate)
    s.request_to_speak(debate, participant("a:1"), "Amina")  # second time
    s.request_to_speak(debate, participant("a:3"), "Chen")
    s.add_speaker(debate, mod, "Dina", kind="point_of_order", note="Interpretation is off")
    queue = s.ordered_queue(debate, s.requests_of(debate))
    assert names(queue) == ["Dina", "Bruno", "Chen", "Amina"]

    debate.first_time_priority = False
    assert names(s.ordered_queue(debate, s.requests_of(debate))) == ["Dina", "Bruno", "Amina", "Chen"]


def test_moderator_moves_within_the_queue(live, db):
    debate, mod = live
    for n, name in enumerate(["Amina", "Bruno", "Chen"]):
        s.request_to_speak(debate, participant(f"a:{n}"), name)
    chen = db.session.query(SpeakerRequest).filter_by(name="Chen").one()
    s.move_request(debate, chen, "up")
    assert names(s.ordered_queue(debate, s.requests_of(debate))) == ["Amina", "Chen", "Bruno"]
    s.move_request(debate, chen, "up")
    s.move_request(debate, chen, "up")  # already first: nothing happens
    assert names(s.ordered_queue(debate, s.requests_of(debate))) == ["Chen", "Amina", "Bruno"]


def test_one_waiting_request_per_participant(live):
    debate, _ = live
    s.request_to_speak(debate, participant("a:1"), "Amina")
    with pytest.raises(Conflict):
        s.request_to_speak(debate, participant("a:1"), "Amina again")


def test_speeches_count_time_and_one_speaks_at_a_time(live, db):
    debate, mod = live
    s.add_speaker(debate, mod, "Amina")
    s.add_speaker(debate, mod, "Bruno")
    amina, bruno = db.session.query(SpeakerRequest).order_by(SpeakerRequest.id).all()
    s.start_speech(debate, amina, limit_seconds=90)
    amina.started_at -= timedelta(seconds=75)
    s.start_speech(debate, bruno)  # ends Amina's speech
    assert amina.status == "done" and 75 <= amina.seconds <= 77 and amina.limit_seconds == 90
    assert bruno.status == "speaking"
    totals = s.speaking_totals(s.requests_of(debate))
    assert totals[0]["name"] == "Amina" and totals[0]["speeches"] == 1


def test_one_like_per_participant_enforced_by_the_database(live, db):
    debate, _ = live
    q = s.ask_question(debate, participant("a:author"), "Why so few reception places?")
    s.like_question(debate, q, participant("a:1"))
    s.like_question(debate, q, participant("u:7"))
    with pytest.raises(Conflict):
        s.like_question(debate, q, participant("a:1"))
    with pytest.raises(Conflict):
        s.like_question(debate, q, participant("a:author"))  # own question
    db.session.commit()
    assert q.likes == 2 == count(QuestionLike, QuestionLike.question_id == q.id)
    # the constraint, not the code, is what stops a duplicate
    db.session.add(QuestionLike(question_id=q.id, participant_key="a:1"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_question_flood_is_rate_limited(live, app):
    debate, _ = live
    who = participant("a:flood")
    for n in range(app.config["DEBATES_QUESTIONS_PER_WINDOW"]):
        s.ask_question(debate, who, f"Question number {n}")
    with pytest.raises(s.RateLimited) as info:
        s.ask_question(debate, who, "One more question")
    assert info.value.status_code == 429
    s.ask_question(debate, participant("a:other"), "Someone else may still ask")


def test_hidden_questions_need_a_reason_and_cannot_be_liked(live):
    debate, mod = live
    q = s.ask_question(debate, participant("a:1"), "Insulting text")
    with pytest.raises(DomainError):
        s.set_question_status(debate, q, "hidden", mod, "")
    s.set_question_status(debate, q, "hidden", mod, "Insults a person")
    assert q.hidden_reason == "Insults a person"
    with pytest.raises(NotFound):
        s.like_question(debate, q, participant("a:2"))


def test_only_one_question_is_live(live):
    debate, mod = live
    a = s.ask_question(debate, participant("a:1"), "First question")
    b = s.ask_question(debate, participant("a:2"), "Second question")
    s.set_question_status(debate, a, "live", mod)
    s.set_question_status(debate, b, "live", mod)
    assert debate.live_question_id == b.id and a.status == "shortlisted"


def test_segment_clock_pauses_and_moves(live, db):
    debate, mod = live
    first, second = debate.segments
    assert debate.current_segment_id == first.id and first.running_since is not None
    first.running_since -= timedelta(seconds=100)
    s.pause_debate(debate, mod)
    assert first.running_since is None and 100 <= first.elapsed_before <= 101
    with pytest.raises(Conflict):
        s.pause_debate(debate, mod)
    s.resume_debate(debate, mod)
    s.go_to_segment(debate, mod)
    assert debate.current_segment_id == second.id and first.ended_at is not None
    with pytest.raises(Conflict):
        s.go_to_segment(debate, mod)  # no segment after the last


def test_nothing_changes_after_the_end(live, db):
    debate, mod = live
    q = s.ask_question(debate, participant("a:1"), "A question before the end")
    received = []

    def on_close(sender, **facts):
        received.append((sender, facts))

    debate_closed.connect(on_close)
    try:
        record = s.end_debate(debate, mod)
    finally:
        debate_closed.disconnect(on_close)
    assert received and received[0][0] is debate and received[0][1]["record"] == record
    for action in (lambda: s.ask_question(debate, participant("a:2"), "Too late?"),
                   lambda: s.like_question(debate, q, participant("a:2")),
                   lambda: s.add_speaker(debate, mod, "Late"),
                   lambda: s.go_to_segment(debate, mod),
                   lambda: s.end_debate(debate, mod)):
        with pytest.raises(Conflict):
            action()
    assert count(Question) == 1


def test_record_has_the_documented_shape(live, db):
    debate, mod = live
    s.add_panelist(debate, "Karim", "moderator", "Runs the debate")
    s.add_panelist(debate, "Dr. Sara Benali", "expert", "Sociologist")
    s.add_speaker(debate, mod, "Amina")
    amina = db.session.query(SpeakerRequest).one()
    s.start_speech(debate, amina)
    s.stop_speech(debate)
    s.add_speaker(debate, mod, "Bruno", kind="point_of_order", note="Microphone")
    s.ask_question(debate, participant("a:1"), "What can the city do?")
    record = s.end_debate(debate, mod)
    assert set(record) == {"kind", "id", "title", "body", "starts_at", "ends_at", "place", "online_link",
                           "language", "chaired_by", "written_by", "attendance", "quorum", "items",
                           "segments", "speakers", "questions", "polls"}
    assert record["kind"] == "debate" and record["chaired_by"] == ["Karim"]
    assert [x["title"] for x in record["segments"]] == ["Opening", "Questions from the public"]
    assert record["items"][0]["speakers"] == [{"name": "Amina", "order": 1}]
    assert record["speakers"][0]["name"] == "Amina" and record["speakers"][0]["speeches"] == 1
    assert record["questions"] == [{"text": "What can the city do?", "likes": 0, "status": "new"}]
    assert {"name": "Dr. Sara Benali", "role": "expert", "arrived_at": None, "left_at": None} in \
        record["attendance"]["present"]
    import json

    json.dumps(record)


def test_registration_capacity_and_waiting_list(db, make_user, make_debate):
    mod = make_user("mod", roles=("moderator",))
    debate = make_debate(mod, registration_required=True, capacity=1)
    a, b = make_user("ana"), make_user("bea")
    assert s.register(debate, a).status == "registered"
    assert s.register(debate, b).status == "waiting"
    with pytest.raises(Conflict):
        s.register(debate, a)
    s.unregister(debate, a)
    from consult.debates.models import Registration

    assert db.session.query(Registration).filter_by(user_id=b.id).one().status == "registered"


def test_unknown_join_code(db, make_debate):
    debate = make_debate()
    assert s.find_by_join_code(debate.join_code.lower()) == debate
    with pytest.raises(NotFound) as info:
        s.find_by_join_code("nope42")
    assert "NOPE42" in str(info.value.message)


def test_events_are_announced_only_after_commit(live, db):
    debate, _ = live
    sub = events.broker.subscribe(debate.id)
    try:
        s.ask_question(debate, participant("a:1"), "Rolled back question")
        assert sub.empty()
        db.session.rollback()
        assert sub.empty()
        s.ask_question(debate, participant("a:1"), "Committed question")
        db.session.commit()
        version, stamp, parts = sub.get(timeout=1)
        assert "questions" in parts and version == debate.version and stamp == events.stamp_of(debate)
    finally:
        events.broker.unsubscribe(debate.id, sub)


def test_broker_drops_oldest_for_a_stuck_subscriber():
    broker = events.Broker(maxsize=2)
    q = broker.subscribe(1)
    for v in range(5):
        broker.publish(1, v, ["status"])
    assert [q.get_nowait()[0] for _ in range(2)] == [3, 4]
    broker.unsubscribe(1, q)
    assert broker.count(1) == 0


def test_notify_payload_round_trip():
    assert events.parse_payload("12:40:1700000000000000:questions,status") == (
        12, 40, ("questions", "status"), 1700000000000000)
