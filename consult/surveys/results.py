"""What the answers say: per question counts (choices, scale values), means (scale, matrix rows), the
rankings' mean places and points, the free-text answers; and the CSV file (one row per response).

Figures count the responses that answered each question. The public results leave out the free-text answers
the organisers hid; the organisers see them marked. An anonymous survey's file has no identity column (its
rows come in the order of their random keys); a named survey's file gives each respondent's display name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.core.csv_export import write_csv
from consult.extensions import db
from consult.surveys.models import (
    MATRIX,
    MULTIPLE,
    RANKING,
    SCALE,
    SINGLE,
    TEXT_KINDS,
    Survey,
    SurveyQuestion,
    SurveyResponse,
)


@dataclass
class Bar:
    label: str
    value: float
    #: the bar's length, 0 to 1
    share: float
    extra: dict = field(default_factory=dict)


@dataclass
class QuestionResult:
    question: SurveyQuestion
    answered: int = 0
    bars: list[Bar] = field(default_factory=list)
    mean: float | None = None
    texts: list[dict] = field(default_factory=list)
    #: matrix: per row, the count of each scale value
    distribution: list[dict] = field(default_factory=list)


def responses_of(survey: Survey) -> list[SurveyResponse]:
    return list(db.session.scalars(sa.select(SurveyResponse).where(SurveyResponse.survey_id == survey.id)
                                   .order_by(SurveyResponse.id)))


def _shares(bars: list[Bar], total: float) -> list[Bar]:
    for bar in bars:
        bar.share = round(bar.value / total, 4) if total else 0.0
    return bars


def _choices(question, given, result):
    counts = {o["id"]: 0 for o in question.options}
    for value in given:
        for option_id in value if isinstance(value, list) else [value]:
            if option_id in counts:
                counts[option_id] += 1
    result.bars = _shares([Bar(o["label"], counts[o["id"]], 0) for o in question.options], len(given))


def _scale(question, given, result):
    counts = {v: 0 for v in question.scale_values}
    for value in given:
        if value in counts:
            counts[value] += 1
    result.bars = _shares([Bar(str(v), n, 0) for v, n in counts.items()], len(given))
    if given:
        result.mean = round(sum(given) / len(given), 2)


def _ranking(question, given, result):
    size = len(question.options)
    places = {o["id"]: [] for o in question.options}
    for order in given:
        for place, item in enumerate(order, start=1):
            if item in places:
                places[item].append(place)
    bars = []
    for option in question.options:
        got = places[option["id"]]
        points = sum(size - place for place in got)
        bars.append(Bar(option["label"], points, 0, {
            "mean_place": round(sum(got) / len(got), 2) if got else None,
            "first": sum(1 for place in got if place == 1)}))
    bars.sort(key=lambda bar: -bar.value)
    result.bars = _shares(bars, max((bar.value for bar in bars), default=0))


def _matrix(question, given, result):
    low, high = question.scale_min, question.scale_max
    bars, distribution = [], []
    for row in question.rows:
        values = [answer[str(row["id"])] for answer in given if str(row["id"]) in answer]
        mean = round(sum(values) / len(values), 2) if values else None
        bars.append(Bar(row["label"], mean or 0, 0, {"answered": len(values), "mean": mean}))
        distribution.append({"label": row["label"],
                             "counts": [values.count(v) for v in question.scale_values]})
    for bar in bars:
        bar.share = round((bar.value - low) / (high - low), 4) if bar.extra["mean"] is not None else 0.0
    result.bars, result.distribution = bars, distribution


def _texts(question, responses, result, public):
    for response in responses:
        text = response.answers.get(str(question.id))
        hidden = question.id in (response.hidden or [])
        if text is None or (hidden and public):
            continue
        result.texts.append({"response_id": response.id, "text": text, "hidden": hidden})


def results(survey: Survey, *, public: bool, responses: list[SurveyResponse] | None = None
            ) -> list[QuestionResult]:
    responses = responses_of(survey) if responses is None else responses
    out = []
    for question in survey.ordered_questions():
        result = QuestionResult(question)
        given = [r.answers[str(question.id)] for r in responses if str(question.id) in r.answers]
        result.answered = len(given)
        if question.kind in (SINGLE, MULTIPLE):
            _choices(question, given, result)
        elif question.kind == SCALE:
            _scale(question, given, result)
        elif question.kind == RANKING:
            _ranking(question, given, result)
        elif question.kind == MATRIX:
            _matrix(question, given, result)
        elif question.kind in TEXT_KINDS:
            _texts(question, responses, result, public)
        out.append(result)
    return out


# -- the CSV file ----------------------------------------------------------------------------------------


def _columns(question: SurveyQuestion) -> list[tuple[str, object]]:
    """(heading, how to read the answer) for each column of a question."""
    if question.kind == RANKING:
        return [(f"{question.text} — {o['label']}", ("rank", o["id"])) for o in question.options]
    if question.kind == MATRIX:
        return [(f"{question.text} — {r['label']}", ("row", str(r["id"]))) for r in question.rows]
    return [(question.text, ("value", None))]


def _cell(question: SurveyQuestion, how, value):
    if value is None:
        return ""
    kind, key = how
    if kind == "rank":
        return value.index(key) + 1 if key in value else ""
    if kind == "row":
        return value.get(key, "")
    if question.kind == SINGLE:
        return question.option_label(value)
    if question.kind == MULTIPLE:
        return "; ".join(question.option_label(v) for v in value)
    return value


def csv_text(survey: Survey) -> str:
    questions = survey.ordered_questions()
    columns = [(q, heading, how) for q in questions for heading, how in _columns(q)]
    named = not survey.anonymous
    header = [_("Response"), _("Day")] + ([_("Person")] if named else []) + [h for _q, h, _how in columns]
    responses = responses_of(survey)
    names = {}
    if named:
        from consult.accounts.models import User

        ids = {r.user_id for r in responses if r.user_id}
        query = sa.select(User.id, User.display_name).where(User.id.in_(ids))
        names = dict(db.session.execute(query).all()) if ids else {}
    rows = [header]
    for number, response in enumerate(responses, start=1):
        row = [number, response.given_on.isoformat()]
        if named:
            row.append(names.get(response.user_id, ""))
        row += [_cell(q, how, response.answers.get(str(q.id))) for q, _h, how in columns]
        rows.append(row)
    return write_csv(rows)
