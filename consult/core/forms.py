"""The base form: CSRF from Flask-WTF, plus a guard against text that cannot be stored or read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl

from flask import g, has_request_context, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import DateTimeLocalField, Field, FieldList, FileField, SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import StopValidation
from wtforms.widgets import DateTimeLocalInput

from consult.core import time

UNREADABLE = "\ufffd"  # what a decoder puts in place of bytes that are not valid UTF-8


def detect_unreadable_fields() -> None:
    """Before a form is parsed, note the fields whose bytes are not valid UTF-8.

    Werkzeug keeps such bytes as literal ``%XX`` text in url-encoded bodies; storing that would save something
    other than what the person typed, so those fields are refused by :class:`BaseForm` instead.
    """
    if request.method != "POST" or request.mimetype != "application/x-www-form-urlencoded":
        return
    raw = request.get_data(cache=True, parse_form_data=False)
    bad = set()
    for key, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=True, encoding="latin-1"):
        try:
            value.encode("latin-1").decode("utf-8")
        except UnicodeDecodeError:
            bad.add(key)
    if bad:
        g.unreadable_fields = bad


def labelled_choices(labels: Mapping[str, object], keys: Iterable[str] | None = None) -> list[SelectChoice]:
    """A select's (or radio buttons') choices from a table of labels such as ``ROLE_LABELS``: each of ``keys``
    (by default every key of the table, in its order) with its label."""
    return [SelectChoice(key, labels[key]) for key in (labels if keys is None else keys)]


def strip_filter(value):
    return value.strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    """Every form of the platform derives from this one.

    Text with NUL characters or with bytes that were not valid UTF-8 is refused field by field with a
    translated message, instead of being stored damaged (or failing in PostgreSQL).
    """

    class Meta:
        # CSRFProtect checks every non-GET request before any view runs; forms need no token field of their
        # own
        csrf = False
        locales = False  # follow Flask-Babel's locale for WTForms' own messages

        def wrap_formdata(self, form, formdata):
            """The posted form only: an uploaded file counts only for a file field (a file sent under a text
            field's name would reach text validators and templates), and a JSON body is not a form."""
            # Flask-WTF's "from the request"
            automatic = formdata is not None and not hasattr(formdata, "getlist")
            if automatic and has_request_context() and request.is_json:
                return None
            data = FlaskForm.Meta.wrap_formdata(self, form, formdata)
            if automatic and data is not None and has_request_context():
                if request.files:
                    names = {name for name, unbound in form._unbound_fields
                             if issubclass(unbound.field_class, FileField)}
                    files = MultiDict([(k, v) for k, v in request.files.items(multi=True) if k in names])
                    return CombinedMultiDict((files, request.form))
            return data

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for field in self:
            if _unreadable(field):
                field.errors = list(field.errors) + [
                    str(_l("This text contains characters that cannot be read. Please type it again."))
                ]
                ok = False
        return ok

    def add_error(self, field_name: str | None, message) -> None:
        """Attach a service's refusal to a field (or to the form as a whole)."""
        field = getattr(self, field_name, None) if field_name else None
        if field is not None and isinstance(field, Field):
            field.errors = list(field.errors) + [str(message)]
        else:
            self.form_errors.append(str(message))


class RowList(FieldList):
    """The rows of a table of inputs (a roll call, a tally sheet): a ``FieldList`` of ``FormField`` rows, sent
    as ``<name>-<n>-<field>``, each row naming what it is about in a hidden field (a seat, an option).

    A row number is read only when written in ASCII digits, six at most: WTForms takes any Unicode digit for
    one, and ``int()`` then fails on ``lines-²-status`` (a server error instead of a refused form).
    """

    def _extract_indices(self, prefix, formdata):
        offset = len(prefix) + 1
        for key in formdata:
            if key.startswith(prefix):
                index = key[offset:].split(self._field_separator, 1)[0]
                if index.isascii() and index.isdigit() and len(index) <= 6:
                    yield int(index)

    def rows_for(self, items, *, by: str, key, data=None) -> list[tuple]:
        """``(item, its row)`` for each of ``items``, in their order: the row sent for it (its field ``by``
        holds ``key(item)``), else a new row made from ``{by: key(item), **data(item)}`` (a first visit, or an
        item the form was sent without). Rows sent for anything else are left out of the table shown."""
        sent = {row[by].data: row for row in self}
        kept = [sent.get(str(key(item))) for item in items]
        self.entries = [row for row in kept if row is not None]
        self.last_index = max((row.index for row in self.entries), default=-1)  # new rows are numbered after
        pairs = []
        for item, row in zip(items, kept, strict=True):
            if row is None:
                row = self.append_entry({by: str(key(item)), **(data(item) if data else {})})
            pairs.append((item, row))
        return pairs


def _unreadable(field: Field) -> bool:
    if has_request_context() and field.name in g.get("unreadable_fields", ()):
        return True
    data = field.data
    values = data if isinstance(data, list) else [data]
    return any(isinstance(v, str) and (UNREADABLE in v or "\x00" in v) for v in values)


class LocalDateTimeInput(DateTimeLocalInput):
    """``<input type="datetime-local">``, followed, when the time shown comes twice that night (the clocks go
    back), by the choice "the first / the second" (radio buttons named ``<field>-fold``)."""

    def __call__(self, field, **kwargs):
        html = super().__call__(field, **kwargs)
        asked = field.ambiguity()
        if asked is None:
            return html
        question, checked = asked
        options = Markup("").join(
            Markup('<div class="radio"><input type="radio" id="{id}" name="{name}" value="{value}"{checked}> '
                   '<label for="{id}">{label}</label></div>').format(
                id=f"{field.id}-fold-{fold}", name=field.fold_name, value=fold, label=label,
                checked=Markup(" checked") if checked == fold else "")
            for fold, label in question.choices)
        return html + Markup('<fieldset class="fold-choice"><legend>{}</legend>{}</fieldset>').format(
            escape(question.question), options)


class LocalDateTimeField(DateTimeLocalField):
    """A date and time typed on the reader's wall clock; ``data`` (also ``utc``) is the naive UTC to store.

    Typed values are converted with ``consult.core.time.to_utc`` in ``zone`` (the reader's zone by default).
    Object data and defaults are UTC as well: ``Form(obj=session)`` shows the stored time on the reader's
    clock. A time in the spring-forward gap is refused with a translated error; a time that comes twice is
    refused until the person picks one of the two readings, offered right under the field (see
    ``consult.core.time``).
    """

    widget = LocalDateTimeInput()

    def __init__(self, label=None, validators=None, zone=None, **kwargs):
        kwargs.setdefault("format", ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M",
                                     "%Y-%m-%d %H:%M:%S"])
        super().__init__(label, validators, **kwargs)
        self.zone = zone
        self.typed = self.fold = self.refusal = None

    @property
    def fold_name(self) -> str:
        return f"{self.name}-fold"

    @property
    def utc(self):
        return self.data

    @property
    def local(self):
        """The wall-clock time shown: the one typed, else ``data`` on the reader's clock."""
        return self.typed if self.typed is not None else time.to_local(self.data, self.zone)

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.typed = self.fold = self.refusal = None
        if formdata is not None:
            self.fold = {"0": 0, "1": 1}.get(formdata.get(self.fold_name))
        super().process(formdata, data, extra_filters)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)  # a naive wall-clock time (or a ValueError)
        if not valuelist or self.data is None:
            return
        self.typed = self.data
        try:
            self.data = time.to_utc(self.typed, self.zone, fold=self.fold)
        except time.LocalTimeError as refusal:
            self.data, self.refusal = None, refusal
        except OverflowError:  # the zone moves a time of year 1 (or 9999) off the calendar
            self.data = self.typed = None
            raise ValueError(self.gettext("Not a valid datetime value.")) from None

    def pre_validate(self, form):
        if self.refusal is not None:
            raise StopValidation(self.refusal.message)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        local = self.local
        return local.strftime(self.format[0]) if local else ""

    def ambiguity(self):
        """``(question, checked fold)`` when the time shown comes twice, else None."""
        local = self.local
        question = time.ambiguity(local, self.zone) if local is not None else None
        if question is None:
            return None
        return question, (self.fold if self.typed is not None else local.fold)
