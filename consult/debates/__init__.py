"""Debates: live citizen debates in the moderator / expert / public format.

Agenda progression with timers, the speakers queue, public questions with likes, live polls (through the votes
engine, see ``polls``), a projector view, and server-sent events fed by an in-process broker or PostgreSQL
LISTEN/NOTIFY (see ``events`` and ``stream``). Closing a debate makes its record (``record.debate_record``)
and sends ``consult.core.signals.debate_closed``.
"""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("debates", __name__)

from consult.core import navigation, targets  # noqa: E402
from consult.debates import models, policies, views  # noqa: E402,F401
from consult.debates import personal as _personal  # noqa: E402,F401
from consult.debates import polls as _polls  # noqa: E402

navigation.register("debates.index", _l("Debates"), 60, "/debates")
targets.register("debate", models.Debate)
targets.register("debate_question", models.Question)


@bp.app_template_global()
def question_strings() -> dict[str, str]:
    """The words of each item of a question list, translated once per list (``_question.html``)."""
    from consult.debates.stream import question_strings as strings

    return strings()


@bp.record_once
def _setup(state):
    state.app.config.setdefault("DEBATES_QUESTIONS_PER_WINDOW", 3)
    state.app.config.setdefault("DEBATES_QUESTION_WINDOW_SECONDS", 300)
    state.app.config.setdefault("DEBATES_SSE_HEARTBEAT_SECONDS", 15)
    state.app.config.setdefault("DEBATES_SSE_MAX_SECONDS", 300)
    state.app.config.setdefault("DEBATES_SSE_RETRY_MS", 3000)
    state.app.config.setdefault("DEBATES_SSE_QUESTIONS_INTERVAL_SECONDS", 1.0)
    _polls.register_owner()
