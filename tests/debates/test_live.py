"""Live screens follow every change: versions, the parts each change sends, and what each part shows."""

from __future__ import annotations

import queue
import re
import threading

import pytest
import sqlalchemy as sa

from consult.debates import polls
from consult.debates import services as s
from consult.debates.events import broker
from consult.debates.models import Debate, DebatePoll, Question, SpeakerRequest
from consult.extensions import db as _db
from tests.debates.conftest import participant
from tests.debates.test_views import parse, read_events
from tests.helpers import html_attr, text_of

#: open event streams (their own sessions, threads) and, on PostgreSQL, LISTEN/NOTIFY (heard on commit only)
pytestmark = pytest.mark.committed_db


@pytest.fixture
def mod(make_user):
    return make_user("mod", roles=("moderator",))


@pytest.fixture
def live(db, mod, make_debate):
    debate = make_debate(mod)
    s.start_debate(debate, mod)
    db.session.commit()
    return debate


def _messages(subscription, n, timeout=5.0):
    return [subscription.get(timeout=timeout) for _ in range(n)]


# -- versions ----------------------------------------------------------------------------------------------


@pytest.fixture
def unpaced():
    """The broker hands on every change at once (no pacing of the question list's changes)."""
    gap, broker.questions_gap = broker.questions_gap, 0.0
    yield
    broker.questions_gap = gap


def test_two_changes_committed_at_once_get_two_versions(app, db, live, mod, unpaced):
    """A request read the debate at version v (PostgreSQL's READ COMMITTED lets it go on reading that while
    another request's like commits); its own change must then be v + 2, not a second v + 1, which screens
    would skip as already shown (the like lost on the phones, or "Live now" after the end)."""
    question = s.ask_question(live, participant("a:asker"), "Who pays for the new school?")
    db.session.commit()
    debate_id, question_id, version = live.id, question.id, db.session.get(Debate, live.id).version
    subscription = broker.subscribe(debate_id)
    db.session().expire_on_commit = False
    try:
        ending = db.session.get(Debate, debate_id)
        assert ending.version == version  # this request has read version v...
        db.session.commit()  # (its transaction ends, its objects keep what they read)

        errors = []

        def like_from_a_phone():  # ...when another request's change commits
            with app.app_context():
                try:
                    debate = _db.session.get(Debate, debate_id)
                    s.like_question(debate, _db.session.get(Question, question_id), participant("a:phone"))
                    _db.session.commit()
                except Exception as err:  # pragma: no cover - reported below
                    errors.append(err)
                finally:
                    _db.session.remove()

        other = threading.Thread(target=like_from_a_phone)
        other.start()
        other.join()
        assert not errors
        assert ending.version == version  # still what this request read
        s.end_debate(ending, mod)
        db.session.commit()
        assert ending.version == version + 2
        assert db.session.scalar(sa.select(Debate.version).where(Debate.id == debate_id)) == version + 2
        announced = sorted(m[0] for m in _messages(subscription, 2))
        assert announced == [version + 1, version + 2]
        with pytest.raises(queue.Empty):
            subscription.get_nowait()
    finally:
        db.session().expire_on_commit = True
        broker.unsubscribe(debate_id, subscription)


# -- what each change sends --------------------------------------------------------------------------------


@pytest.fixture
def short_stream(app):
    old = dict(app.config)
    app.config.update(DEBATES_SSE_HEARTBEAT_SECONDS=0.2, DEBATES_SSE_MAX_SECONDS=4,
                      DEBATES_SSE_QUESTIONS_INTERVAL_SECONDS=0.1)
    yield
    app.config.update(old)


class Stream:
    """An open event stream that starts up to date, as a page's does (``last_event_id`` = its version)."""

    def __init__(self, app, debate_id, view="public"):
        from consult.extensions import db

        version = db.session.get(Debate, debate_id).version
        self.response = app.test_client().get(
            f"/debates/{debate_id}/events?view={view}&last_event_id={version}", buffered=False)
        self.chunks = iter(self.response.response)
        first = [parse(b) for b in read_events(self.chunks, 2)]
        assert first[1].get("comment") == "up to date"  # a fresh page gets nothing until something changes

    def next_events(self):
        """The events of the next change (skipping heartbeats), as {name: data}."""
        events = {}
        while True:
            block = parse(read_events(self.chunks, 1)[0])
            if "event" in block:
                events[block["event"]] = block["data"]
                if "id" in block:  # the last event of a change carries the version
                    events["id"] = block["id"]
                    return events

    def close(self):
        self.response.close()


@pytest.fixture
def streams(app, short_stream):
    opened = []

    def open_stream(debate, view="public"):
        stream = Stream(app, debate.id, view)
        opened.append(stream)
        return stream

    yield open_stream
    for stream in opened:
        stream.close()


def test_each_live_page_connects_at_the_version_it_shows(client, db, live, mod):
    version = db.session.get(Debate, live.id).version
    wanted = f"last_event_id={version}"
    assert wanted in html_attr(client.get(f"/debates/{live.id}"), "div", "sse-connect")
    assert wanted in html_attr(client.get(f"/debates/{live.id}/projector"), "main", "sse-connect")
    client.sign_in("mod")
    assert wanted in html_attr(client.get(f"/debates/{live.id}/console"), "div", "sse-connect")


def test_a_like_sends_the_list_with_its_version(app, client, db, live, streams):
    question = s.ask_question(live, participant("a:asker"), "Who pays for the new school?")
    db.session.commit()
    phone = streams(live)
    response = client.post_form(f"/debates/{live.id}/questions/{question.id}/like", htmx=True)
    assert response.status_code == 200
    version = db.session.get(Debate, live.id).version
    assert f'data-version="{version}"' in response.get_data(as_text=True)  # the like's own answer
    events = phone.next_events()
    assert set(events) == {"questions", "id"} and events["id"] == str(version)
    assert f'data-version="{version}"' in events["questions"] and "Likes: 1" in events["questions"]
    # the same list for everyone: nobody's like marked
    assert 'class="like__mine" hidden' in events["questions"]


def test_the_projector_skips_changes_it_does_not_show_and_shows_the_end(app, db, live, mod, streams):
    projector = streams(live, "projector")
    s.ask_question(live, participant("a:asker"), "Who pays for the new school?")
    db.session.commit()
    s.end_debate(db.session.get(Debate, live.id), mod)
    db.session.commit()
    events = projector.next_events()  # the question was not sent: the first event is the end
    assert set(events) == {"status", "speakers", "question", "poll", "id"}
    assert "Ended" in events["status"] and "Live now" not in events["status"]
    assert events["id"] == str(db.session.get(Debate, live.id).version)


def test_the_end_reaches_every_part_of_the_phones(app, db, live, mod, streams):
    s.ask_question(live, participant("a:asker"), "Who pays for the new school?")
    db.session.commit()
    phone = streams(live)
    s.end_debate(db.session.get(Debate, live.id), mod)
    db.session.commit()
    events = phone.next_events()
    assert set(events) == {"status", "speakers", "question", "poll", "ballot", "questions", "phase", "id"}
    assert "Ended" in events["status"]
    assert events["phase"] == "ended"
    assert "Who pays for the new school?" in events["questions"] and ">Like<" not in events["questions"]
    assert "No poll is open right now." in events["ballot"]


def test_starting_tells_the_phones_to_fetch_their_own_sections(app, db, mod, make_debate, streams):
    debate = make_debate(mod)
    phone = streams(debate)
    s.start_debate(db.session.get(Debate, debate.id), mod)
    db.session.commit()
    events = phone.next_events()
    assert events["phase"] == "live" and "Live now" in events["status"] and "ballot" in events


def test_a_poll_opened_and_closed_reaches_the_phones(app, client, db, live, mod, streams):
    client.sign_in("mod")
    client.post_form(f"/debates/{live.id}/console/polls",
                     {"poll-question": "Should the library open on Sundays?", "poll-method": "yes_no_abstain",
                      "poll-options": ""})
    link = db.session.query(DebatePoll).one()
    phone = streams(live)
    console = f"/debates/{live.id}/console/polls/{link.id}"
    assert client.post_form(console, {"action": "open"}).status_code == 303
    events = phone.next_events()
    assert {"ballot", "poll"} <= set(events)
    ballot = events["ballot"]
    assert "Should the library open on Sundays?" in ballot and "Send my answer" in ballot
    assert f"/debates/{live.id}/polls/{link.id}/vote" in ballot
    assert 'name="csrf_token" value="" data-csrf-fill' in ballot  # the same for everyone; debates.js fills it

    voter = app.test_client()
    yes = next(o for o in polls.options(link) if o["label"] == "Yes")
    vote = voter.post_form(f"/debates/{live.id}/polls/{link.id}/vote", {"option": yes["id"]})
    assert vote.status_code == 303
    assert "ballot" not in phone.next_events()  # a vote changes the results, not the ballot

    assert client.post_form(console, {"action": "close"}).status_code == 303
    closed = phone.next_events()["ballot"]
    assert "The poll is closed." in closed and "Send my answer" not in closed
    cells = " ".join(re.sub(r"<[^>]+>", " ", closed).split())
    assert "Yes 1" in cells and "No 0" in cells
    page = voter.get(f"/debates/{live.id}")  # a reload shows the same
    assert "The poll is closed." in text_of(page) and "Send my answer" not in text_of(page)


def test_screens_woken_by_one_change_share_one_rendering(app, db, live, mod, monkeypatch):
    """The parts are drawn once per change and language and kept in the cache region ``RENDERINGS``: the
    other screens woken by the same change take them from there, without reading the database."""
    from consult.debates import stream
    from consult.debates.events import stamp_of

    s.add_speaker(live, mod, "Amina")
    db.session.commit()
    changed = (live.version, stamp_of(live))
    drawn, original = [], stream._render_from_db

    def counted(*args):
        drawn.append(args)
        return original(*args)

    monkeypatch.setattr(stream, "_render_from_db", counted)
    with app.test_request_context("/"):
        hits = stream.RENDERINGS.stats().hits
        screens = [stream._render(live.id, "projector", changed) for _ in range(3)]
        assert stream.RENDERINGS.stats().hits == hits + 2
    assert len(drawn) == 1
    assert all(version == changed[0] and "Amina" in html["speakers"] for version, html in screens)


# -- the sections drawn for each person ---------------------------------------------------------------------


def _speak_trigger(page):
    return re.search(r'<div id="speak-live"[^>]*hx-trigger="([^"]*)"', page.get_data(as_text=True)).group(1)


def test_the_speak_section_follows_the_debate_and_the_queue(app, client, db, mod, make_debate):
    debate = make_debate(mod)
    part = f"/debates/{debate.id}?part=speak"
    fragment = {"HX-Request": "true"}
    assert "This debate has not started yet." in text_of(client.get(part, headers=fragment))
    page = client.get(f"/debates/{debate.id}")
    assert _speak_trigger(page) == "sse:phase"  # not in the queue: only the start and the end matter
    s.start_debate(db.session.get(Debate, debate.id), mod)
    db.session.commit()
    answer = client.get(part, headers=fragment)
    assert "<html" not in answer.get_data(as_text=True) and "I want to speak" in text_of(answer)

    assert client.post_form(f"/debates/{debate.id}/speak", {"name": "Amina"}).status_code == 303
    page = client.get(f"/debates/{debate.id}")
    assert _speak_trigger(page) == "sse:phase, sse:speakers"  # in the queue: every change of the queue
    assert "You are in the speakers queue." in text_of(client.get(part, headers=fragment))
    request = db.session.query(SpeakerRequest).one()
    s.start_speech(db.session.get(Debate, debate.id), request)
    db.session.commit()
    assert "You have the floor." in text_of(client.get(part, headers=fragment))
    s.end_debate(db.session.get(Debate, debate.id), mod)
    db.session.commit()
    assert "The debate has ended." in text_of(client.get(part, headers=fragment))
    assert "This debate has ended. Questions are closed." in text_of(
        client.get(f"/debates/{debate.id}?part=ask", headers=fragment))


def test_a_phone_sees_its_likes_after_a_reload(client, db, live):
    first = s.ask_question(live, participant("a:asker"), "Who pays for the new school?")
    second = s.ask_question(live, participant("a:asker"), "When does the pool open?")
    db.session.commit()
    assert client.post_form(f"/debates/{live.id}/questions/{first.id}/like").status_code == 303
    html = client.get(f"/debates/{live.id}").get_data(as_text=True)
    assert f'data-liked="{first.id}"' in html
    mine = re.search(rf'id="question-{first.id}".*?</li>', html, re.S).group(0)
    other = re.search(rf'id="question-{second.id}".*?</li>', html, re.S).group(0)
    assert '<span class="like__mine">' in mine and '<span class="like__do" hidden>' in mine
    assert '<span class="like__mine" hidden>' in other and '<span class="like__do">' in other


def test_a_change_committed_while_the_one_before_is_drawn_is_sent_too(app, db, live, mod, streams,
                                                                      monkeypatch):
    """The moderator gives the floor, then ends the debate at once. The projector's stream draws the floor
    change after the end has committed (its drawing is already "ended"), and sends only the speakers part of
    it. The end's own message must still be sent: the status must not stay "Live now"."""
    from consult.debates import stream

    projector = streams(live, "projector")
    debate_id = live.id
    original, calls = stream._render_from_db, []

    def end_while_drawing(*args):
        if not calls:
            calls.append(args)

            def end():
                with app.app_context():
                    s.end_debate(_db.session.get(Debate, debate_id), _db.session.get(type(mod), mod_id))
                    _db.session.commit()
                    _db.session.remove()

            other = threading.Thread(target=end)
            other.start()
            other.join()
        return original(*args)

    mod_id = mod.id
    monkeypatch.setattr(stream, "_render_from_db", end_while_drawing)
    s.add_speaker(live, mod, "Amina")
    db.session.commit()
    first = projector.next_events()
    assert set(first) == {"speakers", "id"} and calls
    second = projector.next_events()
    assert "status" in second and "Ended" in second["status"]
    assert int(second["id"]) == db.session.get(Debate, debate_id).version


def test_a_change_is_announced_when_the_request_commits_not_at_a_savepoint(db, live, mod):
    """Ending the debate drafts its minutes in a savepoint. Releasing a savepoint is not the commit: a screen
    woken then would draw the debate as it still is in the database ("Live now") and take it as the end."""
    subscription = broker.subscribe(live.id)
    try:
        s.end_debate(live, mod)  # the minutes' receiver runs in a savepoint
        with db.session.begin_nested():  # and any other savepoint after the change
            pass
        try:
            with db.session.begin_nested():  # a savepoint rolled back does not drop the change either
                raise ValueError("a receiver failed")
        except ValueError:
            pass
        with pytest.raises(queue.Empty):
            subscription.get(timeout=0.3)
        db.session.commit()
        version, _stamp, parts = subscription.get(timeout=5)
        assert version == db.session.get(Debate, live.id).version and "status" in parts
    finally:
        broker.unsubscribe(live.id, subscription)
