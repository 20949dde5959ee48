"""Residency forms. None of them asks for nationality, citizenship or legal status — there is no such
field."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    widgets,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from consult.core.forms import BaseForm, strip_filter
from consult.residency.hashing import DATE_FORMATS_TEXT, document_type_labels
from consult.residency.models import LEVEL_SIGNED_IN, LEVEL_VERIFIED


class RegisterVerifyForm(BaseForm):
    document_type = SelectField(_l("Document type"), validators=[DataRequired()])
    document_number = StringField(
        _l("Document number"), filters=[strip_filter],
        validators=[DataRequired(message=_l("Please enter the document number.")), Length(max=60)],
        description=_l("As printed on the document. Spaces and dashes do not matter. We do not keep it."),
    )
    birth_date = StringField(
        _l("Birth date"), filters=[strip_filter],
        validators=[DataRequired(message=_l("Please enter your birth date.")), Length(max=20)],
        description=_l("Written as %(formats)s, for example 1990-03-25 or 25/03/1990.",
                       formats=DATE_FORMATS_TEXT),
    )
    submit = SubmitField(_l("Verify with the register"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.document_type.choices = [(k, str(v)) for k, v in document_type_labels()]
        self.birth_date.description = keep_codes_whole(self.birth_date.description)


#: dates and date formats quoted in help texts: written left to right and never broken across lines
_CODES = re.compile(r"\d{4}-\d{2}-\d{2}|\d{2}/\d{2}/\d{4}|YYYY-MM-DD|DD/MM/YYYY")


def keep_codes_whole(text) -> Markup:
    """The help text with each date or date format in it isolated and kept on one line (``<bdi dir="ltr"
    class="nowrap">``): in Arabic, "1990-03-25" would otherwise break at a dash and its parts change
    places."""
    parts, last = [], 0
    text = str(text)
    for match in _CODES.finditer(text):
        parts.append(escape(text[last:match.start()]))
        parts.append(Markup('<bdi dir="ltr" class="nowrap">%s</bdi>') % match.group(0))
        last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


class CardCodeForm(BaseForm):
    code = StringField(
        _l("Resident card code"), filters=[strip_filter],
        validators=[DataRequired(message=_l("Please enter the code printed on your card.")), Length(max=40)],
        description=_l("12 letters and digits, for example ABCD-EFGH-JKLM. Dashes do not matter."),
    )
    submit = SubmitField(_l("Use this code"))


class BirthYearForm(BaseForm):
    """A resident whose verification recorded no birth year states it (recorded as self-declared)."""

    birth_year = IntegerField(_l("Birth year"), validators=[
        InputRequired(message=_l("Please enter a year such as 1990.")),
        NumberRange(min=1880, max=2100, message=_l("Please enter a year such as 1990."))],
        description=_l("Only the year, for example 1990."))
    honour = BooleanField(_l("I state on my honour that this is the year I was born"),
                          validators=[DataRequired(message=_l("Please confirm that this is the year you were "
                                                              "born."))])
    submit = SubmitField(_l("Save my birth year"))


class RegisterImportForm(BaseForm):
    file = FileField(
        _l("Register file (CSV)"), validators=[FileRequired(message=_l("Please choose a CSV file."))],
        description=_l("UTF-8 CSV with the columns document_type, document_number, birth_date and optionally "
                       "district. Dates as %(formats)s.", formats=DATE_FORMATS_TEXT),
    )
    mark_missing_left = BooleanField(_l("Mark the people missing from this file as having left the city"))
    left_on = DateField(_l("Date they left (optional, default today)"), validators=[Optional()])
    submit = SubmitField(_l("Import the register"))


class CardBatchForm(BaseForm):
    label = StringField(_l("Label for staff"), filters=[strip_filter],
                        validators=[DataRequired(message=_l("Please give the batch a label.")),
                                    Length(max=120)],
                        description=_l("For example: Help desk Stazione, March."))
    count = IntegerField(_l("Number of codes"), default=20,
                         validators=[InputRequired(message=_l("Please enter a number.")),
                                     NumberRange(min=1, max=500, message=_l("Between 1 and 500 codes."))])
    valid_days = IntegerField(_l("Valid for (days)"), default=90,
                              validators=[InputRequired(message=_l("Please enter a number.")),
                                          NumberRange(min=1, max=730, message=_l("Between 1 and 730 days."))])
    submit = SubmitField(_l("Make and print the codes"))


class RevokeCodeForm(BaseForm):
    code = StringField(_l("Code printed on the card"), filters=[strip_filter],
                       validators=[DataRequired(message=_l("Please enter the code.")), Length(max=40)])
    submit = SubmitField(_l("Cancel this code"))


class InPersonLookupForm(BaseForm):
    code = StringField(_l("Code shown by the person"), filters=[strip_filter],
                       validators=[DataRequired(message=_l("Please enter the code.")), Length(max=20)],
                       description=_l("8 letters and digits, for example ABCD-EFGH."))
    submit = SubmitField(_l("Find the account"))


class InPersonConfirmForm(BaseForm):
    code = StringField(validators=[DataRequired(), Length(max=20)], widget=widgets.HiddenInput())
    birth_year = IntegerField(_l("Birth year (optional)"), validators=[Optional(), NumberRange(
        min=1880, max=2100, message=_l("Please enter a year such as 1990."))],
        description=_l("Only if a rule of the city needs it (for example an age limit for votes)."))
    district_id = SelectField(_l("District (optional)"), coerce=int, validators=[Optional()])
    confirm = BooleanField(_l("I have checked that this person lives in the city"),
                           validators=[DataRequired(message=_l("Please confirm that you checked."))])
    submit = SubmitField(_l("Verify this account"))


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class EligibilityRuleForm(BaseForm):
    """Only residence facts can be set: verification level, minimum age, districts."""

    name = StringField(_l("Name"), filters=[strip_filter],
                       validators=[DataRequired(message=_l("Please give the rule a name.")), Length(max=120)])
    min_level = SelectField(_l("Who can take part"), choices=[
        SelectChoice(LEVEL_VERIFIED, _l("Verified residents")),
        SelectChoice(LEVEL_SIGNED_IN, _l("Anyone with an account")),
    ], validators=[DataRequired()])
    min_age = IntegerField(_l("Minimum age (optional)"), validators=[Optional(), NumberRange(
        min=0, max=120, message=_l("Between 0 and 120."))],
        description=_l("Counted from the birth year recorded at verification."))
    district_ids = MultiCheckboxField(_l("Districts (none checked: the whole city)"), coerce=int)
    accept_declared_birth_year = BooleanField(
        _l("Accept a birth year the resident states on their honour"), default=True,
        description=_l("For proposing and supporting, when verification recorded no birth year (a resident "
                       "card code records none). Votes always need a birth year recorded by the register or "
                       "a registrar."))
    submit = SubmitField(_l("Save the rule"))
