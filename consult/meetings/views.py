"""Council session pages. Each view: load, authorize, validate, call a service, render.

The session page is the place for everyone: the public reads the agenda and the decisions, members vote
from their phone, the secretary runs the sitting. Every form posts and redirects (303); htmx requests get
the agenda or the motion fragment instead.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import selectinload

from consult.accounts.models import User
from consult.core.errors import DomainError
from consult.core.policy import can, require
from consult.core.rendering import redirect_to, render, submit, wants_fragment
from consult.core.routing import row_id
from consult.core.time import AmbiguousTime, NonexistentTime, to_local, to_utc
from consult.councils.models import Council, Membership
from consult.extensions import db, limiter
from consult.meetings import bp, picker, queries
from consult.meetings import services as meetings
from consult.meetings.forms import (
    AttachmentForm,
    HandsForm,
    ItemForm,
    MotionForm,
    MoveForm,
    NotesForm,
    ProposalSearchForm,
    RollCallForm,
    SessionForm,
    SpeakerForm,
    VoteForm,
)
from consult.meetings.models import (
    ATTENDANCE_LABELS,
    CHOICE_LABELS,
    MODE_LABELS,
    RULE_LABELS,
    AgendaItem,
    Attachment,
    Attendance,
    CouncilSession,
    Motion,
    MotionVote,
)
from consult.meetings.record import session_record


def _actor():
    return current_user if current_user.is_authenticated else None


def _session_url(session, anchor=None):
    return url_for("meetings.session_page", session_id=session.id, _anchor=anchor)


def _item(item_id) -> AgendaItem:
    return db.get_or_404(AgendaItem, item_id)


def _session_form_values(form):
    return {"title": form.title.data, "starts_at": form.starts_at.data,  # UTC (a LocalDateTimeField)
            "planned_minutes": form.planned_minutes.data, "place": form.place.data,
            "online_link": form.online_link.data}


def _page_context(session):
    """What the session page and its fragments show, from the read model (plain rows, constant queries)."""
    page = queries.session_page(session, current_user)
    return {
        "session": session, "council": session.council, "agenda": page.agenda, "top_items": page.top_items,
        "titles": page.titles, "manage": bool(can("session.manage", session)),
        "quorum": page.quorum, "roll": page.roll, "voted": page.voted,
        "vote_decisions": page.vote_decisions, "votes_cast": page.votes_cast,
        "attendance_labels": page.labels.all(ATTENDANCE_LABELS), "choice_labels": page.labels.all(CHOICE_LABELS),
        "rule_labels": page.labels.all(RULE_LABELS), "mode_labels": page.labels.all(MODE_LABELS),
        "digest": page.digest,
    }


def _live_html(context: dict) -> Markup:
    """The page's live part (roll call, quorum, agenda, motions and votes). For a reader to whom it shows no
    form (nobody who runs the session, nobody who may vote right now: the forms carry the reader's CSRF token)
    it is cached between requests (``queries.LIVE_PART``: the digest of every row it shows and of what was
    decided for the reader, the language, time zone and whether the reader is signed in): the public polling
    a live session every 15 seconds, and everyone reading a closed one, get the same copy until something
    changes.
    Nothing else goes in it: what depends on more than these (the link to the minutes, seen by whom depends on
    their state and on the reader's office) is on the page around it."""
    if context["manage"] or any(context["vote_decisions"].values()):
        return Markup(render_template("meetings/_live.html", **context))
    return queries.LIVE_PART.get_or_make(lambda: Markup(render_template("meetings/_live.html", **context)),
                                         session=context["session"].id, digest=context["digest"])


# ------------------------------------------------------------------------------------------------ sessions


@bp.route("/councils/<slug>/sessions/new", methods=["GET", "POST"])
def create_session(slug):
    """Plan a session (the council's president or secretary)."""
    council = db.session.scalar(sa.select(Council).where(Council.slug == slug)) or abort(404)
    require("council.manage_sessions", council)
    form = SessionForm()
    return submit(form, lambda: meetings.create_session(council, by=_actor(), **_session_form_values(form)),
                  success=_("The session has been planned. Add the agenda, then convene it."),
                  done=_session_url, page="meetings/session_form.html", council=council, session=None)


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
    context = _page_context(session)
    # the forms are shown to those who run an open session only; nobody else pays for building them
    forms = {"item_form": _item_form(session, top_items=context["top_items"]), "motion_form": MotionForm(formdata=None),
             "hands_form": HandsForm(formdata=None), "speaker_form": SpeakerForm(formdata=None),
             "attachment_form": AttachmentForm(formdata=None)} if context["manage"] and not session.is_closed else {}
    if forms:
        # the picker's search only (no query for suggestions here): they come with htmx, or on the item page
        forms.update(_picker(session, forms["item_form"], url_for("meetings.add_item", session_id=session.id),
                             suggest=False))
    live = _live_html(context)
    if wants_fragment():  # the live part alone (what ``render`` would give for "meetings/_live.html")
        return make_response(live)
    return render("meetings/session.html", live=live, session_minutes=_minutes_shown(session), **context, **forms)


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
    return submit(form, lambda: meetings.update_session(session, by=_actor(), **_session_form_values(form)),
                  success=_("The session has been saved."), done=_session_url(session),
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
    service(session, by=_actor())  # a refusal reaches the error handler: translated page, 409/422
    flash(str(message), "success")
    return redirect_to(_session_url(session))


# ------------------------------------------------------------------------------------------------ agenda


def _item_form(session, item=None, formdata=None, top_items=None):
    """The item form; its proposals are what was posted, what the picker's search carries (``proposal_ids`` in
    the query string), or the item's links. Their choices are set here (one query), before any validation."""
    form = ItemForm(formdata=formdata, obj=item) if item is not None else ItemForm(formdata=formdata)
    top_items = session.top_items if top_items is None else top_items
    form.parent_id.choices = [("", _("Main item"))] + [
        (str(i.id), _("Under: %(title)s", title=i.title)) for i in top_items if item is None or i.id != item.id]
    if item is not None:
        del form.parent_id  # an item keeps its place in the tree; it moves with the up/down buttons
    linked = [link.proposal_id for link in item.proposal_links] if item is not None else []
    field = form.proposal_ids
    if formdata is None and request.method == "GET":
        if wants_fragment() or "proposal_ids" in request.args:  # the picker's search says what is checked
            field.process_formdata(request.args.getlist("proposal_ids"))
        else:
            field.data = list(linked)
    rows, _refused = picker.chosen(field.data or [], already_linked=linked)
    field.choices = [(row.id, row.title) for row in rows]
    form.chosen_proposals = rows
    return form


def _picker(session, form, url: str, suggest: bool = True) -> dict:
    """What the picker shows under the item form: the chosen proposals (checked), then those found by the search
    in the query string (``proposal_q``) or, without one and with ``suggest``, the council's qualified proposals
    (one query)."""
    search = ProposalSearchForm(request.args if request.method == "GET" else None)
    query = search.proposal_q.data if request.method == "GET" and search.validate() else None
    chosen = form.chosen_proposals
    offered = picker.find(query, session.council_id, exclude=[row.id for row in chosen] + list(
        form.proposal_ids.data or ())) if query or suggest else []
    return {"search_form": search, "picker_url": url, "picker_query": query or "", "chosen_proposals": chosen,
            "offered_proposals": offered}


def _item_page(session, item, form, status=200):
    """The item form page; for htmx (the picker's search) the list of proposals to check only."""
    url = (url_for("meetings.edit_item", item_id=item.id) if item is not None
           else url_for("meetings.add_item", session_id=session.id))
    return render("meetings/item_form.html", "meetings/_proposal_options.html", form=form,
                  session=session, item=item, status=status, **_picker(session, form, url))


@bp.route("/sessions/<int:session_id>/items", methods=["GET", "POST"])
def add_item(session_id):
    """Add an agenda item (main item or sub-item). The page (GET) is also where the proposal picker's search
    lands without JavaScript; for htmx it answers with the proposals found."""
    session = db.get_or_404(CouncilSession, session_id)
    require("session.manage", session)
    if request.method == "GET":
        return _item_page(session, None, _item_form(session))
    form = _item_form(session, formdata=request.form)

    def add():
        parent = db.session.get(AgendaItem, int(form.parent_id.data)) if form.parent_id.data else None
        return meetings.add_item(session, title=form.title.data, description=form.description.data,
                                 kind=form.kind.data, duration_minutes=form.duration_minutes.data,
                                 presenter=form.presenter.data, parent=parent,
                                 proposal_ids=form.proposal_ids.data or [], by=_actor())

    return submit(form, add,
                  success=_("The item has been added to the agenda."), done=_session_url(session, "agenda"),
                  page=lambda status: _item_page(session, None, form, status=status),
                  status=lambda _refusal: 409 if session.is_closed else 422)


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
def edit_item(item_id):
    """Change an agenda item (not once the session is closed). For htmx, a GET answers with the proposals the
    picker's search found."""
    item = _item(item_id)
    session = item.session
    require("session.manage", session)
    form = _item_form(session, item, formdata=request.form if request.method == "POST" else None)
    return submit(form, lambda: meetings.update_item(
                      item, title=form.title.data, description=form.description.data, kind=form.kind.data,
                      duration_minutes=form.duration_minutes.data, presenter=form.presenter.data,
                      proposal_ids=form.proposal_ids.data or []),
                  success=_("The item has been saved."), done=_session_url(session, "agenda"),
                  page=lambda status: _item_page(session, item, form, status=status),
                  status=lambda refusal: refusal.status_code if refusal is not None else 422)


@bp.route("/items/<int:item_id>/move", methods=["POST"])
def move_item(item_id):
    """Move an item up or down among its siblings; htmx gets the agenda back, others a redirect."""
    item = _item(item_id)
    session = item.session
    require("session.manage", session)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    meetings.move_item(item, form.direction.data)
    if wants_fragment():
        return render("meetings/_agenda.html", **_page_context(session))
    return redirect_to(_session_url(session, f"item-{item.id}"))


@bp.route("/items/<int:item_id>/delete", methods=["POST"])
def delete_item(item_id):
    item = _item(item_id)
    session = item.session
    require("session.manage", session)
    meetings.delete_item(item)
    flash(_("The item has been removed from the agenda."), "success")
    return redirect_to(_session_url(session, "agenda"))


@bp.route("/items/<int:item_id>/attachments", methods=["POST"])
def add_attachment(item_id):
    """Attach a PDF or an image (type checked from the content, size limited)."""
    item = _item(item_id)
    require("session.manage", item.session)
    form = AttachmentForm()
    return submit(form, lambda: meetings.add_attachment(item, form.file.data.read(), form.file.data.filename),
                  success=_("The document has been attached."),
                  done=_session_url(item.session, f"item-{item.id}"),
                  page="meetings/attachment_form.html", item=item, session=item.session,
                  status=lambda _refusal: 409 if item.session.is_closed else 422)


@bp.route("/attachments/<int:attachment_id>")
def attachment(attachment_id):
    """Download an attachment under its clean name, with the type found at upload."""
    attached = db.get_or_404(Attachment, attachment_id)
    item = db.session.get(AgendaItem, attached.item_id)
    require("session.view", item.session)
    path = meetings.attachment_path(attached)
    if not path.exists():
        abort(404)
    inline = attached.content_type != "application/pdf" or request.args.get("view") == "1"
    response = send_file(path, mimetype=attached.content_type, as_attachment=not inline,
                         download_name=attached.filename)
    if inline:
        response.headers["Content-Disposition"] = f'inline; filename="{attached.filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/items/<int:item_id>/progress", methods=["POST"])
def item_progress(item_id):
    """The secretary's notes on an item, and its start and end times."""
    item = _item(item_id)
    require("session.manage", item.session)
    form = NotesForm()
    if not form.validate_on_submit():
        abort(400)
    meetings.record_item_progress(item, notes=form.notes.data, action=form.action.data or None)
    flash(_("Saved."), "success")
    return redirect_to(_session_url(item.session, f"item-{item.id}"))


@bp.route("/items/<int:item_id>/speakers", methods=["POST"])
def add_speaker(item_id):
    """Add a speaker to the item's list, in order."""
    item = _item(item_id)
    require("session.manage", item.session)
    form = SpeakerForm()
    if form.validate_on_submit():
        meetings.add_speaker(item, form.name.data)
        return redirect_to(_session_url(item.session, f"item-{item.id}"))
    raise DomainError(_("Please write the speaker's name."), field="name")


# ------------------------------------------------------------------------------------------------ roll call


def _time_on(session, raw: str):
    """``HH:MM`` typed in local time on the session's day, as naive UTC; '' gives None.

    A time that does not exist that day (the clocks go forward over it) is refused. A time that comes twice (the
    clocks go back) cannot be asked about in a table of many rows, so one rule applies: it is the first of the two
    that is not before the sitting began (its start, or its planned start), else the second; someone arrives or
    leaves after the sitting began.
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
    roll, quorum = queries.roll_call_page(session, with_seats=session.status in ("convened", "in_progress"))
    clock = lambda moment: to_local(moment).strftime("%H:%M") if moment else ""  # noqa: E731
    lines = form.lines.rows_for(roll, by="seat", key=lambda row: row.membership_id, data=lambda row: {
        "status": row.status, "arrived": clock(row.arrived_at), "left": clock(row.left_at)})
    return render("meetings/roll_call.html", session=session, form=form, lines=lines, quorum=quorum,
                  attendance_labels=queries.Labels().all(ATTENDANCE_LABELS), status=status)


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
    return submit(form, lambda: meetings.record_attendance(session, _attendance(session, form), by=_actor()),
                  success=_("The roll call has been saved."), done=_session_url(session, "attendance"),
                  page=lambda status: _roll_call_page(session, form, status),
                  status=lambda refusal: refusal.status_code if refusal is not None else 422)


@bp.route("/attendance/<int:attendance_id>/<any(arrive, leave):event>", methods=["POST"])
def presence(attendance_id, event):
    """Quick roll-call change during the sitting: arrived now, or left now."""
    row = db.get_or_404(Attendance, attendance_id)
    require("session.manage", row.session)
    meetings.mark_presence(row, event)
    return redirect_to(_session_url(row.session, "attendance"))


# ------------------------------------------------------------------------------------------------ motions


@bp.route("/items/<int:item_id>/motions", methods=["POST"])
def add_motion(item_id):
    """Write a motion under an item, with its majority rule and how members vote."""
    item = _item(item_id)
    require("session.manage", item.session)
    form = MotionForm()
    return submit(form, lambda: meetings.add_motion(item, text=form.text.data, rule=form.rule.data,
                                                    mode=form.mode.data, by=_actor()),
                  success=_("The motion has been added."), done=_session_url(item.session, f"item-{item.id}"),
                  page="meetings/motion_form.html", item=item, session=item.session,
                  status=lambda _refusal: 409 if item.session.is_closed else 422)


@bp.route("/motions/<int:motion_id>/open", methods=["POST"])
def open_motion(motion_id):
    """Open the vote on a motion (session in progress)."""
    motion = db.get_or_404(Motion, motion_id)
    require("session.manage", motion.item.session)
    meetings.open_motion(motion, by=_actor())
    flash(_("The vote is open. Members can vote now."), "success")
    return redirect_to(_session_url(motion.item.session, f"motion-{motion.id}"))


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
    return redirect_to(_session_url(motion.item.session, f"motion-{motion.id}"))


@bp.route("/motions/<int:motion_id>/close", methods=["POST"])
def close_motion(motion_id):
    """Close the vote: the server counts, checks the quorum now and gives the verdict."""
    motion = db.get_or_404(Motion, motion_id)
    require("session.manage", motion.item.session)
    form = HandsForm()
    if not form.validate_on_submit():
        raise DomainError(_("Counts are whole numbers."), field="yes")
    meetings.close_motion(motion, by=_actor(),
                          hands={"yes": form.yes.data, "no": form.no.data, "abstain": form.abstain.data})
    flash(_("The vote is closed: %(verdict)s.", verdict=motion.verdict_label), "success")
    return redirect_to(_session_url(motion.item.session, f"motion-{motion.id}"))
