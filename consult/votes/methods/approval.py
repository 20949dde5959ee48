"""Approval: tick every option you support, up to the poll's limit; the option ticked most often wins."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from consult.votes.methods import BallotError, BaseMethod, Spec, as_option, top


class Approval(BaseMethod):
    name = "approval"
    label = _l("Approval (choose several)")
    explanation = _l("Tick every option you support. The option supported by the most people wins.")
    paper = True
    paper_ballots = True

    def how_to_vote(self, poll) -> str:
        if not poll.max_choices:
            return str(self.explanation)
        return f"{self.explanation} " + ngettext("You can tick at most %(num)d option.",
                                                  "You can tick at most %(num)d options.", poll.max_choices)

    def parse_form(self, form, spec: Spec):
        return form.getlist("option")

    def validate(self, raw, spec: Spec):
        values = raw if isinstance(raw, list | tuple) else ([] if raw in (None, "") else [raw])
        chosen = [as_option(v, spec) for v in values]
        if not chosen:
            raise BallotError(_l("Please tick at least one option."), field="option")
        if len(set(chosen)) != len(chosen):
            raise BallotError(_l("Each option can be ticked only once."), field="option")
        limit = spec.max_choices
        if limit and len(chosen) > limit:
            raise BallotError(ngettext("You can tick at most %(num)d option.",
                                       "You can tick at most %(num)d options.", limit), field="option")
        return sorted(chosen)

    def tally(self, groups, spec: Spec) -> dict:
        counts = {str(oid): 0 for oid in spec.option_ids}
        total = 0
        for choice, weight in groups:
            for oid in choice:
                counts[str(oid)] = counts.get(str(oid), 0) + weight
            total += weight
        return {"ballots": total, "counts": counts, "winners": top(counts, spec)}


METHOD = Approval()
