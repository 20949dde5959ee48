"""The moderator's side of debates: creating and editing a debate, the console (``/debates/<id>/console``)
and its buttons (the debate's state, the agenda, the stage, the speakers queue, questions, polls), and the
record."""

from __future__ import annotations

from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from consult.core.policy import require
from consult.core.rendering import render, submit, wants_fragment
from consult.debates import bp, polls, queries
from consult.debates import services as debates
from consult.debates.forms import (
    AddSpeakerForm,
    ButtonForm,
    DebateForm,
    PanelistForm,
    PollActionForm,
    PollForm,
    ProgrammeRowForm,
    QuestionStatusForm,
    SegmentForm,
    SegmentMoveForm,
    SpeakerActionForm,
    StateForm,
)
from consult.debates.models import DebatePoll, Panelist, Question, Segment, SpeakerRequest
from consult.debates.record import debate_record
from consult.debates.views.common import child, join_url, load, refusal_status, refused

CONSOLE_PARTS = {
    "status": "debates/_console_status.html",
    "speakers": "debates/_console_speakers.html",
    "questions": "debates/_console_questions.html",
    "polls": "debates/_console_polls.html",
}
STATUS_FILTERS = ("new", "shortlisted", "live", "answered", "hidden")

#: the buttons of the debate's state: the service and what is said once it is done
STATES = {
    "start": (debates.start_debate, _l("The debate is live.")),
    "pause": (debates.pause_debate, _l("The debate is paused.")),
    "resume": (debates.resume_debate, _l("The debate is running again.")),
    "end": (debates.end_debate, _l("The debate has ended.")),
}
#: the buttons of a poll
POLL_ACTIONS = {"open": polls.open_, "close": polls.close, "project": polls.project,
                "unproject": polls.unproject}
#: the console's forms, by the name the console's template knows them by: the form and its fields' prefix
CONSOLE_FORMS = {
    "add_speaker_form": (AddSpeakerForm, "speaker"),
    "segment_form": (SegmentForm, "segment"),
    "panelist_form": (PanelistForm, "panelist"),
    "poll_form": (PollForm, "poll"),
}


def _editable(form: DebateForm) -> dict:
    return {name: getattr(form, name).data for name in debates.EDITABLE}  # times: UTC (LocalDateTimeField)


def _console_url(debate, anchor: str = "") -> str:
    return url_for("debates.console", debate_id=debate.id) + anchor


#: the programme's rows the console edits one form each: the model, the form, the fields' prefix
ROWS = {"panelist": (Panelist, PanelistForm), "segment": (Segment, SegmentForm)}


def _row_forms(debate, state, edited) -> dict:
    """A form per panelist and per segment, filled from the row (``edited``: (kind, row id, form) in place of
    that row's, as it was sent)."""
    rows = {"panelist": debate.panelists, "segment": state.segments}
    forms = {kind: {row.id: form_class(formdata=None, obj=row, prefix=f"{kind}-{row.id}")
                    for row in rows[kind]} for kind, (_model, form_class) in ROWS.items()}
    if edited is not None:
        kind, row_id, form = edited
        forms[kind][row_id] = form
    return forms


def console_context(debate, edited=None, **forms) -> dict:
    """What the console shows, with the forms given (``segment_form=``...) in place of empty ones, and a
    row's form as it was sent (``edited``)."""
    sort = request.args.get("sort", "likes")
    if sort not in queries.QUESTION_SORTS:
        sort = "likes"
    status = request.args.get("status") or None
    if status not in STATUS_FILTERS:
        status = None
    state = queries.live_state(debate, sort=sort, status=status, include_hidden=True)
    shown = {name: forms.get(name) or form_class(formdata=None, prefix=prefix)
             for name, (form_class, prefix) in CONSOLE_FORMS.items()}
    row_forms = _row_forms(debate, state, edited)
    return dict(debate=debate, state=state, sort=sort, status_filter=status, view="console", streamed=False,
                join_url=join_url(debate), panelist_forms=row_forms["panelist"],
                segment_forms=row_forms["segment"], **shown)


def _console(debate, edited=None, **forms):
    """The console again, with a status (after a refused button, or with a form as it was sent).

    A form comes back with its fields' errors next to them; a refusal about no field (a conflict with the
    debate's state: it has ended) is flashed, since the form may no longer be on the page."""

    def page(status: int):
        for form in [*forms.values(), *([edited[2]] if edited else [])]:
            for message in form.form_errors:
                flash(message, "error")
            form.form_errors = []
        return render("debates/console.html", status=status, **console_context(debate, edited, **forms))

    return page


def _moderated(debate_id: int):
    """The debate, for its moderators (404, then 403)."""
    debate = load(debate_id)
    require("debate.moderate", debate)
    return debate


def _moderated_row(debate_id: int, model, row_id: int):
    """The debate and one of its rows (a speaker request, a question, a poll), for its moderators (404 for
    either, then 403)."""
    debate = load(debate_id)
    row = child(model, row_id, debate)
    require("debate.moderate", debate)
    return debate, row


def _console_form(debate_id: int, name: str, anchor: str, work, success=None):
    """A form of the console (one of ``CONSOLE_FORMS``): ``work(debate, form)``, then back to the console at
    ``anchor``; refused, the console with the form as it was sent."""
    debate = _moderated(debate_id)
    form_class, prefix = CONSOLE_FORMS[name]
    form = form_class(prefix=prefix)
    return submit(form, lambda: work(debate, form), success=success, done=_console_url(debate, anchor),
                  page=_console(debate, **{name: form}), status=refusal_status)


def _button(debate, form, action, anchor: str, success=None):
    """A console button: the service, then back to the console at ``anchor``; a refusal is flashed on it."""
    return submit(form, action, success=success, done=_console_url(debate, anchor),
                  page=refused(form, _console(debate)), status=refusal_status)


# -- creating and preparing -------------------------------------------------------------------------------


@bp.route("/debates/new", methods=["GET", "POST"])
def new():
    """Create a debate; its creator becomes its moderator."""
    require("debate.create")
    form = DebateForm()
    return submit(form, lambda: debates.create_debate(current_user, **_editable(form)),
                  success=_("The debate is created. Add its agenda and the people on stage."),
                  done=_console_url, page="debates/edit.html", debate=None)


@bp.route("/debates/<int:debate_id>/edit", methods=["GET", "POST"])
def edit(debate_id):
    """Change the details of a debate that has not ended."""
    debate = _moderated(debate_id)
    form = DebateForm(obj=debate)
    return submit(form, lambda: debates.update_debate(debate, current_user, **_editable(form)),
                  success=_("The debate is saved."), done=_console_url(debate), page="debates/edit.html",
                  debate=debate)


@bp.route("/debates/<int:debate_id>/console/segments", methods=["POST"])
def add_segment(debate_id):
    """Add a segment at the end of the agenda."""
    return _console_form(debate_id, "segment_form", "#agenda", lambda debate, form: debates.add_segment(
        debate, form.title.data, form.planned_minutes.data), _("The segment is added."))


@bp.route("/debates/<int:debate_id>/console/panelists", methods=["POST"])
def add_panelist(debate_id):
    """Put a person on stage."""
    return _console_form(debate_id, "panelist_form", "#stage", lambda debate, form: debates.add_panelist(
        debate, form.name.data, form.role.data, form.bio.data), _("The person is on the stage list."))


@bp.route("/debates/<int:debate_id>/console/panelists/<int:panelist_id>", methods=["POST"])
def edit_panelist(debate_id, panelist_id):
    """Change a panelist's name, role or bio."""
    return _row_form(debate_id, "panelist", panelist_id, lambda debate, row, form: debates.update_panelist(
        debate, row, name=form.name.data, role=form.role.data, bio=form.bio.data), _("The person is saved."))


@bp.route("/debates/<int:debate_id>/console/segments/<int:segment_id>", methods=["POST"])
def edit_segment(debate_id, segment_id):
    """Rename a segment or plan it again."""
    return _row_form(debate_id, "segment", segment_id, lambda debate, row, form: debates.update_segment(
        debate, row, title=form.title.data, planned_minutes=form.planned_minutes.data),
        _("The segment is saved."))


@bp.route("/debates/<int:debate_id>/console/panelists/<int:panelist_id>/action", methods=["POST"])
def panelist_action(debate_id, panelist_id):
    """Move a panelist up or down the stage list, or take them off it."""
    return _row_action(debate_id, "panelist", panelist_id, debates.remove_panelist,
                       _("The person is no longer on the stage list."))


@bp.route("/debates/<int:debate_id>/console/segments/<int:segment_id>/action", methods=["POST"])
def segment_action(debate_id, segment_id):
    """Move a segment up or down the agenda, or take it off."""
    return _row_action(debate_id, "segment", segment_id, debates.remove_segment,
                       _("The segment is no longer on the agenda."))


def _row_form(debate_id: int, kind: str, row_id: int, work, success):
    """A row's form of the programme: ``work(debate, row, form)``, then back to the row; refused, the console
    with the row's form as it was sent."""
    model, form_class = ROWS[kind]
    debate, row = _moderated_row(debate_id, model, row_id)
    form = form_class(prefix=f"{kind}-{row.id}")
    return submit(form, lambda: work(debate, row, form), success=success,
                  done=_console_url(debate, f"#{kind}-{row.id}"),
                  page=_console(debate, (kind, row.id, form)), status=refusal_status)


def _row_action(debate_id: int, kind: str, row_id: int, remove, removed):
    """A row's buttons: up, down (back to the row) or remove (back to its list)."""
    model, _form_class = ROWS[kind]
    debate, row = _moderated_row(debate_id, model, row_id)
    form = ProgrammeRowForm()
    anchor = "#agenda" if kind == "segment" else "#stage"

    def act():
        if form.action.data == "remove":
            return remove(debate, row)
        return debates.move(debate, row, form.action.data)

    return _button(debate, form, act, anchor if form.action.data == "remove" else f"#{kind}-{row.id}",
                   success=lambda _done: removed if form.action.data == "remove" else None)


# -- the console --------------------------------------------------------------------------------------------


@bp.route("/debates/<int:debate_id>/console")
def console(debate_id):
    """The moderator's console; ``?part=`` answers one section (htmx refresh on a server-sent event)."""
    debate = _moderated(debate_id)
    part = request.args.get("part")
    context = console_context(debate)
    if part in CONSOLE_PARTS and wants_fragment():
        return render(CONSOLE_PARTS[part], **context)
    return render("debates/console.html", **context)


@bp.route("/debates/<int:debate_id>/console/state", methods=["POST"])
def console_state(debate_id):
    """Start, pause, resume or end the debate."""
    debate = _moderated(debate_id)
    form = StateForm()
    return _button(debate, form, lambda: STATES[form.action.data][0](debate, current_user), "#state",
                   success=lambda _result: STATES[form.action.data][1])


@bp.route("/debates/<int:debate_id>/console/segment", methods=["POST"])
def console_segment(debate_id):
    """Go to the next or previous segment, or to a chosen one."""
    debate = _moderated(debate_id)
    form = SegmentMoveForm()

    def go():
        segment = child(Segment, form.segment_id.data, debate) if form.segment_id.data else None
        return debates.go_to_segment(debate, current_user, segment, step=form.step)

    return _button(debate, form, go, "#state")


@bp.route("/debates/<int:debate_id>/console/speakers", methods=["POST"])
def add_speaker(debate_id):
    """Add someone in the room to the queue by name (a speech or a point of order)."""
    return _console_form(debate_id, "add_speaker_form", "#speakers", lambda debate, form: debates.add_speaker(
        debate, current_user, form.name.data, form.role.data, form.kind.data, form.note.data))


@bp.route("/debates/<int:debate_id>/console/speakers/<int:request_id>", methods=["POST"])
def speaker_action(debate_id, request_id):
    """Move a waiting speaker up or down, remove them, or give them the floor."""
    debate, req = _moderated_row(debate_id, SpeakerRequest, request_id)
    form = SpeakerActionForm()
    verbs = {"up": lambda: debates.move_request(debate, req, "up"),
             "down": lambda: debates.move_request(debate, req, "down"),
             "remove": lambda: debates.remove_request(debate, req),
             "start": lambda: debates.start_speech(debate, req, form.limit_seconds.data)}
    return _button(debate, form, lambda: verbs[form.action.data](), "#speakers")


@bp.route("/debates/<int:debate_id>/console/speech/stop", methods=["POST"])
def stop_speech(debate_id):
    """End the running speech."""
    debate = _moderated(debate_id)
    return _button(debate, ButtonForm(), lambda: debates.stop_speech(debate), "#speakers")


@bp.route("/debates/<int:debate_id>/console/priority", methods=["POST"])
def toggle_priority(debate_id):
    """Turn priority for first-time speakers on or off."""
    debate = _moderated(debate_id)
    return _button(debate, ButtonForm(), lambda: debates.toggle_priority(debate), "#speakers")


@bp.route("/debates/<int:debate_id>/console/questions/<int:question_id>", methods=["POST"])
def question_status(debate_id, question_id):
    """Shortlist a question, put it live on the projector, mark it answered, or hide it with a reason."""
    debate, question = _moderated_row(debate_id, Question, question_id)
    form = QuestionStatusForm()
    return _button(debate, form, lambda: debates.set_question_status(debate, question, form.status.data,
                                                                     current_user, form.reason.data),
                   f"#mq-{question.id}")


@bp.route("/debates/<int:debate_id>/console/polls", methods=["POST"])
def create_poll(debate_id):
    """Prepare a live poll (it opens when the moderator says so)."""
    return _console_form(debate_id, "poll_form", "#polls", lambda debate, form: polls.create(
        debate, form.question.data, form.method.data, form.option_lines()),
        _("The poll is ready. Open it when the room is ready to answer."))


@bp.route("/debates/<int:debate_id>/console/polls/<int:link_id>", methods=["POST"])
def poll_action(debate_id, link_id):
    """Open or close a poll, or show / hide its results on the projector."""
    debate, link = _moderated_row(debate_id, DebatePoll, link_id)
    form = PollActionForm()
    return _button(debate, form, lambda: POLL_ACTIONS[form.action.data](debate, link), "#polls")


@bp.route("/debates/<int:debate_id>/record.json")
def record(debate_id):
    """The structured record of the debate (moderators; the raw material of minutes)."""
    debate = _moderated(debate_id)
    return debate_record(debate)
