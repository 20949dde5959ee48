"""Schulze (a Condorcet method), for comparison with instant-runoff on the same kind of ballot.

Every pair of options is compared: how many ballots rank A above B (unranked options count as below every
ranked one). The strongest path between options decides; an option that beats or ties every other one by
strongest paths is a winner (several on a tie).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from consult.votes.methods import Spec
from consult.votes.methods.ranked_irv import RankedIRV


class Schulze(RankedIRV):
    name = "schulze"
    label = _l("Ranked choice (Schulze, compares every pair)")
    explanation = _l("Give number 1 to your favourite option, 2 to your next choice, and so on. You do not "
                     "have to rank every option. Every pair of options is compared: the winner is the option "
                     "that beats the others when all these one-to-one comparisons are taken together.")
    paper = False

    def tally(self, groups, spec: Spec) -> dict:
        ids = list(spec.option_ids)
        index = {oid: i for i, oid in enumerate(ids)}
        n = len(ids)
        d = [[0] * n for _ in range(n)]
        total = 0
        first = {str(oid): 0 for oid in ids}
        for choice, weight in groups:
            total += weight
            if choice:
                first[str(choice[0])] += weight
            ranked = [index[o] for o in choice if o in index]
            seen = set()
            for i in ranked:
                for j in range(n):
                    if j != i and j not in seen:
                        d[i][j] += weight
                seen.add(i)
        p = [[d[i][j] if d[i][j] > d[j][i] else 0 for j in range(n)] for i in range(n)]
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                for k in range(n):
                    if i != k and j != k:
                        p[j][k] = max(p[j][k], min(p[j][i], p[i][k]))
        wins = [sum(1 for j in range(n) if j != i and p[i][j] > p[j][i]) for i in range(n)]
        winners = [ids[i] for i in range(n) if all(p[i][j] >= p[j][i] for j in range(n) if j != i)]
        if total == 0:
            winners = []
        ranking = sorted(ids, key=lambda o: (-wins[index[o]], index[o]))
        return {"ballots": total, "counts": first, "winners": winners,
                "pairwise": {str(ids[i]): {str(ids[j]): d[i][j] for j in range(n) if j != i}
                             for i in range(n)},
                "strongest": {str(ids[i]): {str(ids[j]): p[i][j] for j in range(n) if j != i}
                              for i in range(n)},
                "ranking": ranking}


METHOD = Schulze()
