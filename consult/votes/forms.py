"""Forms of the votes pages. The ballot itself is read by the method (``parse_form``): its fields depend on
the poll's options, and the method is where a ballot's rules live."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from consult.core.forms import BaseForm, LocalDateTimeField, strip_filter

METHOD_CHOICES = [
    ("yes_no_abstain", _l("Yes, no or abstain")),
    ("single", _l("Single choice")),
    ("approval", _l("Approval (choose several)")),
    ("ranked_irv", _l("Ranked choice (instant runoff)")),
    ("schulze", _l("Ranked choice (Schulze, compares every pair)")),
    ("score", _l("Score (0 to 5)")),
    ("points", _l("Points (share your points)")),
]
MODE_CHOICES = [
    ("secret", _l("Secret ballot")),
    ("named", _l("Named vote (names and choices are public)")),
    ("open", _l("Quick live poll (anyone with the link)")),
]
MAJORITY_CHOICES = [
    ("simple", _l("Simple majority (more yes than no / most votes)")),
    ("absolute", _l("Absolute majority (more than half of the ballots)")),
    ("two_thirds", _l("Two thirds")),
]


class PollForm(BaseForm):
    question = StringField(_l("Question"), validators=[DataRequired(), Length(max=500)], filters=[strip_filter])
    description = TextAreaField(_l("Explanation for voters (optional)"), validators=[Optional(), Length(max=5000)])
    method = SelectField(_l("Voting method"), choices=METHOD_CHOICES)
    mode = SelectField(_l("Kind of ballot"), choices=MODE_CHOICES)
    options = TextAreaField(_l("Options, one per line"), validators=[Optional(), Length(max=5000)],
                            description=_l("Not needed for yes/no/abstain."))
    opens_at = LocalDateTimeField(_l("Opens at (optional)"), validators=[Optional()])  # typed locally, .data in UTC
    closes_at = LocalDateTimeField(_l("Closes at (optional)"), validators=[Optional()])
    quorum = IntegerField(_l("Quorum: minimum number of voters (optional)"),
                          validators=[Optional(), NumberRange(min=0, max=10_000_000)])
    majority = SelectField(_l("Required majority"), choices=MAJORITY_CHOICES)
    max_choices = IntegerField(_l("Approval: most options a person may tick (optional)"),
                               validators=[Optional(), NumberRange(min=1, max=100)])
    points_budget = IntegerField(_l("Points: points each person shares (optional, 10 if empty)"),
                                 validators=[Optional(), NumberRange(min=1, max=1000)])
    results_before_close = BooleanField(_l("Show results while the poll is open"))
    allow_change = BooleanField(_l("Voters may change their vote until the poll closes"))
    submit = SubmitField(_l("Create the poll"))


#: more paper ballots than any city casts in one channel (and within every database's integer)
MAX_PAPER = 10_000_000


class PaperTallyForm(BaseForm):
    channel = StringField(_l("Channel (for example: Town hall polling place)"),
                          validators=[DataRequired(), Length(max=80)], filters=[strip_filter])
    blank = IntegerField(_l("Blank ballots"), default=0, validators=[Optional(), NumberRange(min=0, max=MAX_PAPER)])
    invalid = IntegerField(_l("Invalid ballots"), default=0, validators=[Optional(), NumberRange(min=0, max=MAX_PAPER)])
    ballots = IntegerField(_l("Paper ballots cast (approval polls; otherwise computed)"),
                           validators=[Optional(), NumberRange(min=0, max=MAX_PAPER)])
    submit = SubmitField(_l("Save the paper count"))


class TrackerForm(BaseForm):
    class Meta:
        csrf = False

    tracker = StringField(_l("Your tracker"), validators=[DataRequired(), Length(max=40)], filters=[strip_filter])
