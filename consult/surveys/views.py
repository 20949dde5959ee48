"""Survey pages for everyone: a process's surveys, a survey (anonymous or named said before answering), the
answer pages, the results, the CSV file (organisers), hiding a free-text answer (organisers).

Answering works without JavaScript: a page per section; the answers of the pages before travel in a hidden
field (checked again, all of them, when the last page is sent); a page with nothing that applies given the
earlier answers is skipped; questions that do not apply are ignored. With JavaScript, a conditional question
of the same page shows only when it applies (``static/js/surveys.js``); the server decides in both cases.

Each view: load (404) → authorize (policy) → validate → service → render or redirect (303).
"""

from __future__ import annotations

import json

from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.core.csv_export import csv_download
from consult.core.models import get_or_404 as _get_or_404
from consult.core.policy import can, require
from consult.core.rendering import redirect_to, render, submit
from consult.extensions import db
from consult.processes.models import Process
from consult.surveys import answers as reading
from consult.surveys import bp, services
from consult.surveys import results as figures
from consult.surveys.models import Survey, SurveyQuestion, SurveyResponse
from consult.surveys.policies import answered

#: the hidden field that carries the answers of the pages before (bytes)
CARRIED_MAX = 200_000


def get_or_404(model, ident):
    if not 0 < ident <= 2**31 - 1:
        abort(404)
    return _get_or_404(model, ident)


def load_survey(survey_id: int) -> Survey:
    survey = get_or_404(Survey, survey_id)
    require("survey.view", survey)
    return survey


@bp.route("/processes/<int:process_id>/surveys")
def index(process_id):
    process = get_or_404(Process, process_id)
    require("process.view", process)
    manage = can("survey.manage", process)
    return render("surveys/index.html", process=process,
                  surveys=services.surveys_of(process, include_drafts=bool(manage)), manage=manage)


@bp.route("/surveys/<int:survey_id>")
def show(survey_id):
    survey = load_survey(survey_id)
    return render("surveys/show.html", survey=survey, answer=can("survey.answer", survey),
                  done=answered(current_user, survey), manage=can("survey.manage", survey),
                  see_results=can("survey.see_results", survey))


# -- answering ------------------------------------------------------------------------------------------


def _pages(survey: Survey) -> list[tuple]:
    """The sections with their questions, in order (sections without questions left out)."""
    questions = survey.ordered_questions()
    pages = [(s, [q for q in questions if q.section_id == s.id]) for s in survey.sections]
    return [(s, qs) for s, qs in pages if qs]


def _carried() -> dict[str, list[str]]:
    text = request.form.get("carried", "")
    if not text or len(text) > CARRIED_MAX:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): [str(v) for v in values if isinstance(v, str | int)]
            for k, values in data.items() if isinstance(values, list)}


def _next_page(pages, raw, after: int, step: int = 1) -> int | None:
    """The next (or previous) page with something that applies, given the answers of the pages before it."""
    index = after + step
    while 0 <= index < len(pages):
        earlier = [q for _s, qs in pages[:index] for q in qs]
        kept, _errors = reading.clean(earlier, raw)
        if reading.section_may_apply(pages[index][1], kept):
            return index
        index += step
    return None


def _answer_page(survey, pages, index, raw, errors=None, status=200):
    section, questions = pages[index]
    earlier = [q for _s, qs in pages[:index] for q in qs]
    kept, _e = reading.clean(earlier, raw)
    here = {q.id for q in questions}
    shown = [(q, q.condition_question_id in here or reading.applies(q, kept)) for q in questions]
    conditions = {q.id: _condition_text(survey, q) for q in questions if q.condition_question_id}
    names = {n for q in questions for n in reading.field_names(q)}
    carried = {k: v for k, v in raw.items() if k not in names}
    return render("surveys/answer.html", status=status, survey=survey, section=section,
                  questions=[q for q, ok in shown if ok], raw=raw, errors=errors or {}, conditions=conditions,
                  carried=json.dumps(carried, ensure_ascii=False, separators=(",", ":")), step=index,
                  page_number=index + 1, page_count=len(pages), last=index == len(pages) - 1,
                  first=_next_page(pages, raw, index, -1) is None)


def _condition_text(survey, question) -> str:
    condition = next((q for q in survey.questions if q.id == question.condition_question_id), None)
    if condition is None:
        return ""
    labels = [condition.option_label(i) for i in question.condition_option_ids]
    return _("Answer only if you chose %(options)s in “%(question)s”.",
             options=" / ".join(f"“{label}”" for label in labels), question=condition.text)


@bp.route("/surveys/<int:survey_id>/answer", methods=["GET", "POST"])
def answer(survey_id):
    survey = load_survey(survey_id)
    require("survey.answer", survey)
    pages = _pages(survey)
    if not pages:
        abort(404)
    if request.method == "GET":
        return _answer_page(survey, pages, _next_page(pages, {}, -1) or 0, {})
    step = request.form.get("step", "0")
    index = int(step) if step.isdigit() and int(step) < len(pages) else 0
    questions = pages[index][1]
    raw = {k: v for k, v in _carried().items()
           if k not in {n for q in questions for n in reading.field_names(q)}}
    raw.update(reading.raw_of(questions, request.form))
    if request.form.get("go") == "back":
        before = _next_page(pages, raw, index, -1)
        return _answer_page(survey, pages, index if before is None else before, raw)
    earlier = [q for _s, qs in pages[:index + 1] for q in qs]
    _kept, errors = reading.clean(earlier, raw)
    mine = {q.id for q in questions}
    if any(qid in mine for qid in errors):
        return _answer_page(survey, pages, index, raw, errors, status=422)
    following = _next_page(pages, raw, index)
    if following is not None:
        return _answer_page(survey, pages, following, raw)
    try:
        services.respond(survey, current_user, raw)
    except services.AnswerErrors as err:
        first = next(i for i, (_s, qs) in enumerate(pages) if any(q.id in err.errors for q in qs))
        return _answer_page(survey, pages, first, raw, err.errors, status=422)
    return redirect_to(url_for("surveys.thanks", survey_id=survey.id))


@bp.route("/surveys/<int:survey_id>/thanks")
def thanks(survey_id):
    survey = load_survey(survey_id)
    return render("surveys/thanks.html", survey=survey, done=answered(current_user, survey),
                  see_results=can("survey.see_results", survey))


# -- results --------------------------------------------------------------------------------------------


@bp.route("/surveys/<int:survey_id>/results")
def results(survey_id):
    survey = load_survey(survey_id)
    require("survey.see_results", survey)
    manage = bool(can("survey.manage", survey))
    responses = figures.responses_of(survey)
    return render("surveys/results.html", survey=survey, manage=manage, count=len(responses),
                  results=figures.results(survey, public=not manage, responses=responses))


@bp.route("/surveys/<int:survey_id>/responses.csv")
def responses_csv(survey_id):
    survey = load_survey(survey_id)
    require("survey.manage", survey)
    return csv_download(figures.csv_text(survey), f"survey-{survey.id}-responses.csv")


@bp.route("/surveys/<int:survey_id>/responses/<response_id>/hide", methods=["POST"])
def hide(survey_id, response_id):
    """Hide a free-text answer from the public results (``hidden=0``: show it again)."""
    survey = load_survey(survey_id)
    require("survey.manage", survey)
    response = db.session.get(SurveyResponse, response_id[:36])
    question_id = request.form.get("question_id", "")
    if not question_id.isdigit() or int(question_id) >= 2**31:
        abort(400)
    question = db.session.get(SurveyQuestion, int(question_id))
    if response is None or response.survey_id != survey.id or question is None \
            or question.survey_id != survey.id:
        abort(404)
    hidden = request.form.get("hidden", "1") == "1"
    return submit(None, lambda: services.set_hidden(response, question, current_user, hidden),
                  success=_("The answer is hidden from the public results.") if hidden
                  else _("The answer is shown in the public results again."),
                  done=url_for("surveys.results", survey_id=survey.id, _anchor=f"question-{question.id}"))
