"""Surveys of the processes: the questionnaire (sections, questions, options, scales, conditions), whether
answers are anonymous, the calendar and status, the number of responses, and once the organisers publish the
results the figures per question (counts per option or value, means, rankings' points; free-text questions
give only how many answered). Never a response, never who answered. Drafts are not listed."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa

from consult.api.machinery import Field, Resource, builder, columns, prefetched
from consult.extensions import db
from consult.surveys import results as figures
from consult.surveys.models import DRAFT, TEXT_KINDS, Survey, SurveyResponse

LABELLED = {"type": "array", "items": {
    "type": "object", "additionalProperties": False, "required": ["id", "label"],
    "properties": {"id": {"type": "integer"}, "label": {"type": "string"}}}}
QUESTIONS = {
    "type": "array",
    "description": "In the order people meet them; a question with a condition applies only when the answer "
                   "to condition_question_id includes one of condition_option_ids.",
    "items": {"type": "object", "additionalProperties": False,
              "required": ["id", "section", "kind", "text", "help", "required", "options", "rows",
                           "scale_min", "scale_max", "min_label", "max_label", "min_choices", "max_choices",
                           "condition_question_id", "condition_option_ids"],
              "properties": {
                  "id": {"type": "integer"}, "section": {"type": "string"},
                  "kind": {"type": "string", "enum": ["single", "multiple", "scale", "ranking", "short_text",
                                                      "long_text", "matrix"]},
                  "text": {"type": "string"}, "help": {"type": "string"}, "required": {"type": "boolean"},
                  "options": LABELLED, "rows": LABELLED,
                  "scale_min": {"type": ["integer", "null"]}, "scale_max": {"type": ["integer", "null"]},
                  "min_label": {"type": "string"}, "max_label": {"type": "string"},
                  "min_choices": {"type": ["integer", "null"]}, "max_choices": {"type": ["integer", "null"]},
                  "condition_question_id": {"type": ["integer", "null"]},
                  "condition_option_ids": {"type": "array", "items": {"type": "integer"}}}},
}
RESULTS = {
    "type": ["array", "null"],
    "description": "Null until the organisers publish the results. Per question: how many answered, and the "
                   "figures: for choices and scales the count of each option or value, for rankings the "
                   "points (n-1 for a first place among n, 0 for the last), for matrices each row's mean; "
                   "the mean of a scale.",
    "items": {"type": "object", "additionalProperties": False,
              "required": ["question_id", "answered", "figures", "mean"],
              "properties": {
                  "question_id": {"type": "integer"}, "answered": {"type": "integer"},
                  "mean": {"type": ["number", "null"]},
                  "figures": {"type": "array", "items": {
                      "type": "object", "additionalProperties": False, "required": ["label", "value"],
                      "properties": {"label": {"type": "string"}, "value": {"type": "number"}}}}}},
}


def _questions(survey: Survey) -> list[dict]:
    sections = {s.id: s.title for s in survey.sections}
    return [{"id": q.id, "section": sections.get(q.section_id, ""), "kind": q.kind, "text": q.text,
             "help": q.help, "required": q.required, "options": q.options, "rows": q.rows,
             "scale_min": q.scale_min, "scale_max": q.scale_max, "min_label": q.min_label,
             "max_label": q.max_label, "min_choices": q.min_choices, "max_choices": q.max_choices,
             "condition_question_id": q.condition_question_id,
             "condition_option_ids": list(q.condition_option_ids or [])} for q in survey.ordered_questions()]


def _prefetch(surveys: list[Survey]) -> dict:
    ids = [s.id for s in surveys]
    counts = dict(db.session.execute(sa.select(SurveyResponse.survey_id, sa.func.count())
                                     .where(SurveyResponse.survey_id.in_(ids))
                                     .group_by(SurveyResponse.survey_id)).all())
    public = [s.id for s in surveys if s.results_public]
    responses = defaultdict(list)
    if public:
        for response in db.session.scalars(sa.select(SurveyResponse)
                                           .where(SurveyResponse.survey_id.in_(public))
                                           .order_by(SurveyResponse.id)):
            responses[response.survey_id].append(response)
    return {"counts": counts, "responses": responses}


def _count(survey: Survey) -> int:
    kept = prefetched("surveys")
    if kept is not None:
        return kept["counts"].get(survey.id, 0)
    return db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)
                             .where(SurveyResponse.survey_id == survey.id)) or 0


def _results(survey: Survey) -> list[dict] | None:
    if not survey.results_public:
        return None
    kept = prefetched("surveys")
    responses = kept["responses"].get(survey.id, []) if kept is not None else None
    out = []
    for result in figures.results(survey, public=True, responses=responses):
        bars = [] if result.question.kind in TEXT_KINDS else [
            {"label": bar.label, "value": bar.value} for bar in result.bars]
        out.append({"question_id": result.question.id, "answered": result.answered, "figures": bars,
                    "mean": result.mean})
    return out


@builder
def surveys() -> Resource:
    return Resource(
        name="surveys",
        title="Survey",
        model=Survey,
        description="Surveys of the participatory processes: the questions, anonymous or named answers, the "
                    "calendar, the number of responses and, once published by the organisers, the figures.",
        query=lambda: sa.select(Survey).where(Survey.status != DRAFT).order_by(Survey.id.desc()),
        date_column=lambda: Survey.published_at,
        date_description="publication",
        prefetch=_prefetch,
        fields=[
            *columns(id="integer", process_id="integer", title="string", description="string",
                     anonymous="boolean", status="string", results_public="boolean"),
            *columns(opens_at="date-time", closes_at="date-time", published_at="date-time",
                     closed_at="date-time", nullable=True),
            Field("url", "string", getter=lambda s: s.url, description="The survey's page (a path)."),
            Field("responses", "integer", getter=_count),
            Field("questions", "array", getter=_questions, schema=QUESTIONS),
            Field("results", "array", getter=_results, schema=RESULTS),
        ],
    )
