"""Forms of the votes pages. The ballot itself is read by the method (``parse_form``): its fields depend on
the poll's options, and the method is where a ballot's rules live."""

from __future__ import annotations

import json

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from consult.core.forms import BaseForm, LocalDateTimeField, RowList, strip_filter
from consult.votes.methods import BallotError

METHOD_CHOICES = [
    SelectChoice("yes_no_abstain", _l("Yes, no or abstain")),
    SelectChoice("single", _l("Single choice")),
    SelectChoice("approval", _l("Approval (choose several)")),
    SelectChoice("ranked_irv", _l("Ranked choice (instant runoff)")),
    SelectChoice("schulze", _l("Ranked choice (Schulze, compares every pair)")),
    SelectChoice("score", _l("Score (0 to 5)")),
    SelectChoice("points", _l("Points (share your points)")),
]
MODE_CHOICES = [
    SelectChoice("secret", _l("Secret ballot")),
    SelectChoice("named", _l("Named vote (names and choices are public)")),
    SelectChoice("open", _l("Quick live poll (anyone with the link)")),
]
MAJORITY_CHOICES = [
    SelectChoice("simple", _l("Simple majority (more yes than no / most votes)")),
    SelectChoice("absolute", _l("Absolute majority (more than half of the ballots)")),
    SelectChoice("two_thirds", _l("Two thirds")),
]


class PollForm(BaseForm):
    question = StringField(_l("Question"), validators=[DataRequired(), Length(max=500)],
                           filters=[strip_filter])
    description = TextAreaField(_l("Explanation for voters (optional)"),
                                validators=[Optional(), Length(max=5000)])
    method = SelectField(_l("Voting method"), choices=METHOD_CHOICES)
    mode = SelectField(_l("Kind of ballot"), choices=MODE_CHOICES)
    options = TextAreaField(_l("Options, one per line"), validators=[Optional(), Length(max=5000)],
                            description=_l("Not needed for yes/no/abstain."))
    # typed locally, .data in UTC
    opens_at = LocalDateTimeField(_l("Opens at (optional)"), validators=[Optional()])
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


COUNT_REFUSED = _l("Counts must be whole numbers, 0 or more.")


class CountField(IntegerField):
    """A number read off a tally sheet: digits only (of any script: "٤" is 4), at most nine; empty is none.
    Signs, spaces inside, underscores, decimals and exponents are refused: a person counting writes none."""

    def process_formdata(self, valuelist):
        self.data = None
        text = str(valuelist[0]).strip() if valuelist else ""
        if text and not (text.isdecimal() and len(text) <= 9):
            raise ValueError(COUNT_REFUSED)
        if text:
            self.data = int(text)


class OptionCountForm(Form):
    """One line of a tally sheet: an option (its id) and the votes it got."""

    option = HiddenField()
    count = CountField(validators=[Optional(), NumberRange(min=0, max=MAX_PAPER, message=COUNT_REFUSED)])


class PaperTallyForm(BaseForm):
    channel = StringField(_l("Channel (for example: Town hall polling place)"),
                          validators=[DataRequired(), Length(max=80)], filters=[strip_filter])
    #: one line per option of the poll (``counts-<n>-option``, ``counts-<n>-count``); see :meth:`lines_for`
    counts = RowList(FormField(OptionCountForm), max_entries=1000)
    blank = IntegerField(_l("Blank ballots"), default=0,
                         validators=[Optional(), NumberRange(min=0, max=MAX_PAPER)])
    invalid = IntegerField(_l("Invalid ballots"), default=0,
                           validators=[Optional(), NumberRange(min=0, max=MAX_PAPER)])
    ballots = IntegerField(_l("Paper ballots cast (approval polls; otherwise computed)"),
                           validators=[Optional(), NumberRange(min=0, max=MAX_PAPER)])
    submit = SubmitField(_l("Save the paper count"))

    def lines_for(self, options) -> list[tuple]:
        """``(option, its line)`` for each option of the poll, in the poll's order (empty at first)."""
        return self.counts.rows_for(options, by="option", key=lambda option: option.id)

    def counted(self) -> dict[str, int]:
        """``{option id: votes}`` as sent (the service checks that they are this poll's options)."""
        return {line.option.data: line.count.data or 0 for line in self.counts}


class CastForm(BaseForm):
    """The ballot confirmed on the confirmation page, sent back as the method's canonical choice (JSON)."""

    choice = HiddenField()

    def ballot(self):
        """The choice, or a refusal when it is not JSON (the method's own rules check it further)."""
        try:
            return json.loads(self.choice.data or "")
        except ValueError:
            raise BallotError(_l("This ballot could not be read. Please fill it in again.")) from None


class TrackerForm(BaseForm):
    class Meta:
        csrf = False

    tracker = StringField(_l("Your tracker"), validators=[DataRequired(), Length(max=40)],
                          filters=[strip_filter])
