"""What the debate views share: loading a debate or one of its rows (404), the person acting (an account or a
browser key), the join link, the ``epoch`` filter of the timers, and the answer to a refused button."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from flask import abort, current_app, flash, session
from flask_login import current_user

from consult.core.rendering import render, wants_fragment
from consult.core.time import aware_utc
from consult.core.urls import external_url
from consult.debates import bp, queries
from consult.debates.changes import Participant
from consult.extensions import db, limiter

#: the session key of an anonymous participant's random browser key
ANON_KEY = "debate_anon_key"


def limit(name: str):
    """The rate limit of the setting ``name`` on POST."""
    return limiter.limit(lambda: current_app.config[name], methods=["POST"])


def load(debate_id: int):
    debate = queries.load_debate(debate_id)
    if debate is None:
        abort(404)
    return debate


def child(model, child_id: int, debate):
    """A row of ``debate`` (a question, a speaker request, a poll, a segment), or 404."""
    obj = db.session.get(model, child_id)
    if obj is None or obj.debate_id != debate.id:
        abort(404)
    return obj


def participant(create: bool = True) -> Participant | None:
    """The person acting: their account, or the random key this browser keeps in its session."""
    if current_user.is_authenticated:
        return Participant(f"u:{current_user.id}", current_user, current_user.display_name)
    key = session.get(ANON_KEY)
    if key is None:
        if not create:
            return None
        key = secrets.token_urlsafe(18)
        session[ANON_KEY] = key
    return Participant(f"a:{key}")


def participant_key() -> str | None:
    me = participant(create=False)
    return me.key if me is not None else None


def join_url(debate) -> str:
    return external_url("debates.join_code", code=debate.join_code)


def refusal_status(refusal) -> int:
    """The status of a refused form: the service's (409, 422, 429...), or 422 when the form itself was
    refused."""
    return refusal.status_code if refusal is not None else 422


def first_error(form) -> str:
    return next(iter([*form.form_errors, *(e for f in form for e in f.errors)]), "")


def refused(form, page: Callable[[int], object]) -> Callable[[int], object]:
    """The answer to a refused button (``submit``'s ``page``): for htmx, the message alone; otherwise the page
    the person came from (``page(status)``: the public page or the console), the message flashed, nothing
    saved."""

    def answer(status: int):
        message = first_error(form)
        if wants_fragment():
            return render("debates/_message.html", status=status, message=message)
        flash(message, "error")
        return page(status)

    return answer


@bp.app_template_filter("epoch")
def epoch(value) -> int:
    """Seconds since 1970 of a naive UTC datetime (for the timers in debates.js)."""
    return int(aware_utc(value).timestamp()) if value is not None else 0
