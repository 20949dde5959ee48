"""Who may do what with participatory budgets.

* ``budget.view``: everyone once the budget is out of draft; drafts for its organisers.
* ``budget.manage`` (create, edit, move between steps, review projects, open and close the vote): admins.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from consult.budgets.models import DRAFT, Budget, BudgetProject
from consult.core.policy import is_admin, is_signed_in, policies, predicate


def budget_of(obj) -> Budget | None:
    """The budget an object belongs to (a budget, a project), or None."""
    if isinstance(obj, BudgetProject):
        return obj.budget
    return obj if isinstance(obj, Budget) else None


organiser = is_signed_in & is_admin


@predicate(_l("This budget is not published yet."))
def is_published(person, obj):
    budget = budget_of(obj)
    return budget is not None and budget.status != DRAFT


policies.register("budget.manage", organiser)
policies.register("budget.view", is_published | organiser)
