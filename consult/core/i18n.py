"""Locale choice, text direction and small helpers for translated content."""

from __future__ import annotations

from babel import Locale
from flask import current_app, has_request_context, request, session
from flask_babel import get_locale, refresh
from flask_login import current_user


def available_languages() -> dict[str, str]:
    return current_app.config["LANGUAGES"]


def select_locale() -> str:
    """The person's saved preference, then the switch kept in the session, then Accept-Language."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = available_languages()
    user = current_user if _has_user() else None
    if user is not None and getattr(user, "is_authenticated", False) and user.language in languages:
        return user.language
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(list(languages)) or current_app.config["BABEL_DEFAULT_LOCALE"]


def _has_user() -> bool:
    # the login manager may not have run yet for static files or early errors
    try:
        return current_user is not None
    except Exception:  # pragma: no cover - no request context
        return False


def text_direction(locale=None) -> str:
    locale = locale or get_locale()
    return Locale.parse(str(locale)).text_direction if locale else "ltr"


def current_language() -> str:
    return str(get_locale() or "en").split("_")[0]


def apply_language_switch(lang: str | None) -> None:
    """Switch the interface language (``?lang=xx`` on any page, or the switcher's links).

    The choice is kept in the session; a signed-in person's saved preference follows it.
    """
    if not lang or lang not in available_languages():
        return
    session["lang"] = lang
    if getattr(current_user, "is_authenticated", False) and current_user.language != lang:
        current_user.language = lang
    refresh()


def language_name(code: str | None) -> str:
    if not code:
        return ""
    try:
        return Locale.parse(code).get_display_name(current_language()) or code
    except (ValueError, TypeError):
        return code
