"""The base form: CSRF from Flask-WTF, plus a guard against text that cannot be stored or read."""

from __future__ import annotations

from urllib.parse import parse_qsl

from flask import g, has_request_context, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import Field, FileField

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


def strip_filter(value):
    return value.strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    """Every form of the platform derives from this one.

    Text with NUL characters or with bytes that were not valid UTF-8 is refused field by field with a
    translated message, instead of being stored damaged (or failing in PostgreSQL).
    """

    class Meta:
        # CSRFProtect checks every non-GET request before any view runs; forms need no token field of their own
        csrf = False
        locales = False  # follow Flask-Babel's locale for WTForms' own messages

        def wrap_formdata(self, form, formdata):
            """The posted form only: an uploaded file counts only for a file field (a file sent under a text
            field's name would reach text validators and templates), and a JSON body is not a form."""
            automatic = formdata is not None and not hasattr(formdata, "getlist")  # Flask-WTF's "from the request"
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


def _unreadable(field: Field) -> bool:
    if has_request_context() and field.name in g.get("unreadable_fields", ()):
        return True
    data = field.data
    values = data if isinstance(data, list) else [data]
    return any(isinstance(v, str) and (UNREADABLE in v or "\x00" in v) for v in values)
