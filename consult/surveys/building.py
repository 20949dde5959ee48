"""The organisers' survey pages: create a survey on a process, its settings, the survey's building page
(sections and questions, publish, close, publish the results), a section's and a question's forms.

Each view: load (404) → authorize (policy) → validate (WTForms, 422) → service → redirect (303).
"""

from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.core.policy import can, require
from consult.core.rendering import render, submit
from consult.processes.models import Process
from consult.surveys import bp, services
from consult.surveys.forms import QuestionForm, SectionForm, SurveyForm
from consult.surveys.models import DRAFT, SurveyQuestion, SurveySection
from consult.surveys.views import get_or_404, load_survey


def _manage_url(survey) -> str:
    return url_for("surveys.manage", survey_id=survey.id)


@bp.route("/processes/<int:process_id>/surveys/new", methods=["GET", "POST"])
def create(process_id):
    process = get_or_404(Process, process_id)
    require("survey.manage", process)
    form = SurveyForm().with_rules()
    return submit(form, lambda: services.create_survey(process, current_user, **form.settings()),
                  success=_("The survey is created as a draft: add its questions, then publish it."),
                  done=_manage_url, page="surveys/form.html", process=process, survey=None)


@bp.route("/surveys/<int:survey_id>/edit", methods=["GET", "POST"])
def edit(survey_id):
    survey = load_survey(survey_id)
    require("survey.manage", survey)
    form = SurveyForm(obj=survey).with_rules()
    if survey.status != DRAFT:
        form.published()
    elif request.method == "GET":
        form.anonymity.data = "anonymous" if survey.anonymous else "named"
        form.eligibility_rule_id.data = survey.eligibility_rule_id or 0
    return submit(form, lambda: services.update_survey(survey, current_user, **form.settings()),
                  success=_("The survey is saved."), done=_manage_url(survey), page="surveys/form.html",
                  process=survey.process, survey=survey)


@bp.route("/surveys/<int:survey_id>/manage")
def manage(survey_id):
    survey = load_survey(survey_id)
    require("survey.manage", survey)
    return render("surveys/manage.html", survey=survey, count=services.response_count(survey),
                  structure=can("survey.edit_structure", survey), publish=can("survey.publish", survey),
                  close=can("survey.close", survey), section_form=SectionForm(formdata=None))


@bp.route("/surveys/<int:survey_id>/sections", methods=["POST"])
def add_section(survey_id):
    survey = load_survey(survey_id)
    require("survey.edit_structure", survey)
    form = SectionForm()
    return submit(form, lambda: services.add_section(survey, current_user, title=form.title.data,
                                                     description=form.description.data or ""),
                  success=_("The section is added."), done=_manage_url(survey), page="surveys/section.html",
                  survey=survey, section=None)


@bp.route("/survey-sections/<int:survey_section_id>/edit", methods=["GET", "POST"])
def edit_section(survey_section_id):
    section = get_or_404(SurveySection, survey_section_id)
    survey = load_survey(section.survey_id)
    require("survey.manage", survey)
    form = SectionForm(obj=section)
    return submit(form, lambda: services.update_section(section, current_user, title=form.title.data,
                                                        description=form.description.data or ""),
                  success=_("The section is saved."), done=_manage_url(survey), page="surveys/section.html",
                  survey=survey, section=section)


@bp.route("/survey-sections/<int:survey_section_id>/delete", methods=["POST"])
def delete_section(survey_section_id):
    section = get_or_404(SurveySection, survey_section_id)
    survey = load_survey(section.survey_id)
    require("survey.edit_structure", survey)
    return submit(None, lambda: services.delete_section(section, current_user),
                  success=_("The section and its questions are removed."), done=_manage_url(survey))


@bp.route("/survey-sections/<int:survey_section_id>/questions/new", methods=["GET", "POST"])
def add_question(survey_section_id):
    section = get_or_404(SurveySection, survey_section_id)
    survey = load_survey(section.survey_id)
    require("survey.edit_structure", survey)
    form = QuestionForm().with_conditions(survey)
    return submit(form, lambda: services.add_question(section, current_user, **form.fields()),
                  success=_("The question is added."),
                  done=lambda q: _manage_url(survey) + f"#question-{q.id}", page="surveys/question.html",
                  survey=survey, section=section, question=None)


@bp.route("/survey-questions/<int:survey_question_id>/edit", methods=["GET", "POST"])
def edit_question(survey_question_id):
    question = get_or_404(SurveyQuestion, survey_question_id)
    survey = load_survey(question.survey_id)
    require("survey.manage", survey)
    form = QuestionForm().with_conditions(survey, question)
    if request.method == "GET":
        form.fill(question)
    return submit(form, lambda: services.update_question(question, current_user, **form.fields()),
                  success=_("The question is saved."), done=_manage_url(survey) + f"#question-{question.id}",
                  page="surveys/question.html", survey=survey, section=question.section, question=question,
                  wording_only=not can("survey.edit_structure", survey))


@bp.route("/survey-questions/<int:survey_question_id>/delete", methods=["POST"])
def delete_question(survey_question_id):
    question = get_or_404(SurveyQuestion, survey_question_id)
    survey = load_survey(question.survey_id)
    require("survey.edit_structure", survey)
    return submit(None, lambda: services.delete_question(question, current_user),
                  success=_("The question is removed."), done=_manage_url(survey))


@bp.route("/survey-questions/<int:survey_question_id>/move", methods=["POST"])
def move_question(survey_question_id):
    """One place up (``direction=up``) or down in its section."""
    question = get_or_404(SurveyQuestion, survey_question_id)
    survey = load_survey(question.survey_id)
    require("survey.edit_structure", survey)
    step = -1 if request.form.get("direction") == "up" else 1
    return submit(None, lambda: services.move_question(question, current_user, step),
                  done=_manage_url(survey) + f"#question-{question.id}")


@bp.route("/surveys/<int:survey_id>/publish", methods=["POST"])
def publish(survey_id):
    survey = load_survey(survey_id)
    require("survey.publish", survey)
    return submit(None, lambda: services.publish(survey, current_user),
                  success=_("The survey is published."), done=_manage_url(survey))


@bp.route("/surveys/<int:survey_id>/close", methods=["POST"])
def close(survey_id):
    survey = load_survey(survey_id)
    require("survey.close", survey)
    return submit(None, lambda: services.close(survey, current_user),
                  success=_("The survey is closed: it takes no more answers."), done=_manage_url(survey))


@bp.route("/surveys/<int:survey_id>/results-visibility", methods=["POST"])
def results_visibility(survey_id):
    survey = load_survey(survey_id)
    require("survey.manage", survey)
    public = request.form.get("public") == "1"
    return submit(None, lambda: services.set_results_public(survey, current_user, public),
                  success=_("The results are public.") if public else _("The results are for the organisers "
                                                                         "only."),
                  done=_manage_url(survey))
