"""Forms for councils and memberships."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from consult.core.forms import BaseForm, labelled_choices, strip_filter
from consult.councils.models import QUORUM_OVER_SHARE, QUORUM_RULE_LABELS, QUORUM_RULES, ROLE_LABELS, ROLES


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
    quorum_rule = SelectField(_l("How the quorum is counted"), default=QUORUM_OVER_SHARE,
                              choices=labelled_choices(QUORUM_RULE_LABELS, QUORUM_RULES),
                              description=_l("Among the members entitled to vote on the day of the "
                                             "session. A vote counts only when the quorum is in the room."))
    quorum_percent = IntegerField(_l("Quorum (percent of voting members)"), default=50,
                                  validators=[Optional(), NumberRange(0, 100)],
                                  description=_l("For the rules by share. “More than 50” is more than half; "
                                                 "“at least 50” of 9 members is 5 (4.5 rounded up)."))
    quorum_number = IntegerField(_l("Quorum (number of voting members)"),
                                 validators=[Optional(), NumberRange(1, 1000)],
                                 description=_l("For the rule by number."))
    convocation_days = IntegerField(_l("Days of notice for a session"), default=5,
                                    validators=[DataRequired(), NumberRange(0, 60)])
    submit = SubmitField(_l("Save the council"))


class ParticipationForm(BaseForm):
    allow_unverified = BooleanField(
        _l("Accounts not verified yet may comment and report"),
        description=_l("On the proposals of the processes that feed this council. Unticked, only verified "
                       "residents can comment there and report content."))
    submit = SubmitField(_l("Save the settings"))


class MembershipForm(BaseForm):
    username = StringField(_l("Username of the person"), validators=[DataRequired(), Length(max=40)],
                           filters=[strip_filter])
    role = SelectField(_l("Role"), choices=labelled_choices(ROLE_LABELS, ROLES), default="member")
    represents = StringField(_l("Represents (community or association)"), validators=[Length(max=160)],
                             filters=[strip_filter], description=_l("Optional."))
    starts_on = DateField(_l("First day of the term"), validators=[DataRequired()])
    ends_on = DateField(_l("Last day of the term"), validators=[Optional()], description=_l("Optional."))
    submit = SubmitField(_l("Add the seat"))
