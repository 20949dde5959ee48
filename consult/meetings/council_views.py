"""A council's sessions on the council's own pages: the sessions, decisions and queue on the council page (a
``councils.page`` section), the archive of past sessions and the iCalendar feed of sessions (URLs under
``/councils/<slug>/``, served by meetings, which knows the sessions)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import make_response

from consult.core.policy import can, require
from consult.core.rendering import render
from consult.core.time import aware_utc
from consult.core.urls import base_host, external_url
from consult.councils import page
from consult.councils.models import Council
from consult.extensions import db
from consult.meetings import bp, council_sessions
from consult.meetings.agenda import qualified_proposals
from consult.meetings.motions import decisions_of
from consult.meetings.services import sessions_of


@page.section
def council_page(council: Council, officer: bool) -> dict:
    """The council page's sessions (drafts too for officers), decisions and, for officers, the queue."""
    return {"sessions": council_sessions.overview(council, include_drafts=officer),
            "decisions": decisions_of(council), "queue": qualified_proposals(council) if officer else []}


def _council(slug: str) -> Council:
    return db.first_or_404(sa.select(Council).where(Council.slug == slug))


@bp.route("/councils/<slug>/sessions")
def council_sessions_page(slug):
    """The archive of the council's past sessions, most recent first, a page at a time (``?page=``)."""
    council = _council(slug)
    require("council.view", council)
    officer = bool(can("council.manage_sessions", council))
    return render("councils/sessions.html", "councils/_past_sessions.html", council=council,
                  page=council_sessions.past_page(council, include_drafts=officer))


@bp.route("/councils/<slug>/sessions.ics")
def council_calendar(slug):
    """The council's published sessions as an iCalendar feed (times in UTC)."""
    council = _council(slug)
    require("council.view", council)
    upcoming, past = sessions_of(council)
    import icalendar  # only here: about 3 MB a web worker need not hold for other pages

    cal = icalendar.Calendar()
    cal.add("prodid", "-//Consult//Council sessions//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", council.name)
    host = base_host()  # the configured host, never the request's Host header
    for session in upcoming + past:
        event = icalendar.Event()
        event.add("uid", f"council-session-{session.id}@{host}")
        event.add("summary", f"{council.name}: {session.title}")
        start = aware_utc(session.starts_at)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=session.planned_minutes))
        event.add("dtstamp", aware_utc(session.updated_at or session.created_at))
        if session.place:
            event.add("location", session.place)
        url = external_url("meetings.session_page", session_id=session.id)
        event.add("url", url)
        event.add("description", "\n".join(filter(None, [session.online_link, url])))
        event.add("status", "CONFIRMED")
        cal.add_component(event)
    response = make_response(cal.to_ical())
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'inline; filename="{council.slug}.ics"'
    return response
