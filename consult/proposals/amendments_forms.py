"""Amendment forms: the new text with its explanation, a rejection's reason, the window's closing time."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from consult.core.forms import BaseForm, LocalDateTimeField, strip_filter
from consult.proposals.amendments_models import BODY_MAX, EXPLANATION_MAX, REASON_MAX, TITLE_MAX
from consult.proposals.forms import MARKDOWN_HELP


class AmendmentForm(BaseForm):
    title = StringField(_l("Title"), filters=[strip_filter],
                        validators=[DataRequired(message=_l("Please give the amended proposal a title.")),
                                    Length(max=TITLE_MAX, message=_l("At most 200 characters."))])
    body = TextAreaField(_l("The whole text as you propose it"), description=MARKDOWN_HELP,
                         validators=[DataRequired(message=_l("Please write the amended text.")),
                                     Length(max=BODY_MAX, message=_l("At most 20,000 characters."))])
    explanation = TextAreaField(
        _l("Why this change?"), description=_l("A few sentences for the author and the residents."),
        validators=[DataRequired(message=_l("Please explain your amendment in a few words.")),
                    Length(max=EXPLANATION_MAX, message=_l("At most 1,000 characters."))])
    submit = SubmitField(_l("Propose this amendment"))


class RejectForm(BaseForm):
    reason = TextAreaField(
        _l("Why do you reject it?"), description=_l("Shown publicly with the amendment."),
        validators=[DataRequired(message=_l("Please give the reason, for the author and the residents.")),
                    Length(max=REASON_MAX, message=_l("At most 1,000 characters."))])
    submit = SubmitField(_l("Reject the amendment"))


class WindowForm(BaseForm):
    closes_at = LocalDateTimeField(_l("Amendments are taken until"), validators=[Optional()],
                                   description=_l("Leave empty to stop taking amendments now."))
    submit = SubmitField(_l("Save"))
