"""The single transferable vote for elections with several seats, under the Scottish STV rules.

The ballot is the ranked ballot of :mod:`.ranked_irv` (number the candidates 1, 2, 3...; as many as you
like); the count is :mod:`consult.votes.counting.stv` (Droop quota, Weighted Inclusive Gregory transfers
truncated at 5 decimal places, ties by an earlier stage then a lot drawn from the poll's published
``tie_seed``), for the poll's ``seats``. The result keeps every stage's totals and transfers, the quota, the
order of election and the order of substitutes.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from consult.votes.counting import stv
from consult.votes.methods import Spec
from consult.votes.methods.ranked_irv import RankedIRV


class STV(RankedIRV):
    name = "stv"
    label = _l("Single transferable vote (Scottish STV rules)")
    explanation = _l("Number the candidates in the order you prefer them: 1 for your first choice, 2 for "
                     "your second, and so on, as many as you like. Your vote counts for your first choice; "
                     "when that candidate is elected with more votes than the quota, or is excluded with the "
                     "fewest votes, your vote (or the part of it not needed) passes to your next choice.")
    paper = False
    #: the result names several winners in order (seats), never a tie between them
    elects_several = True

    def how_to_vote(self, poll) -> str:
        seats = poll.seats or 1
        return f"{self.explanation} " + ngettext("%(num)d seat is to be filled.",
                                                  "%(num)d seats are to be filled.", seats)

    def tally(self, groups, spec: Spec) -> dict:
        return stv.count([(tuple(choice), weight) for choice, weight in groups], spec.option_ids, spec.seats,
                         tie_seed=spec.tie_seed)

    def stages(self, tally: dict, labels: dict) -> dict:
        """What the results template draws: the stages as table rows and as an SVG line chart."""
        from consult.votes.methods.election_figures import stages

        return stages(tally, labels)

    def ordered(self, tally: dict, labels: dict) -> tuple[list[str], list[str]]:
        """The elected in order of election and the substitutes in order."""
        from consult.votes.methods.election_figures import ordered

        return ordered(tally, labels)


METHOD = STV()
