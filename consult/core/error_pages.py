"""Error pages in the person's language, for full pages and for htmx requests alike."""

from __future__ import annotations

import logging
import time

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from consult.core.errors import DomainError
from consult.core.policy import Decision
from consult.core.rendering import wants_fragment
from consult.extensions import db, limiter

log = logging.getLogger(__name__)

TEXTS = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try again.")),
    403: (_l("Not allowed"), _l("You cannot do this.")),
    404: (_l("Page not found"), _l("This page does not exist, or it has been moved or removed.")),
    405: (_l("Not possible here"), _l("This action cannot be done at this address.")),
    409: (_l("Already done"), _l("This action collides with what has already been done.")),
    413: (_l("Too large"), _l("The file or text you sent is too large. Please send something smaller.")),
    422: (_l("Cannot be processed"), _l("The data you sent could not be processed.")),
    429: (_l("Too many attempts"),
          _l("You have tried too many times. Please wait a few minutes and try again.")),
    500: (_l("Something went wrong"),
          _l("Something went wrong on our side. Nothing you did caused it; please try again later.")),
}


def _page(code: int, message=None, decision: Decision | None = None):
    title, default_text = TEXTS.get(code, TEXTS[500] if code >= 500 else TEXTS[400])
    context = dict(code=code, title=title, message=message or default_text, decision=decision)
    template = "errors/_error.html" if wants_fragment() else "errors/error.html"
    response = (render_template(template, **context), code)
    if wants_fragment():
        return response[0], code, {"HX-Retarget": "#alerts", "HX-Reswap": "innerHTML"}
    return response


#: path prefix → how errors there are answered, for parts of the site that are not pages (the JSON API); used
#: for the errors no blueprint sees, such as a URL that matches no route
_answers_under: dict[str, object] = {}


def answer_under(prefix: str, answer) -> None:
    """Answer HTTP errors (``answer(error)``) for every path under ``prefix``, routing errors included."""
    _answers_under[prefix] = answer


def handle_http_error(error: HTTPException):
    db.session.rollback()
    for prefix, answer in _answers_under.items():
        if request.path.startswith(prefix):
            return answer(error)
    code = error.code or 500
    description = error.description
    if isinstance(description, Decision):
        return _page(code, description.message, description)
    # Werkzeug's own descriptions are English; only our translated texts are shown
    return _page(code)


def handle_csrf_error(error: CSRFError):
    db.session.rollback()
    return _page(400,
                 _l("This form has expired or did not come from this site. Please reload the page and send "
                    "it again. Nothing was saved."))


def handle_domain_error(error: DomainError):
    db.session.rollback()
    return _page(error.status_code, error.message)


def handle_untrusted_host(error: SecurityError):
    """A Host header outside ``TRUSTED_HOSTS``: no URL can be built for it, so a short plain-text answer."""
    db.session.rollback()
    return _("Bad request"), 400, {"Content-Type": "text/plain; charset=utf-8"}


#: seconds to wait when a 429 comes from elsewhere than a rate limit of its own (a service's own refusal)
DEFAULT_RETRY_AFTER = 60


def add_retry_after(response):
    """Every 429 says when to come back: the end of the breached limit's window, else a minute."""
    if response.status_code == 429 and "Retry-After" not in response.headers:
        seconds = DEFAULT_RETRY_AFTER
        breached = limiter.current_limit
        if breached is not None and breached.breached:
            try:
                seconds = max(1, int(breached.reset_at - time.time()))
            except Exception:  # noqa: BLE001 - the storage could not say; the default is a fair answer
                log.warning("rate limit window unknown; Retry-After defaults to %s s", DEFAULT_RETRY_AFTER)
        response.headers["Retry-After"] = str(seconds)
    return response


def handle_unexpected(error: Exception):
    db.session.rollback()
    log.exception("unhandled error on %s %s", request.method, request.path)
    return _page(500)


def register(app) -> None:
    app.register_error_handler(SecurityError, handle_untrusted_host)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(InternalServerError, handle_unexpected)
    if not app.debug and not app.testing:
        app.register_error_handler(Exception, handle_unexpected)
    app.after_request(add_retry_after)
