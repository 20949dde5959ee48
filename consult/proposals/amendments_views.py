"""Amendment pages. Each view: load (404) → authorize (policy) → validate (422) → service → render/redirect.

The proposal's page shows its amendments and the credit of the accepted ones through the template global
``amendment_section`` (two queries: the amendments with their authors, the window)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload, lazyload, selectinload

from consult.core.diff import diff
from consult.core.policy import can, require
from consult.core.rendering import redirect_to, render, submit, wants_fragment
from consult.extensions import db, limiter
from consult.processes.models import Process
from consult.proposals import amendments as services
from consult.proposals import bp
from consult.proposals.amendments_forms import AmendmentForm, RejectForm, WindowForm
from consult.proposals.amendments_models import (
    ACCEPTED,
    Amendment,
    AmendmentSupport,
    AmendmentWindow,
    remember_window,
)
from consult.proposals.models import Proposal


def _limit():
    return limiter.limit(lambda: current_app.config.get("RATELIMIT_POST", "30 per minute"), methods=["POST"])


def _proposal_options():
    return joinedload(Proposal.process).options(lazyload(Process.themes), lazyload(Process.districts),
                                                selectinload(Process.phases))


def _load_proposal(proposal_id: int) -> Proposal:
    proposal = db.session.scalar(sa.select(Proposal).where(Proposal.id == proposal_id)
                                 .options(_proposal_options()))
    if proposal is None:
        abort(404)
    return proposal


def _load(amendment_id: int) -> Amendment:
    amendment = db.session.scalar(sa.select(Amendment).where(Amendment.id == amendment_id).options(
        joinedload(Amendment.proposal).options(_proposal_options()), joinedload(Amendment.author)))
    if amendment is None:
        abort(404)
    return amendment


def _visible(proposal: Proposal) -> None:
    """Amendments are read where the proposal is: a draft's are nobody's business."""
    require("proposal.view", proposal)
    if proposal.is_draft:
        abort(404)


@dataclass
class Section:
    """What the proposal's page shows of its amendments."""

    amendments: list
    credits: list
    origin: Amendment | None
    window: AmendmentWindow | None

    @property
    def pending(self) -> int:
        return sum(1 for a in self.amendments if a.state == "pending" and not a.is_hidden)


@bp.app_template_global()
def amendment_section(proposal) -> Section:
    """The proposal's window, its amendments (with their authors) and the amendment it came from, in one
    query: a row of nulls when there are none."""
    base = sa.select(sa.literal(1).label("one")).subquery()
    result = db.session.execute(
        sa.select(AmendmentWindow, Amendment).select_from(base)
        .outerjoin(AmendmentWindow, AmendmentWindow.proposal_id == proposal.id)
        .outerjoin(Amendment, sa.or_(Amendment.proposal_id == proposal.id,
                                     Amendment.promoted_to_id == proposal.id))
        .options(joinedload(Amendment.author), lazyload(Amendment.proposal))
        .order_by(Amendment.created_at, Amendment.id)).unique().all()
    window = result[0][0] if result else None
    remember_window(proposal, window)
    rows = [amendment for _window, amendment in result if amendment is not None]
    own = [a for a in rows if a.proposal_id == proposal.id]
    credits = []
    for amendment in own:
        if amendment.state == ACCEPTED and amendment.author is not None \
                and amendment.author.public_name not in credits:
            credits.append(amendment.author.public_name)
    origin = next((a for a in rows if a.promoted_to_id == proposal.id), None)
    return Section(own, credits, origin, window)


@bp.route("/proposals/<int:proposal_id>/amendments")
def amendments(proposal_id):
    """A proposal's amendments, its window, and the versions of its text."""
    proposal = _load_proposal(proposal_id)
    _visible(proposal)
    form = WindowForm(obj=None)
    section = amendment_section(proposal)
    if section.window is not None and section.window.is_open():
        form.closes_at.data = section.window.closes_at
    return render("proposals/amendments/index.html", proposal=proposal, section=section, form=form,
                  versions=services.versions_of(proposal.id),
                  may={"create": can("amendment.create", proposal),
                       "window": can("amendment.window", proposal)})


@bp.route("/proposals/<int:proposal_id>/amendments/window", methods=["POST"])
@_limit()
def amendment_window(proposal_id):
    """The proposal's author or the organisers set until when it takes amendments (empty: closed now)."""
    proposal = _load_proposal(proposal_id)
    require("amendment.window", proposal)
    form = WindowForm()
    back = url_for("proposals.amendments", proposal_id=proposal.id)

    def page(status):
        return render("proposals/amendments/index.html", status=status, proposal=proposal, form=form,
                      section=amendment_section(proposal), versions=services.versions_of(proposal.id),
                      may={"create": can("amendment.create", proposal), "window": True})

    return submit(form, lambda: services.set_window(proposal, current_user, form.closes_at.data),
                  success=lambda window: (_("The proposal takes amendments until the time you chose.")
                                          if form.closes_at.data
                                          else _("The proposal no longer takes amendments.")),
                  done=back, page=page)


@bp.route("/proposals/<int:proposal_id>/amendments/new", methods=["GET", "POST"])
@_limit()
def new_amendment(proposal_id):
    """An eligible resident proposes a new text, starting from the current one."""
    proposal = _load_proposal(proposal_id)
    require("amendment.create", proposal)
    form = AmendmentForm()
    if request.method == "GET":
        form.title.data, form.body.data = proposal.title, proposal.body
    return submit(form, lambda: services.propose(proposal, current_user, title=form.title.data,
                                                 body=form.body.data, explanation=form.explanation.data),
                  success=_("Your amendment is proposed. The author of the proposal will decide."),
                  done=lambda amendment: url_for("proposals.amendment", amendment_id=amendment.id),
                  page="proposals/amendments/form.html", proposal=proposal)


def _diffs(amendment: Amendment) -> dict:
    """The changes against the text it was written for, and (out of date) against the current text too."""
    proposal = amendment.proposal
    against = {"title": amendment.base_title != amendment.title,
               "hunks": diff(amendment.base_body, amendment.body)}
    current = None
    if amendment.is_out_of_date:
        current = {"title": proposal.title != amendment.title, "hunks": diff(proposal.body, amendment.body)}
    return {"base": against, "current": current}


def _page(amendment: Amendment, *, reject_form=None, status: int = 200):
    proposal = amendment.proposal
    may = {name: can(f"amendment.{name}", amendment)
           for name in ("accept", "reject", "withdraw", "support", "unsupport", "promote")}
    return render("proposals/amendments/show.html", status=status, amendment=amendment, proposal=proposal,
                  diffs=_diffs(amendment), may=may, manage=can("amendment.manage", amendment),
                  supported=services.supports(current_user, amendment.id),
                  reject_form=reject_form or RejectForm(formdata=None))


@bp.route("/amendments/<int:amendment_id>")
def amendment(amendment_id):
    """An amendment: its explanation, its diff, its state, supports and the author's decision."""
    amendment = _load(amendment_id)
    _visible(amendment.proposal)
    require("amendment.view", amendment)
    return _page(amendment)


def _button(amendment_id: int, rule: str, work, message: str, done=None):
    amendment = _load(amendment_id)
    require(rule, amendment)
    result = work(amendment, current_user)
    flash(message, "success")
    target = done(result) if done else url_for("proposals.amendment", amendment_id=amendment.id)
    return redirect_to(target)


@bp.route("/amendments/<int:amendment_id>/accept", methods=["POST"])
@_limit()
def accept_amendment(amendment_id):
    """The proposal's author takes the amendment's text: a new version of the proposal."""
    return _button(amendment_id, "amendment.accept", services.accept,
                   _("The amendment is accepted: it is now the proposal's text."),
                   done=lambda version: url_for("proposals.show", proposal_id=version.proposal_id))


@bp.route("/amendments/<int:amendment_id>/reject", methods=["POST"])
@_limit()
def reject_amendment(amendment_id):
    """The proposal's author rejects the amendment with a public reason (the page again, 422, without one)."""
    amendment = _load(amendment_id)
    require("amendment.reject", amendment)
    form = RejectForm()
    return submit(form, lambda: services.reject(amendment, current_user, form.reason.data),
                  success=_("The amendment is rejected. Its author is told why."),
                  done=url_for("proposals.amendment", amendment_id=amendment.id),
                  page=lambda status: _page(amendment, reject_form=form, status=status))


@bp.route("/amendments/<int:amendment_id>/withdraw", methods=["POST"])
@_limit()
def withdraw_amendment(amendment_id):
    return _button(amendment_id, "amendment.withdraw", services.withdraw, _("Your amendment is withdrawn."))


@bp.route("/amendments/<int:amendment_id>/promote", methods=["POST"])
@_limit()
def promote_amendment(amendment_id):
    """The author of a rejected amendment publishes it as a proposal of its own."""
    return _button(amendment_id, "amendment.promote", services.promote,
                   _("Your amendment is now a proposal of its own."),
                   done=lambda proposal: url_for("proposals.show", proposal_id=proposal.id))


def _support_button(amendment_id: int, rule: str, work, message: str):
    amendment = _load(amendment_id)
    require(rule, amendment)
    work(amendment, current_user)
    if wants_fragment():
        return render("proposals/amendments/_support.html", amendment=amendment, message=message,
                      supported=services.supports(current_user, amendment.id),
                      may={"support": can("amendment.support", amendment),
                           "unsupport": can("amendment.unsupport", amendment)})
    flash(message, "success")
    return redirect_to(url_for("proposals.amendment", amendment_id=amendment.id))


@bp.route("/amendments/<int:amendment_id>/support", methods=["POST"])
@_limit()
def support_amendment(amendment_id):
    """Support an amendment (once; the database refuses a second support)."""
    return _support_button(amendment_id, "amendment.support", services.support,
                           _("You support this amendment."))


@bp.route("/amendments/<int:amendment_id>/unsupport", methods=["POST"])
@_limit()
def unsupport_amendment(amendment_id):
    return _support_button(amendment_id, "amendment.unsupport", services.unsupport,
                           _("You no longer support this amendment."))


def _export(user) -> dict:
    """For "download my data": the amendments the person wrote and those they support (one query)."""
    supported = sa.select(AmendmentSupport.amendment_id).where(AmendmentSupport.user_id == user.id)
    rows = db.session.execute(
        sa.select(Amendment.id, Amendment.proposal_id, Amendment.title, Amendment.body, Amendment.explanation,
                  Amendment.state, Amendment.created_at, Amendment.author_id)
        .where(sa.or_(Amendment.author_id == user.id, Amendment.id.in_(supported)))
        .order_by(Amendment.id)).all()
    return {"amendments": [{"id": r.id, "proposal_id": r.proposal_id, "title": r.title, "body": r.body,
                            "explanation": r.explanation, "state": r.state, "at": r.created_at.isoformat()}
                           for r in rows if r.author_id == user.id],
            "supported_amendments": [r.id for r in rows if r.author_id != user.id]}


def _register() -> None:
    from flask_babel import lazy_gettext as _l

    from consult.core import personal_data, targets
    from consult.notifications import services as notifications

    personal_data.register_exporter("amendments", _export)

    targets.register("amendment", Amendment, load=(
        joinedload(Amendment.proposal).options(_proposal_options()),))
    notifications.MESSAGES.update({
        "amendment_proposed": _l("%(actor)s proposed an amendment to “%(title)s”."),
        "amendment_accepted": _l("The amendment “%(title)s” is accepted: it is now the proposal's text."),
        "amendment_rejected": _l("The amendment “%(title)s” is rejected. The reason is on its page."),
        "proposal_amended": _l("“%(title)s” is amended: its text has changed."),
    })


_register()
