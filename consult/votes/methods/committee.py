"""Proportional committees from approval ballots: sequential Phragmén and the method of equal shares.

The ballot is the approval ballot of :mod:`.approval` (tick every candidate you support, up to the poll's
limit); the count is :mod:`consult.votes.counting.committees` for the poll's ``seats``, with ties drawn
by lot from the poll's published ``tie_seed``. The result keeps the order of election, each round's load or
cost, and the order of substitutes.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from consult.votes.counting import committees
from consult.votes.methods import Spec
from consult.votes.methods.approval import Approval


class Committee(Approval):
    paper = False
    paper_ballots = False
    elects_several = True
    count = staticmethod(committees.seq_phragmen)

    def how_to_vote(self, poll) -> str:
        text = super().how_to_vote(poll)
        seats = poll.seats or 1
        return f"{text} " + ngettext("%(num)d seat is to be filled.", "%(num)d seats are to be filled.",
                                     seats)

    def rounds(self, tally: dict, labels: dict) -> list[dict]:
        """What the results template lists: each round's candidate, phase, load or cost."""
        from consult.votes.methods.election_figures import committee_rounds

        return committee_rounds(tally, labels)

    def ordered(self, tally: dict, labels: dict) -> tuple[list[str], list[str]]:
        from consult.votes.methods.election_figures import ordered

        return ordered(tally, labels)

    def tally(self, groups, spec: Spec) -> dict:
        return self.count([(frozenset(choice), weight) for choice, weight in groups], spec.option_ids,
                          spec.seats, tie_seed=spec.tie_seed)


class SeqPhragmen(Committee):
    name = "seq_phragmen"
    label = _l("Sequential Phragmén (proportional approval)")
    explanation = _l("Tick every candidate you support. Seats are filled one at a time; each elected "
                     "candidate's weight is shared among the voters who support them, so that every group of "
                     "voters gets seats in proportion to its size.")
    count = staticmethod(committees.seq_phragmen)


class EqualShares(Committee):
    name = "equal_shares"
    label = _l("Method of equal shares (proportional approval)")
    explanation = _l("Tick every candidate you support. Every voter gets an equal share of the seats' "
                     "cost; a candidate is elected when their supporters can pay for the seat together, the "
                     "cheapest first. Seats left over are filled by sequential Phragmén.")
    count = staticmethod(committees.equal_shares)


SEQ_PHRAGMEN = SeqPhragmen()
EQUAL_SHARES = EqualShares()
METHODS = (SEQ_PHRAGMEN, EQUAL_SHARES)
