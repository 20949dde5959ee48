"""Public outcome pages and their follow-up.

Each view: load (404) → authorize with ``require`` → validate (422) → service → render or redirect (303).
"""

from __future__ import annotations

from flask import abort, current_app, flash, make_response, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.accounts.services import get_user_by_username
from consult.core.models import get_or_404 as _get_or_404
from consult.core.pagination import paginate
from consult.core.policy import require
from consult.core.rendering import redirect_to, render, submit
from consult.core.routing import row_id
from consult.extensions import limiter
from consult.outcomes import bp, queries, services
from consult.outcomes.forms import ActionForm, ActionUpdateForm, FollowUpForm, MonitorForm, OutcomeForm
from consult.outcomes.models import Outcome, OutcomeAction
from consult.outcomes.policies import CouncilRef


def get_or_404(model, ident):
    """Load by id or 404; ids beyond PostgreSQL's integer range are simply not found."""
    if not 0 < ident <= 2**31 - 1:
        abort(404)
    return _get_or_404(model, ident)


def _int_arg(name):
    value = request.args.get(name)
    if value in (None, ""):
        return None
    number = row_id(value)
    if number is None:  # not a whole number, or beyond any id
        abort(400)
    return number


@bp.route("/outcomes/")
def index():
    """Every outcome, newest decision first; ``?council=``, ``?process=`` or ``?proposal=`` narrow
    the list."""
    council_id, process_id, proposal_id = _int_arg("council"), _int_arg("process"), _int_arg("proposal")
    page = paginate(queries.outcomes(council_id, process_id, proposal_id))
    return render("outcomes/index.html", "outcomes/_list.html", page=page, heading=_("Outcomes"),
                  council_id=council_id)


@bp.route("/outcomes/councils/<int:council_id>")
def council(council_id):
    """The outcomes of one council, and its monitoring committee."""
    page = paginate(queries.outcomes(council_id=council_id))
    name = queries.name_of("council", council_id) or _("Council %(id)s", id=council_id)
    return _council_page(council_id, page, name)


def _council_page(council_id, page=None, name=None, status=200, **forms):
    page = page if page is not None else paginate(queries.outcomes(council_id=council_id))
    name = name or queries.name_of("council", council_id) or _("Council %(id)s", id=council_id)
    forms.setdefault("monitor_form", MonitorForm())
    forms.setdefault("outcome_form", OutcomeForm())
    return render("outcomes/index.html", "outcomes/_list.html", page=page,
                  heading=_("Outcomes of %(name)s", name=name), council_id=council_id,
                  monitors=services.monitors_of(council_id), council=CouncilRef(council_id), status=status,
                  **forms)


@bp.route("/outcomes/councils/<int:council_id>/new", methods=["POST"])
def create(council_id):
    """An officer records an outcome of the council (e.g. a decision taken outside a recorded motion)."""
    council = CouncilRef(council_id)
    require("outcome.manage", council)
    form = OutcomeForm()
    return submit(form, lambda: services.create_outcome(
                      form.title.data, description=form.description.data or "", council_id=council_id,
                      proposal_id=form.proposal_id.data, decided_on=form.decided_on.data, actor=current_user),
                  success=_("The outcome is recorded. Add its actions now."),
                  done=lambda outcome: url_for("outcomes.show", outcome_id=outcome.id),
                  page=lambda status: _council_page(council_id, status=status, outcome_form=form))


@bp.route("/outcomes/processes/<int:process_id>")
def process(process_id):
    """The outcomes of one participatory process."""
    page = paginate(queries.outcomes(process_id=process_id))
    name = queries.name_of("process", process_id) or _("Process %(id)s", id=process_id)
    return render("outcomes/index.html", "outcomes/_list.html", page=page,
                  heading=_("Outcomes of %(name)s", name=name), council_id=None)


def _detail(outcome, status=200, **forms):
    forms.setdefault("action_form", ActionForm())
    forms.setdefault("follow_up_form", FollowUpForm())
    failed = forms.pop("failed_update", None)
    update_forms = {
        action.id: ActionUpdateForm(prefix=f"action-{action.id}", formdata=None,
                                    data={"status": action.status, "progress": action.progress})
        for action in outcome.actions
    }
    if failed is not None:
        update_forms[failed[0]] = failed[1]
    council_link = queries.public_link("council", outcome.council_id)  # one query for the name and the link
    return render("outcomes/show.html", outcome=outcome, updates=queries.updates_of(outcome),
                  follow_ups=queries.follow_ups_of(outcome),
                  council_name=council_link[0] if council_link else None,
                  council_link=council_link,
                  proposal_link=queries.public_link("proposal", outcome.proposal_id),
                  update_forms=update_forms, failed_id=failed[0] if failed else None, status=status, **forms)


@bp.route("/outcomes/<int:outcome_id>")
def show(outcome_id):
    """One outcome: the decision, its actions and progress, dated updates and follow-up comments."""
    outcome = get_or_404(Outcome, outcome_id)
    require("outcome.view", outcome)
    return _detail(outcome)


@bp.route("/outcomes/<int:outcome_id>/actions", methods=["POST"])
def add_action(outcome_id):
    """An officer adds an action to the outcome."""
    outcome = get_or_404(Outcome, outcome_id)
    require("outcome.manage", outcome)
    form = ActionForm()
    return submit(form, lambda: services.add_action(outcome, form.title.data,
                                                    responsible=form.responsible.data,
                                                    due_on=form.due_on.data, actor=current_user),
                  success=_("The action was added."), done=url_for("outcomes.show", outcome_id=outcome.id),
                  page=lambda status: _detail(outcome, status=status, action_form=form))


@bp.route("/outcomes/actions/<int:action_id>/update", methods=["POST"])
def update_action(action_id):
    """An officer posts a dated update on an action (status, progress, what happened)."""
    action = get_or_404(OutcomeAction, action_id)
    outcome = action.outcome
    require("outcome.manage", outcome)
    form = ActionUpdateForm(prefix=f"action-{action.id}")
    return submit(form, lambda: services.update_action(action, status=form.status.data,
                                                       progress=form.progress.data, text=form.text.data,
                                                       actor=current_user),
                  success=_("The update was posted."), done=url_for("outcomes.show", outcome_id=outcome.id),
                  page=lambda status: _detail(outcome, status=status, failed_update=(action.id, form)))


@bp.route("/outcomes/<int:outcome_id>/follow-ups", methods=["POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_POST"], methods=["POST"])
def follow_up(outcome_id):
    """A monitoring committee member posts a public follow-up comment."""
    outcome = get_or_404(Outcome, outcome_id)
    require("outcome.follow_up", outcome)
    form = FollowUpForm()
    return submit(form, lambda: services.post_follow_up(outcome, form.body.data, author=current_user),
                  success=_("Your comment is published."),
                  done=url_for("outcomes.show", outcome_id=outcome.id),
                  page=lambda status: _detail(outcome, status=status, follow_up_form=form))


@bp.route("/outcomes/councils/<int:council_id>/monitors", methods=["POST"])
def add_monitor(council_id):
    """The president names a person to the monitoring committee."""
    council = CouncilRef(council_id)
    require("outcome.appoint_monitors", council)
    form = MonitorForm()
    return submit(form, lambda: services.appoint_monitor(council_id, get_user_by_username(form.username.data),
                                                         by=current_user),
                  success=_("The person joined the monitoring committee."),
                  done=url_for("outcomes.council", council_id=council_id),
                  page=lambda status: _council_page(council_id, status=status, monitor_form=form))


@bp.route("/outcomes/councils/<int:council_id>/monitors/<int:user_id>/remove", methods=["POST"])
def remove_monitor(council_id, user_id):
    council = CouncilRef(council_id)
    require("outcome.appoint_monitors", council)
    from consult.accounts.models import User

    services.remove_monitor(council_id, get_or_404(User, user_id), by=current_user)
    flash(_("The person left the monitoring committee."), "success")
    return redirect_to(url_for("outcomes.council", council_id=council_id))


@bp.route("/outcomes/feed.atom")
def feed():
    """Atom feed of outcome updates (latest 50)."""
    from consult.outcomes.feeds import updates_feed

    response = make_response(updates_feed(queries.latest_updates()))
    response.mimetype = "application/atom+xml"
    return response


