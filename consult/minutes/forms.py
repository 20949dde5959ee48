"""Forms for writing, approving and translating minutes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from consult.core.forms import BaseForm
from consult.minutes.services import MAX_BODY


class EditForm(BaseForm):
    body = TextAreaField(_l("Text of the minutes"), validators=[DataRequired(), Length(max=MAX_BODY)],
                         description=_l("Markdown: **bold**, *italic*, lists with -, headings with ###."))
    #: the revision the text was loaded from: a save over a newer revision is refused, the text kept
    base = HiddenField()
    note = StringField(_l("What did you change? (optional)"), validators=[Optional(), Length(max=200)])
    save = SubmitField(_l("Save a new revision"))
    preview = SubmitField(_l("Preview"))


class ApproveForm(BaseForm):
    reference = StringField(
        _l("Motion that approved the minutes"), validators=[Optional(), Length(max=300)],
        description=_l("For example: Motion 2, adopted at the session of 12 March."))
    submit = SubmitField(_l("Approve the minutes"))


class TranslateForm(BaseForm):
    language = SelectField(_l("Language of the translation"), validators=[DataRequired()])
    submit = SubmitField(_l("Start a translation"))


class ApprovalModeForm(BaseForm):
    mode = RadioField(_l("Who approves these minutes?"), validators=[DataRequired()],
                      choices=[SelectChoice("president", _l("The president of the council")),
                               SelectChoice("motion", _l("The council, by a motion at a later session"))])
    submit = SubmitField(_l("Save the approval rule"))
