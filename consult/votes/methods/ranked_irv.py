"""Ranked choice with instant-runoff: rank options in order of preference (1 = first choice).

Counting in rounds: each ballot counts for its highest-ranked option still in the race. An option with more
than half of the continuing ballots wins. Otherwise the option with the fewest votes is eliminated and its
ballots move to their next choice; a ballot with no choice left is *exhausted* and stops counting.

Ties for last place: the option with fewer votes in the earlier rounds is eliminated (looking back round by
round); if still tied, the option listed later on the ballot paper. When the last two options tie, both are
named and the verdict is a tie.
"""

from __future__ import annotations

from collections import defaultdict

from flask_babel import lazy_gettext as _l

from consult.votes.methods import BallotError, BaseMethod, Spec, as_option


class RankedIRV(BaseMethod):
    name = "ranked_irv"
    label = _l("Ranked choice (instant runoff)")
    explanation = _l("Give number 1 to your favourite option, 2 to your next choice, and so on. You do not "
                     "have to rank every option. If no option has more than half of the votes, the option "
                     "with the fewest votes is removed and its votes go to the next choice on those ballots, "
                     "until one option has more than half.")
    paper = False

    def parse_form(self, form, spec: Spec):
        return {str(oid): form.get(f"rank-{oid}", "") for oid in spec.option_ids}

    def validate(self, raw, spec: Spec):
        """Accept ``{option id: rank}`` (from the form) or a list of option ids in order of preference."""
        if isinstance(raw, list | tuple):
            ranking = [as_option(v, spec) for v in raw]
            if len(set(ranking)) != len(ranking):
                raise BallotError(_l("Each option can be ranked only once."), field="ranking")
        else:
            ranks: dict[int, int] = {}
            for key, value in (raw or {}).items():
                if value in (None, ""):
                    continue
                oid = as_option(key, spec)
                try:
                    rank = int(value)
                except (TypeError, ValueError):
                    raise BallotError(_l("A rank must be a number."), field="ranking") from None
                if rank < 1 or rank > len(spec.option_ids):
                    raise BallotError(_l("A rank must be between 1 and the number of options."),
                                      field="ranking")
                ranks[oid] = rank
            if len(set(ranks.values())) != len(ranks):
                raise BallotError(_l("Two options have the same rank. Give each option a different number."),
                                  field="ranking")
            ranking = sorted(ranks, key=ranks.get)
        if not ranking:
            raise BallotError(_l("Please rank at least one option."), field="ranking")
        return ranking

    def tally(self, groups, spec: Spec) -> dict:
        groups = [(tuple(choice), weight) for choice, weight in groups]
        total = sum(w for _, w in groups)
        first = {str(oid): 0 for oid in spec.option_ids}
        for choice, weight in groups:
            first[str(choice[0])] += weight
        continuing = set(spec.option_ids)
        position = {oid: i for i, oid in enumerate(spec.option_ids)}
        rounds: list[dict] = []
        winners: list[int] = []
        while continuing:
            counts: dict[int, int] = defaultdict(int)
            exhausted = 0
            for choice, weight in groups:
                for oid in choice:
                    if oid in continuing:
                        counts[oid] += weight
                        break
                else:
                    exhausted += weight
            active = total - exhausted
            row = {"counts": {str(oid): counts.get(oid, 0) for oid in spec.option_ids if oid in continuing},
                   "continuing": active, "exhausted": exhausted, "eliminated": []}
            rounds.append(row)
            if active == 0:
                break
            leader = max(continuing, key=lambda o: (counts.get(o, 0), -position[o]))
            if counts.get(leader, 0) * 2 > active:
                winners = [leader]
                break
            if len(continuing) == 1:
                winners = [leader]
                break
            if len(continuing) == 2 and len({counts.get(o, 0) for o in continuing}) == 1:
                winners = sorted(continuing, key=position.get)
                break
            low = min(counts.get(o, 0) for o in continuing)
            tied = [o for o in continuing if counts.get(o, 0) == low]
            loser = self._break_tie(tied, rounds[:-1], position)
            row["eliminated"] = [loser]
            continuing.discard(loser)
        return {"ballots": total, "counts": first, "rounds": rounds, "winners": winners,
                "exhausted": rounds[-1]["exhausted"] if rounds else 0}

    @staticmethod
    def _break_tie(tied, earlier_rounds, position):
        candidates = list(tied)
        for row in reversed(earlier_rounds):
            if len(candidates) == 1:
                break
            low = min(row["counts"].get(str(o), 0) for o in candidates)
            candidates = [o for o in candidates if row["counts"].get(str(o), 0) == low]
        return max(candidates, key=position.get)


METHOD = RankedIRV()
