"""Forms for outcome actions, their updates, follow-up comments and the monitoring committee."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from consult.core.forms import BaseForm, labelled_choices
from consult.outcomes.models import ACTION_STATUS_LABELS


class ActionForm(BaseForm):
    title = StringField(_l("What has to be done"), validators=[DataRequired(), Length(max=300)])
    responsible = StringField(_l("Responsible body"), validators=[Optional(), Length(max=200)],
                              description=_l("For example: the city's welcome office."))
    due_on = DateField(_l("Due date"), validators=[Optional()])
    submit = SubmitField(_l("Add the action"))


class ActionUpdateForm(BaseForm):
    status = SelectField(_l("Status"), validators=[DataRequired()],
                         choices=labelled_choices(ACTION_STATUS_LABELS))
    progress = IntegerField(_l("Progress (%)"), validators=[Optional(), NumberRange(min=0, max=100)])
    text = TextAreaField(_l("What happened"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Post the update"))


class FollowUpForm(BaseForm):
    body = TextAreaField(_l("Your follow-up comment"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("Publish the comment"))


class MonitorForm(BaseForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=40)])
    submit = SubmitField(_l("Add to the committee"))


class OutcomeForm(BaseForm):
    title = StringField(_l("What was decided"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Details (optional)"), validators=[Optional(), Length(max=20000)])
    decided_on = DateField(_l("Date of the decision"), validators=[Optional()])
    proposal_id = IntegerField(_l("Number of the proposal it answers (optional)"),
                               validators=[Optional(), NumberRange(min=1, max=2**31 - 1)])
    submit = SubmitField(_l("Record the outcome"))
