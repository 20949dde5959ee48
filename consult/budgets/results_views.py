"""Pages of a budget's results: both rules side by side, the money per district, the map of the projects;
publishing the result (projects funded or not, outcomes with actions); the anonymous ballots as a pabulib
``.pb`` file."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, make_response, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import lazyload
from wtforms import DateField, StringField, SubmitField
from wtforms.validators import Length, Optional

from consult.budgets import bp, results
from consult.budgets.models import Budget
from consult.core.forms import BaseForm
from consult.core.policy import can, require
from consult.core.rendering import render, submit
from consult.extensions import db


class PublishResultsForm(BaseForm):
    responsible = StringField(_l("Responsible body"), validators=[Optional(), Length(max=200)],
                              description=_l("For example: the city's public works office."))
    due_on = DateField(_l("Due date"), validators=[Optional()],
                       description=_l("When the funded projects should be open to the public."))
    submit = SubmitField(_l("Publish the results and create the outcomes"))


def _budget(budget_id: int) -> Budget:
    if not 0 < budget_id <= 2**31 - 1:
        abort(404)
    # the process is not shown: it is not loaded (nor its themes, phases and districts)
    budget = db.session.scalar(sa.select(Budget).where(Budget.id == budget_id)
                               .options(lazyload(Budget.process)))
    if budget is None:
        abort(404)
    require("budget.view", budget)
    return budget


def _page(budget: Budget, form=None, status: int = 200):
    found = results.compute(budget)
    return render("budgets/results.html", status=status, **results.page_context(found),
                  form=form or PublishResultsForm(formdata=None),
                  may_publish=bool(can("budget.publish_results", budget)))


@bp.route("/budgets/<int:budget_id>/results", endpoint="results")
def results_page(budget_id):
    """What each rule funds, why each project won or lost, the money per district, the map."""
    budget = _budget(budget_id)
    require("budget.see_results", budget)
    return _page(budget)


@bp.route("/budgets/<int:budget_id>/results/publish", methods=["POST"])
def publish_results(budget_id):
    """The funded projects under the budget's rule become outcomes with actions; the results are public."""
    budget = _budget(budget_id)
    require("budget.publish_results", budget)
    form = PublishResultsForm()
    return submit(form, lambda: results.publish_results(budget, by=current_user,
                                                        responsible=form.responsible.data or "",
                                                        due_on=form.due_on.data),
                  success=_l("The results are published; each funded project is now an outcome to follow."),
                  done=url_for("budgets.results", budget_id=budget.id),
                  page=lambda status: _page(budget, form, status))


@bp.route("/budgets/<int:budget_id>/ballots.pb")
def ballots_pb(budget_id):
    """The budget's projects and anonymous ballots in the pabulib format, once its results are published."""
    budget = _budget(budget_id)
    require("budget.see_results", budget)
    text = results.pb_text(budget)
    if text is None:
        abort(404)
    response = make_response(text)
    response.mimetype = "text/plain"
    response.headers["Content-Disposition"] = f'attachment; filename="budget-{budget.id}.pb"'
    return response
