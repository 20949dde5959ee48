"""The public tie rule of Consult's counts: an earlier stage, then a lot drawn from the published seed.

When the counting rules must choose between candidates with equal numbers (the largest of equal surpluses,
the lowest of equal totals for exclusion, the order of election of candidates reaching the quota together,
the order of substitutes with equal votes), they choose by:

1. **The earlier stage rule** (where the method has stages, as STV does; Scottish Local Government Elections
   Order 2007, rules 49 and 50): look at the totals of the tied candidates at the end of the most recent
   earlier stage at which they were not all equal, and keep those with the highest (or, for exclusion, the
   lowest) total there. If several remain tied, go on to the stage before, and so on.
2. **A lot drawn from the poll's published seed** (``tie_seed``, published before the count): each still
   tied candidate gets the key ``SHA-256(seed + ":" + stage + ":" + candidate id)`` — the UTF-8 bytes of the
   seed, a colon, the stage number in decimal, a colon, the candidate's id in decimal — written in
   lower-case hexadecimal. The candidate with the **smallest** key is drawn (for an exclusion: is
   excluded; for a surplus: is transferred first; for an order: comes first). Anyone can redo the draw
   with any SHA-256 tool, for example ``printf '%s' 'SEED:3:17' | sha256sum``.

Every tie broken is written into the result (``tie_breaks``): the stage, what was decided, the tied
candidates, the rule that decided, and for a lot the keys of each candidate.
"""

from __future__ import annotations

import hashlib

EARLIER_STAGE = "earlier_stage"
LOT = "lot"


def lot_key(seed: str, stage: int, candidate) -> str:
    """The key of a candidate in the lot of a stage (hexadecimal SHA-256, see the module docstring)."""
    return hashlib.sha256(f"{seed}:{stage}:{candidate}".encode()).hexdigest()


def draw(candidates, seed: str, stage: int) -> list:
    """The tied candidates in the order of the lot: smallest key first (ties of keys, never seen with
    SHA-256, by id)."""
    return sorted(candidates, key=lambda c: (lot_key(seed, stage, c), c))


def choose(tied, *, highest: bool, history, seed: str, stage: int, purpose: str, notes: list | None = None):
    """One candidate out of ``tied``: the earlier stage rule over ``history`` (the totals at the end of each
    earlier stage, oldest first, as ``{candidate: number}``), then the lot. ``highest`` chooses the largest
    totals (surpluses, order of election) or else the smallest (exclusion). The decision is appended to
    ``notes`` as a JSON-able dict when ``notes`` is given."""
    tied = list(tied)
    if len(tied) == 1:
        return tied[0]
    note = {"stage": stage, "purpose": purpose, "tied": sorted(tied)}
    remaining = tied
    for index in range(len(history) - 1, -1, -1):
        totals = history[index]
        values = [totals.get(c, 0) for c in remaining]
        if len(set(values)) == 1:
            continue
        best = max(values) if highest else min(values)
        remaining = [c for c, v in zip(remaining, values, strict=True) if v == best]
        note.setdefault("earlier_stages", []).append(index + 1)
        if len(remaining) == 1:
            break
    if len(remaining) == 1:
        note.update(rule=EARLIER_STAGE, chosen=remaining[0])
    else:
        order = draw(remaining, seed, stage)
        note.update(rule=LOT, chosen=order[0], drawn_among=sorted(remaining),
                    keys={str(c): lot_key(seed, stage, c) for c in remaining})
    if notes is not None:
        notes.append(note)
    return note["chosen"]


def order(candidates, value, *, highest: bool, history, seed: str, stage: int, purpose: str,
          notes: list | None = None) -> list:
    """All of ``candidates`` ordered by ``value(candidate)`` (highest first when ``highest``), equal values
    ordered by :func:`choose` (repeatedly: the first chosen comes first)."""
    groups: dict = {}
    for c in candidates:
        groups.setdefault(value(c), []).append(c)
    result = []
    for key in sorted(groups, reverse=highest):
        tied = groups[key]
        while tied:
            first = choose(tied, highest=highest, history=history, seed=seed, stage=stage, purpose=purpose,
                           notes=notes)
            result.append(first)
            tied = [c for c in tied if c != first]
    return result
