"""Points: share a budget of points between options (for example 10 points for 3 projects).

A ballot may use fewer points than the budget, never more; it must give at least one point. The option with
the most points in total wins.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from consult.votes.methods import BallotError, NumberPerOption, Spec, as_int, as_option, top

DEFAULT_BUDGET = 10


class Points(NumberPerOption):
    name = "points"
    label = _l("Points (share your points)")
    explanation = _l(
        "You have %(budget)s points. Share them between the options you prefer: give more points to "
        "what matters more to you. You do not have to use all your points.")

    def how_to_vote(self, poll) -> str:
        return str(self.explanation) % {"budget": poll.points_budget}

    def validate(self, raw, spec: Spec):
        if not isinstance(raw, dict):
            raise BallotError(_l("Please give points to at least one option."), field="points")
        budget = spec.points_budget or DEFAULT_BUDGET
        given: dict[str, int] = {}
        for key, value in raw.items():
            oid = as_option(key, spec)
            number = as_int(value, _l("Points must be whole numbers."))
            if number < 0:
                raise BallotError(_l("Points cannot be negative."), field="points")
            if number:
                given[str(oid)] = number
        used = sum(given.values())
        if used > budget:
            raise BallotError(_l("You gave %(used)s points but you have only %(budget)s.",
                                 used=used, budget=budget), field="points")
        if used == 0:
            raise BallotError(_l("Please give points to at least one option."), field="points")
        return given

    def tally(self, groups, spec: Spec) -> dict:
        total, sums = self.sums(groups, spec)
        return {"ballots": total, "counts": sums, "winners": top(sums, spec)}


METHOD = Points()
