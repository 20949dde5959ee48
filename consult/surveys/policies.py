"""Who may do what with surveys.

* ``survey.manage`` (create a survey on a process, edit the wording, see the organisers' page, results and
  the named respondents, hide a free-text answer, export CSV): the process's organisers (role ``organiser``
  granted for the process) and admins. The object is a process or a survey.
* ``survey.edit_structure`` (add, change or remove sections and questions): organisers, while no response
  exists (then only the wording can still be fixed).
* ``survey.publish``: organisers, for a draft with at least one question; ``survey.close``: organisers, for a
  published survey.
* ``survey.view``: everyone for a published or closed survey; drafts for the organisers.
* ``survey.answer``: a signed-in person not blocked, while the survey takes answers, who meets its eligibility
  rule (residence facts only) and has not answered yet.
* ``survey.see_results``: the organisers; everyone once they publish the results.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from consult.core.models import utcnow
from consult.core.policy import (
    CONFLICT,
    YES,
    Decision,
    has_role,
    is_admin,
    is_not_blocked,
    is_signed_in,
    policies,
    predicate,
)
from consult.extensions import db
from consult.residency.policies import meets_eligibility
from consult.surveys.models import DRAFT, PUBLISHED, Survey, SurveyParticipant, SurveyResponse


def _process_id(obj):
    if isinstance(obj, Survey):
        return obj.process_id
    return getattr(obj, "id", None) if obj is not None and hasattr(obj, "support_threshold") else None


def _scope(obj):
    process_id = _process_id(obj)
    return ("process", process_id) if process_id is not None else None


is_process_organiser = has_role("organiser", scope=_scope,
                                reason=_l("Only the organisers of this process can do this."))
organiser = is_signed_in & (is_admin | is_process_organiser)


@predicate(_l("This survey is not published."))
def is_public(person, obj):
    return isinstance(obj, Survey) and obj.status != DRAFT


@predicate(_l("This survey has answers: only its wording can still be changed."))
def has_no_responses(person, obj):
    return isinstance(obj, Survey) and not has_responses(obj)


def has_responses(survey: Survey) -> bool:
    return bool(db.session.scalar(sa.select(sa.exists().where(SurveyResponse.survey_id == survey.id))))


@predicate(_l("This survey is already published."))
def is_draft(person, obj):
    return isinstance(obj, Survey) and obj.status == DRAFT


@predicate(_l("A survey needs at least one question before it is published."))
def has_questions(person, obj):
    return isinstance(obj, Survey) and bool(obj.questions)


@predicate(_l("Only a published survey can be closed."))
def is_published(person, obj):
    return isinstance(obj, Survey) and obj.status == PUBLISHED


@predicate()
def takes_answers(person, obj):
    if not isinstance(obj, Survey) or obj.status != PUBLISHED:
        return Decision("refused", _l("This survey does not take answers."))
    now = utcnow()
    if obj.opens_at is not None and now < obj.opens_at:
        return Decision("refused", _l("This survey is not open yet."))
    if obj.closes_at is not None and now >= obj.closes_at:
        return Decision("refused", _l("This survey is closed."))
    return YES


meets_rule = meets_eligibility(lambda obj: obj.rule if isinstance(obj, Survey) else None)


@predicate(_l("You have already answered this survey."), kind=CONFLICT)
def not_answered_yet(person, obj):
    return not answered(person, obj)


def answered(person, survey: Survey) -> bool:
    if not getattr(person, "is_authenticated", False) or not isinstance(survey, Survey):
        return False
    return db.session.get(SurveyParticipant, (survey.id, person.id)) is not None


@predicate(_l("The results of this survey are not published."))
def results_are_public(person, obj):
    return isinstance(obj, Survey) and obj.status != DRAFT and obj.results_public


policies.register("survey.manage", organiser)
policies.register("survey.edit_structure", organiser & has_no_responses)
policies.register("survey.publish", organiser & is_draft & has_questions)
policies.register("survey.close", organiser & is_published)
policies.register("survey.view", is_public | organiser)
policies.register("survey.answer",
                  is_signed_in & is_not_blocked & takes_answers & meets_rule & not_answered_yet)
policies.register("survey.see_results", results_are_public | organiser)
