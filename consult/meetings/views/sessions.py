"""The session's own pages: plan and edit a session, the session page (the live part cached for readers
who get no form), its record as JSON, and the steps convene → start → close."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, jsonify, make_response, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy.orm import selectinload

from consult.accounts.models import User
from consult.core.policy import can, require
from consult.core.rendering import redirect_to, render, submit, wants_fragment
from consult.councils.models import Council, Membership
from consult.extensions import db
from consult.meetings import bp, queries
from consult.meetings import services as meetings
from consult.meetings.forms import AttachmentForm, HandsForm, MotionForm, SessionForm, SpeakerForm
from consult.meetings.models import AgendaItem, Attendance, CouncilSession, Motion, MotionVote
from consult.meetings.record import session_record
from consult.meetings.views.agenda import item_form, picker_context
from consult.meetings.views.common import actor, page_context, session_url


def _session_form_values(form):
    return {"title": form.title.data, "starts_at": form.starts_at.data,  # UTC (a LocalDateTimeField)
            "planned_minutes": form.planned_minutes.data, "place": form.place.data,
            "online_link": form.online_link.data}


def _live_html(context: dict) -> Markup:
    """The page's live part (roll call, quorum, agenda, motions and votes). For a reader to whom it shows no
    form (nobody who runs the session, nobody who may vote right now: the forms carry the reader's CSRF token)
    it is cached between requests (``queries.LIVE_PART``: the session's version, kept by the database, a
    digest of what was decided for the reader, the language, time zone and whether the reader is signed in):
    the public polling a live session every 15 seconds, and everyone reading a closed one, get the same copy
    until something changes, and read none of the rows it shows meanwhile (``queries.session_page``).
    Nothing else goes in it: what depends on more than these (the link to the minutes, seen by whom depends on
    their state and on the reader's office) is on the page around it."""
    if context["manage"] or any(context["vote_decisions"].values()) or context["live_version"] is None:
        return Markup(render_template("meetings/_live.html", **context))
    return queries.LIVE_PART.get_or_make(lambda: Markup(render_template("meetings/_live.html", **context)),
                                         session=context["session"].id, version=context["live_version"],
                                         reader=context["live_reader"])


@bp.route("/councils/<slug>/sessions/new", methods=["GET", "POST"])
def create_session(slug):
    """Plan a session (the council's president or secretary)."""
    council = db.session.scalar(sa.select(Council).where(Council.slug == slug)) or abort(404)
    require("council.manage_sessions", council)
    form = SessionForm()
    return submit(form, lambda: meetings.create_session(council, by=actor(), **_session_form_values(form)),
                  success=_("The session has been planned. Add the agenda, then convene it."),
                  done=session_url, page="meetings/session_form.html", council=council, session=None)


def _load_page_session(session_id) -> CouncilSession:
    """The session with everything its page shows, in a constant number of queries."""
    items = selectinload(CouncilSession.items)
    session = db.session.scalar(sa.select(CouncilSession).where(CouncilSession.id == session_id).options(
        items.selectinload(AgendaItem.motions).selectinload(Motion.named_votes)
        .joinedload(MotionVote.membership).joinedload(Membership.user).lazyload(User.grants),
        items.selectinload(AgendaItem.speakers),
        items.selectinload(AgendaItem.attachments),
        items.selectinload(AgendaItem.proposal_links),
        # the names are shown, the members' role grants are not (they load if a check asks for them)
        selectinload(CouncilSession.attendance).joinedload(Attendance.membership).joinedload(Membership.user)
        .lazyload(User.grants)))
    if session is None:
        abort(404)
    return session


@bp.route("/sessions/<int:session_id>")
def session_page(session_id):
    """A session: convocation, agenda, roll call, quorum, motions and votes, decisions."""
    session = queries.load_session(session_id) or abort(404)
    require("session.view", session)
    context = page_context(session)
    # the forms are shown to those who run an open session only; nobody else pays for building them
    forms = {"item_form": item_form(session, top_items=context["top_items"]),
             "motion_form": MotionForm(formdata=None), "hands_form": HandsForm(formdata=None),
             "speaker_form": SpeakerForm(formdata=None), "attachment_form": AttachmentForm(formdata=None),
             } if context["manage"] and not session.is_closed else {}
    if forms:
        # the picker's search only (no query for suggestions here): they come with htmx, or on the item page
        forms.update(picker_context(session, forms["item_form"],
                                    url_for("meetings.add_item", session_id=session.id), suggest=False))
    live = _live_html(context)
    if wants_fragment():  # the live part alone (what ``render`` would give for "meetings/_live.html")
        return make_response(live)
    return render("meetings/session.html", live=live, session_minutes=_minutes_shown(session),
                  **context, **forms)


def _minutes_shown(session):
    """The minutes of a closed session, when the reader may see them (published: everyone; a draft: those who
    write or approve it). Shown outside the cached live part, which depends neither on the minutes nor on the
    reader's right to see a draft."""
    if not session.is_closed:
        return None
    minutes = queries.session_minutes(session)
    return minutes if minutes is not None and can("minutes.view", minutes) else None


@bp.route("/sessions/<int:session_id>/record.json")
def session_record_json(session_id):
    """The session record (raw material of minutes) as JSON, for published sessions."""
    session = _load_page_session(session_id)
    require("session.view", session)
    return jsonify(session_record(session))


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
def edit_session(session_id):
    """Change date, place, title (refused once closed)."""
    session = db.get_or_404(CouncilSession, session_id)
    require("session.manage", session)
    form = SessionForm(obj=session)  # the stored UTC start shown on the reader's clock
    return submit(form, lambda: meetings.update_session(session, by=actor(), **_session_form_values(form)),
                  success=_("The session has been saved."), done=session_url(session),
                  page="meetings/session_form.html", council=session.council, session=session,
                  status=lambda _refusal: 409 if session.is_closed else 422)


_TRANSITIONS = {
    "convene": (meetings.convene_session, _l("The convocation and the agenda are published.")),
    "start": (meetings.start_session, _l("The session has started. Take the roll call.")),
    "close": (meetings.close_session, _l("The session is closed. It can no longer be changed.")),
}


@bp.route("/sessions/<int:session_id>/<any(convene, start, close):step>", methods=["POST"])
def session_step(session_id, step):
    """Move the session forward: convene (publish), start, close (locks it and tells the minutes)."""
    session = db.get_or_404(CouncilSession, session_id)
    require("session.manage", session)
    service, message = _TRANSITIONS[step]
    service(session, by=actor())  # a refusal reaches the error handler: translated page, 409/422
    flash(str(message), "success")
    return redirect_to(session_url(session))
