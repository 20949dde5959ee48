"""Process and phase forms (admins). Dates are typed in the platform's time zone and stored in UTC."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from consult.core.forms import BaseForm, LocalDateTimeField, labelled_choices, strip_filter
from consult.core.routing import MAX_ROW_ID
from consult.extensions import db
from consult.processes.models import CAPABILITIES, CAPABILITY_LABELS, PHASE_KINDS, PHASE_LABELS
from consult.residency.models import District, EligibilityRule


class MultiCheckboxField(SelectMultipleField):
    """Several checkboxes in a fieldset (the form macro renders it with a legend)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ProcessForm(BaseForm):
    title = StringField(_l("Title"), filters=[strip_filter],
                        validators=[DataRequired(message=_l("Please give the process a title.")),
                                    Length(max=200, message=_l("At most 200 characters."))])
    description = TextAreaField(_l("Description"),
                                validators=[Length(max=20000, message=_l("At most 20,000 characters."))],
                                description=_l("Markdown: *italic*, **bold**, lists and links."))
    themes = TextAreaField(_l("Themes"), validators=[Length(max=6000)],
                           description=_l("One theme per line."))
    districts = MultiCheckboxField(_l("Districts"), coerce=int,
                                   description=_l("Leave all boxes empty if the process covers the whole "
                                                  "city."))
    eligibility_rule = SelectField(_l("Who can take part"), coerce=int)
    support_threshold = IntegerField(
        _l("Supports needed to qualify"),
        validators=[DataRequired(message=_l("Please give a number.")),
                    NumberRange(min=1, max=10_000_000, message=_l("Give a number of 1 or more."))])
    council_id = IntegerField(_l("Council number"),
                              validators=[Optional(), NumberRange(min=1, max=MAX_ROW_ID)],
                              description=_l("Qualified proposals go to this council's list. Leave empty if "
"none."))
    submit = SubmitField(_l("Save the process"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.districts.choices = [(d.id, d.name)
                                  for d in db.session.scalars(sa.select(District).order_by(District.name))]
        rules = db.session.scalars(sa.select(EligibilityRule).order_by(EligibilityRule.name))
        self.eligibility_rule.choices = [(0, str(_l("Anyone signed in")))] + [(r.id, r.name) for r in rules]

    def theme_names(self) -> list[str]:
        return [line for line in (self.themes.data or "").splitlines() if line.strip()]


class PhaseForm(BaseForm):
    kind = SelectField(_l("Phase"), choices=labelled_choices(PHASE_LABELS, PHASE_KINDS),
                       validators=[DataRequired()])
    starts_at = LocalDateTimeField(_l("Starts"),
                                   validators=[DataRequired(message=_l("Please give a date and time."))])
    ends_at = LocalDateTimeField(_l("Ends"),
                                 validators=[DataRequired(message=_l("Please give a date and time."))])
    capabilities = MultiCheckboxField(_l("What residents can do in this phase"),
                                      choices=labelled_choices(CAPABILITY_LABELS, CAPABILITIES))
    submit = SubmitField(_l("Save the phase"))
