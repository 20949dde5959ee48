"""Comment forms."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectChoice, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from consult.comments.services import MAX_LENGTH
from consult.core.forms import BaseForm, strip_filter


def alignment_choices():
    return [SelectChoice("in_favour", _l("In favour")), SelectChoice("against", _l("Against")),
            SelectChoice("neutral", _l("Neutral"))]


class CommentForm(BaseForm):
    body = TextAreaField(_l("Your comment"), filters=[strip_filter],
                         validators=[DataRequired(_l("Please write your comment.")),
                                     Length(max=MAX_LENGTH,
                                            message=_l("A comment can have at most %(max)s characters."))],
                         description=_l("You can use simple formatting: **bold**, *italic*, lists and "
                                        "links."))
    alignment = RadioField(_l("Your position"), choices=alignment_choices(), default="neutral",
                           validate_choice=True,
                           validators=[DataRequired(_l("Please choose in favour, against or neutral."))])
    # hidden fields show no label: an empty one spares loading WTForms' own translations on every page
    parent_id = HiddenField(label="")
    next = HiddenField(label="")
    submit = SubmitField(_l("Post comment"))


class EditCommentForm(BaseForm):
    body = TextAreaField(_l("Your comment"), filters=[strip_filter],
                         validators=[DataRequired(_l("Please write your comment.")),
                                     Length(max=MAX_LENGTH,
                                            message=_l("A comment can have at most %(max)s characters."))])
    alignment = RadioField(_l("Your position"), choices=alignment_choices(), validate_choice=True,
                           validators=[DataRequired(_l("Please choose in favour, against or neutral."))])
    submit = SubmitField(_l("Save changes"))
