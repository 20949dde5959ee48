"""Moderation: reports, the moderators' queue, hidden content, blocks, the public log and fact-check notes."""

from flask import Blueprint

bp = Blueprint("moderation", __name__)

from consult.moderation import models, policies, views  # noqa: E402,F401
from consult.moderation import personal as _personal  # noqa: E402,F401


@bp.app_template_global()
def fact_check_notes(target):
    """The fact-check notes on ``target`` (one query)."""
    from consult.moderation.services import notes_for

    return notes_for(target)


@bp.app_template_global()
def public_reason(text):
    """A hiding reason for readers: the automatic one in their language, a moderator's as written."""
    from consult.moderation.services import AUTO_HIDE_REASON, AUTO_HIDE_REASON_TEXT

    return str(AUTO_HIDE_REASON_TEXT) if text == AUTO_HIDE_REASON else (text or "")


@bp.app_template_global()
def reason_label(code: str) -> str:
    """The translated label of a report reason."""
    from consult.moderation.forms import reason_choices

    return str(dict(reason_choices()).get(code, code))
