"""A closed session is locked: the check that every change to a session, its agenda, roll call and motions
makes first."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from consult.core.errors import Conflict
from consult.meetings.models import CLOSED, CouncilSession


def check_unlocked(session: CouncilSession) -> None:
    """Refuse (``Conflict``) any change to a closed session."""
    if session.status == CLOSED:
        raise Conflict(_l("This session is closed. Nothing in it can be changed any more."))
