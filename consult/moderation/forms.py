"""Moderation forms."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectChoice, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from consult.core.forms import BaseForm, strip_filter


def reason_choices():
    """(code, label) of each reason for a report."""
    return [("spam", _l("Spam or advertising")), ("offensive", _l("Offensive or hateful")),
            ("off_topic", _l("Off-topic")), ("misinformation", _l("False information or rumour")),
            ("other", _l("Something else"))]


class ReportForm(BaseForm):
    reason = RadioField(_l("What is wrong?"), choices=[SelectChoice(*reason) for reason in reason_choices()],
                        validate_choice=True,
                        validators=[DataRequired(_l("Please choose a reason."))])
    note = TextAreaField(_l("More details (optional)"), filters=[strip_filter],
                         validators=[Optional(), Length(
                             max=1000, message=_l("Please write at most %(max)d characters."))])
    next = HiddenField()
    submit = SubmitField(_l("Send the report"))


class HideForm(BaseForm):
    reason = TextAreaField(_l("Public reason"), filters=[strip_filter],
                           description=_l("Everyone will read this reason in place of the content and in the "
                                          "log."),
                           validators=[DataRequired(_l("Please give the reason that everyone will read.")),
                                       Length(max=500,
                                              message=_l("Please write at most %(max)d characters."))])
    submit = SubmitField(_l("Hide"))


class RestoreForm(BaseForm):
    reason = TextAreaField(_l("Public note (optional)"), filters=[strip_filter],
                           validators=[Optional(), Length(max=500,
                                                          message=_l("Please write at most %(max)d "
                                                                     "characters."))])
    submit = SubmitField(_l("Show again"))


class BlockForm(BaseForm):
    reason = TextAreaField(_l("Reason (for the staff record)"), filters=[strip_filter],
                           validators=[Optional(), Length(max=500,
                                                          message=_l("Please write at most %(max)d "
                                                                     "characters."))])
    next = HiddenField()  # where to go back to (through safe_next)
    submit = SubmitField(_l("Block this person"))


class NoteForm(BaseForm):
    body = TextAreaField(_l("Fact-check note"), filters=[strip_filter],
                         description=_l("What readers should know, in plain words."),
                         validators=[DataRequired(_l("Please write the note.")),
                                     Length(max=5000,
                                            message=_l("Please write at most %(max)d characters."))])
    sources = TextAreaField(_l("Sources"), filters=[strip_filter],
                            description=_l("One web address per line, starting with https://"))
    submit = SubmitField(_l("Add the note"))
