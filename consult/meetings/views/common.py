"""What the council session views share: the person acting, the session page's address, loading an agenda
item (404), and what the session page and its fragments show (the read model of ``queries``)."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user

from consult.core.policy import can
from consult.extensions import db
from consult.meetings import queries
from consult.meetings.models import ATTENDANCE_LABELS, CHOICE_LABELS, MODE_LABELS, RULE_LABELS, AgendaItem


def actor():
    return current_user if current_user.is_authenticated else None


def session_url(session, anchor=None):
    return url_for("meetings.session_page", session_id=session.id, _anchor=anchor)


def load_item(item_id) -> AgendaItem:
    return db.get_or_404(AgendaItem, item_id)


def page_context(session):
    """What the session page and its fragments show, from the read model (plain rows, constant queries)."""
    page = queries.session_page(session, current_user)
    return {
        "session": session, "council": session.council, "agenda": page.agenda, "top_items": page.top_items,
        "titles": page.titles, "manage": bool(can("session.manage", session)),
        "quorum": page.quorum, "roll": page.roll, "voted": page.voted,
        "vote_decisions": page.vote_decisions, "votes_cast": page.votes_cast,
        "attendance_labels": page.labels.all(ATTENDANCE_LABELS),
        "choice_labels": page.labels.all(CHOICE_LABELS),
        "rule_labels": page.labels.all(RULE_LABELS), "mode_labels": page.labels.all(MODE_LABELS),
        "digest": page.digest,
    }
