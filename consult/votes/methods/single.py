"""Single choice: one option per ballot; the option with most votes wins (a tie names every tied option)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from consult.votes.methods import BallotError, BaseMethod, Spec, as_option, top


class SingleChoice(BaseMethod):
    name = "single"
    label = _l("Single choice")
    explanation = _l("Choose one option. The option with the most votes wins.")
    paper = True  # paper counts per option can be added

    def parse_form(self, form, spec: Spec):
        return form.get("option")

    def validate(self, raw, spec: Spec):
        if raw in (None, ""):
            raise BallotError(_l("Please choose an option."), field="option")
        if isinstance(raw, list):
            if len(raw) != 1:
                raise BallotError(_l("Please choose only one option."), field="option")
            raw = raw[0]
        return as_option(raw, spec)

    def tally(self, groups, spec: Spec) -> dict:
        counts = {str(oid): 0 for oid in spec.option_ids}
        total = 0
        for choice, weight in groups:
            counts[str(choice)] = counts.get(str(choice), 0) + weight
            total += weight
        return {"ballots": total, "counts": counts, "winners": top(counts, spec)}


METHOD = SingleChoice()
