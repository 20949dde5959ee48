"""One URL, two answers: the full page, or for an htmx request the fragment the page itself includes."""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

from flask import make_response, redirect, render_template, request

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
    """``target`` if it is a path on this site, else ``default``: the one check of every redirect to a ``next``
    that came with a request (a query string, a form field), so there is no open redirect and no header error.

    Browsers forgive a lot in a Location: they drop tabs and newlines anywhere, strip spaces and control
    characters at the ends, read ``\\`` as ``/``, take ``//host``, ``///host`` or ``/\\host`` for another site,
    and resolve ``/.//host`` to ``//host``. So a target is refused, not repaired, when it has a control character,
    white space, a backslash, a scheme or a host, a dot segment, or does not start with exactly one ``/`` -- as
    written, with its path percent-decoded, and once Unicode look-alikes are folded (NFKC: a fullwidth solidus is a ``/``).
    The links this site makes never contain any of them.
    """
    if not isinstance(target, str) or not target or len(target) > NEXT_MAX_LENGTH:
        return default
    for form in {target, unicodedata.normalize("NFKC", target)}:
        parts = urlsplit(form)
        path = unquote(parts.path)  # the query may hold encoded spaces; the path of this site's links never does
        if parts.scheme or parts.netloc or not _plain_path(form) or not _plain_path(path) \
                or any(segment in (".", "..") for segment in path.split("/")):
            return default
    return target


def _plain_path(text: str) -> bool:
    return text.startswith("/") and not text.startswith("//") and "\\" not in text \
        and not any(not ch.isprintable() or ch.isspace() for ch in text)


def is_post() -> bool:
    return request.method == "POST"
