"""Public questions in a debate: asking, liking, and the moderator's handling (shortlist, on screen, answered,
hidden).

Rules kept here:

* a participant may ask a limited number of questions per time window (``DEBATES_QUESTIONS_PER_WINDOW`` per
  ``DEBATES_QUESTION_WINDOW_SECONDS``);
* a participant may like a question once (unique in the database), not their own, not a hidden one;
* one question is on screen (live) at a time; hiding a question needs a reason, which is audited.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from consult.core import audit
from consult.core.errors import Conflict, DomainError, NotFound
from consult.core.models import utcnow
from consult.debates.changes import Participant, RateLimited, changed, not_ended
from consult.debates.models import QUESTION_STATUSES, Debate, Question, QuestionLike
from consult.extensions import db


def ask_question(debate: Debate, participant: Participant, text: str,
                 language: str | None = None) -> Question:
    """Ask a question in any language; a participant may ask a few per time window."""
    not_ended(debate)
    text = (text or "").strip()
    if len(text) < 3:
        raise DomainError(_l("Please write your question."), field="text")
    if len(text) > 1000:
        raise DomainError(_l("Please keep your question under 1000 characters."), field="text")
    limit = current_app.config.get("DEBATES_QUESTIONS_PER_WINDOW", 3)
    window = current_app.config.get("DEBATES_QUESTION_WINDOW_SECONDS", 300)
    recent = db.session.scalar(sa.select(sa.func.count()).select_from(Question).where(
        Question.debate_id == debate.id, Question.participant_key == participant.key,
        Question.created_at >= _seconds_ago(window)))
    if recent >= limit:
        raise RateLimited(_l("You have asked %(n)s questions in the last %(minutes)s minutes. "
                             "Please wait a little before asking again.",
                             n=recent, minutes=max(1, window // 60)), field="text")
    question = Question(debate_id=debate.id, text=text, language=(language or None),
                        author_id=getattr(participant.user, "id", None),
                        author_name=participant.name if participant.user is not None else None,
                        participant_key=participant.key)
    db.session.add(question)
    db.session.flush()
    changed(debate, "questions")
    return question


def _seconds_ago(seconds: int) -> datetime:
    return utcnow() - timedelta(seconds=seconds)


def like_question(debate: Debate, question: Question, participant: Participant) -> Question:
    """One like per participant (the unique constraint decides under any concurrency)."""
    not_ended(debate)
    if question.debate_id != debate.id or question.status == "hidden":
        raise NotFound(_l("This question is not available."))
    if question.participant_key == participant.key:
        raise Conflict(_l("You cannot like your own question."))
    try:
        with db.session.begin_nested():
            db.session.add(QuestionLike(question_id=question.id, participant_key=participant.key))
    except IntegrityError:
        raise Conflict(_l("You have already liked this question.")) from None
    db.session.execute(sa.update(Question).where(Question.id == question.id).values(likes=Question.likes + 1))
    db.session.refresh(question)
    changed(debate, "questions")
    return question


def set_question_status(debate: Debate, question: Question, status: str, actor, reason: str = "") -> None:
    """Shortlist, put live, mark answered or hide (with a reason). One question is live at a time."""
    not_ended(debate)
    if question.debate_id != debate.id:
        raise NotFound(_l("This question is not part of this debate."))
    if status not in QUESTION_STATUSES:
        raise DomainError(_l("Unknown question status."), field="status")
    reason = (reason or "").strip()
    if status == "hidden" and not reason:
        raise DomainError(_l("Please say why the question is hidden."), field="reason")
    parts = ["questions"]
    if status == "live":
        if debate.live_question_id and debate.live_question_id != question.id:
            previous = db.session.get(Question, debate.live_question_id)
            if previous is not None and previous.status == "live":
                previous.status = "shortlisted"
        debate.live_question_id = question.id
        parts.append("question")
    elif debate.live_question_id == question.id:
        debate.live_question_id = None
        parts.append("question")
    question.status = status
    question.hidden_reason = reason[:300] if status == "hidden" else None
    question.answered_at = utcnow() if status == "answered" else None
    if status == "hidden":
        audit.record("debate.hide_question", actor=actor, subject=debate, question=question.id,
                     reason=reason[:300])
    changed(debate, *parts)
