"""Forms of the paper-ballot pages (``paper_views``). The slip's choice is read by the poll's method
(``parse_form``), as on the ballot page; these forms hold the rest."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, RadioField, SelectChoice, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from consult.core.forms import BaseForm, strip_filter
from consult.votes.paper_ballots import MAX_SLIPS

KIND_CHOICES = [SelectChoice("valid", _l("Valid: as marked below")), SelectChoice("blank", _l("Blank slip")),
                SelectChoice("invalid", _l("Invalid slip (spoilt or unreadable)"))]


class BatchForm(BaseForm):
    station = StringField(_l("Polling station"), validators=[DataRequired(), Length(max=80)],
                          filters=[strip_filter],
                          description=_l("For example the town hall, or the town hall's second box."))
    slips = IntegerField(_l("Number of slips in the pile"),
                         validators=[InputRequired(), NumberRange(min=1, max=MAX_SLIPS)])
    submit = SubmitField(_l("Start the batch"))


class SlipForm(BaseForm):
    slip = IntegerField(_l("Slip number"), validators=[InputRequired(), NumberRange(min=1, max=MAX_SLIPS)],
                        description=_l("Number the slips of the pile in order and type each one's number."))
    kind = RadioField(_l("The slip is"), choices=KIND_CHOICES, default="valid")
    numbers = StringField(_l("Quick entry: the options' numbers"), validators=[Optional(), Length(max=400)],
                          filters=[strip_filter],
                          description=_l("The numbers of the options as the ballot paper lists them (1 for "
                                         "the first), in the order marked on the slip, for example 3 1 7. "
                                         "Leave it empty to use the list below."))
    submit = SubmitField(_l("Save this slip"))


class CorrectForm(SlipForm):
    submit = SubmitField(_l("Correct my copy"))


class CountBatchForm(BaseForm):
    submit = SubmitField(_l("Add this batch to the count"))
