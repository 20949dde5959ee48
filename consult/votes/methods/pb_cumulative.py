"""Participatory budget, cumulative ballot: share your points between the projects; the projects are funded
within the budget by greedy by points or the method of equal shares, where a supporter pays in proportion to
the points they gave (see :mod:`.pb_common`)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from consult.votes.methods import Spec
from consult.votes.methods.pb_common import BudgetMethod
from consult.votes.methods.points import DEFAULT_BUDGET, Points


class PbCumulative(BudgetMethod, Points):
    name = "pb_cumulative"
    label = _l("Participatory budget: share your points")
    explanation = _l("You have %(budget)s points. Give more points to the projects that matter more to you; "
                     "you do not have to use them all. The projects are funded within the budget.")
    gives_points = True

    def how_to_vote(self, poll) -> str:
        return str(self.explanation) % {"budget": self.spec(poll).points_budget or DEFAULT_BUDGET}

    def validate(self, raw, spec: Spec):
        return Points.validate(self, raw, spec)


METHOD = PbCumulative()
