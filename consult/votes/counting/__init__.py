"""Counting the votes of an election: pure Python, no Flask and no database.

* :mod:`.stv` — the single transferable vote under the Scottish STV rules (Droop quota, Weighted Inclusive
  Gregory transfers with transfer values truncated at 5 decimal places);
* :mod:`.committees` — sequential Phragmén and the method of equal shares (approval ballots), as abcvoting
  defines them;
* :mod:`.budgets` — participatory budgets: greedy by votes and the method of equal shares (with the "add1"
  completion), exact; :mod:`.shares` runs equal shares;
* :mod:`.ties` — the public rule that breaks the ties the counting rules leave: an earlier stage, then a lot
  drawn from the poll's published seed, which anyone can redraw;
* :mod:`.blt` — the BLT ballot file (grouped, anonymous ballots) that other counting programs read.

Every count takes *aggregated* ballots, as SQL ``GROUP BY choice`` gives them: ``(ranking tuple of candidate
ids, weight)`` for STV, ``(frozenset of candidate ids, weight)`` for the approval methods, and returns a
JSON-able dict (``winners``, ``order``, ``rounds``, ``tie_breaks``, ``method_rules``...) that is stored as the
poll's result.
"""
