"""Debate pages. Each view: load (404) → authorize → validate (422) → service → render / redirect (303).

Public pages: the list, a debate (details, live state, questions, asking, asking to speak, live poll), the join
code entry, the projector and the event stream. The moderator's console and its actions are under
``/debates/<id>/console``.
"""

from __future__ import annotations

import io
import secrets

import sqlalchemy as sa
from flask import Response, abort, current_app, flash, request, session, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from consult.core.errors import DomainError
from consult.core.policy import can, require
from consult.core.rendering import redirect_to, render, wants_fragment
from consult.core.routing import row_id
from consult.debates import bp, polls, queries, stream
from consult.debates import services as debates
from consult.debates.forms import (
    AddSpeakerForm,
    DebateForm,
    JoinForm,
    PanelistForm,
    PollForm,
    QuestionForm,
    QuestionStatusForm,
    SegmentForm,
    SpeakForm,
    StartSpeechForm,
)
from consult.debates.models import DebatePoll, Question, Registration, Segment, SpeakerRequest
from consult.extensions import db, limiter

ANON_KEY = "debate_anon_key"


def _limit(name):
    return limiter.limit(lambda: current_app.config[name], methods=["POST"])


def _load(debate_id: int):
    debate = queries.load_debate(debate_id)
    if debate is None:
        abort(404)
    return debate


def _child(model, child_id: int, debate):
    obj = db.session.get(model, child_id)
    if obj is None or obj.debate_id != debate.id:
        abort(404)
    return obj


def participant(create: bool = True) -> debates.Participant | None:
    """The person acting: their account, or the random key this browser keeps in its session."""
    if current_user.is_authenticated:
        return debates.Participant(f"u:{current_user.id}", current_user, current_user.display_name)
    key = session.get(ANON_KEY)
    if key is None:
        if not create:
            return None
        key = secrets.token_urlsafe(18)
        session[ANON_KEY] = key
    return debates.Participant(f"a:{key}")


def _fail(err: DomainError, debate, *, console: bool = False):
    """Show a service's refusal with its status (409, 422, 429...): as a fragment for htmx, otherwise on the
    page the person came from (the public page or the console), with nothing saved."""
    status = getattr(err, "status_code", 422)
    if wants_fragment():
        return render("debates/_message.html", status=status, message=err.message)
    flash(str(err.message), "error")
    if console:
        return render("debates/console.html", status=status, **_console_context(debate))
    return render("debates/show.html", status=status, **_public_context(debate))


def join_url(debate) -> str:
    from consult.core.urls import external_url

    return external_url("debates.join_code", code=debate.join_code)


def qr_svg(debate) -> Markup:
    """The join link as a QR code, an inline SVG made on the server (no script, no other host)."""
    import segno  # only here: the projector page is the one that needs it

    qr = segno.make(join_url(debate), error="m")
    out = io.BytesIO()
    qr.save(out, kind="svg", xmldecl=False, svgns=True, scale=8, border=2, svgclass="qr",
            title=_("QR code to join the debate"), dark="#000", light="#fff")
    return Markup(out.getvalue().decode())


@bp.app_template_filter("epoch")
def epoch(value) -> int:
    """Seconds since 1970 of a naive UTC datetime (for the timers in debates.js)."""
    from consult.core.time import aware_utc

    return int(aware_utc(value).timestamp()) if value is not None else 0


# -- public pages ---------------------------------------------------------------------------------------


@bp.route("/debates/")
def index():
    """Live, upcoming and past debates, and a box to type a join code."""
    require("debate.view")
    return render("debates/index.html", groups=queries.debates_list(), join_form=JoinForm(formdata=None))


@bp.route("/debates/join")
def join():
    """Find a debate by the code shown in the room; an unknown code gets a clear message (404)."""
    form = JoinForm(request.args, meta={"csrf": False})
    code = request.args.get("code", "")
    try:
        debate = debates.find_by_join_code(code)
    except DomainError as err:
        form.add_error("code", err.message)
        return render("debates/join.html", form=form, status=404 if code.strip() else 422)
    return redirect_to(url_for("debates.show", debate_id=debate.id))


@bp.route("/d/<code>")
def join_code(code):
    """The short join link printed on the projector and in the QR code."""
    try:
        debate = debates.find_by_join_code(code)
    except DomainError as err:
        form = JoinForm(formdata=None, code=code[:12])
        form.add_error("code", err.message)
        return render("debates/join.html", form=form, status=404)
    return redirect_to(url_for("debates.show", debate_id=debate.id))


def _public_context(debate, *, sort="likes", question_form=None, speak_form=None):
    state = queries.live_state(debate, sort=sort)
    me = participant(create=False)
    my_request = None
    if me is not None:
        my_request = next((r for r in state.requests if r.participant_key == me.key
                           and r.status in ("waiting", "speaking")), None)
    registration = None
    if current_user.is_authenticated and debate.registration_required:
        registration = db.session.scalar(sa.select(Registration).where(
            Registration.debate_id == debate.id, Registration.user_id == current_user.id))
    return dict(
        debate=debate, state=state, sort=sort, view="public", streamed=False,
        question_form=question_form or QuestionForm(formdata=None),
        speak_form=speak_form or SpeakForm(formdata=None),
        participate=can("debate.participate", debate), my_request=my_request,
        ballot=queries.ballot(state), liked=queries.liked_by(debate, me.key if me is not None else None),
        registration=registration, registrations=queries.registration_counts(debate)
        if debate.registration_required else {},
        join_url=join_url(debate),
    )


#: sections of the public page drawn for each person; htmx fetches them again (``?part=``) when the events say
PUBLIC_PARTS = {"speak": "debates/_speak.html", "ask": "debates/_ask.html"}


def _part_context(debate) -> dict:
    """What the sections of :data:`PUBLIC_PARTS` need (a few queries, not the whole live state)."""
    me = participant(create=False)
    my_request = None
    if me is not None:
        my_request = db.session.scalar(sa.select(SpeakerRequest).where(
            SpeakerRequest.debate_id == debate.id, SpeakerRequest.participant_key == me.key,
            SpeakerRequest.status.in_(("waiting", "speaking"))).order_by(SpeakerRequest.id).limit(1))
    return dict(debate=debate, participate=can("debate.participate", debate), my_request=my_request,
                question_form=QuestionForm(formdata=None), speak_form=SpeakForm(formdata=None))


@bp.route("/debates/<int:debate_id>")
def show(debate_id):
    """The debate: details, agenda, people on stage, the live state, questions, and ways to take part.

    ``?part=speak`` or ``?part=ask`` (htmx) answers one section drawn for this person: the page fetches it
    again when the debate starts or ends, and the speakers section when the queue changes while this person
    is in it."""
    debate = _load(debate_id)
    require("debate.view", debate)
    part = request.args.get("part")
    if part in PUBLIC_PARTS and wants_fragment():
        return render(PUBLIC_PARTS[part], **_part_context(debate))
    sort = request.args.get("sort", "likes")
    if sort not in queries.QUESTION_SORTS:
        sort = "likes"
    return render("debates/show.html", **_public_context(debate, sort=sort))


@bp.route("/debates/<int:debate_id>/questions")
def questions(debate_id):
    """The public question list (most liked or newest first); readable without JavaScript."""
    debate = _load(debate_id)
    require("debate.view", debate)
    sort = request.args.get("sort", "likes")
    if sort not in queries.QUESTION_SORTS:
        sort = "likes"
    state = queries.live_state(debate, sort=sort)
    me = participant(create=False)
    return render("debates/questions.html", fragment="debates/_questions.html", debate=debate, state=state,
                  sort=sort, view="public", streamed=False,
                  liked=queries.liked_by(debate, me.key if me is not None else None))


@bp.route("/debates/<int:debate_id>/questions", methods=["POST"])
@_limit("RATELIMIT_POST")
def ask(debate_id):
    """Ask a question (signed in, or anonymously when the debate allows it); a few per participant per window."""
    debate = _load(debate_id)
    require("debate.participate", debate)
    form = QuestionForm()
    back = url_for("debates.show", debate_id=debate.id) + "#questions"
    if not form.validate():
        return render("debates/show.html", fragment="debates/_ask.html", status=422,
                      **_public_context(debate, question_form=form))
    try:
        debates.ask_question(debate, participant(), form.text.data, form.language.data)
    except DomainError as err:
        form.add_error(err.field, err.message)
        return render("debates/show.html", fragment="debates/_ask.html", status=err.status_code,
                      **_public_context(debate, question_form=form))
    flash(_("Thank you. Your question has been sent."), "success")
    if wants_fragment():
        return render("debates/_ask.html", debate=debate, question_form=QuestionForm(formdata=None),
                      participate=can("debate.participate", debate), sent=True)
    return redirect_to(back)


@bp.route("/debates/<int:debate_id>/questions/<int:question_id>/like", methods=["POST"])
@_limit("RATELIMIT_VOTE")
def like(debate_id, question_id):
    """Like a question once (per account or per browser)."""
    debate = _load(debate_id)
    question = _child(Question, question_id, debate)
    require("debate.participate", debate)
    back = url_for("debates.show", debate_id=debate.id) + f"#question-{question.id}"
    try:
        debates.like_question(debate, question, participant())
    except DomainError as err:
        return _fail(err, debate)
    if wants_fragment():
        return render("debates/_like.html", debate=debate, q=question, liked=True)
    return redirect_to(back)


@bp.route("/debates/<int:debate_id>/speak", methods=["POST"])
@_limit("RATELIMIT_POST")
def speak(debate_id):
    """Ask to speak: you join the speakers queue."""
    debate = _load(debate_id)
    require("debate.participate", debate)
    form = SpeakForm()
    back = url_for("debates.show", debate_id=debate.id) + "#speak"
    if form.validate():
        try:
            debates.request_to_speak(debate, participant(), form.name.data)
        except DomainError as err:
            return _fail(err, debate)
        flash(_("You are in the speakers queue."), "success")
    return redirect_to(back)


@bp.route("/debates/<int:debate_id>/speak/withdraw", methods=["POST"])
def withdraw(debate_id):
    """Leave the speakers queue."""
    debate = _load(debate_id)
    require("debate.participate", debate)
    back = url_for("debates.show", debate_id=debate.id) + "#speak"
    try:
        debates.withdraw_request(debate, participant())
    except DomainError as err:
        return _fail(err, debate)
    flash(_("You have left the speakers queue."), "success")
    return redirect_to(back)


@bp.route("/debates/<int:debate_id>/polls/<int:link_id>/vote", methods=["POST"])
@_limit("RATELIMIT_VOTE")
def vote(debate_id, link_id):
    """Answer the live poll (through the votes engine, one ballot per person or browser)."""
    debate = _load(debate_id)
    link = _child(DebatePoll, link_id, debate)
    require("debate.participate", debate)
    back = url_for("debates.show", debate_id=debate.id) + "#poll"
    try:
        polls.vote(debate, link, participant(), request.form)
    except DomainError as err:
        return _fail(err, debate)
    flash(_("Thank you. Your answer has been counted."), "success")
    return redirect_to(back)


@bp.route("/debates/<int:debate_id>/register", methods=["POST"])
def register(debate_id):
    """Take a place (or a place on the waiting list)."""
    debate = _load(debate_id)
    require("debate.register", debate)
    back = url_for("debates.show", debate_id=debate.id)
    try:
        reg = debates.register(debate, current_user)
    except DomainError as err:
        return _fail(err, debate)
    flash(_("You are registered.") if reg.status == "registered"
          else _("The room is full: you are on the waiting list."), "success")
    return redirect_to(back)


@bp.route("/debates/<int:debate_id>/unregister", methods=["POST"])
def unregister(debate_id):
    """Give your place back."""
    debate = _load(debate_id)
    require("debate.register", debate)
    back = url_for("debates.show", debate_id=debate.id)
    try:
        debates.unregister(debate, current_user)
    except DomainError as err:
        return _fail(err, debate)
    flash(_("Your registration is cancelled."), "success")
    return redirect_to(back)


@bp.route("/debates/<int:debate_id>/projector")
def projector(debate_id):
    """Full-screen view for the room: segment and timer, speaker and queue, live question, poll, join code."""
    debate = _load(debate_id)
    require("debate.view", debate)
    state = queries.live_state(debate)
    return render("debates/projector.html", debate=debate, state=state, view="projector", streamed=False,
                  qr=qr_svg(debate), join_url=join_url(debate))


@bp.route("/debates/<int:debate_id>/events")
def events(debate_id):
    """Server-sent events (text/event-stream) for the public page or the projector; see ``stream``."""
    debate = _load(debate_id)
    require("debate.view", debate)
    view = request.args.get("view", "public")
    if view not in stream.VIEWS:
        view = "public"
    from flask_babel import get_locale

    get_locale()  # decided now, while the session is still there
    last_event_id = request.headers.get("Last-Event-ID") or request.args.get("last_event_id")
    from consult.debates.events import ensure_listening

    ensure_listening(db.engine)
    db.session.remove()  # no connection or transaction is held while streaming
    response = Response(stream_with_context(stream.events(debate_id, view, last_event_id)),
                        mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-cache, no-transform"
    response.headers["X-Accel-Buffering"] = "no"
    return response


# -- creating and preparing -----------------------------------------------------------------------------


def _form_values(form: DebateForm) -> dict:
    return {name: getattr(form, name).data for name in debates.EDITABLE}  # times: UTC (LocalDateTimeField)


@bp.route("/debates/new", methods=["GET", "POST"])
def new():
    """Create a debate; its creator becomes its moderator."""
    require("debate.create")
    form = DebateForm()
    if form.validate_on_submit():
        try:
            debate = debates.create_debate(current_user, **_form_values(form))
        except DomainError as err:
            form.add_error(err.field, err.message)
        else:
            flash(_("The debate is created. Add its agenda and the people on stage."), "success")
            return redirect_to(url_for("debates.console", debate_id=debate.id))
    return render("debates/edit.html", form=form, debate=None, status=422 if form.errors else 200)


@bp.route("/debates/<int:debate_id>/edit", methods=["GET", "POST"])
def edit(debate_id):
    """Change the details of a debate that has not ended."""
    debate = _load(debate_id)
    require("debate.moderate", debate)
    form = DebateForm(obj=debate)
    if form.validate_on_submit():
        try:
            debates.update_debate(debate, current_user, **_form_values(form))
        except DomainError as err:
            form.add_error(err.field, err.message)
        else:
            flash(_("The debate is saved."), "success")
            return redirect_to(url_for("debates.console", debate_id=debate.id))
    return render("debates/edit.html", form=form, debate=debate, status=422 if form.errors else 200)


# -- the moderator's console ----------------------------------------------------------------------------

CONSOLE_PARTS = {
    "status": "debates/_console_status.html",
    "speakers": "debates/_console_speakers.html",
    "questions": "debates/_console_questions.html",
    "polls": "debates/_console_polls.html",
}


def _console_context(debate, **forms):
    sort = request.args.get("sort", "likes")
    if sort not in queries.QUESTION_SORTS:
        sort = "likes"
    status = request.args.get("status") or None
    if status not in (None, "new", "shortlisted", "live", "answered", "hidden"):
        status = None
    state = queries.live_state(debate, sort=sort, status=status, include_hidden=True)
    return dict(
        debate=debate, state=state, sort=sort, status_filter=status, view="console", streamed=False,
        add_speaker_form=forms.get("add_speaker_form") or AddSpeakerForm(formdata=None, prefix="speaker"),
        segment_form=forms.get("segment_form") or SegmentForm(formdata=None, prefix="segment"),
        panelist_form=forms.get("panelist_form") or PanelistForm(formdata=None, prefix="panelist"),
        poll_form=forms.get("poll_form") or PollForm(formdata=None, prefix="poll"),
        status_form=QuestionStatusForm(formdata=None), speech_form=StartSpeechForm(formdata=None),
        join_url=join_url(debate),
    )


@bp.route("/debates/<int:debate_id>/console")
def console(debate_id):
    """The moderator's console; ``?part=`` answers one section (htmx refresh on a server-sent event)."""
    debate = _load(debate_id)
    require("debate.moderate", debate)
    part = request.args.get("part")
    context = _console_context(debate)
    if part in CONSOLE_PARTS and wants_fragment():
        return render(CONSOLE_PARTS[part], **context)
    return render("debates/console.html", **context)


def _console_back(debate, anchor=""):
    return url_for("debates.console", debate_id=debate.id) + anchor


def _console_action(debate, fn, anchor="", done=None):
    try:
        fn()
    except DomainError as err:
        return _fail(err, debate, console=True)
    if done:
        flash(done, "success")
    return redirect_to(_console_back(debate, anchor))


@bp.route("/debates/<int:debate_id>/console/state", methods=["POST"])
def console_state(debate_id):
    """Start, pause, resume or end the debate."""
    debate = _load(debate_id)
    require("debate.moderate", debate)
    action = request.form.get("action")
    verbs = {"start": debates.start_debate, "pause": debates.pause_debate, "resume": debates.resume_debate,
             "end": debates.end_debate}
    if action not in verbs:
        return _fail(DomainError(_("Unknown action.")), debate, console=True)
    messages = {"start": _("The debate is live."), "pause": _("The debate is paused."),
                "resume": _("The debate is running again."), "end": _("The debate has ended.")}
    return _console_action(debate, lambda: verbs[action](debate, current_user), "#state", messages[action])


@bp.route("/debates/<int:debate_id>/console/segment", methods=["POST"])
def console_segment(debate_id):
    """Go to the next or previous segment, or to a chosen one."""
    debate = _load(debate_id)
    require("debate.moderate", debate)
    target = row_id(request.form.get("segment_id"))
    segment = _child(Segment, target, debate) if target else None
    step = -1 if request.form.get("direction") == "previous" else 1
    return _console_action(debate, lambda: debates.go_to_segment(debate, current_user, segment, step=step),
                           "#state")


@bp.route("/debates/<int:debate_id>/console/segments", methods=["POST"])
def add_segment(debate_id):
    """Add a segment at the end of the agenda."""
    debate = _load(debate_id)
    require("debate.moderate", debate)
    form = SegmentForm(prefix="segment")
    if not form.validate():
        return render("debates/console.html", status=422, **_console_context(debate, segment_form=form))
    return _console_action(debate, lambda: debates.add_segment(debate, form.title.data, form.planned_minutes.data),
                           "#agenda", _("The segment is added."))


@bp.route("/debates/<int:debate_id>/console/panelists", methods=["POST"])
def add_panelist(debate_id):
    """Put a person on stage."""
    debate = _load(debate_id)
    require("debate.moderate", debate)
    form = PanelistForm(prefix="panelist")
    if not form.validate():
        return render("debates/console.html", status=422, **_console_context(debate, panelist_form=form))
    return _console_action(debate, lambda: debates.add_panelist(debate, form.name.data, form.role.data,
                                                                form.bio.data), "#stage",
                           _("The person is on the stage list."))


@bp.route("/debates/<int:debate_id>/console/speakers", methods=["POST"])
def add_speaker(debate_id):
    """Add someone in the room to the queue by name (a speech or a point of order)."""
    debate = _load(debate_id)
    require("debate.moderate", debate)
    form = AddSpeakerForm(prefix="speaker")
    if not form.validate():
        return render("debates/console.html", status=422, **_console_context(debate, add_speaker_form=form))
    return _console_action(debate, lambda: debates.add_speaker(debate, current_user, form.name.data, form.role.data,
                                                               form.kind.data, form.note.data), "#speakers")


@bp.route("/debates/<int:debate_id>/console/speakers/<int:request_id>", methods=["POST"])
def speaker_action(debate_id, request_id):
    """Move a waiting speaker up or down, remove them, or give them the floor."""
    debate = _load(debate_id)
    req = _child(SpeakerRequest, request_id, debate)
    require("debate.moderate", debate)
    action = request.form.get("action")
    if action in ("up", "down"):
        return _console_action(debate, lambda: debates.move_request(debate, req, action), "#speakers")
    if action == "remove":
        return _console_action(debate, lambda: debates.remove_request(debate, req), "#speakers")
    if action == "start":
        form = StartSpeechForm()
        if not form.validate():
            return _fail(DomainError(_("A speech limit is between 10 seconds and one hour.")), debate,
                         console=True)
        return _console_action(debate, lambda: debates.start_speech(debate, req, form.limit_seconds.data),
                               "#speakers")
    return _fail(DomainError(_("Unknown action.")), debate, console=True)


@bp.route("/debates/<int:debate_id>/console/speech/stop", methods=["POST"])
def stop_speech(debate_id):
    """End the running speech."""
    debate = _load(debate_id)
    require("debate.moderate", debate)
    return _console_action(debate, lambda: debates.stop_speech(debate), "#speakers")


@bp.route("/debates/<int:debate_id>/console/questions/<int:question_id>", methods=["POST"])
def question_status(debate_id, question_id):
    """Shortlist a question, put it live on the projector, mark it answered, or hide it with a reason."""
    debate = _load(debate_id)
    question = _child(Question, question_id, debate)
    require("debate.moderate", debate)
    form = QuestionStatusForm()
    if not form.validate():
        return _fail(DomainError(_("Unknown question status.")), debate, console=True)
    return _console_action(debate, lambda: debates.set_question_status(
        debate, question, form.status.data, current_user, form.reason.data), f"#mq-{question.id}")


@bp.route("/debates/<int:debate_id>/console/priority", methods=["POST"])
def toggle_priority(debate_id):
    """Turn priority for first-time speakers on or off."""
    debate = _load(debate_id)
    require("debate.moderate", debate)

    def flip():
        debates.not_ended(debate)
        debate.first_time_priority = not debate.first_time_priority
        debates.changed(debate, "speakers")

    return _console_action(debate, flip, "#speakers")


@bp.route("/debates/<int:debate_id>/console/polls", methods=["POST"])
def create_poll(debate_id):
    """Prepare a live poll (it opens when the moderator says so)."""
    debate = _load(debate_id)
    require("debate.moderate", debate)
    form = PollForm(prefix="poll")
    if not form.validate():
        return render("debates/console.html", status=422, **_console_context(debate, poll_form=form))
    try:
        polls.create(debate, form.question.data, form.method.data, (form.options.data or "").splitlines())
    except DomainError as err:
        form.add_error(err.field, err.message)
        return render("debates/console.html", status=err.status_code, **_console_context(debate, poll_form=form))
    flash(_("The poll is ready. Open it when the room is ready to answer."), "success")
    return redirect_to(_console_back(debate, "#polls"))


@bp.route("/debates/<int:debate_id>/console/polls/<int:link_id>", methods=["POST"])
def poll_action(debate_id, link_id):
    """Open or close a poll, or show / hide its results on the projector."""
    debate = _load(debate_id)
    link = _child(DebatePoll, link_id, debate)
    require("debate.moderate", debate)
    action = request.form.get("action")
    verbs = {"open": polls.open_, "close": polls.close, "project": polls.project, "unproject": polls.unproject}
    if action not in verbs:
        return _fail(DomainError(_("Unknown action.")), debate, console=True)
    return _console_action(debate, lambda: verbs[action](debate, link), "#polls")


@bp.route("/debates/<int:debate_id>/record.json")
def record(debate_id):
    """The structured record of the debate (moderators; the raw material of minutes)."""
    debate = _load(debate_id)
    require("debate.moderate", debate)
    from consult.debates.record import debate_record

    return debate_record(debate)
