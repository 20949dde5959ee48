"""What every template can use: the policy engine, navigation, languages, text direction, Markdown."""

from __future__ import annotations

import functools
from datetime import datetime as _datetime

from babel import Locale, dates, numbers
from flask import request, url_for
from flask.globals import _cv_app
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    format_percent,
    get_babel,
    get_locale,
    get_translations,
)
from jinja2 import pass_context
from markupsafe import Markup

from consult.core import navigation, time
from consult.core.csrf import generate_csrf
from consult.core.i18n import available_languages, current_language, language_name, text_direction
from consult.core.policy import can
from consult.core.text import plain_excerpt, render_markdown


def url_with_language(lang: str) -> str:
    """The current page in another language (a plain link: works without JavaScript)."""
    args = request.args.to_dict()
    args.pop("lang", None)
    target = request.path + ("?" + "&".join(f"{k}={v}" for k, v in args.items()) if args else "")
    return url_for("core.switch_language", lang=lang, next=target)


def csrf_field() -> Markup:
    """The hidden CSRF input every POST form carries (checked by CSRFProtect for all non-GET requests; masked
    per answer: ``consult.core.csrf``)."""
    return Markup('<input type="hidden" name="csrf_token" value="%s">') % generate_csrf()


def page_url(number: int) -> str:
    """The current list page with another ``?page=``, keeping filters and sort."""
    args = request.args.to_dict()
    args["page"] = number
    return url_for(request.endpoint, **(request.view_args or {}), **args)


# ---------------------------------------------------------------------------------------------- cheaper i18n
#
# A page formats tens of dates and translates tens of strings; through Flask-Babel each call looks up the
# locale, the time zone, the domain and the catalogue again, and Babel parses the date pattern again. The
# functions below give the same output for less: the catalogue is looked up once per locale and context, and
# formatted dates and numbers are kept (bounded, a pure function of value, pattern, locale and time zone).


def _babel_state():
    """Flask-Babel's state in the current app context (its chosen locale, time zone, domain), or None."""
    app_ctx = _cv_app.get(None)
    return app_ctx.g.__dict__.get("_flask_babel") if app_ctx is not None else None


def _locale():
    """``flask_babel.get_locale()``, read directly once chosen."""
    locale = getattr(_babel_state(), "babel_locale", None)
    return locale if locale is not None else get_locale()


def _timezone():
    """The reader's zone (``consult.core.time.zone()``: Flask-Babel's choice, as a ``ZoneInfo``)."""
    return time.zone()


def translations():
    """``flask_babel.get_translations()``, looked up once per app context while its locale and domain stay."""
    state = _babel_state()
    locale = getattr(state, "babel_locale", None)
    domain = getattr(state, "babel_domain", None)
    if locale is None or domain is None:  # not chosen yet (or refreshed): Flask-Babel chooses and keeps them
        return get_translations()
    memo = state.__dict__.get("consult_translations")
    if memo is not None and memo[0] is locale and memo[1] is domain:
        return memo[2]
    found = get_translations()
    state.consult_translations = (locale, domain, found)
    return found


def _pattern(kind: str, format: str | None) -> str | None:
    """Flask-Babel's choice of pattern: the configured default, or a named length (``short``...) mapped."""
    app_ctx = _cv_app.get(None)
    formats = (app_ctx.app.extensions["babel"] if app_ctx is not None else get_babel()).instance.date_formats
    if format is None:
        format = formats[kind]
    if format in ("short", "medium", "full", "long"):
        mapped = formats[f"{kind}.{format}"]
        if mapped is not None:
            format = mapped
    return format


_FORMATTED = 8192


@functools.lru_cache(maxsize=_FORMATTED)
def _formatted_datetime(value, _value_tz, fold, pattern, locale, tzinfo) -> str:
    if tzinfo is not None:  # converted by consult.core.time (naive is UTC), written by Babel
        value = time.localized(value, tzinfo)
    return dates.format_datetime(value, pattern, locale=locale, tzinfo=tzinfo)


@functools.lru_cache(maxsize=_FORMATTED)
def _formatted_date(value, _value_tz, _fold, pattern, locale) -> str:
    return dates.format_date(value, pattern, locale=locale)


@functools.lru_cache(maxsize=_FORMATTED)
def _formatted_decimal(number, _number_type, _written, format, locale) -> str:
    return numbers.format_decimal(number, format=format, locale=locale)


def cached_format_datetime(datetime=None, format=None, rebase=True) -> str:
    """``flask_babel.format_datetime`` (the ``datetime`` filter), same output, formatted once."""
    if not isinstance(datetime, _datetime):  # None is "now"
        return format_datetime(datetime, format, rebase)
    # the time zone and fold are part of the key: equal instants may be written differently
    return _formatted_datetime(datetime, datetime.tzinfo, datetime.fold, _pattern("datetime", format),
                               _locale(), _timezone() if rebase else None)


def cached_format_date(date=None, format=None, rebase=True) -> str:
    """``flask_babel.format_date`` (the ``date`` filter), same output, formatted once."""
    if date is None:
        return format_date(date, format, rebase)
    if rebase and isinstance(date, _datetime):
        date = time.localized(date)
    return _formatted_date(date, getattr(date, "tzinfo", None), getattr(date, "fold", 0),
                           _pattern("date", format), _locale())


@functools.lru_cache(maxsize=_FORMATTED)
def _formatted_interval(start, end, locale, tzinfo) -> str:
    # start and end are naive UTC (aware times of one zone would compare equal across the repeated hour)
    locale = Locale.parse(locale)
    glue = str(locale.datetime_formats["medium"]).replace("'", "")
    first, last = time.localized(start, tzinfo), time.localized(end, tzinfo)

    def on(moment, clock):  # the locale's "date, time"
        day = dates.format_date(moment.date(), "medium", locale=locale)
        return glue.replace("{1}", day).replace("{0}", clock)

    if end is None or end == start:
        return on(first, dates.format_time(first, "short", tzinfo=tzinfo, locale=locale))
    # one day: the date once, the hours as Babel's interval ("6:30 – 8:00 PM")
    if first.date() == last.date():
        hours = "hm" if "h" in locale.time_formats["short"].pattern else "Hm"
        return on(first, dates.format_interval(first, last, hours, tzinfo=tzinfo, locale=locale))
    ends = [on(m, dates.format_time(m, "short", tzinfo=tzinfo, locale=locale)) for m in (first, last)]
    return str(locale.interval_formats[None]).replace("{0}", ends[0]).replace("{1}", ends[1])


def format_interval(start, end=None) -> str:
    """The ``interval`` filter: ``start|interval(end)`` (naive UTC), a start and an end on the reader's clock
    in the locale's interval format (Babel's), the same everywhere a start and an end are shown: "Dec 17,
    2026, 6:30 – 8:00 PM", or with both dates when the end is on another day. Without an end, the start
    alone."""
    if start is None:
        return ""
    return _formatted_interval(time.naive_utc(start), time.naive_utc(end), str(_locale()), _timezone())


def cached_format_decimal(number, format=None) -> str:
    """``flask_babel.format_decimal`` (the ``decimal`` filter), same output, formatted once."""
    try:
        # equal numbers may be written differently (-0.0 and 0.0, Decimal("1.50") and 1.5): their text is in
        # the key
        return _formatted_decimal(number, type(number), str(number), format, _locale())
    except TypeError:  # not hashable
        return format_decimal(number, format)


@pass_context
def gettext_alias(context, string: str, /, **variables):
    """Jinja's ``_()`` (the i18n extension's newstyle ``gettext``) without its two indirect calls: the string
    translated, made markup under autoescape, and always formatted with ``variables`` (escaped). A string
    without variables gives the same text every time in a language: it is kept with the catalogue."""
    catalogue = translations()
    autoescape = context.eval_ctx.autoescape
    if not variables:
        done = catalogue.__dict__.get("consult_plain_texts")
        if done is None:
            done = catalogue.__dict__.setdefault("consult_plain_texts", {})
        text = done.get((string, autoescape))
        if text is not None:
            return text
    text = catalogue.ugettext(string)
    if autoescape:
        text = Markup(text)
    text = text % variables
    # template strings are few; a computed one is not kept forever
    if not variables and len(done) < _PLAIN_TEXTS:
        done[(string, autoescape)] = text
    return text


#: how many texts without variables are kept per catalogue
_PLAIN_TEXTS = 4096


@pass_context
def localised_ngettext(context, singular: str, plural: str, num, **variables):
    """Jinja's ``ngettext``, with ``%(num)s`` written in the reader's locale ("1 234" in French). Without
    other variables, the text for a number is kept with the catalogue (as ``gettext_alias``)."""
    catalogue = translations()
    autoescape = context.eval_ctx.autoescape
    key = done = None
    if not variables and isinstance(num, int | float):
        key = (singular, plural, num, type(num), autoescape)
        done = catalogue.__dict__.get("consult_plural_texts")
        if done is None:
            done = catalogue.__dict__.setdefault("consult_plural_texts", {})
        text = done.get(key)
        if text is not None:
            return text
    text = catalogue.ungettext(singular, plural, num)
    if autoescape:
        text = Markup(text)
    if "num" not in variables and isinstance(num, int | float):
        variables["num"] = cached_format_decimal(num)
        text = text.replace("%(num)d", "%(num)s")
    else:
        variables.setdefault("num", num)
    text = text % variables
    if key is not None and len(done) < _PLAIN_TEXTS:
        done[key] = text
    return text


def isolate(value) -> Markup:
    """The ``bdi`` filter: someone's text (a name, a title, a reason) put inside a translated sentence,
    isolated so that its direction (Arabic in an English sentence, Latin letters in an Arabic one) does not
    reorder the sentence around it. Not for attributes or the page title, which take no markup."""
    return Markup("<bdi>%s</bdi>") % value


def init_app(app) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters.update(
        markdown=render_markdown, excerpt=plain_excerpt, bdi=isolate, language_name=language_name,
        datetime=cached_format_datetime, date=cached_format_date, interval=format_interval,
        decimal=cached_format_decimal, percent=format_percent)
    # the callables Flask-Babel installed, with the catalogue looked up once (the same strings come out)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.globals.update(
        _=gettext_alias, ngettext=localised_ngettext, csrf_field=csrf_field, can=can,
        nav_entries=navigation.entries, url_with_language=url_with_language, page_url=page_url,
        languages=available_languages, current_language=current_language, text_direction=text_direction)
