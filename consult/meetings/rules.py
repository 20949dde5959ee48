"""The arithmetic of quorum and majorities, kept pure so that every rule and edge case is tested directly.

* Quorum, among the members entitled to vote on the session's day (observers never count; members who left
  the room do not count), by the council's rule:

  - ``over_share``: more than ``percent``% of them (``quorum_required(10, 50) == 6``,
    ``quorum_required(9, 50) == 5``), at most all of them;
  - ``share``: at least ``percent``% of them, rounded up to a whole person (``(10, 50) -> 5``,
    ``(9, 50) -> 5``: 4.5 rounds up; ``(9, 34) -> 4``), at least one, at most all of them;
  - ``number``: at least ``number`` of them, however many there are (a council with fewer voting members
    cannot reach it).

  With no voting member nothing can be decided.
* Abstentions are counted and shown but are never "votes cast".
* simple: more yes than no among votes cast (a tie rejects).
* absolute: yes is more than half of all voting members, present or not.
* two_thirds: yes is at least two-thirds of votes cast (and at least one yes).
* unanimity: at least one yes and no "no" (abstentions do not break unanimity).
"""

from __future__ import annotations


def quorum_required(voting_members: int, percent: int, rule: str = "over_share",
                    number: int | None = None) -> int:
    """How many voting members must be present under ``rule`` (see above)."""
    if rule == "number":
        return max(1, number or 0)
    if voting_members <= 0:
        return 1
    if rule == "share":
        return min(voting_members, max(1, (voting_members * percent + 99) // 100))  # rounded up
    return min(voting_members, voting_members * percent // 100 + 1)


def council_quorum(council, voting_members: int) -> int:
    """``quorum_required`` under ``council``'s own rule."""
    return quorum_required(voting_members, council.quorum_percent, council.quorum_rule, council.quorum_number)


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
