"""How views answer: one URL, two answers (the full page, or for an htmx request the fragment the page itself
includes), post/redirect/get, the check of every ``next`` redirect, and :func:`submit`, the end of every view
that sends a form to a service."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from flask import flash, make_response, redirect, render_template, request

from consult.core.db import commit_now, is_short_write
from consult.core.errors import DomainError
from consult.extensions import htmx


def wants_fragment() -> bool:
    """An htmx request that targets part of a page (boosted navigation wants the whole page)."""
    return bool(htmx) and not htmx.boosted


def render(template: str, fragment: str | None = None, status: int = 200, **context):
    """Render ``template``; for a (non-boosted) htmx request render ``fragment`` instead.

    The full page includes the fragment, so its markup exists once. Form errors pass ``status=422``, which the
    htmx-config meta in the layout swaps.
    """
    name = fragment if fragment and wants_fragment() else template
    return make_response(render_template(name, **context), status)


def redirect_to(location: str):
    """Post/redirect/get: 303 for browsers; for fragment requests htmx is told where to go instead."""
    if wants_fragment():
        response = make_response("", 204)
        response.headers["HX-Location"] = location
        return response
    return redirect(location, 303)


#: longer than any address of this site; a longer ``next`` is not one of ours
NEXT_MAX_LENGTH = 2000


def safe_next(target: str | None, default: str) -> str:
    """``target`` if it is a path on this site, else ``default``: the one check of every redirect to a
    ``next`` that came with a request (a query string, a form field), so there is no open redirect and no
    header error.

    Browsers forgive a lot in a Location: they drop tabs and newlines anywhere, strip spaces and control
    characters at the ends, read ``\\`` as ``/``, take ``//host``, ``///host`` or ``/\\host`` for another
    site, and resolve ``/.//host`` to ``//host``. So a target is refused, not repaired, when it has a control
    character, white space, a backslash, a scheme or a host, a dot segment, or does not start with exactly one
    ``/`` -- as written, with its path percent-decoded, and once Unicode look-alikes are folded (NFKC: a
    fullwidth solidus is a ``/``). The links this site makes never contain any of them.
    """
    if not isinstance(target, str) or not target or len(target) > NEXT_MAX_LENGTH:
        return default
    for form in {target, unicodedata.normalize("NFKC", target)}:
        parts = urlsplit(form)
        # the query may hold encoded spaces; the path of this site's links never does
        path = unquote(parts.path)
        if parts.scheme or parts.netloc or not _plain_path(form) or not _plain_path(path) \
                or any(segment in (".", "..") for segment in path.split("/")):
            return default
    return target


def _plain_path(text: str) -> bool:
    return text.startswith("/") and not text.startswith("//") and "\\" not in text \
        and not any(not ch.isprintable() or ch.isspace() for ch in text)


def is_post() -> bool:
    return request.method == "POST"


def submit(form, action: Callable, /, *, done, success=None, page=None, refused_to: str | None = None,
           status: int | Callable = 422, **context):
    """The end of a view that sends a form to a service, once it has loaded and authorized: validate →
    service → redirect, or the form again with what is wrong.

    - The form is valid (and the view put no form-wide error on it beforehand): ``action()`` runs the service.
      ``success`` is flashed (a text, or a callable of the result giving one or None), then the result goes to
      ``done``: a URL, or a callable of the result giving a URL or a whole response. A URL is answered with
      :func:`redirect_to` (303, or HX-Location for a fragment request).
    - The service refuses (:class:`DomainError`): its message goes next to the field it names (``err.field``),
      else above the form, and the page is shown again. With ``refused_to``, the refusal is flashed as an
      error and the answer is a redirect there instead (what was refused is not the form's content).
    - ``page`` shows the form: a template rendered with ``form`` and ``context`` (``fragment=`` as in
      :func:`render`; a template variable cannot take the name of one of this function's parameters), or a
      callable ``page(status)``. Status: 200 for a form not sent (or sent without errors, as a GET search);
      ``status`` (422) for a form with errors — a callable gets the service's refusal, or None when the form
      itself was refused.

    ``form=None`` is a button without fields: there is no form to show, so a refusal always goes to
    ``refused_to`` (default: ``done``, then a URL). A refusal's rollback follows from its 4xx answer
    (``consult.core.db``); the redirect after a flashed refusal commits only what the service kept on purpose.
    """
    refusal = None
    if form is None or (form.validate_on_submit() and not form.form_errors):
        try:
            result = action()
            if is_short_write():  # written: committed before the answer is made (consult.core.db)
                commit_now()
        except DomainError as err:
            if form is None or refused_to is not None:
                flash(str(err.message), "error")
                return redirect_to(refused_to or done)
            form.add_error(err.field, err.message)
            refusal = err
        else:
            message = success(result) if callable(success) else success
            if message:
                flash(str(message), "success")
            answer = done(result) if callable(done) else done
            return redirect_to(answer) if isinstance(answer, str) else answer
    code = (status(refusal) if callable(status) else status) if form.errors else 200
    if callable(page):
        return page(code)
    return render(page, status=code, **{"form": form, **context})
