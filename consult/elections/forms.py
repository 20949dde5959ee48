"""Election forms: the call (settings, calendar in local time, reserved districts), standing, translating a
statement, reviewing a nomination. Buttons without fields (publish, open voting, count, withdraw, support,
seat a substitute) need no form."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from consult.core.forms import BaseForm, LocalDateTimeField, labelled_choices, strip_filter
from consult.elections.models import METHOD_LABELS
from consult.elections.services import CALENDAR
from consult.extensions import db
from consult.processes.forms import MultiCheckboxField
from consult.residency.models import District, EligibilityRule

MARKDOWN_HELP = _l("You can use Markdown: *italic*, **bold**, lists with -, and links.")


def language_choices():
    return list(current_app.config["LANGUAGES"].items())


class ElectionForm(BaseForm):
    title = StringField(_l("Title"), filters=[strip_filter], validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("The call"), description=MARKDOWN_HELP,
                                validators=[Optional(), Length(max=20000)])
    seats = IntegerField(_l("Seats"), validators=[InputRequired(), NumberRange(min=1, max=200)])
    term_months = IntegerField(_l("Term (months)"), validators=[InputRequired(), NumberRange(min=1, max=120)])
    method = SelectField(_l("Counting method"), choices=labelled_choices(METHOD_LABELS))
    supporters_needed = IntegerField(
        _l("Supporters a nomination needs"), default=0,
        validators=[InputRequired(), NumberRange(min=0, max=10000)],
        description=_l("Eligible voters who support the nomination before it can be accepted (0: none)."))
    reserved = MultiCheckboxField(
        _l("Districts with a reserved seat"), coerce=int, validate_choice=False,
        description=_l("Each district ticked keeps one seat for its residents: when none of them is "
                       "among the elected, its highest-placed candidate takes the seat of the lowest-placed "
                       "elected candidate that no other reservation needs."))
    voter_rule_id = SelectField(
        _l("Who votes"), coerce=int,
        description=_l("An eligibility rule: residence facts only (verification, age, districts), never "
                       "nationality."))
    candidate_rule_id = SelectField(_l("Who may stand"), coerce=int)
    nominations_open_at = LocalDateTimeField(_l("Nominations open"), validators=[InputRequired()])
    nominations_close_at = LocalDateTimeField(_l("Nominations close"), validators=[InputRequired()])
    campaign_starts_at = LocalDateTimeField(_l("Campaign starts (optional)"), validators=[Optional()])
    voting_opens_at = LocalDateTimeField(_l("Voting opens"), validators=[InputRequired()])
    voting_closes_at = LocalDateTimeField(_l("Voting closes"), validators=[InputRequired()])
    results_at = LocalDateTimeField(_l("Results (optional)"), validators=[Optional()])
    appeal_ends_at = LocalDateTimeField(
        _l("End of the appeal window"), validators=[InputRequired()],
        description=_l("The elected members' terms start the day after."))
    submit = SubmitField(_l("Save the election"))

    def with_districts(self) -> ElectionForm:
        """The choices read from the database: districts, and the eligibility rules (0: the default)."""
        self.reserved.choices = [(d.id, d.name) for d in
                                 db.session.scalars(sa.select(District).order_by(District.name))]
        rules = [(r.id, r.name) for r in db.session.scalars(sa.select(EligibilityRule)
                                                            .order_by(EligibilityRule.name))]
        voters, candidates = _l("Verified residents aged 16 or over (default)"), _l(
            "Verified residents aged 18 or over (default)")
        self.voter_rule_id.choices = [(0, str(voters))] + rules
        self.candidate_rule_id.choices = [(0, str(candidates))] + rules
        if self.voter_rule_id.data is None:
            self.voter_rule_id.data = 0
        if self.candidate_rule_id.data is None:
            self.candidate_rule_id.data = 0
        return self

    def calendar(self) -> dict:
        return {name: getattr(self, name).data for name in CALENDAR}

    def values(self) -> dict:
        return {"title": self.title.data, "description": self.description.data or "",
                "seats": self.seats.data,
                "term_months": self.term_months.data, "method": self.method.data,
                "supporters_needed": self.supporters_needed.data, "calendar": self.calendar(),
                "reserved": list(self.reserved.data or []),
                "voter_rule": db.session.get(EligibilityRule, self.voter_rule_id.data)
                if self.voter_rule_id.data else None,
                "candidate_rule": db.session.get(EligibilityRule, self.candidate_rule_id.data)
                if self.candidate_rule_id.data else None}


class CandidacyForm(BaseForm):
    name = StringField(_l("Your name on the ballot"), filters=[strip_filter],
                       validators=[DataRequired(), Length(max=120)])
    statement = TextAreaField(_l("Your statement"), description=MARKDOWN_HELP,
                              validators=[DataRequired(message=_l("Please write your statement.")),
                                          Length(max=10000)])
    language = SelectField(_l("Language of your statement"), choices=language_choices)
    photo = FileField(_l("Photo (optional)"), description=_l("PNG, JPEG, GIF or WebP, at most 5 MB."))
    photo_alt = StringField(_l("Describe the photo in a few words"), filters=[strip_filter],
                            validators=[Optional(), Length(max=300)],
                            description=_l("For people who cannot see it."))
    submit = SubmitField(_l("Stand as a candidate"))

    def photo_upload(self):
        upload = self.photo.data
        if upload is None or not getattr(upload, "filename", ""):
            return None
        return upload.read(), upload.filename


class TranslationForm(BaseForm):
    language = SelectField(_l("Language of the translation"), choices=language_choices)
    statement = TextAreaField(_l("Translated statement"), description=MARKDOWN_HELP,
                              validators=[DataRequired(), Length(max=10000)])
    submit = SubmitField(_l("Save the translation"))


DECISIONS = {"accept": _l("Accept the nomination"), "refuse": _l("Refuse the nomination")}


class ReviewForm(BaseForm):
    decision = RadioField(_l("Decision"), choices=labelled_choices(DECISIONS), validators=[InputRequired()])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=5000)],
                           description=_l("Needed for a refusal; the candidate reads it."))
    submit = SubmitField(_l("Save the decision"))


class AppealForm(BaseForm):
    text = TextAreaField(_l("Your appeal"), validators=[DataRequired(), Length(max=5000)],
                         description=_l("What you contest in the results, and why. The text and the decision "
                                        "are public; your name is seen by the organisers only."))
    submit = SubmitField(_l("Lodge the appeal"))


APPEAL_DECISIONS = {"uphold": _l("Uphold the appeal"), "dismiss": _l("Dismiss the appeal")}


class AppealDecisionForm(BaseForm):
    decision = RadioField(_l("Decision"), choices=labelled_choices(APPEAL_DECISIONS),
                          validators=[InputRequired()])
    reason = TextAreaField(_l("Reason, and what is done"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("Save the decision"))
