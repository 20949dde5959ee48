"""Proposal forms. Limits: title 200 characters, body 20,000, one attachment (image or PDF, 5 MB)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from consult.core.forms import BaseForm, labelled_choices, strip_filter
from consult.extensions import db
from consult.geo.forms import PlaceField
from consult.processes.forms import MultiCheckboxField
from consult.processes.models import Process
from consult.proposals.models import OFFICIAL_STATES, PUBLIC_STATES, STATE_LABELS
from consult.residency.models import District

MARKDOWN_HELP = _l("You can use Markdown: *italic*, **bold**, lists with -, and links.")


def language_choices():
    return list(current_app.config["LANGUAGES"].items())


def _title():
    return StringField(_l("Title"), filters=[strip_filter],
                       validators=[DataRequired(message=_l("Please give your proposal a title.")),
                                   Length(max=200, message=_l("At most 200 characters."))])


def _body(label=None):
    return TextAreaField(label or _l("Your proposal"), description=MARKDOWN_HELP,
                         validators=[DataRequired(message=_l("Please describe your proposal.")),
                                     Length(max=20000, message=_l("At most 20,000 characters."))])


def place_choices(form, process: Process) -> None:
    none = [(0, str(_l("No particular theme")))]
    form.theme.choices = none + [(t.id, t.name) for t in process.themes]
    districts = process.districts or list(db.session.scalars(sa.select(District).order_by(District.name)))
    form.district.choices = [(0, str(_l("The whole city")))] + [(d.id, d.name) for d in districts]


class ProposalForm(BaseForm):
    title = _title()
    body = _body()
    language = SelectField(_l("Language you write in"), choices=language_choices)
    theme = SelectField(_l("Theme"), coerce=int, validate_choice=False)
    district = SelectField(_l("District"), coerce=int, validate_choice=False)
    place = PlaceField(_l("Place on the map (optional)"))
    attachment = FileField(_l("Image or PDF (optional)"),
                           description=_l("PNG, JPEG, GIF, WebP or PDF, at most 5 MB."))
    attachment_alt = StringField(_l("Describe the image in a few words"), filters=[strip_filter],
                                 validators=[Optional(), Length(max=300)],
                                 description=_l("For people who cannot see it."))
    remove_attachment = BooleanField(_l("Remove the attached file"))
    submit = SubmitField(_l("Preview"))


class TranslationForm(BaseForm):
    language = SelectField(_l("Language of the translation"), choices=language_choices)
    title = _title()
    body = _body(_l("Translated text"))
    submit = SubmitField(_l("Save the translation"))


class AnswerForm(BaseForm):
    state = SelectField(_l("New state"), choices=labelled_choices(STATE_LABELS, OFFICIAL_STATES))
    language = SelectField(_l("Language of the answer"), choices=language_choices)
    text = TextAreaField(_l("Public answer"), description=MARKDOWN_HELP,
                         validators=[DataRequired(message=_l("Please write the answer.")),
                                     Length(max=20000, message=_l("At most 20,000 characters."))])
    submit = SubmitField(_l("Publish the answer"))


class MergeForm(BaseForm):
    sources = MultiCheckboxField(_l("Proposals to merge"), coerce=int)
    title = _title()
    body = _body(_l("Reformulated proposal"))
    language = SelectField(_l("Language you write in"), choices=language_choices)
    theme = SelectField(_l("Theme"), coerce=int, validate_choice=False)
    district = SelectField(_l("District"), coerce=int, validate_choice=False)
    submit = SubmitField(_l("Merge"))


SORT_LABELS = {
    "newest": _l("Newest"),
    "supported": _l("Most supported"),
    "commented": _l("Most commented"),
    "random": _l("Random"),
}


class FilterForm(BaseForm):
    """The list's filters (a GET form: bookmarkable, works without JavaScript)."""

    q = StringField(_l("Search"), filters=[strip_filter], validators=[Optional(), Length(max=200)])
    process_id = SelectField(_l("Process"), coerce=int, validate_choice=False)
    theme = SelectField(_l("Theme"), coerce=int, validate_choice=False)
    district = SelectField(_l("District"), coerce=int, validate_choice=False)
    state = SelectField(_l("State"), validate_choice=False)
    sort = SelectField(_l("Order"), choices=labelled_choices(SORT_LABELS),
                       validate_choice=False)

    def __init__(self, *args, choices: tuple | None = None, **kwargs):
        """``choices``: ``queries.filter_choices()`` when the caller has them already (else they are read)."""
        super().__init__(*args, **kwargs)
        if choices is None:
            from consult.proposals.queries import filter_choices

            choices = filter_choices()
        processes, themes, districts = choices
        self.process_id.choices = [(0, str(_l("All processes")))] + [(p[0], p[1]) for p in processes]
        many = len(processes) > 1
        self.theme.choices = [(0, str(_l("All themes")))] + [
            (t[0], f"{t[2]}: {t[1]}" if many else t[1]) for t in themes]
        self.district.choices = [(0, str(_l("All districts")))] + [(d[0], d[1]) for d in districts]
        self.state.choices = [("", str(_l("All open and answered")))] + [(s, STATE_LABELS[s])
                                                                         for s in PUBLIC_STATES]
