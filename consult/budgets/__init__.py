"""Participatory budgets: residents propose projects for part of the city's budget, staff review them
(feasibility, cost estimate, reasons published when a project is set aside), residents vote on a secret
ballot (knapsack, approval or cumulative points) and the results are counted under two rules side by side
(greedy by votes, method of equal shares).

A budget belongs to a process; a process may hold several (city-wide and one per district: a district
budget's voters are the residents of that district). The ballots are those of a poll of ``consult.votes``
owned by the budget (owner type ``budget``, vote rule ``budget.vote``); the counts live in
``consult.votes.counting.budgets``. ``results`` and ``results_views`` publish the results.
"""

from flask import Blueprint

bp = Blueprint("budgets", __name__)

from consult.budgets import models, policies, results_views, views  # noqa: E402,F401


@bp.app_template_global()
def process_budgets(process_id: int) -> list:
    """The public budgets of a process (its page links to them), in one statement."""
    import sqlalchemy as sa

    from consult.extensions import db

    budget = models.Budget
    return list(db.session.scalars(
        sa.select(budget)
        .options(sa.orm.lazyload(budget.process), sa.orm.lazyload(budget.district),
                 sa.orm.lazyload(budget.eligibility_rule))
        .where(budget.process_id == process_id, budget.status != models.DRAFT)
        .order_by(models.Budget.district_id.is_not(None), models.Budget.title, models.Budget.id)))


def _export(user) -> dict:
    """For "download my data": the projects the person proposed (never a vote)."""
    import sqlalchemy as sa

    from consult.extensions import db

    project = models.BudgetProject
    rows = db.session.scalars(sa.select(project).where(project.proposed_by_id == user.id)
                              .order_by(project.id))
    return {"budget_projects": [{"budget_id": p.budget_id, "title": p.title, "description": p.description,
                                 "cost": p.proposed_cost, "status": p.status} for p in rows]}


def _register():
    from flask_babel import lazy_gettext as _l

    from consult.budgets import voting
    from consult.core import personal_data, targets
    from consult.notifications import services as notifications
    from consult.votes.owners import register_owner

    targets.register("budget", models.Budget)
    targets.register("budget_project", models.BudgetProject)
    personal_data.register_exporter("budgets", _export)
    register_owner(models.OWNER_TYPE, vote_rule="budget.vote", subject=voting.budget_of_poll,
                   describe=voting.describe, spec_extras=voting.spec_extras)
    notifications.register_state_labels("budget_project", models.PROJECT_STATUS_LABELS)
    notifications.MESSAGES.update({
        "budget_project_accepted": _l("Your project “%(title)s” is on the ballot."),
        "budget_project_set_aside": _l("Your project “%(title)s” was set aside. The reason is on its page."),
        "budget_project_promoted": _l("“%(title)s” has become a project of the budget “%(budget)s”."),
        "budget_voting_open": _l("Voting is open in the budget “%(title)s”."),
    })


_register()


@bp.app_template_filter("money")
def money(amount, currency: str = "EUR") -> str:
    """A whole amount in the reader's language, without cents (``€500,000``, ``500 000 €``)."""
    from babel import Locale
    from babel.numbers import format_currency

    from consult.core.i18n import current_language

    locale = Locale.parse(current_language())
    pattern = locale.currency_formats["standard"].pattern.replace(".00", "")
    return format_currency(amount or 0, currency, format=pattern, locale=locale, currency_digits=False)
