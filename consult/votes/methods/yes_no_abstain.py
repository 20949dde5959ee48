"""Yes / no / abstain: one of three answers. Abstentions are counted and shown but never decide.

The verdict (adopted or rejected) is the service's job, with the poll's majority rule; the method counts and
names the winner between yes and no (both on a tie). A ballot may name the answer by option id or by its code
(``"yes"``, ``"no"``, ``"abstain"``), which is handy for council motions.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from consult.votes.methods import Spec
from consult.votes.methods.single import SingleChoice

CODES = ("yes", "no", "abstain")


class YesNoAbstain(SingleChoice):
    name = "yes_no_abstain"
    label = _l("Yes, no or abstain")
    explanation = _l("Answer yes or no, or abstain. Abstaining shows that you took part without taking a "
                     "side.")
    paper = True

    def validate(self, raw, spec: Spec):
        if isinstance(raw, str) and raw in CODES:
            by_code = {code: oid for oid, code in spec.codes.items()}
            raw = by_code.get(raw, raw)
        return super().validate(raw, spec)

    def tally(self, groups, spec: Spec) -> dict:
        result = super().tally(groups, spec)
        by_code = {code: oid for oid, code in spec.codes.items()}
        yes = result["counts"].get(str(by_code.get("yes")), 0)
        no = result["counts"].get(str(by_code.get("no")), 0)
        if yes > no:
            result["winners"] = [by_code["yes"]]
        elif no > yes:
            result["winners"] = [by_code["no"]]
        else:
            result["winners"] = [by_code[c] for c in ("yes", "no") if c in by_code] if yes else []
        result["yes"], result["no"] = yes, no
        result["abstain"] = result["counts"].get(str(by_code.get("abstain")), 0)
        return result


METHOD = YesNoAbstain()
