"""Participatory budget, knapsack ballot: choose projects whose costs together fit in the budget (the page
adds them up as you choose, and the server refuses a ballot over the budget, keeping its choices); the
projects are funded by greedy by votes or the method of equal shares (see :mod:`.pb_common`)."""

from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from consult.votes.methods import BallotError, Spec
from consult.votes.methods.approval import Approval
from consult.votes.methods.pb_common import BudgetMethod


class PbKnapsack(BudgetMethod, Approval):
    name = "pb_knapsack"
    label = _l("Participatory budget: choose projects within the budget")
    explanation = _l("Choose the projects you want the city to carry out. Their costs together must fit in "
                     "the budget of %(budget)s.")

    def how_to_vote(self, poll) -> str:
        return str(self.explanation) % {"budget": format_decimal(self.spec(poll).budget_limit or 0)}

    def validate(self, raw, spec: Spec):
        chosen = Approval.validate(self, raw, spec)
        if spec.budget_limit is not None:
            total = sum(int(spec.costs.get(oid, 0) or 0) for oid in chosen)
            if total > spec.budget_limit:
                raise BallotError(_l(
                    "Your projects cost %(total)s together, more than the budget of %(budget)s. Untick a "
                    "project or choose cheaper ones: your other choices are kept.",
                    total=format_decimal(total), budget=format_decimal(spec.budget_limit)), field="option")
        return chosen


METHOD = PbKnapsack()
