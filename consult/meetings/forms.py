"""Forms for sessions, agenda items, speakers, attachments and motions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SearchField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from consult.core.forms import BaseForm, LocalDateTimeField, RowList, labelled_choices, strip_filter
from consult.core.routing import row_id
from consult.meetings.models import (
    CHOICE_LABELS,
    CHOICES,
    ITEM_KIND_LABELS,
    ITEM_KINDS,
    MODE_LABELS,
    MODES,
    RULE_LABELS,
    RULES,
)


class SessionForm(BaseForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)], filters=[strip_filter])
    starts_at = LocalDateTimeField(_l("Date and time"), validators=[DataRequired()])
    planned_minutes = IntegerField(_l("Planned length (minutes)"), default=120,
                                   validators=[DataRequired(), NumberRange(5, 24 * 60)])
    place = StringField(_l("Place"), validators=[Length(max=300)], filters=[strip_filter])
    online_link = StringField(_l("Online link"), validators=[Length(max=500)], filters=[strip_filter],
                              description=_l("Optional. A link that starts with https://"))
    submit = SubmitField(_l("Save the session"))


class ProposalsField(SelectMultipleField):
    """The proposals an item is linked to: checkboxes whose choices the view sets
    (``consult.meetings.picker``: the chosen ones and those offered). Each value is a proposal number; ``12``,
    ``#12`` and ``3, 5`` are read too. ``choices`` None: any number is taken (no proposals module to check
    against)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, coerce=int, choices=None, validate_choice=True, **kwargs)

    def process_formdata(self, valuelist):
        self.data, self.unreadable = [], []
        for value in valuelist:
            for part in str(value).replace(";", ",").split(","):
                part = part.strip().lstrip("#").strip()
                if not part:
                    continue
                number = row_id(part)
                if number is None:
                    self.unreadable.append(part)
                elif number not in self.data:
                    self.data.append(number)

    def pre_validate(self, form):
        if getattr(self, "unreadable", None):
            raise ValidationError(_l("Proposal numbers are whole numbers."))
        if self.choices is None:
            return
        known = {value for value, _label in self.choices}
        unknown = [str(n) for n in self.data or () if n not in known]
        if unknown:
            raise ValidationError(_l("These proposals cannot be linked: %(numbers)s. They do not exist or "
                                     "are not public.", numbers=", ".join(unknown)))


class ProposalSearchForm(BaseForm):
    """The picker's search (a GET form: its answer lists what it found, nothing is saved)."""

    proposal_q = SearchField(_l("Find a proposal"), validators=[Length(max=200)], filters=[strip_filter],
                             description=_l("Words from its title or text, or its number."))


class ItemForm(BaseForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)], filters=[strip_filter])
    description = TextAreaField(_l("Description"), validators=[Length(max=20000)],
                                description=_l("You can use Markdown."))
    kind = SelectField(_l("Kind"), choices=labelled_choices(ITEM_KIND_LABELS, ITEM_KINDS),
                       default="information")
    duration_minutes = IntegerField(_l("Expected length (minutes)"),
                                    validators=[Optional(), NumberRange(1, 600)])
    presenter = StringField(_l("Presented by"), validators=[Length(max=120)], filters=[strip_filter])
    parent_id = SelectField(_l("Place in the agenda"), coerce=str,
                            choices=[SelectChoice("", _l("Main item"))], default="")
    proposal_ids = ProposalsField(_l("Linked proposals"))
    submit = SubmitField(_l("Save the item"))


class MoveForm(BaseForm):
    direction = HiddenField(validators=[DataRequired()])


class NotesForm(BaseForm):
    notes = TextAreaField(_l("Notes"), validators=[Length(max=50000)])
    action = HiddenField()
    submit = SubmitField(_l("Save the notes"))


class SpeakerForm(BaseForm):
    name = StringField(_l("Speaker's name"), validators=[DataRequired(), Length(max=120)],
                       filters=[strip_filter])
    submit = SubmitField(_l("Add the speaker"))


class AttachmentForm(BaseForm):
    file = FileField(_l("Document (PDF or image)"), validators=[FileRequired()])
    submit = SubmitField(_l("Attach"))


class RollCallLine(Form):
    """One line of the roll call: a seat (its membership id), present, excused or absent, and when the person
    arrived late or left (hours:minutes on the session's day, read by the view)."""

    seat = HiddenField()
    #: present, excused or absent (``ATTENDANCE_LABELS``, drawn by the page); the service refuses the rest
    status = RadioField(validate_choice=False)
    arrived = StringField(filters=[strip_filter])
    left = StringField(filters=[strip_filter])


class RollCallForm(BaseForm):
    """The roll call: a line per seat of the session's day (``lines-<n>-seat``, ``-status``, ``-arrived``,
    ``-left``); see :meth:`RowList.rows_for`."""

    lines = RowList(FormField(RollCallLine), max_entries=1000)
    submit = SubmitField(_l("Save the roll call"))


class MotionForm(BaseForm):
    text = TextAreaField(_l("Text of the motion"), validators=[DataRequired(), Length(max=5000)])
    rule = SelectField(_l("Majority needed"), choices=labelled_choices(RULE_LABELS, RULES),
                       default="simple")
    mode = SelectField(_l("How members vote"), choices=labelled_choices(MODE_LABELS, MODES),
                       default="named")
    #: the council's minutes awaiting approval by motion (choices set by the view; the service checks the one
    #: chosen, so that minutes submitted or approved meanwhile get its message)
    approves_minutes_id = SelectField(_l("This motion approves the minutes of…"), coerce=str,
                                      choices=[SelectChoice("", _l("No minutes"))], default="",
                                      validate_choice=False,
                                      description=_l("Optional. Once the motion is adopted, these minutes "
                                                     "are approved."))
    submit = SubmitField(_l("Add the motion"))


class VoteForm(BaseForm):
    choice = SelectField(_l("Your vote"), choices=labelled_choices(CHOICE_LABELS, CHOICES),
                         validators=[DataRequired()])


class HandsForm(BaseForm):
    yes = IntegerField(_l("Yes"), default=0, validators=[Optional(), NumberRange(0, 10000)])
    no = IntegerField(_l("No"), default=0, validators=[Optional(), NumberRange(0, 10000)])
    abstain = IntegerField(_l("Abstain"), default=0, validators=[Optional(), NumberRange(0, 10000)])
    submit = SubmitField(_l("Close the vote and count"))
