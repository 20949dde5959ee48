"""The sitting: the roll call (a line per seat, times typed on the session's clock), quick arrivals and
departures, and the motions — written, opened, voted by the members present, closed and counted."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, flash
from flask_babel import gettext as _
from flask_login import current_user

from consult.core.errors import DomainError
from consult.core.policy import require
from consult.core.rendering import redirect_to, render, submit
from consult.core.routing import row_id
from consult.core.time import AmbiguousTime, NonexistentTime, to_local, to_utc
from consult.extensions import db, limiter
from consult.meetings import bp, roll_queries
from consult.meetings import services as meetings
from consult.meetings.forms import HandsForm, MotionForm, RollCallForm, VoteForm
from consult.meetings.models import ATTENDANCE_LABELS, Attendance, CouncilSession, Motion
from consult.meetings.page_rows import Labels
from consult.meetings.views.common import actor, load_item, minutes_choices, session_url


def _time_on(session, raw: str):
    """``HH:MM`` typed in local time on the session's day, as naive UTC; '' gives None.

    A time that does not exist that day (the clocks go forward over it) is refused. A time that comes twice
    (the clocks go back) cannot be asked about in a table of many rows, so one rule applies: it is the first
    of the two that is not before the sitting began (its start, or its planned start), else the second;
    someone arrives or leaves after the sitting began.
    """
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        clock = datetime.strptime(raw, "%H:%M").time()
    except ValueError:
        raise DomainError(_("Write times as hours:minutes, for example 18:45.")) from None
    began = session.started_at or session.starts_at
    try:
        return to_utc(datetime.combine(to_local(began).date(), clock))
    except NonexistentTime as refusal:
        raise DomainError(refusal.message) from None
    except AmbiguousTime as repeated:
        return next((moment for moment in repeated.found if moment >= began), repeated.found[-1])


def _roll_call_page(session, form: RollCallForm, status: int):
    roll, quorum = roll_queries.roll_call_page(session,
                                               with_seats=session.status in ("convened", "in_progress"))
    clock = lambda moment: to_local(moment).strftime("%H:%M") if moment else ""  # noqa: E731
    lines = form.lines.rows_for(roll, by="seat", key=lambda row: row.membership_id, data=lambda row: {
        "status": row.status, "arrived": clock(row.arrived_at), "left": clock(row.left_at)})
    return render("meetings/roll_call.html", session=session, form=form, lines=lines, quorum=quorum,
                  attendance_labels=Labels().all(ATTENDANCE_LABELS), status=status)


def _attendance(session, form: RollCallForm) -> list[dict]:
    """The roll call's lines as the service's entries: each seat's attendance row (made now for the seats not
    called yet), its status and times in UTC. A line without a status is left as it was."""
    if session.status in ("convened", "in_progress"):
        meetings.ensure_roll(session)
    rows = {row.membership_id: row.id for row in session.attendance}
    return [{"attendance_id": rows.get(row_id(line.seat.data)), "status": line.status.data,
             "arrived_at": _time_on(session, line.arrived.data), "left_at": _time_on(session, line.left.data)}
            for line in form.lines if line.status.data is not None]


@bp.route("/sessions/<int:session_id>/roll-call", methods=["GET", "POST"])
def roll_call(session_id):
    """Record who is present, excused or absent, with late arrivals and departures.

    The page lists every seat of the session's day, a line each (named after the seat); a GET writes nothing.
    The attendance rows are made by the first roll call saved (or when the session starts). A refusal saves
    nothing (its 4xx answer rolls back, the rows made for it included) and shows the lines as they were sent.
    """
    session = db.get_or_404(CouncilSession, session_id)
    require("session.manage", session)
    form = RollCallForm()
    return submit(form, lambda: meetings.record_attendance(session, _attendance(session, form), by=actor()),
                  success=_("The roll call has been saved."), done=session_url(session, "attendance"),
                  page=lambda status: _roll_call_page(session, form, status),
                  status=lambda refusal: refusal.status_code if refusal is not None else 422)


@bp.route("/attendance/<int:attendance_id>/<any(arrive, leave):event>", methods=["POST"])
def presence(attendance_id, event):
    """Quick roll-call change during the sitting: arrived now, or left now."""
    row = db.get_or_404(Attendance, attendance_id)
    require("session.manage", row.session)
    meetings.mark_presence(row, event)
    return redirect_to(session_url(row.session, "attendance"))


# ------------------------------------------------------------------------------------------------ motions


@bp.route("/items/<int:item_id>/motions", methods=["POST"])
def add_motion(item_id):
    """Write a motion under an item, with its majority rule and how members vote."""
    item = load_item(item_id)
    require("session.manage", item.session)
    form = MotionForm()
    form.approves_minutes_id.choices += minutes_choices(item.session)
    return submit(form, lambda: meetings.add_motion(item, text=form.text.data, rule=form.rule.data,
                                                    mode=form.mode.data, by=actor(),
                                                    approves_minutes_id=form.approves_minutes_id.data),
                  success=_("The motion has been added."), done=session_url(item.session, f"item-{item.id}"),
                  page="meetings/motion_form.html", item=item, session=item.session,
                  status=lambda _refusal: 409 if item.session.is_closed else 422)


@bp.route("/motions/<int:motion_id>/open", methods=["POST"])
def open_motion(motion_id):
    """Open the vote on a motion (session in progress)."""
    motion = db.get_or_404(Motion, motion_id)
    require("session.manage", motion.item.session)
    meetings.open_motion(motion, by=actor())
    flash(_("The vote is open. Members can vote now."), "success")
    return redirect_to(session_url(motion.item.session, f"motion-{motion.id}"))


@bp.route("/motions/<int:motion_id>/vote", methods=["POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_VOTE"], methods=["POST"])
def vote(motion_id):
    """A member votes yes, no or abstain, once, while the vote is open and they are in the room."""
    motion = db.get_or_404(Motion, motion_id)
    require("motion.vote", motion)
    form = VoteForm()
    if not form.validate_on_submit():
        raise DomainError(_("Choose yes, no or abstain."), field="choice")
    meetings.cast_vote(motion, current_user, form.choice.data)
    flash(_("Your vote has been counted."), "success")
    return redirect_to(session_url(motion.item.session, f"motion-{motion.id}"))


@bp.route("/motions/<int:motion_id>/close", methods=["POST"])
def close_motion(motion_id):
    """Close the vote: the server counts, checks the quorum now and gives the verdict."""
    motion = db.get_or_404(Motion, motion_id)
    require("session.manage", motion.item.session)
    form = HandsForm()
    if not form.validate_on_submit():
        raise DomainError(_("Counts are whole numbers."), field="yes")
    meetings.close_motion(motion, by=actor(),
                          hands={"yes": form.yes.data, "no": form.no.data, "abstain": form.abstain.data})
    flash(_("The vote is closed: %(verdict)s.", verdict=motion.verdict_label), "success")
    return redirect_to(session_url(motion.item.session, f"motion-{motion.id}"))
