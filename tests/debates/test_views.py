"""Debate pages through the Flask client: who may do what, bad input, the event stream and reconnection."""

from __future__ import annotations

import pytest

from consult.debates import services as s
from consult.debates.models import Debate, Question, QuestionLike, SpeakerRequest
from tests.debates.conftest import participant
from tests.helpers import count, text_of


@pytest.fixture
def mod(make_user):
    return make_user("mod", roles=("moderator",))


@pytest.fixture
def debate(db, mod, make_debate):
    return make_debate(mod)


def start(client, debate):
    return client.post_form(f"/debates/{debate.id}/console/state", {"action": "start"})


# -- who may run the console ------------------------------------------------------------------------------


def test_console_is_for_the_debates_moderators(client, db, debate, make_user, make_debate):
    url = f"/debates/{debate.id}/console"
    response = client.get(url)
    assert response.status_code == 303 and "/sign-in" in response.headers["Location"]

    make_user("someone")
    client.sign_in("someone")
    assert client.get(url).status_code == 403
    assert client.post_form(f"{url}/state", {"action": "start"}).status_code == 403
    assert db.session.get(Debate, debate.id).status == "scheduled"

    # moderator of another debate only
    other_mod = make_user("othermod")
    other = make_debate(None)
    from consult.accounts.services import grant_role

    grant_role(other_mod, "moderator", scope_type="debate", scope_id=other.id)
    db.session.commit()
    client.sign_out()
    client.sign_in("othermod")
    assert client.get(url).status_code == 403
    assert client.get(f"/debates/{other.id}/console").status_code == 200


def test_scoped_moderator_runs_the_debate(client, db, debate, make_user):
    from consult.accounts.services import grant_role

    helper = make_user("helper")
    grant_role(helper, "moderator", scope_type="debate", scope_id=debate.id)
    db.session.commit()
    client.sign_in("helper")
    assert start(client, debate).status_code == 303
    db.session.refresh(debate)
    assert debate.status == "live"
    response = client.post_form(f"/debates/{debate.id}/console/speakers",
                                {"speaker-name": "Amina", "speaker-role": "public", "speaker-kind": "speech",
                                 "speaker-note": ""})
    assert response.status_code == 303
    req = db.session.query(SpeakerRequest).one()
    assert client.post_form(f"/debates/{debate.id}/console/speakers/{req.id}",
                            {"action": "start", "limit_seconds": "60"}).status_code == 303
    page = client.get(f"/debates/{debate.id}/console")
    assert "Amina" in text_of(page) and 'data-limit="60"' in page.get_data(as_text=True)


def test_console_fragment_for_htmx(client, debate, mod):
    client.sign_in("mod")
    response = client.get(f"/debates/{debate.id}/console?part=speakers", headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and "Speakers queue, in speaking order" in html


# -- public questions -------------------------------------------------------------------------------------


def test_anonymous_question_without_javascript(client, db, debate):
    response = client.post_form(f"/debates/{debate.id}/questions", {"text": "Where can I learn Italian?"})
    assert response.status_code == 303
    listing = client.get(f"/debates/{debate.id}/questions")
    assert "Where can I learn Italian?" in text_of(listing)
    assert "Anonymous" in text_of(listing)


def test_anonymous_mode_off_requires_sign_in(client, db, mod, make_debate, make_user):
    closed = make_debate(mod, allow_anonymous=False)
    response = client.post_form(f"/debates/{closed.id}/questions", {"text": "Can I ask without an account?"})
    assert response.status_code == 303 and "/sign-in" in response.headers["Location"]
    assert count(Question) == 0
    page = client.get(f"/debates/{closed.id}")
    assert "Please sign in to take part in this debate." in text_of(page)
    make_user("ana")
    client.sign_in("ana")
    assert client.post_form(f"/debates/{closed.id}/questions", {"text": "Now I can ask"}).status_code == 303
    assert db.session.query(Question).one().author_name is not None


def test_markup_in_questions_is_escaped(client, debate):
    client.post_form(f"/debates/{debate.id}/questions", {"text": "<script>alert(1)</script> <b>bold</b>"})
    html = client.get(f"/debates/{debate.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>bold</b>" not in html


def test_empty_question_is_refused_with_422(client, htmx_client, debate):
    response = client.post_form(f"/debates/{debate.id}/questions", {"text": "  "})
    assert response.status_code == 422
    assert count(Question) == 0
    response = htmx_client.post_form(f"/debates/{debate.id}/questions", {"text": ""}, htmx=True)
    assert response.status_code == 422 and "<html" not in response.get_data(as_text=True)


def test_question_flood_is_rate_limited(client, app, debate):
    url = f"/debates/{debate.id}/questions"
    for n in range(app.config["DEBATES_QUESTIONS_PER_WINDOW"]):
        assert client.post_form(url, {"text": f"Question {n}"}).status_code == 303
    response = client.post_form(url, {"text": "Another one"})
    assert response.status_code == 429
    assert "Please wait a little before asking again." in text_of(response)
    assert count(Question) == app.config["DEBATES_QUESTIONS_PER_WINDOW"]


def test_likes_cannot_be_replayed(app, client, db, debate):
    client.post_form(f"/debates/{debate.id}/questions", {"text": "Who decides on housing?"})
    question = db.session.query(Question).one()
    liker = app.test_client()
    url = f"/debates/{debate.id}/questions/{question.id}/like"
    token = liker.csrf_token()
    assert liker.post(url, data={"csrf_token": token}).status_code == 303
    replay = liker.post(url, data={"csrf_token": token}, headers={"HX-Request": "true"})
    assert replay.status_code == 409 and "already liked" in text_of(replay)
    own = client.post_form(url, {})
    assert own.status_code == 409 and "You cannot like your own question." in text_of(own)
    db.session.refresh(question)
    assert question.likes == 1 == count(QuestionLike)


def test_moderator_hides_with_reason_and_public_no_longer_sees(client, db, debate, mod):
    client.post_form(f"/debates/{debate.id}/questions", {"text": "An insulting question"})
    question = db.session.query(Question).one()
    client.sign_in("mod")
    url = f"/debates/{debate.id}/console/questions/{question.id}"
    refused = client.post_form(url, {"status": "hidden", "reason": ""})
    assert refused.status_code == 422 and "Please say why the question is hidden." in text_of(refused)
    db.session.refresh(question)
    assert question.status == "new"
    assert client.post_form(url, {"status": "hidden", "reason": "Insults"}).status_code == 303
    client.sign_out()
    assert "An insulting question" not in text_of(client.get(f"/debates/{debate.id}"))


def test_actions_on_an_ended_debate_get_a_clear_message(client, db, debate, mod):
    client.sign_in("mod")
    start(client, debate)
    assert client.post_form(f"/debates/{debate.id}/console/state", {"action": "end"}).status_code == 303
    response = client.post_form(f"/debates/{debate.id}/questions", {"text": "Is it too late?"})
    assert response.status_code == 409 and "This debate has ended" in text_of(response)
    response = client.post_form(f"/debates/{debate.id}/console/state", {"action": "start"},
                                follow_redirects=True)
    assert "This debate has ended" in text_of(response)
    assert count(Question) == 0


def test_unknown_join_code(client, debate):
    response = client.get("/debates/join?code=zz99zz")
    assert response.status_code == 404
    assert "No debate has the join code “ZZ99ZZ”" in text_of(response)
    assert client.get("/d/NOPE").status_code == 404
    ok = client.get(f"/debates/join?code={debate.join_code.lower()}")
    assert ok.status_code == 303 and ok.headers["Location"].endswith(f"/debates/{debate.id}")


def test_projector_has_join_code_and_qr(client, debate):
    html = client.get(f"/debates/{debate.id}/projector").get_data(as_text=True)
    assert debate.join_code in html and "<svg" in html and "sse-connect" in html
    assert "<script>" not in html and " style=" not in html.replace("<svg", "")


def test_speaking_request_from_a_phone(client, db, debate, mod):
    s.start_debate(debate, mod)
    db.session.commit()
    assert client.post_form(f"/debates/{debate.id}/speak", {"name": "Yusuf"}).status_code == 303
    again = client.post_form(f"/debates/{debate.id}/speak", {"name": "Yusuf"})
    assert again.status_code == 409
    assert "You are already in the speakers queue." in text_of(again)
    assert count(SpeakerRequest) == 1


def test_a_name_too_long_for_the_queue_is_refused(client, db, debate, mod):
    s.start_debate(debate, mod)
    db.session.commit()
    response = client.post_form(f"/debates/{debate.id}/speak", {"name": "Y" * 121})
    assert response.status_code == 422 and "120 characters" in text_of(response)
    assert count(SpeakerRequest) == 0


def test_console_buttons_refuse_what_they_do_not_know(client, db, debate, mod):
    client.sign_in("mod")
    start(client, debate)
    running = db.session.get(Debate, debate.id)
    s.add_speaker(running, mod, "Amina")
    question = s.ask_question(running, participant("a:1"), "Who decides on housing?")
    db.session.commit()
    speaker = db.session.query(SpeakerRequest).one()
    console = f"/debates/{debate.id}/console"
    for url, data, message in [
        (f"{console}/state", {"action": "fly"}, "Unknown action."),
        (f"{console}/speakers/{speaker.id}", {"action": "fly"}, "Unknown action."),
        (f"{console}/speakers/{speaker.id}", {"action": "start", "limit_seconds": "5"},
         "A speech limit is between 10 seconds and one hour."),
        (f"{console}/questions/{question.id}", {"status": "famous"}, "Unknown question status."),
    ]:
        response = client.post_form(url, data)
        assert response.status_code == 422 and message in text_of(response), (url, data)
    db.session.refresh(speaker)
    assert speaker.status == "waiting" and db.session.get(Question, question.id).status == "new"


def test_console_forms_after_the_end_say_why(client, db, debate, mod):
    client.sign_in("mod")
    start(client, debate)
    client.post_form(f"/debates/{debate.id}/console/state", {"action": "end"})
    for url, data in [("segments", {"segment-title": "Encore", "segment-planned_minutes": "5"}),
                      ("polls", {"poll-question": "Again?", "poll-method": "yes_no_abstain"})]:
        response = client.post_form(f"/debates/{debate.id}/console/{url}", data)
        assert response.status_code == 409 and "This debate has ended" in text_of(response), url


# -- server-sent events ----------------------------------------------------------------------------------


def read_events(chunks, n):
    """Read ``n`` events (blocks separated by a blank line, comments included) from a streaming body."""
    out = []
    buffer = ""
    while len(out) < n:
        buffer += next(chunks).decode() if isinstance(buffer, str) else ""
        while "\n\n" in buffer and len(out) < n:
            block, buffer = buffer.split("\n\n", 1)
            out.append(block)
    return out


def parse(block):
    fields = {"data": []}
    for line in block.split("\n"):
        if line.startswith(":"):
            fields["comment"] = line[1:].strip()
        elif ":" in line:
            key, value = line.split(":", 1)
            value = value[1:] if value.startswith(" ") else value
            if key == "data":
                fields["data"].append(value)
            else:
                fields[key] = value
    fields["data"] = "\n".join(fields["data"])
    return fields


@pytest.fixture
def short_stream(app):
    old = dict(app.config)
    app.config.update(DEBATES_SSE_HEARTBEAT_SECONDS=0.2, DEBATES_SSE_MAX_SECONDS=3)
    yield
    app.config.update(old)


def test_event_stream_format_and_initial_state(client, db, debate, mod, short_stream):
    s.start_debate(debate, mod)
    db.session.commit()
    response = client.get(f"/debates/{debate.id}/events?view=projector", buffered=False)
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    assert response.headers["Cache-Control"].startswith("no-cache")
    chunks = iter(response.response)
    blocks = [parse(b) for b in read_events(chunks, 6)]
    assert blocks[0]["retry"] == "3000"
    assert [b["event"] for b in blocks[1:5]] == ["status", "speakers", "question", "poll"]
    assert "Opening" in blocks[1]["data"] and "Live now" in blocks[1]["data"]
    assert blocks[4]["id"] == str(db.session.get(Debate, debate.id).version)
    assert blocks[5].get("comment") == "heartbeat"
    response.close()


@pytest.mark.committed_db  # the open stream's session and the other client's request each commit on their own
def test_event_stream_sends_changes(app, client, db, debate, mod, short_stream):
    response = client.get(f"/debates/{debate.id}/events", buffered=False)
    chunks = iter(response.response)
    read_events(chunks, 8)  # retry + seven parts
    other = app.test_client()
    asked = other.post_form(f"/debates/{debate.id}/questions", {"text": "Is <em>this</em> live?"})
    assert asked.status_code == 303
    for _ in range(20):
        block = parse(read_events(chunks, 1)[0])
        if block.get("event") == "questions":
            break
    assert block["event"] == "questions"
    assert "Is &lt;em&gt;this&lt;/em&gt; live?" in block["data"]
    assert block["id"] == str(db.session.get(Debate, debate.id).version)
    response.close()


def test_reconnect_with_last_event_id(client, db, debate, mod, short_stream):
    version = db.session.get(Debate, debate.id).version
    up_to_date = client.get(f"/debates/{debate.id}/events", headers={"Last-Event-ID": str(version)},
                            buffered=False)
    blocks = [parse(b) for b in read_events(iter(up_to_date.response), 2)]
    assert blocks[1].get("comment") == "up to date"
    up_to_date.close()
    s.ask_question(debate, participant("a:1"), "Missed one")
    db.session.commit()
    behind = client.get(f"/debates/{debate.id}/events", headers={"Last-Event-ID": str(version)},
                        buffered=False)
    blocks = [parse(b) for b in read_events(iter(behind.response), 8)]
    assert [b.get("event") for b in blocks[1:8]] == ["status", "speakers", "question", "poll", "ballot",
                                                     "questions", "phase"]
    assert "Missed one" in blocks[6]["data"]
    # the last part carries the version
    assert blocks[7]["id"] == str(db.session.get(Debate, debate.id).version)
    behind.close()
