"""Survey services: building the questionnaire, publishing and closing it, answering, hiding a free-text
answer from the public results.

Rules kept here (views, the demo and tests come through these functions; they flush, never commit):

* The organisers of the process (``survey.manage``) build the survey as a draft. Sections and questions are
  added while no response exists (``survey.edit_structure``); then only the wording changes (titles, texts,
  help, option labels: as many labels as before, same order).
* A question's options are at least two (choice, ranking), a matrix has rows and a scale, a scale goes from
  ``scale_min`` to ``scale_max`` (2 to 11 values); the bounds of a multiple choice fit its options. A
  condition names an earlier single or multiple choice question and some of its options.
* Anonymity is chosen before publishing and does not change afterwards (people were told before answering).
* Publishing tells the followers of the process (``survey_opened``); it is in the audit log, as are closing,
  publishing the results and hiding an answer.
* Answering (``survey.answer``): the answers to questions that apply are checked (:mod:`.answers`), the
  others dropped; the person is recorded as having answered (one response each: the participants' key
  decides) and, in an anonymous survey, the response is stored with no user id and only the day.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from consult.core import audit
from consult.core.db import insert_once
from consult.core.errors import Conflict, DomainError
from consult.core.models import utcnow
from consult.core.policy import enforce
from consult.core.time import today
from consult.extensions import db
from consult.surveys import answers as reading
from consult.surveys.models import (
    CHOICE_KINDS,
    CLOSED,
    DRAFT,
    KINDS,
    MATRIX,
    MULTIPLE,
    OPTION_KINDS,
    PUBLISHED,
    SCALE,
    Survey,
    SurveyParticipant,
    SurveyQuestion,
    SurveyResponse,
    SurveySection,
)

SETTINGS = ("title", "description", "anonymous", "opens_at", "closes_at", "eligibility_rule_id",
            "results_public")
#: what can still change once the survey is published
LATER_SETTINGS = ("title", "description", "closes_at", "results_public")
WORDING = ("text", "help", "min_label", "max_label")


def _check_dates(opens_at, closes_at) -> None:
    if opens_at and closes_at and closes_at <= opens_at:
        raise DomainError(_l("The survey must close after it opens."), field="closes_at")


def create_survey(process, by, **settings) -> Survey:
    enforce("survey.manage", by, process)
    _check_dates(settings.get("opens_at"), settings.get("closes_at"))
    survey = Survey(process=process, created_by_id=by.id, status=DRAFT,
                    **{k: v for k, v in settings.items() if k in SETTINGS})
    survey.sections.append(SurveySection(title="", description="", position=0))
    db.session.add(survey)
    db.session.flush()
    audit.record("surveys.created", actor=by, subject=survey)
    return survey


def update_survey(survey: Survey, by, **settings) -> Survey:
    enforce("survey.manage", by, survey)
    allowed = SETTINGS if survey.status == DRAFT else LATER_SETTINGS
    values = {k: v for k, v in settings.items() if k in allowed}
    _check_dates(values.get("opens_at", survey.opens_at), values.get("closes_at", survey.closes_at))
    for name, value in values.items():
        setattr(survey, name, value)
    db.session.flush()
    audit.record("surveys.edited", actor=by, subject=survey)
    return survey


def add_section(survey: Survey, by, *, title: str, description: str = "") -> SurveySection:
    enforce("survey.edit_structure", by, survey)
    position = max((s.position for s in survey.sections), default=-1) + 1
    section = SurveySection(title=title, description=description, position=position)
    survey.sections.append(section)
    db.session.flush()
    return section


def update_section(section: SurveySection, by, *, title: str, description: str = "") -> SurveySection:
    enforce("survey.manage", by, section.survey)
    section.title, section.description = title, description
    db.session.flush()
    return section


def delete_section(section: SurveySection, by) -> None:
    survey = section.survey
    enforce("survey.edit_structure", by, survey)
    if len(survey.sections) == 1:
        raise DomainError(_l("A survey keeps at least one section."))
    inside = {q.id for q in survey.questions if q.section_id == section.id}
    if any(q.condition_question_id in inside for q in survey.questions if q.id not in inside):
        raise DomainError(_l("Another question depends on this one: change that question first."))
    for question in [q for q in survey.questions if q.section_id == section.id]:
        survey.questions.remove(question)
    survey.sections.remove(section)
    db.session.flush()


def _labels(lines) -> list[str]:
    return [" ".join(str(line).split())[:300] for line in lines or [] if str(line).strip()]


def _numbered(labels: list[str]) -> list[dict]:
    return [{"id": i + 1, "label": label} for i, label in enumerate(labels)]


def _check_question(survey: Survey, question: SurveyQuestion) -> None:
    kind = question.kind
    if kind not in KINDS:
        raise DomainError(_l("Please choose a kind of question."), field="kind")
    if kind in OPTION_KINDS and len(question.options) < 2:
        raise DomainError(_l("Please give at least two options, one a line."), field="options")
    if kind == MATRIX and not question.rows:
        raise DomainError(_l("Please give the rows of the matrix, one a line."), field="rows")
    if kind in (SCALE, MATRIX):
        low, high = question.scale_min, question.scale_max
        if low is None or high is None or not 2 <= high - low + 1 <= 11:
            raise DomainError(_l("A scale goes from its lowest to its highest value, with 2 to 11 values."),
                              field="scale_max")
    if kind == MULTIPLE:
        count = len(question.options)
        low, high = question.min_choices, question.max_choices
        if (low is not None and not 0 <= low <= count) or (high is not None and not 1 <= high <= count) \
                or (low is not None and high is not None and low > high):
            raise DomainError(_l("The numbers of options to choose must fit the options."),
                              field="max_choices")
    _check_condition(survey, question)


def _check_condition(survey: Survey, question: SurveyQuestion) -> None:
    if question.condition_question_id is None:
        question.condition_option_ids = []
        return
    place = {s.id: i for i, s in enumerate(survey.sections)}

    def key(q):
        return place.get(q.section_id, 0), q.position, q.id if q.id is not None else 2**31

    condition = next((q for q in survey.questions if q.id == question.condition_question_id), None)
    if condition is None or condition is question or key(condition) >= key(question) \
            or condition.kind not in CHOICE_KINDS:
        raise DomainError(_l("A question can depend only on an earlier single or multiple choice question."),
                          field="condition")
    ids = {o["id"] for o in condition.options}
    if not question.condition_option_ids or not set(question.condition_option_ids) <= ids:
        raise DomainError(_l("Please tick the options that make this question apply."), field="condition")


STRUCTURE = ("kind", "required", "scale_min", "scale_max", "min_choices", "max_choices",
             "condition_question_id", "condition_option_ids")


def add_question(section: SurveySection, by, *, options=(), rows=(), **fields) -> SurveyQuestion:
    survey = section.survey
    enforce("survey.edit_structure", by, survey)
    position = max((q.position for q in survey.questions if q.section_id == section.id), default=-1) + 1
    question = SurveyQuestion(survey_id=survey.id, section_id=section.id, position=position,
                              options=_numbered(_labels(options)), rows=_numbered(_labels(rows)),
                              **{k: v for k, v in fields.items() if k in STRUCTURE + WORDING})
    _check_question(survey, question)
    question.section = section
    survey.questions.append(question)
    db.session.flush()
    return question


def update_question(question: SurveyQuestion, by, *, options=(), rows=(), **fields) -> SurveyQuestion:
    """Change a question: everything while the survey has no answers, the wording only afterwards."""
    survey = question.survey
    enforce("survey.manage", by, survey)
    structure = bool(policies_allow("survey.edit_structure", by, survey))
    for name in WORDING:
        if name in fields:
            setattr(question, name, fields[name])
    option_labels, row_labels = _labels(options), _labels(rows)
    if structure:
        for name in STRUCTURE:
            if name in fields:
                setattr(question, name, fields[name])
        question.options, question.rows = _numbered(option_labels), _numbered(row_labels)
        _check_question(survey, question)
    else:
        if len(option_labels) != len(question.options) or len(row_labels) != len(question.rows):
            raise DomainError(_l("This survey has answers: the options can be reworded, not added or "
                                 "removed."), field="options")
        question.options = [dict(o, label=label) for o, label in zip(question.options, option_labels,
                                                                     strict=True)]
        question.rows = [dict(r, label=label) for r, label in zip(question.rows, row_labels, strict=True)]
    db.session.flush()
    return question


def policies_allow(action: str, person, obj):
    from consult.core.policy import policies

    return policies.decide(action, person, obj)


def delete_question(question: SurveyQuestion, by) -> None:
    survey = question.survey
    enforce("survey.edit_structure", by, survey)
    for other in survey.questions:
        if other.condition_question_id == question.id:
            raise DomainError(_l("Another question depends on this one: change that question first."))
    survey.questions.remove(question)
    db.session.flush()


def move_question(question: SurveyQuestion, by, step: int) -> SurveyQuestion:
    """Move a question one place up (``step=-1``) or down (``+1``) in its section; a question never comes
    before the question it depends on."""
    survey = question.survey
    enforce("survey.edit_structure", by, survey)
    siblings = [q for q in survey.ordered_questions() if q.section_id == question.section_id]
    place = siblings.index(question) + (1 if step > 0 else -1)
    if not 0 <= place < len(siblings):
        return question
    other = siblings[place]
    first, second = (other, question) if step < 0 else (question, other)
    if second.condition_question_id == first.id:
        raise DomainError(_l("A question cannot come before the question it depends on."))
    for number, sibling in enumerate(siblings):
        sibling.position = number
    question.position, other.position = other.position, question.position
    db.session.flush()
    return question


def publish(survey: Survey, by) -> Survey:
    from consult.notifications.services import notify_followers

    enforce("survey.publish", by, survey)
    survey.status, survey.published_at = PUBLISHED, utcnow()
    db.session.flush()
    audit.record("surveys.published", actor=by, subject=survey, anonymous=survey.anonymous)
    notify_followers(survey.process, "survey_opened", actor=by, survey=survey.title)
    return survey


def close(survey: Survey, by) -> Survey:
    enforce("survey.close", by, survey)
    survey.status, survey.closed_at = CLOSED, utcnow()
    db.session.flush()
    audit.record("surveys.closed", actor=by, subject=survey)
    return survey


def set_results_public(survey: Survey, by, public: bool) -> Survey:
    enforce("survey.manage", by, survey)
    survey.results_public = bool(public)
    db.session.flush()
    audit.record("surveys.results_published" if public else "surveys.results_withdrawn", actor=by,
                 subject=survey)
    return survey


class AnswerErrors(DomainError):
    """Some answers are wrong: ``errors`` maps question ids to messages."""

    def __init__(self, errors: dict):
        super().__init__(_l("Some answers need your attention."))
        self.errors = errors


def respond(survey: Survey, person, raw) -> SurveyResponse:
    """Store ``person``'s answers (the form fields ``raw``): the questions that apply are checked, the others
    ignored. Raises :class:`AnswerErrors` when an answer is wrong, Conflict when the person answered
    already."""
    enforce("survey.answer", person, survey)
    kept, errors = reading.clean(survey.ordered_questions(), raw)
    if errors:
        raise AnswerErrors(errors)
    if not insert_once(SurveyParticipant, survey_id=survey.id, user_id=person.id):
        raise Conflict(_l("You have already answered this survey."))
    response = SurveyResponse(id=str(uuid.uuid4()), survey_id=survey.id, answers=kept, hidden=[],
                              user_id=None if survey.anonymous else person.id, given_on=today())
    db.session.add(response)
    db.session.flush()
    return response


def set_hidden(response: SurveyResponse, question: SurveyQuestion, by, hidden: bool) -> SurveyResponse:
    """Hide a free-text answer from the public results (or show it again); the organisers still see it."""
    survey = question.survey
    enforce("survey.manage", by, survey)
    if response.survey_id != survey.id:
        raise DomainError(_l("This answer is not one of this survey's."))
    ids = set(response.hidden or [])
    ids = ids | {question.id} if hidden else ids - {question.id}
    response.hidden = sorted(ids)
    db.session.flush()
    audit.record("surveys.answer_hidden" if hidden else "surveys.answer_shown", actor=by, subject=survey,
                 question_id=question.id)
    return response


def response_count(survey: Survey) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)
                             .where(SurveyResponse.survey_id == survey.id)) or 0


def surveys_of(process, *, include_drafts: bool) -> list[Survey]:
    query = sa.select(Survey).where(Survey.process_id == process.id)
    if not include_drafts:
        query = query.where(Survey.status != DRAFT)
    return list(db.session.scalars(query.order_by(Survey.id.desc())))
