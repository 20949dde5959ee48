"""Pages of participatory budgets: a process's budgets, a budget (calendar, step, projects, the link to the
ballot), proposing a project, a project's page (with the technical review for the staff), the organisers'
console (steps, projects to review, promoting a proposal), creating and editing a budget.

Each view: load (404) → authorize (policy) → validate (WTForms, 422) → service → render or redirect (303).
"""

from __future__ import annotations

from flask import abort, current_app, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.budgets import bp, projects, services, voting
from consult.budgets.forms import BudgetForm, ProjectForm, PromoteForm, ReviewForm
from consult.budgets.models import (
    ACCEPTED,
    PROJECT_STATUSES,
    SET_ASIDE,
    SUBMITTED,
    WITHDRAWN,
    Budget,
    BudgetProject,
)
from consult.core.models import get_or_404 as _get_or_404
from consult.core.policy import can, require
from consult.core.rendering import render, submit
from consult.extensions import db
from consult.geo.forms import place_picked
from consult.processes.models import Process
from consult.proposals.models import Proposal
from consult.votes.paper_counts import entry_url


def get_or_404(model, ident):
    if not 0 < ident <= 2**31 - 1:
        abort(404)
    return _get_or_404(model, ident)


def _budget(budget_id: int) -> Budget:
    budget = get_or_404(Budget, budget_id)
    require("budget.view", budget)
    return budget


def _project(project_id: int) -> BudgetProject:
    project = get_or_404(BudgetProject, project_id)
    require("budget_project.view", project)
    return project


def phase_labels() -> dict:
    return {
        "draft": _("Draft"), "announced": _("Proposals open soon"),
        "proposing": _("Projects can be proposed"),
        "waiting_review": _("Proposals closed"), "reviewing": _("Technical review"), "voting": _("Voting"),
        "voting_over": _("Voting is over"), "counted": _("Counted"), "closed": _("Results published"),
    }


def place_points(projects) -> list[dict]:
    """The projects that have a place, as points of the districts' map (funded or not once counted)."""
    return [{"latitude": p.latitude, "longitude": p.longitude, "label": p.title,
             "url": url_for("budgets.project", project_id=p.id),
             "kind": p.status if p.status in ("funded", "not_funded") else "proposal"}
            for p in projects if p.latitude is not None and p.longitude is not None]


def results_url(budget: Budget) -> str | None:
    """The results page, when the results module serves one and the budget is counted."""
    if budget.status not in ("counted", "closed") or "budgets.results" not in current_app.view_functions:
        return None
    if not can("budget.see_results", budget):
        return None
    return url_for("budgets.results", budget_id=budget.id)


# ---------------------------------------------------------------------------------------------- public pages


@bp.route("/processes/<int:process_id>/budgets")
def index(process_id):
    """The budgets of a process: city-wide first, then per district (drafts for the organisers)."""
    process = get_or_404(Process, process_id)
    require("process.view", process)
    manager = bool(can("budget.manage", process))
    return render("budgets/index.html", process=process, may_create=manager,
                  budgets=services.budgets_of(process, include_drafts=manager), phase_of=services.phase,
                  phase_labels=phase_labels())


@bp.route("/budgets/<int:budget_id>")
def show(budget_id):
    """The budget: what is shared and how, who votes, the calendar, the projects by status, the ballot."""
    budget = _budget(budget_id)
    all_projects = services.projects_of(budget)
    grouped = {status: [p for p in all_projects if p.status == status] for status in PROJECT_STATUSES}
    return render("budgets/show.html", budget=budget, process=budget.process, grouped=grouped,
                  phase=services.phase(budget), phase_labels=phase_labels(), results_url=results_url(budget),
                  may_propose=can("budget.propose", budget),
                  place_points=place_points(p for p in all_projects
                                            if p.status not in (SET_ASIDE, WITHDRAWN)))


@bp.route("/budget-projects/<int:project_id>")
def project(project_id):
    """A project: its description, cost, proposer, place, status and the published reason of its review."""
    return _project_page(_project(project_id))


def _project_page(project, status=200, review_form=None):
    budget = project.budget
    form = review_form
    if form is None and can("budget_project.review", project):
        form = ReviewForm(formdata=None, decision=None if project.status == SUBMITTED else (
            "accept" if project.status == ACCEPTED else "set_aside"),
            feasible="no" if project.feasible is False else "yes", cost=project.cost,
            reason=project.review_reason, note=project.review_note)
    proposal = db.session.get(Proposal, project.proposal_id) if project.proposal_id else None
    return render("budgets/project.html", status=status, project=project, budget=budget,
                  review_form=form, proposal=proposal if proposal and proposal.hidden_at is None else None,
                  place_points=place_points([project]))


@bp.route("/budgets/<int:budget_id>/projects/new", methods=["GET", "POST"])
def propose(budget_id):
    """An eligible resident proposes a project while the budget takes proposals."""
    budget = _budget(budget_id)
    require("budget.propose", budget)
    form = ProjectForm().with_districts()
    if request.method == "GET" and budget.district_id:
        form.district_id.data = budget.district_id
    if request.method == "POST" and place_picked(form):  # a click on the map: the form again, with the place
        return render("budgets/propose.html", form=form, budget=budget)
    return submit(form, lambda: projects.submit_project(budget, current_user, **form.values()),
                  success=_("Your project is submitted. The city's staff review it; you will hear of their "
                            "decision."),
                  done=lambda p: url_for("budgets.project", project_id=p.id),
                  page="budgets/propose.html", budget=budget)


@bp.route("/budget-projects/<int:project_id>/edit", methods=["GET", "POST"])
def edit_project(project_id):
    """The proposer changes their project while it waits for review."""
    project = _project(project_id)
    require("budget_project.edit", project)
    budget = project.budget
    if request.method == "GET":
        form = ProjectForm(obj=project).with_districts()
        form.district_id.data = project.district_id or 0
        form.place.process(None, (project.latitude, project.longitude))
    else:
        form = ProjectForm().with_districts()
    form.submit.label.text = _("Save the project")
    if request.method == "POST" and place_picked(form):
        return render("budgets/propose.html", form=form, budget=budget, project=project)
    return submit(form, lambda: projects.update_project(project, current_user, **form.values()),
                  success=_("Your project is saved."), done=url_for("budgets.project", project_id=project.id),
                  page="budgets/propose.html", budget=budget, project=project)


# ------------------------------------------------------------------------------------------------ organisers


@bp.route("/processes/<int:process_id>/budgets/new", methods=["GET", "POST"])
def create(process_id):
    process = get_or_404(Process, process_id)
    require("budget.manage", process)
    form = BudgetForm().with_districts()
    return submit(form, lambda: services.create_budget(process, by=current_user, **form.values()),
                  success=_("The budget is saved as a draft. Check it, then open it to proposals."),
                  done=lambda budget: url_for("budgets.manage", budget_id=budget.id),
                  page="budgets/form.html", process=process, budget=None)


@bp.route("/budgets/<int:budget_id>/edit", methods=["GET", "POST"])
def edit(budget_id):
    budget = _budget(budget_id)
    require("budget.edit", budget)
    form = (BudgetForm(obj=budget) if request.method == "GET" else BudgetForm()).with_districts()
    if request.method == "GET":
        form.district_id.data = budget.district_id or 0
    return submit(form, lambda: services.update_budget(budget, by=current_user, **form.values()),
                  success=_("The budget is saved."), done=url_for("budgets.manage", budget_id=budget.id),
                  page="budgets/form.html", process=budget.process, budget=budget)


@bp.route("/budgets/<int:budget_id>/manage")
def manage(budget_id):
    """The organisers' console: the next step, the projects to review, promoting a proposal."""
    budget = _budget(budget_id)
    require("budget.manage", budget)
    return _manage_page(budget)


def _manage_page(budget, status=200, promote_form=None):
    all_projects = services.projects_of(budget)
    may_promote = can("budget.promote", budget)
    proposals = projects.promotable_proposals(budget) if may_promote else []
    form = promote_form or PromoteForm(formdata=None)
    form.with_proposals(proposals)
    return render("budgets/manage.html", status=status, budget=budget, projects=all_projects,
                  waiting=sum(1 for p in all_projects if p.status == SUBMITTED),
                  accepted=[p for p in all_projects if p.status == ACCEPTED],
                  set_aside=sum(1 for p in all_projects if p.status == SET_ASIDE),
                  phase=services.phase(budget), phase_labels=phase_labels(), may_promote=may_promote,
                  promote_form=form, poll=(poll := voting.poll_of(budget)), paper_url=entry_url(poll),
                  results_url=results_url(budget))


@bp.route("/budgets/<int:budget_id>/promote", methods=["POST"])
def promote(budget_id):
    """The organisers make a proposal of the process one of the budget's projects."""
    budget = _budget(budget_id)
    require("budget.promote", budget)
    form = PromoteForm().with_proposals(projects.promotable_proposals(budget))
    return submit(form, lambda: projects.promote_proposal(
                      budget, db.session.get(Proposal, form.proposal_id.data), by=current_user,
                      cost=form.cost.data),
                  success=_("The proposal is now a project waiting for review."),
                  done=lambda p: url_for("budgets.project", project_id=p.id),
                  page=lambda status: _manage_page(budget, status=status, promote_form=form))


@bp.route("/budget-projects/<int:project_id>/withdraw", methods=["POST"])
def withdraw_project(project_id):
    """The proposer withdraws their project while it waits for review."""
    project = _project(project_id)
    require("budget_project.withdraw", project)
    return submit(None, lambda: projects.withdraw_project(project, current_user),
                  success=_("Your project is withdrawn: it will not be reviewed nor put to the vote."),
                  done=url_for("budgets.project", project_id=project.id))


@bp.route("/budget-projects/<int:project_id>/review", methods=["POST"])
def review(project_id):
    """The technical review: on the ballot at the staff's cost, or set aside with a published reason."""
    project = _project(project_id)
    require("budget_project.review", project)
    form = ReviewForm()
    return submit(form, lambda: projects.review_project(
                      project, by=current_user, accept=form.decision.data == "accept", cost=form.cost.data,
                      feasible=form.feasible.data == "yes", reason=form.reason.data or "",
                      note=form.note.data or ""),
                  success=_("The review is saved and the proposer is told."),
                  done=url_for("budgets.manage", budget_id=project.budget_id),
                  page=lambda status: _project_page(project, status=status, review_form=form))


def _step(budget, rule, work, message, done=None):
    require(rule, budget)
    return submit(None, work, success=message, done=done or url_for("budgets.manage", budget_id=budget.id))


@bp.route("/budgets/<int:budget_id>/start-proposing", methods=["POST"])
def start_proposing(budget_id):
    budget = _budget(budget_id)
    return _step(budget, "budget.start_proposing",
                 lambda: services.start_proposing(budget, by=current_user),
                 _("The budget is published: residents can propose projects."))


@bp.route("/budgets/<int:budget_id>/start-review", methods=["POST"])
def start_review(budget_id):
    budget = _budget(budget_id)
    return _step(budget, "budget.start_review", lambda: services.start_review(budget, by=current_user),
                 _("Proposals are closed: the technical review starts."))


@bp.route("/budgets/<int:budget_id>/open-voting", methods=["POST"])
def open_voting(budget_id):
    budget = _budget(budget_id)
    return _step(budget, "budget.open_voting", lambda: voting.open_voting(budget, by=current_user),
                 _("Voting is open. Followers of the budget and of its projects are told."))


@bp.route("/budgets/<int:budget_id>/close-voting", methods=["POST"])
def close_voting(budget_id):
    budget = _budget(budget_id)
    return _step(budget, "budget.close_voting", lambda: voting.close_voting(budget, by=current_user),
                 _("Voting is closed and the ballots are counted."))
