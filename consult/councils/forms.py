"""Forms for councils and memberships."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from consult.core.forms import BaseForm, strip_filter
from consult.councils.models import ROLE_LABELS, ROLES


class CouncilForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=160)], filters=[strip_filter])
    slug = StringField(_l("Web address"), validators=[Optional(), Length(max=80)], filters=[strip_filter],
                       description=_l("Small letters, digits and dashes. Left empty, it is made from the "
                                      "name."))
    purpose = TextAreaField(_l("Purpose"), validators=[Length(max=20000)],
                            description=_l("What the council is for. You can use Markdown."))
    mandate = TextAreaField(_l("Mandate"), validators=[Length(max=20000)],
                            description=_l("What the council can decide or give advice on."))
    composition = TextAreaField(_l("Composition rules"), validators=[Length(max=20000)],
                                description=_l("How seats are given and for how long."))
    contact = StringField(_l("Contact"), validators=[Length(max=300)], filters=[strip_filter])
    quorum_percent = IntegerField(_l("Quorum (percent of voting members)"), default=50,
                                  validators=[DataRequired(), NumberRange(0, 100)],
                                  description=_l("More than this share of voting members must be present "
                                                 "for a vote to count."))
    convocation_days = IntegerField(_l("Days of notice for a session"), default=5,
                                    validators=[DataRequired(), NumberRange(0, 60)])
    submit = SubmitField(_l("Save the council"))


class MembershipForm(BaseForm):
    username = StringField(_l("Username of the person"), validators=[DataRequired(), Length(max=40)],
                           filters=[strip_filter])
    role = SelectField(_l("Role"), choices=[SelectChoice(r, ROLE_LABELS[r]) for r in ROLES], default="member")
    represents = StringField(_l("Represents (community or association)"), validators=[Length(max=160)],
                             filters=[strip_filter], description=_l("Optional."))
    starts_on = DateField(_l("First day of the term"), validators=[DataRequired()])
    ends_on = DateField(_l("Last day of the term"), validators=[Optional()], description=_l("Optional."))
    submit = SubmitField(_l("Add the seat"))
