"""The arithmetic of quorum and majorities, kept pure so that every rule and edge case is tested directly.

* Quorum: more than ``percent``% of the voting members must be present (observers never count; members who
  left the room do not count). ``quorum_required(10, 50) == 6``; with no voting member nothing can be decided.
* Abstentions are counted and shown but are never "votes cast".
* simple: more yes than no among votes cast (a tie rejects).
* absolute: yes is more than half of all voting members, present or not.
* two_thirds: yes is at least two-thirds of votes cast (and at least one yes).
* unanimity: at least one yes and no "no" (abstentions do not break unanimity).
"""

from __future__ import annotations


def quorum_required(voting_members: int, percent: int) -> int:
    """How many voting members must be present: more than ``percent``% of them (at most all of them)."""
    if voting_members <= 0:
        return 1
    return min(voting_members, voting_members * percent // 100 + 1)


def verdict(rule: str, *, yes: int, no: int, abstain: int, members: int, present: int, required: int) -> str:
    """``adopted``, ``rejected`` or ``no_quorum``."""
    if present < required:
        return "no_quorum"
    cast = yes + no
    if rule == "simple":
        adopted = yes > no
    elif rule == "absolute":
        adopted = yes * 2 > members
    elif rule == "two_thirds":
        adopted = yes > 0 and yes * 3 >= cast * 2
    elif rule == "unanimity":
        adopted = yes > 0 and no == 0
    else:
        raise ValueError(f"unknown majority rule {rule!r}")
    return "adopted" if adopted else "rejected"
