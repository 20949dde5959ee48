"""Personal data in debates: "download my data" and account deletion."""

from __future__ import annotations

import sqlalchemy as sa

from consult.accounts.erasure import erase_account
from consult.core import personal_data
from consult.debates import services as s
from consult.debates.models import Panelist, Question, QuestionLike, Registration, SpeakerRequest
from tests.debates.conftest import participant


def me(user):
    return participant(f"u:{user.id}", user, user.display_name)


def test_export_holds_questions_likes_registrations_and_requests(db, make_user, make_debate):
    mod = make_user("mod", roles=("moderator",))
    amina = make_user("amina", display_name="Amina B.")
    other = make_user("other")
    debate = make_debate(mod, registration_required=True)
    s.register(debate, amina)
    s.start_debate(debate, mod)
    mine = s.ask_question(debate, me(amina), "Where can I learn Italian for free?", "en")
    theirs = s.ask_question(debate, me(other), "Who pays for the festival?")
    s.like_question(debate, theirs, me(amina))
    s.request_to_speak(debate, me(amina))
    db.session.commit()

    data = personal_data.export_sections(amina)["debates"]
    assert [q["text"] for q in data["questions"]] == ["Where can I learn Italian for free?"]
    assert data["questions"][0]["id"] == mine.id and data["questions"][0]["shown_as"] == "Amina B."
    assert [x["question"] for x in data["likes_given"]] == [theirs.id]
    assert [(r["debate"], r["status"]) for r in data["registrations"]] == [(debate.id, "registered")]
    assert [(r["name_shown"], r["status"]) for r in data["requests_to_speak"]] == [("Amina B.", "waiting")]
    # someone else's data is not in it
    assert personal_data.export_sections(other)["debates"]["registrations"] == []


def test_erasure_keeps_questions_as_former_participant_and_removes_likes_and_places(
        client, db, make_user, make_debate):
    mod = make_user("mod", roles=("moderator",))
    amina = make_user("amina", display_name="Amina Unique-Name")
    other = make_user("other", display_name="Other Person")
    waiting = make_user("waiting", display_name="Waiting Person")
    debate = make_debate(mod, registration_required=True, capacity=1)
    s.register(debate, amina)
    s.register(debate, waiting)
    s.start_debate(debate, mod)
    mine = s.ask_question(debate, me(amina), "Where can I learn Italian for free?")
    theirs = s.ask_question(debate, me(other), "Who pays for the festival?")
    s.like_question(debate, theirs, me(amina))
    s.like_question(debate, theirs, participant("a:browser-9"))
    s.like_question(debate, mine, me(other))
    s.request_to_speak(debate, me(amina))
    db.session.add(Panelist(debate_id=debate.id, name="Dr. Amina", role="expert", user_id=amina.id))
    db.session.commit()
    version = debate.version
    page = client.get(f"/debates/{debate.id}").get_data(as_text=True)
    assert "Amina Unique-Name" in page

    erase_account(amina)
    db.session.commit()

    page = client.get(f"/debates/{debate.id}").get_data(as_text=True)
    assert "Amina Unique-Name" not in page
    assert "Former participant" in page and "Where can I learn Italian for free?" in page
    client.sign_in("mod")
    console = client.get(f"/debates/{debate.id}/console").get_data(as_text=True)
    assert "Amina Unique-Name" not in console

    db.session.expire_all()
    key = f"u:{amina.id}"
    # likes gone, counters equal to the like rows
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuestionLike)
                             .where(QuestionLike.participant_key == key)) == 0
    for q in db.session.scalars(sa.select(Question)).all():
        rows = db.session.scalar(sa.select(sa.func.count()).select_from(QuestionLike)
                                 .where(QuestionLike.question_id == q.id))
        assert q.likes == rows
    assert db.session.get(Question, theirs.id).likes == 1
    # the question stays, its like from someone else too, but nothing names or links the person
    kept = db.session.get(Question, mine.id)
    assert kept.likes == 1 and kept.author_name == "Former participant" and kept.participant_key != key
    # registration gone; the waiting person got the place
    statuses = dict(db.session.execute(sa.select(Registration.user_id, Registration.status)).all())
    assert statuses == {waiting.id: "registered"}
    # the request to speak is withdrawn and no longer names the person
    req = db.session.scalar(sa.select(SpeakerRequest))
    assert req.status == "withdrawn" and req.name == "Former participant" and req.participant_key != key
    assert db.session.scalar(sa.select(Panelist.user_id)) is None
    # open screens hear about it
    assert db.session.get(type(debate), debate.id).version > version
    # the export of the erased account holds nothing from debates any more
    data = personal_data.export_sections(amina)["debates"]
    assert data["likes_given"] == data["registrations"] == data["requests_to_speak"] == data["panels"] == []


def test_erasure_without_debate_data_changes_nothing(db, make_user, make_debate):
    mod = make_user("mod", roles=("moderator",))
    debate = make_debate(mod)
    version = debate.version
    quiet = make_user("quiet")
    erase_account(quiet)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(type(debate), debate.id).version == version
