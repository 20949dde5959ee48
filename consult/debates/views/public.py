"""The public side of debates: the list, the join code, a debate's page (details, live state, questions,
asking, asking to speak, the live poll, registration) and what phones send from it."""

from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from consult.core.errors import DomainError
from consult.core.policy import can, require
from consult.core.rendering import redirect_to, render, submit, wants_fragment
from consult.debates import bp, polls, queries
from consult.debates import services as debates
from consult.debates.forms import ButtonForm, JoinForm, QuestionForm, SpeakForm
from consult.debates.models import DebatePoll, Question
from consult.debates.views.common import (
    child,
    join_url,
    limit,
    load,
    participant,
    participant_key,
    refusal_status,
    refused,
)

#: sections of the public page that htmx fetches again (``?part=``) when the events say so: drawn for each
#: person (asking to speak, asking a question), or the programme (the agenda and the people on stage)
PUBLIC_PARTS = {"speak": "debates/_speak.html", "ask": "debates/_ask.html",
                "programme": "debates/_programme.html"}


def _sort() -> str:
    sort = request.args.get("sort", "likes")
    return sort if sort in queries.QUESTION_SORTS else "likes"


def _url(debate, anchor: str = "") -> str:
    return url_for("debates.show", debate_id=debate.id) + anchor


def public_context(debate, *, sort="likes", question_form=None, speak_form=None) -> dict:
    """What the public page shows this person."""
    state = queries.live_state(debate, sort=sort)
    key = participant_key()
    my_request = next((r for r in state.requests if key and r.participant_key == key
                       and r.status in ("waiting", "speaking")), None)
    registration = None
    if current_user.is_authenticated and debate.registration_required:
        registration = queries.registration_of(debate, current_user)
    return dict(
        debate=debate, state=state, sort=sort, view="public", streamed=False,
        question_form=question_form or QuestionForm(formdata=None),
        speak_form=speak_form or SpeakForm(formdata=None),
        participate=can("debate.participate", debate), my_request=my_request,
        ballot=queries.ballot(state), liked=queries.liked_by(debate, key),
        registration=registration,
        registrations=queries.registration_counts(debate) if debate.registration_required else {},
        join_url=join_url(debate),
    )


def _part_context(debate) -> dict:
    """What the sections of :data:`PUBLIC_PARTS` need (a few queries, not the whole live state)."""
    return dict(debate=debate, participate=can("debate.participate", debate),
                my_request=queries.request_of(debate, participant_key()),
                question_form=QuestionForm(formdata=None), speak_form=SpeakForm(formdata=None))


def _page(debate):
    """The public page again, with a status (after a refusal)."""
    return lambda status: render("debates/show.html", status=status, **public_context(debate))


def _taking_part(debate_id: int, rule: str = "debate.participate"):
    """The debate, when this person may take part in it by ``rule`` (404, then 403)."""
    debate = load(debate_id)
    require(rule, debate)
    return debate


def _button(debate, work, anchor: str = "", success=None, *, form=None):
    """A button of the public page (``form``: a ``ButtonForm`` unless it has fields): ``work()``, then the
    page at ``anchor``; refused, the reason (the page again, or the message alone for htmx)."""
    if form is None:
        form = ButtonForm()
    return submit(form, work, success=success, done=_url(debate, anchor), page=refused(form, _page(debate)),
                  status=refusal_status)


# -- pages ------------------------------------------------------------------------------------------------


@bp.route("/debates/")
def index():
    """Live, upcoming and past debates, and a box to type a join code."""
    require("debate.view")
    return render("debates/index.html", groups=queries.debates_list(), join_form=JoinForm(formdata=None))


def _to_debate(code: str, form: JoinForm, status: int):
    """The debate of a join code, or the join page with the reason (``status``)."""
    try:
        debate = debates.find_by_join_code(code)
    except DomainError as err:
        form.add_error("code", err.message)
        return render("debates/join.html", form=form, status=status)
    return redirect_to(_url(debate))


@bp.route("/debates/join")
def join():
    """Find a debate by the code shown in the room; an unknown code gets a clear message (404)."""
    form = JoinForm(request.args, meta={"csrf": False})
    code = form.code.data or ""
    return _to_debate(code, form, 404 if code.strip() else 422)


@bp.route("/d/<code>")
def join_code(code):
    """The short join link printed on the projector and in the QR code."""
    return _to_debate(code, JoinForm(formdata=None, code=code[:12]), 404)


@bp.route("/debates/<int:debate_id>")
def show(debate_id):
    """The debate: details, agenda, people on stage, the live state, questions, and ways to take part.

    ``?part=speak`` or ``?part=ask`` (htmx) answers one section drawn for this person: the page fetches it
    again when the debate starts or ends, and the speakers section when the queue changes while this person
    is in it; ``?part=programme`` the agenda and the people on stage, fetched again when they change."""
    debate = load(debate_id)
    require("debate.view", debate)
    part = request.args.get("part")
    if part in PUBLIC_PARTS and wants_fragment():
        return render(PUBLIC_PARTS[part], **_part_context(debate))
    return render("debates/show.html", **public_context(debate, sort=_sort()))


@bp.route("/debates/<int:debate_id>/questions")
def questions(debate_id):
    """The public question list (most liked or newest first); readable without JavaScript."""
    debate = load(debate_id)
    require("debate.view", debate)
    sort = _sort()
    return render("debates/questions.html", fragment="debates/_questions.html", debate=debate,
                  state=queries.live_state(debate, sort=sort), sort=sort, view="public", streamed=False,
                  liked=queries.liked_by(debate, participant_key()))


# -- what phones send -------------------------------------------------------------------------------------


@bp.route("/debates/<int:debate_id>/questions", methods=["POST"])
@limit("RATELIMIT_POST")
def ask(debate_id):
    """Ask a question (signed in, or anonymously when the debate allows it); a few per participant per
    window."""
    debate = load(debate_id)
    require("debate.participate", debate)
    form = QuestionForm()

    def sent(_question):
        if wants_fragment():
            return render("debates/_ask.html", debate=debate, question_form=QuestionForm(formdata=None),
                          participate=can("debate.participate", debate), sent=True)
        return _url(debate, "#questions")

    return submit(form, lambda: debates.ask_question(debate, participant(), form.text.data,
                                                     form.language.data),
                  success=_("Thank you. Your question has been sent."), done=sent, status=refusal_status,
                  page=lambda status: render("debates/show.html", fragment="debates/_ask.html", status=status,
                                             **public_context(debate, question_form=form)))


@bp.route("/debates/<int:debate_id>/questions/<int:question_id>/like", methods=["POST"])
@limit("RATELIMIT_VOTE")
def like(debate_id, question_id):
    """Like a question once (per account or per browser)."""
    debate = load(debate_id)
    question = child(Question, question_id, debate)
    require("debate.participate", debate)
    form = ButtonForm()

    def liked(q):
        if wants_fragment():
            return render("debates/_like.html", debate=debate, q=q, liked=True)
        return _url(debate, f"#question-{q.id}")

    return submit(form, lambda: debates.like_question(debate, question, participant()), done=liked,
                  page=refused(form, _page(debate)), status=refusal_status)


@bp.route("/debates/<int:debate_id>/speak", methods=["POST"])
@limit("RATELIMIT_POST")
def speak(debate_id):
    """Ask to speak: you join the speakers queue."""
    debate = _taking_part(debate_id)
    form = SpeakForm()
    return _button(debate, lambda: debates.request_to_speak(debate, participant(), form.name.data), "#speak",
                   _("You are in the speakers queue."), form=form)


@bp.route("/debates/<int:debate_id>/speak/withdraw", methods=["POST"])
def withdraw(debate_id):
    """Leave the speakers queue."""
    debate = _taking_part(debate_id)
    return _button(debate, lambda: debates.withdraw_request(debate, participant()), "#speak",
                   _("You have left the speakers queue."))


@bp.route("/debates/<int:debate_id>/polls/<int:link_id>/vote", methods=["POST"])
@limit("RATELIMIT_VOTE")
def vote(debate_id, link_id):
    """Answer the live poll (through the votes engine, one ballot per person or browser); the poll's method
    reads its own fields of the ballot."""
    debate = load(debate_id)
    link = child(DebatePoll, link_id, debate)
    require("debate.participate", debate)
    return _button(debate, lambda: polls.vote(debate, link, participant(), request.form), "#poll",
                   _("Thank you. Your answer has been counted."))


REGISTERED = {"registered": _l("You are registered."),
              "waiting": _l("The room is full: you are on the waiting list.")}


@bp.route("/debates/<int:debate_id>/register", methods=["POST"])
def register(debate_id):
    """Take a place (or a place on the waiting list)."""
    debate = _taking_part(debate_id, "debate.register")
    return _button(debate, lambda: debates.register(debate, current_user),
                   success=lambda registration: REGISTERED[registration.status])


@bp.route("/debates/<int:debate_id>/unregister", methods=["POST"])
def unregister(debate_id):
    """Give your place back."""
    debate = _taking_part(debate_id, "debate.register")
    return _button(debate, lambda: debates.unregister(debate, current_user),
                   success=_("Your registration is cancelled."))
