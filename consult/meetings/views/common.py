"""What the council session views share: the person acting, the session page's address, loading an agenda
item (404), and what the session page and its fragments show (the read model of ``queries``)."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user
from wtforms import SelectChoice

from consult.core.policy import can
from consult.extensions import db
from consult.meetings import queries
from consult.meetings.attendance import quorum_rule_text
from consult.meetings.models import ATTENDANCE_LABELS, CHOICE_LABELS, MODE_LABELS, RULE_LABELS, AgendaItem
from consult.minutes.queries import awaiting_motion


def actor():
    return current_user if current_user.is_authenticated else None


def session_url(session, anchor=None):
    return url_for("meetings.session_page", session_id=session.id, _anchor=anchor)


def load_item(item_id) -> AgendaItem:
    return db.get_or_404(AgendaItem, item_id)


def minutes_choices(session) -> list[SelectChoice]:
    """The minutes a motion of the session may approve (value: their id, label: their title): the council's
    minutes submitted for approval by motion."""
    return [SelectChoice(str(row.id), row.title) for row in awaiting_motion(session.council_id)]


def page_context(session):
    """What the session page and its fragments show, from the read model (plain rows, constant queries)."""
    page = queries.session_page(session, current_user)
    manage = bool(can("session.manage", session))
    return {
        "session": session, "council": session.council, "agenda": page.agenda, "top_items": page.top_items,
        "titles": page.titles, "manage": manage,
        # for the motion form (shown to those who run an open session; the live part is not cached for them)
        "approvable_minutes": minutes_choices(session) if manage and not session.is_closed else [],
        "quorum": page.quorum, "roll": page.roll, "voted": page.voted,
        "quorum_terms": page.quorum_terms, "quorum_rule": quorum_rule_text(session.council),
        "vote_decisions": page.vote_decisions, "votes_cast": page.votes_cast,
        "attendance_labels": page.labels.all(ATTENDANCE_LABELS),
        "choice_labels": page.labels.all(CHOICE_LABELS),
        "rule_labels": page.labels.all(RULE_LABELS), "mode_labels": page.labels.all(MODE_LABELS),
        "live_version": page.version, "live_reader": page.reader,
    }
