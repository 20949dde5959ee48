"""Forms for sessions, agenda items, speakers, attachments and motions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from consult.core.forms import BaseForm, strip_filter
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
    starts_at = DateTimeLocalField(_l("Date and time"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    planned_minutes = IntegerField(_l("Planned length (minutes)"), default=120,
                                   validators=[DataRequired(), NumberRange(5, 24 * 60)])
    place = StringField(_l("Place"), validators=[Length(max=300)], filters=[strip_filter])
    online_link = StringField(_l("Online link"), validators=[Length(max=500)], filters=[strip_filter],
                              description=_l("Optional. A link that starts with https://"))
    submit = SubmitField(_l("Save the session"))


class ItemForm(BaseForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)], filters=[strip_filter])
    description = TextAreaField(_l("Description"), validators=[Length(max=20000)],
                                description=_l("You can use Markdown."))
    kind = SelectField(_l("Kind"), choices=[(k, ITEM_KIND_LABELS[k]) for k in ITEM_KINDS], default="information")
    duration_minutes = IntegerField(_l("Expected length (minutes)"), validators=[Optional(), NumberRange(1, 600)])
    presenter = StringField(_l("Presented by"), validators=[Length(max=120)], filters=[strip_filter])
    parent_id = SelectField(_l("Place in the agenda"), coerce=str, choices=[("", _l("Main item"))], default="")
    proposal_ids = StringField(_l("Linked proposals (numbers)"), validators=[Length(max=300)],
                               filters=[strip_filter], description=_l("Separate numbers with commas."))
    submit = SubmitField(_l("Save the item"))


class MoveForm(BaseForm):
    direction = HiddenField(validators=[DataRequired()])


class NotesForm(BaseForm):
    notes = TextAreaField(_l("Notes"), validators=[Length(max=50000)])
    action = HiddenField()
    submit = SubmitField(_l("Save the notes"))


class SpeakerForm(BaseForm):
    name = StringField(_l("Speaker's name"), validators=[DataRequired(), Length(max=120)], filters=[strip_filter])
    submit = SubmitField(_l("Add the speaker"))


class AttachmentForm(BaseForm):
    file = FileField(_l("Document (PDF or image)"), validators=[FileRequired()])
    submit = SubmitField(_l("Attach"))


class MotionForm(BaseForm):
    text = TextAreaField(_l("Text of the motion"), validators=[DataRequired(), Length(max=5000)])
    rule = SelectField(_l("Majority needed"), choices=[(r, RULE_LABELS[r]) for r in RULES], default="simple")
    mode = SelectField(_l("How members vote"), choices=[(m, MODE_LABELS[m]) for m in MODES], default="named")
    submit = SubmitField(_l("Add the motion"))


class VoteForm(BaseForm):
    choice = SelectField(_l("Your vote"), choices=[(c, CHOICE_LABELS[c]) for c in CHOICES],
                         validators=[DataRequired()])


class HandsForm(BaseForm):
    yes = IntegerField(_l("Yes"), default=0, validators=[Optional(), NumberRange(0, 10000)])
    no = IntegerField(_l("No"), default=0, validators=[Optional(), NumberRange(0, 10000)])
    abstain = IntegerField(_l("Abstain"), default=0, validators=[Optional(), NumberRange(0, 10000)])
    submit = SubmitField(_l("Close the vote and count"))
