"""Debate forms (CSRF is checked globally): the debate's details, the public's questions and requests to
speak, and the moderator's buttons (each a small form naming its action)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import URL, AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional

from consult.core.forms import BaseForm, LocalDateTimeField, strip_filter
from consult.core.routing import MAX_ROW_ID
from consult.debates.models import QUESTION_STATUSES
from consult.debates.polls import METHODS


class DebateForm(BaseForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)], filters=[strip_filter])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)],
                                filters=[strip_filter], description=_l("You can use Markdown."))
    # typed locally, .data in UTC
    starts_at = LocalDateTimeField(_l("Starts at"), validators=[InputRequired()])
    ends_at = LocalDateTimeField(_l("Ends at"), validators=[Optional()])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)], filters=[strip_filter])
    stream_url = StringField(_l("Stream link"),
                             validators=[Optional(), URL(require_tld=False), Length(max=500)],
                             filters=[strip_filter], description=_l("A link to watch or join online."))
    languages = StringField(_l("Languages used"), validators=[Optional(), Length(max=200)],
                            filters=[strip_filter], description=_l("For example: Italian, French, Arabic"))
    interpretation = BooleanField(_l("Interpretation is offered"))
    allow_anonymous = BooleanField(_l("People can take part without an account"), default=True)
    registration_required = BooleanField(_l("People register for a place"))
    capacity = IntegerField(_l("Places in the room"), validators=[Optional(), NumberRange(min=1, max=100000)])
    speech_limit_seconds = IntegerField(_l("Time for one speech (seconds)"), default=120,
                                        validators=[InputRequired(), NumberRange(min=10, max=3600)])
    first_time_priority = BooleanField(_l("People who have not spoken yet go first"), default=True)


class PanelistForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)], filters=[strip_filter])
    role = SelectField(_l("Role"), choices=[SelectChoice("expert", _l("Expert")),
                                            SelectChoice("moderator", _l("Moderator"))])
    bio = TextAreaField(_l("Short bio"), validators=[Optional(), Length(max=500)], filters=[strip_filter])


class SegmentForm(BaseForm):
    title = StringField(_l("Segment title"), validators=[DataRequired(), Length(max=200)],
                        filters=[strip_filter])
    planned_minutes = IntegerField(_l("Planned minutes"), default=10,
                                   validators=[InputRequired(), NumberRange(min=1, max=600)])


class QuestionForm(BaseForm):
    text = TextAreaField(_l("Your question"), validators=[DataRequired(), Length(min=3, max=1000)],
                         filters=[strip_filter], description=_l("Write in any language."))
    language = StringField(_l("Language of your question (optional)"),
                           validators=[Optional(), Length(max=12)],
                           filters=[strip_filter])


class SpeakForm(BaseForm):
    name = StringField(_l("Your name for the moderator"), validators=[Optional(), Length(max=120)],
                       filters=[strip_filter])


class AddSpeakerForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)], filters=[strip_filter])
    role = SelectField(_l("Role"), choices=[SelectChoice("public", _l("Public")),
                                            SelectChoice("expert", _l("Expert")),
                                            SelectChoice("moderator", _l("Moderator"))])
    kind = SelectField(_l("Kind"), choices=[SelectChoice("speech", _l("Speech")),
                                            SelectChoice("point_of_order", _l("Point of order"))])
    note = StringField(_l("Point of order about (optional)"), validators=[Optional(), Length(max=300)],
                       filters=[strip_filter])


class PollForm(BaseForm):
    question = StringField(_l("Poll question"), validators=[DataRequired(), Length(max=300)],
                           filters=[strip_filter])
    method = SelectField(_l("Kind of poll"),
                         choices=[SelectChoice(name, label) for name, label in METHODS.items()])
    options = TextAreaField(_l("Options, one per line"), validators=[Optional(), Length(max=2000)],
                            description=_l("Not needed for yes / no / abstain."))

    def option_lines(self) -> list[str]:
        return (self.options.data or "").splitlines()


class JoinForm(BaseForm):
    code = StringField(_l("Join code"), validators=[DataRequired(), Length(max=20)], filters=[strip_filter])


# -- the buttons: a form each, naming its action in a hidden field (``action``, ``status``, ``direction``)


def _action(*names: str) -> HiddenField:
    return HiddenField(validators=[AnyOf(names, message=_l("Unknown action."))])


class ButtonForm(BaseForm):
    """A button without fields (like, withdraw, register, vote...): only the CSRF check, made globally."""


class StateForm(BaseForm):
    """Start, pause, resume or end the debate."""

    action = _action("start", "pause", "resume", "end")


class SegmentMoveForm(BaseForm):
    """Go to a chosen segment (``segment_id``), or one step ``previous`` or (by default) next."""

    segment_id = IntegerField(validators=[Optional(), NumberRange(min=1, max=MAX_ROW_ID)])
    direction = HiddenField()

    @property
    def step(self) -> int:
        return -1 if self.direction.data == "previous" else 1


class SpeakerActionForm(BaseForm):
    """Move a waiting speaker up or down, remove them, or give them the floor (with a limit in seconds)."""

    action = _action("up", "down", "remove", "start")
    limit_seconds = IntegerField(_l("Seconds"), validators=[Optional(), NumberRange(
        min=10, max=3600, message=_l("A speech limit is between 10 seconds and one hour."))])


class ProgrammeRowForm(BaseForm):
    """Move a panelist or a segment up or down its list, or remove it."""

    action = _action("up", "down", "remove")


class QuestionStatusForm(BaseForm):
    status = HiddenField(validators=[AnyOf(QUESTION_STATUSES, message=_l("Unknown question status."))])
    reason = StringField(_l("Reason for hiding"), validators=[Optional(), Length(max=300)],
                         filters=[strip_filter])


class PollActionForm(BaseForm):
    """Open or close a poll, or show / take off its results on the projector."""

    action = _action("open", "close", "project", "unproject")
