"""Survey forms: the survey's settings (anonymity, dates on the city's clock, who answers), a section, a
question. The answer form is built from the questions (``consult.surveys.answers`` reads it); buttons without
fields (publish, close, publish the results, hide an answer) need no form."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from consult.core.forms import BaseForm, LocalDateTimeField, labelled_choices, strip_filter
from consult.extensions import db
from consult.processes.forms import MultiCheckboxField
from consult.residency.models import EligibilityRule
from consult.surveys.models import CHOICE_KINDS, KIND_LABELS, MATRIX, RANKING

ANONYMITY = {
    "anonymous": _l("Anonymous: answers are stored without the name of who gave them"),
    "named": _l("Named: the organisers see who gave each response"),
}


class SurveyForm(BaseForm):
    title = StringField(_l("Title"), filters=[strip_filter], validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        _l("What the survey is for"), validators=[Optional(), Length(max=20000)],
        description=_l("Say what is done with the answers. You can use Markdown."))
    anonymity = RadioField(_l("Answers"), choices=labelled_choices(ANONYMITY), default="anonymous",
                           validators=[InputRequired()],
                           description=_l("Said on the survey's page before anyone answers; it cannot change "
                                          "once the survey is published."))
    opens_at = LocalDateTimeField(_l("Opens (optional)"), validators=[Optional()],
                                  description=_l("Empty: as soon as it is published."))
    closes_at = LocalDateTimeField(_l("Closes (optional)"), validators=[Optional()],
                                   description=_l("Empty: until the organisers close it."))
    eligibility_rule_id = SelectField(
        _l("Who may answer"), coerce=int,
        description=_l("An eligibility rule: residence facts only (verification, age, districts), never "
                       "nationality."))
    results_public = BooleanField(_l("Publish the results to everyone"))
    submit = SubmitField(_l("Save the survey"))

    def with_rules(self) -> SurveyForm:
        rules = [(r.id, r.name) for r in db.session.scalars(sa.select(EligibilityRule)
                                                            .order_by(EligibilityRule.name))]
        self.eligibility_rule_id.choices = [(0, str(_l("The process's rule")))] + rules
        return self

    def published(self) -> SurveyForm:
        """A published survey's form: anonymity, opening and who answers no longer change (not shown)."""
        for name in ("anonymity", "opens_at", "eligibility_rule_id"):
            delattr(self, name)
        return self

    def settings(self) -> dict:
        values = {"title": self.title.data, "description": self.description.data or "",
                  "closes_at": self.closes_at.data, "results_public": bool(self.results_public.data)}
        if "anonymity" in self:
            values.update(anonymous=self.anonymity.data != "named", opens_at=self.opens_at.data,
                          eligibility_rule_id=self.eligibility_rule_id.data or None)
        return values


class SectionForm(BaseForm):
    title = StringField(_l("Section title"), filters=[strip_filter],
                        validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Introduction (optional)"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Save the section"))


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class QuestionForm(BaseForm):
    kind = SelectField(_l("Kind of question"), choices=labelled_choices(KIND_LABELS))
    text = StringField(_l("Question"), filters=[strip_filter], validators=[DataRequired(), Length(max=500)])
    help = StringField(_l("Help (optional)"), filters=[strip_filter],
                       validators=[Optional(), Length(max=1000)])
    required = BooleanField(_l("An answer is required"))
    options = TextAreaField(_l("Options or items to rank, one a line"),
                            validators=[Optional(), Length(max=6000)])
    rows = TextAreaField(_l("Rows of the matrix, one a line"), validators=[Optional(), Length(max=6000)])
    scale_min = IntegerField(_l("Scale: lowest value"), default=1,
                             validators=[Optional(), NumberRange(min=-10, max=10)])
    scale_max = IntegerField(_l("Scale: highest value"), default=5,
                             validators=[Optional(), NumberRange(min=-10, max=10)])
    min_label = StringField(_l("Label of the lowest value"), filters=[strip_filter],
                            validators=[Optional(), Length(max=100)])
    max_label = StringField(_l("Label of the highest value"), filters=[strip_filter],
                            validators=[Optional(), Length(max=100)])
    min_choices = IntegerField(_l("Multiple choice: at least (optional)"),
                               validators=[Optional(), NumberRange(min=0, max=100)])
    max_choices = IntegerField(_l("Multiple choice: at most (optional)"),
                               validators=[Optional(), NumberRange(min=1, max=100)])
    condition = MultiCheckboxField(
        _l("Ask only when an earlier answer includes (optional)"), validate_choice=False,
        description=_l("Tick options of one earlier choice question: this question applies when the "
                       "answer to it includes one of them."))
    submit = SubmitField(_l("Save the question"))

    def with_conditions(self, survey, question=None) -> QuestionForm:
        """The options of the choice questions before ``question`` (all of them for a new question)."""
        order = survey.ordered_questions()
        before = order[:order.index(question)] if question in order else order
        self.condition.choices = [(f"{q.id}:{o['id']}", f"{q.text} — {o['label']}")
                                  for q in before if q.kind in CHOICE_KINDS for o in q.options]
        return self

    def fill(self, question) -> QuestionForm:
        """Show a stored question (a GET of its edit page)."""
        for name in ("kind", "text", "help", "required", "scale_min", "scale_max", "min_label", "max_label",
                     "min_choices", "max_choices"):
            getattr(self, name).data = getattr(question, name)
        self.options.data = "\n".join(o["label"] for o in question.options)
        self.rows.data = "\n".join(r["label"] for r in question.rows)
        self.condition.data = [f"{question.condition_question_id}:{i}" for i in question.condition_option_ids]
        return self

    def fields(self) -> dict:
        kind = self.kind.data
        condition = [item.split(":", 1) for item in self.condition.data or [] if ":" in item]
        questions = {q for q, _o in condition}
        if len(questions) > 1:
            from consult.core.errors import DomainError

            raise DomainError(_l("Please tick options of one question only."), field="condition")
        return {
            "kind": kind, "text": self.text.data, "help": self.help.data or "",
            "required": bool(self.required.data),
            "options": _lines(self.options.data) if kind in (*CHOICE_KINDS, RANKING) else [],
            "rows": _lines(self.rows.data) if kind == MATRIX else [],
            "scale_min": self.scale_min.data, "scale_max": self.scale_max.data,
            "min_label": self.min_label.data or "", "max_label": self.max_label.data or "",
            "min_choices": self.min_choices.data if kind == "multiple" else None,
            "max_choices": self.max_choices.data if kind == "multiple" else None,
            "condition_question_id": int(next(iter(questions))) if questions and all(
                q.isdigit() for q in questions) else None,
            "condition_option_ids": [int(o) for _q, o in condition if o.isdigit()],
        }
