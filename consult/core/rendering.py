"""One URL, two answers: the full page, or for an htmx request the fragment the page itself includes."""

from __future__ import annotations

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


def safe_next(target: str | None, default: str) -> str:
    """Only follow ``next`` to a path on this site (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def is_post() -> bool:
    return request.method == "POST"
