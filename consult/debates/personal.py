"""Personal data in debates: what "download my data" shows, and what account deletion erases.

What the platform holds about a signed-in person in debates is keyed by the participant key ``u:<user id>``
(anonymous browser keys live in the browser's session only, so nothing in the database links them to an
account). Rules kept by :func:`erase_debates_data`:

* questions stay in the debate (they are part of its public record) but are shown as from a "Former
  participant": the copied pseudonym is replaced by :data:`consult.debates.models.FORMER`, and the participant
  key by a random one, so nothing left in debates names the person;
* likes are deleted and every question's ``likes`` counter goes down by the likes removed, so it stays equal
  to its like rows;
* registrations are deleted; a freed place goes to the first person on the waiting list, as when someone
  unregisters;
* speaker requests stay in the speaking record as a "Former participant" (waiting ones are withdrawn);
* a panelist keeps the name the organiser typed, but no longer points to the account;
* every debate touched gets a new version, so open live screens and the rendering cache drop the old name.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa

from consult.core import personal_data
from consult.debates.changes import changed
from consult.debates.models import (
    FORMER,
    Debate,
    Panelist,
    Question,
    QuestionLike,
    Registration,
    SpeakerRequest,
)
from consult.debates.services import unregister
from consult.extensions import db


def _key(user) -> str:
    return f"u:{user.id}"


def _iso(value):
    return value.isoformat() if value else None


def export_debates_data(user) -> dict:
    """The debates section of "download my data": questions asked, likes given, registrations, requests to
    speak and places on a panel. Five queries, whatever the number of rows."""
    key = _key(user)
    titles: dict[int, str] = {}

    questions = db.session.execute(
        sa.select(Question, Debate.title).join(Debate, Debate.id == Question.debate_id)
        .where(sa.or_(Question.author_id == user.id, Question.participant_key == key))
        .order_by(Question.created_at, Question.id)).all()
    likes = db.session.execute(
        sa.select(QuestionLike, Question.debate_id, Question.text)
        .join(Question, Question.id == QuestionLike.question_id)
        .where(QuestionLike.participant_key == key).order_by(QuestionLike.created_at, QuestionLike.id)).all()
    registrations = db.session.execute(
        sa.select(Registration, Debate.title).join(Debate, Debate.id == Registration.debate_id)
        .where(Registration.user_id == user.id).order_by(Registration.created_at, Registration.id)).all()
    requests = db.session.execute(
        sa.select(SpeakerRequest, Debate.title).join(Debate, Debate.id == SpeakerRequest.debate_id)
        .where(SpeakerRequest.participant_key == key)
        .order_by(SpeakerRequest.requested_at, SpeakerRequest.id)).all()
    panels = db.session.execute(
        sa.select(Panelist, Debate.title).join(Debate, Debate.id == Panelist.debate_id)
        .where(Panelist.user_id == user.id).order_by(Panelist.debate_id, Panelist.position)).all()
    for rows in (questions, registrations, requests, panels):
        for row, title in rows:
            titles[row.debate_id] = title

    return {
        "questions": [{"id": q.id, "debate": q.debate_id, "debate_title": title, "text": q.text,
                       "language": q.language, "shown_as": q.stored_author_name, "status": q.status,
                       "likes": q.likes, "created_at": _iso(q.created_at), "answered_at": _iso(q.answered_at)}
                      for q, title in questions],
        "likes_given": [{"question": like.question_id, "debate": debate_id, "question_text": text,
                         "created_at": _iso(like.created_at)} for like, debate_id, text in likes],
        "registrations": [{"debate": r.debate_id, "debate_title": title, "status": r.status,
                           "created_at": _iso(r.created_at)} for r, title in registrations],
        "requests_to_speak": [{"debate": r.debate_id, "debate_title": title, "name_shown": r.stored_name,
                               "kind": r.kind, "note": r.note, "status": r.status,
                               "requested_at": _iso(r.requested_at), "started_at": _iso(r.started_at),
                               "ended_at": _iso(r.ended_at), "seconds": r.seconds} for r, title in requests],
        "panels": [{"debate": p.debate_id, "debate_title": title, "name": p.name, "role": p.role,
                    "bio": p.bio}
                   for p, title in panels],
    }


def erase_debates_data(user) -> None:
    """Account deletion (see the module's rules). Flushes; the caller commits."""
    key = _key(user)
    new_key = f"x:{secrets.token_urlsafe(12)}"
    touched: dict[int, set[str]] = {}

    # likes: counters go down by what is removed, then the rows go
    removed = db.session.execute(
        sa.select(QuestionLike.question_id, Question.debate_id, sa.func.count())
        .join(Question, Question.id == QuestionLike.question_id)
        .where(QuestionLike.participant_key == key)
        .group_by(QuestionLike.question_id, Question.debate_id)).all()
    for question_id, debate_id, count in removed:
        db.session.execute(sa.update(Question).where(Question.id == question_id)
                           .values(likes=sa.case((Question.likes > count, Question.likes - count), else_=0)))
        touched.setdefault(debate_id, set()).add("questions")
    db.session.execute(sa.delete(QuestionLike).where(QuestionLike.participant_key == key))

    # questions: kept, shown as from a former participant
    mine = sa.or_(Question.author_id == user.id, Question.participant_key == key)
    for debate_id, in db.session.execute(sa.select(Question.debate_id).where(mine).distinct()).all():
        touched.setdefault(debate_id, set()).update(("questions", "question"))
    db.session.execute(sa.update(Question).where(mine, Question.stored_author_name.is_not(None))
                       .values(stored_author_name=FORMER), execution_options={"synchronize_session": False})
    db.session.execute(sa.update(Question).where(Question.participant_key == key)
                       .values(participant_key=new_key), execution_options={"synchronize_session": False})

    # requests to speak: kept in the record as a former participant; waiting ones withdrawn
    for debate_id, in db.session.execute(
            sa.select(SpeakerRequest.debate_id).where(SpeakerRequest.participant_key == key)
            .distinct()).all():
        touched.setdefault(debate_id, set()).add("speakers")
    db.session.execute(sa.update(SpeakerRequest).where(
        SpeakerRequest.participant_key == key, SpeakerRequest.status == "waiting").values(status="withdrawn"),
        execution_options={"synchronize_session": False})
    db.session.execute(sa.update(SpeakerRequest).where(SpeakerRequest.participant_key == key)
                       .values(stored_name=FORMER, participant_key=new_key),
                       execution_options={"synchronize_session": False})

    # panels: the organiser's text stays, the link to the account goes
    db.session.execute(sa.update(Panelist).where(Panelist.user_id == user.id).values(user_id=None),
                       execution_options={"synchronize_session": False})

    # registrations: each freed place goes to the waiting list, as when someone unregisters
    registered_in = db.session.scalars(
        sa.select(Debate).join(Registration, Registration.debate_id == Debate.id)
        .where(Registration.user_id == user.id)).all()
    for debate in registered_in:
        unregister(debate, user)
        touched.setdefault(debate.id, set()).add("status")

    db.session.flush()
    # objects loaded earlier in this session must not write back the old names and counts
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, (Question, SpeakerRequest, Panelist)):
            db.session.expire(obj)
    if touched:
        debates = db.session.scalars(sa.select(Debate).where(Debate.id.in_(touched))).all()
        for debate in debates:
            changed(debate, *sorted(touched[debate.id]))


personal_data.register_exporter("debates", export_debates_data)
personal_data.register_eraser("debates", erase_debates_data)
