"""What the participatory-budgeting methods share (``pb_knapsack``, ``pb_approval``, ``pb_cumulative``): their
options are a budget's projects, ``Spec.costs`` gives each one's cost, ``Spec.budget_limit`` the money to
share and ``Spec.pb_rule`` the rule that decides what is funded (the poll's owner, a budget, gives them).

The count (:mod:`consult.votes.counting.budgets`) always runs both rules over the same ballots, so the results
show them side by side. The tally holds ``ballots``, ``counts`` (votes, or points, per option id as str),
``winners`` (the options funded under ``pb_rule``, in order of selection), ``rules`` (``greedy`` and
``equal_shares``: ``funded``, ``spent``, ``left``, ``reasons``; equal shares also ``rounds``,
``completion``, ``share`` and ``by_completion``), ``pb_rule``, ``budget_limit``, ``costs`` and
``method_rules``.

Paper ballots are whole ballots typed twice (``consult.votes.paper_ballots``): equal shares needs each
ballot, not counts per option.
"""

from __future__ import annotations

from consult.votes.counting import budgets
from consult.votes.methods import BaseMethod, Spec, spec_of

METHOD_RULES = "pb-greedy-by-votes+equal-shares-add1"


class BudgetMethod(BaseMethod):
    """A participatory-budgeting ballot: its count funds projects within the budget under two rules."""

    paper = False
    paper_ballots = False
    #: several projects are funded: several winners are not a tie
    elects_several = True
    #: the ballot gives points (cumulative) rather than a set of projects
    gives_points = False

    @staticmethod
    def spec(poll) -> Spec:
        """The poll's Spec, with its owner's costs, total and rule (for the ballot's and results' pages)."""
        from consult.votes.owners import spec_extras

        return spec_of(poll, spec_extras(poll))

    def _groups(self, groups):
        if self.gives_points:
            return [({int(k): int(v) for k, v in choice.items()}, weight) for choice, weight in groups]
        return [(choice, weight) for choice, weight in groups]

    def tally(self, groups, spec: Spec) -> dict:
        costs = {oid: int(spec.costs.get(oid, spec.costs.get(str(oid), 0)) or 0) for oid in spec.option_ids}
        limit = int(spec.budget_limit or 0)
        counted = budgets.count(self._groups(groups), costs, limit, points=self.gives_points,
                                tie_seed=spec.tie_seed)
        rule = spec.pb_rule if spec.pb_rule in budgets.RULES else budgets.GREEDY
        rules = {name: counted[name] for name in budgets.RULES}
        return {"ballots": counted["ballots"], "counts": counted["votes"],
                "winners": list(rules[rule]["funded"]), "rules": rules, "pb_rule": rule,
                "budget_limit": limit,
                "costs": {str(oid): cost for oid, cost in costs.items()}, "method_rules": METHOD_RULES}
