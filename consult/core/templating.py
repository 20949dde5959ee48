"""What every template can use: the policy engine, navigation, languages, text direction, Markdown."""

from __future__ import annotations

from flask import request, url_for
from flask_babel import format_date, format_datetime, format_decimal, format_percent, get_translations
from flask_wtf.csrf import generate_csrf
from jinja2 import pass_context
from markupsafe import Markup

from consult.core import navigation
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
    """The hidden CSRF input every POST form carries (checked by CSRFProtect for all non-GET requests)."""
    return Markup('<input type="hidden" name="csrf_token" value="%s">') % generate_csrf()


def page_url(number: int) -> str:
    """The current list page with another ``?page=``, keeping filters and sort."""
    args = request.args.to_dict()
    args["page"] = number
    return url_for(request.endpoint, **(request.view_args or {}), **args)


@pass_context
def localised_ngettext(context, singular: str, plural: str, num, **variables):
    """Jinja's ``ngettext``, with ``%(num)s`` written in the reader's locale ("1 234" in French)."""
    text = get_translations().ungettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    if "num" not in variables and isinstance(num, int | float):
        variables["num"] = format_decimal(num)
        text = text.replace("%(num)d", "%(num)s")
    else:
        variables.setdefault("num", num)
    return text % variables


def init_app(app) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters.update(
        markdown=render_markdown,
        excerpt=plain_excerpt,
        datetime=format_datetime,
        date=format_date,
        decimal=format_decimal,
        percent=format_percent,
        language_name=language_name,
    )
    app.jinja_env.globals.update(
        can=can,
        nav_entries=navigation.entries,
        languages=available_languages,
        text_direction=text_direction,
        current_language=current_language,
        url_with_language=url_with_language,
        page_url=page_url,
        csrf_field=csrf_field,
        ngettext=localised_ngettext,
    )
