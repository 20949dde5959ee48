"""Council pages. Each view: load, authorize, validate, call a service, render."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import abort, current_app, make_response, request, url_for
from flask_babel import gettext as _

from consult.accounts.services import get_user_by_username
from consult.core.policy import can, require
from consult.core.rendering import render, submit
from consult.core.time import aware_utc
from consult.councils import bp, queries
from consult.councils import services as councils
from consult.councils.forms import CouncilForm, MembershipForm
from consult.councils.models import Council, Membership
from consult.extensions import db
from consult.meetings import services as meetings


def _council(slug: str) -> Council:
    council = db.session.scalar(sa.select(Council).where(Council.slug == slug))
    if council is None:
        abort(404)
    return council


def _values(form: CouncilForm) -> dict:
    return {name: getattr(form, name).data for name in (
        "name", "slug", "purpose", "mandate", "composition", "contact", "quorum_percent", "convocation_days")}


@bp.route("/councils/")
def index():
    """All councils of the platform (public)."""
    require("council.view")
    return render("councils/index.html", councils=councils.list_councils())


@bp.route("/councils/new", methods=["GET", "POST"])
def create():
    """Create a council (admins)."""
    require("council.create")
    form = CouncilForm()
    if request.method == "GET":
        form.convocation_days.data = current_app.config.get("MEETINGS_CONVOCATION_DAYS", 5)
    return submit(form, lambda: councils.create_council(by=_actor(), **_values(form)),
                  success=_("The council has been created."),
                  done=lambda council: url_for("councils.show", slug=council.slug),
                  page="councils/form.html", council=None)


@bp.route("/councils/<slug>/")
def show(slug):
    """The council's public page: purpose, members, sessions, decisions, calendar feed."""
    council = _council(slug)
    require("council.view", council)
    officer = bool(can("council.manage_sessions", council))
    return render("councils/show.html", council=council, members=councils.active_memberships(council),
                  former=councils.past_memberships(council),
                  sessions=queries.overview(council, include_drafts=officer),
                  decisions=meetings.decisions_of(council), officer=officer,
                  queue=meetings.qualified_proposals(council) if officer else [])


@bp.route("/councils/<slug>/sessions")
def sessions(slug):
    """The archive of the council's past sessions, most recent first, a page at a time (``?page=``)."""
    council = _council(slug)
    require("council.view", council)
    officer = bool(can("council.manage_sessions", council))
    return render("councils/sessions.html", "councils/_past_sessions.html", council=council,
                  page=queries.past_page(council, include_drafts=officer))


@bp.route("/councils/<slug>/edit", methods=["GET", "POST"])
def edit(slug):
    """Change the council's description and settings (admins)."""
    council = _council(slug)
    require("council.edit", council)
    form = CouncilForm(obj=council)
    return submit(form, lambda: councils.update_council(council, by=_actor(), **_values(form)),
                  success=_("The council has been saved."),
                  done=lambda _saved: url_for("councils.show", slug=council.slug),  # the slug may change
                  page="councils/form.html", council=council)


@bp.route("/councils/<slug>/members", methods=["GET", "POST"])
def members(slug):
    """Seats and terms (admins): add a seat; overlapping terms of one person are refused."""
    council = _council(slug)
    require("council.manage_members", council)
    form = MembershipForm()

    def add_seat():
        return councils.add_membership(council, get_user_by_username(form.username.data), role=form.role.data,
                                       starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                                       represents=form.represents.data, by=_actor())

    def page(status):
        return render("councils/members.html", council=council, form=form, status=status,
                      members=councils.active_memberships(council), former=councils.past_memberships(council),
                      future=_future(council))

    return submit(form, add_seat, success=_("The seat has been added."),
                  done=url_for("councils.members", slug=council.slug), page=page)


def _future(council):
    from consult.core.models import utcnow

    return list(db.session.scalars(sa.select(Membership).where(
        Membership.council_id == council.id, Membership.starts_on > utcnow().date()).order_by(Membership.starts_on)))


@bp.route("/councils/<slug>/members/<int:membership_id>/end", methods=["POST"])
def end_membership(slug, membership_id):
    """End a term today (it stays in the council's history)."""
    council = _council(slug)
    require("council.manage_members", council)
    membership = db.get_or_404(Membership, membership_id)
    if membership.council_id != council.id:
        abort(404)
    return submit(None, lambda: councils.end_membership(membership, by=_actor()),
                  success=_("The term has ended. It stays in the council's history."),
                  done=url_for("councils.members", slug=council.slug))


@bp.route("/councils/<slug>/sessions.ics")
def calendar(slug):
    """The council's published sessions as an iCalendar feed (times in UTC)."""
    council = _council(slug)
    require("council.view", council)
    upcoming, past = meetings.sessions_of(council)
    import icalendar  # only here: about 3 MB a web worker need not hold for other pages

    cal = icalendar.Calendar()
    cal.add("prodid", "-//Consult//Council sessions//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", council.name)
    from consult.core.urls import base_host, external_url

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


def _actor():
    from flask_login import current_user

    return current_user if current_user.is_authenticated else None
