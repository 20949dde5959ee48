"""The single transferable vote under the Scottish STV rules.

The rule set is that of the Scottish Local Government Elections Order 2007 (SSI 2007/42), Schedule 1, rules
45 to 52 ("counting of votes"), applied to electronic ballots:

* **Valid papers.** A paper counts when it gives a preference to at least one standing candidate; preferences
  for withdrawn candidates (or any id that is not a candidate) are skipped, as if they were not written.
* **Quota** (Droop): ``floor(valid papers / (seats + 1)) + 1``.
* **Stages.** Stage 1 counts each paper for its first preference, at the value 1. Each later stage either
  transfers one surplus or excludes one candidate; the totals are written at the end of every stage.
* **Election.** A continuing candidate whose total equals or exceeds the quota at the end of a stage is
  elected (several at once: in order of their totals, highest first). When the number of continuing
  candidates equals the number of seats left, they are all elected (rule 51) and no further transfer is made.
* **Surplus** (rules 48–49): while seats remain and an elected candidate has more than the quota, the
  largest surplus is transferred first, one per stage. Every paper the candidate holds — first preferences
  and papers received in transfers — passes to its next preference for a continuing candidate (Weighted
  Inclusive Gregory) with the transfer value ``surplus × value of the paper when received ÷ candidate's
  total``, truncated at 5 decimal places. Papers without a further preference are *non-transferable*. The
  candidate keeps exactly the quota; what truncation leaves over is reported as ``fractions`` (lost to
  fractions).
* **Exclusion** (rule 50): when no surplus is left to transfer, the continuing candidate with the fewest
  votes is excluded and all their papers pass, in one stage, to their next preference for a continuing
  candidate at the value at which they were received.
* **Ties** (equal surpluses, equal lowest totals, equal totals elected together): the earlier stage rule,
  then a lot drawn from the published seed — see :mod:`consult.votes.counting.ties`.

Consult adds one rule the Scottish rules do not have (they fill casual vacancies by by-election):
**the order of substitutes.** ``order`` lists every standing candidate: the elected in order of election;
then the continuing candidates left when the count ended, by their final totals (highest first; ties by the
same tie rule); then the excluded candidates in reverse order of exclusion (the last excluded first).
Withdrawn candidates are left out. Without a single valid paper nobody is elected (``winners`` is empty) and
``order`` is the lot's.

How it counts (as a count by hand does, hence fast): each candidate holds piles of papers, one pile per
value; a transfer moves only the papers of the candidate whose surplus or exclusion is transferred, and each
moved paper looks only at its own next preferences. Values are whole numbers of 1/100,000 of a vote, which
makes the truncation at 5 decimal places exact. ``exact=True`` counts with exact fractions instead (no
truncation): the tests use it to see whether truncation decides an outcome.

Ballots come aggregated: ``(ranking, weight)`` pairs, a ranking being a tuple of candidate ids, most
preferred first, and the weight the number of identical papers.
"""

from __future__ import annotations

from fractions import Fraction

from consult.votes.counting import ties

METHOD_RULES = "scottish-stv-2007"
#: values are counted in units of 1/SCALE of a vote: the rules truncate transfer values at 5 decimal places
SCALE = 100_000


def count(ballots, candidates, seats: int, *, tie_seed: str = "", withdrawn=(), exact: bool = False) -> dict:
    """Count ``ballots`` (``(ranking tuple, weight)`` pairs) for ``seats`` seats among ``candidates`` (ids,
    in ballot-paper order) and return the JSON-able result:

    ``method_rules``, ``seats``, ``ballots`` (all papers), ``valid``, ``invalid`` (no preference for a
    standing candidate), ``quota``, ``counts`` (first preferences per candidate id as str), ``winners`` (in
    order of election), ``order`` (every standing candidate: elected, then substitutes in order),
    ``excluded`` (in order of exclusion), ``withdrawn``, ``exhausted`` (non-transferable votes),
    ``fractions`` (votes lost to the truncation of transfer values), ``tie_breaks`` (see :mod:`.ties`),
    ``tie_seed``, ``exact``, and ``rounds``: one per stage, with ``stage``, ``action`` (``first``,
    ``surplus``, ``exclude``), ``candidate`` (whose surplus or papers were transferred), ``surplus`` and
    ``transfer_values`` (surplus stages), ``transfers`` (votes gained per candidate id; the source's is
    negative), ``non_transferable`` (in this stage), ``elected`` (at the end of this stage),
    ``elected_without_quota`` (the last continuing candidates, rule 51), ``votes`` (every standing
    candidate's total at the end of the stage), and the running ``exhausted`` and ``fractions``. Numbers of
    votes are decimal numbers with at most 5 decimal places."""
    return _Count(ballots, candidates, seats, tie_seed=tie_seed, withdrawn=withdrawn, exact=exact).run()


class _Count:
    """One count: the papers in piles, the totals, the stages written so far."""

    def __init__(self, ballots, candidates, seats, *, tie_seed, withdrawn, exact):
        self.seats = max(1, int(seats))
        self.exact = exact
        self.seed = tie_seed
        self.one = one = Fraction(1) if exact else SCALE
        withdrawn = set(withdrawn)
        self.candidates = list(candidates)
        self.withdrawn = [c for c in candidates if c in withdrawn]
        self.standing = standing = [c for c in candidates if c not in withdrawn]
        self.continuing = continuing = set(standing)
        # the papers, grouped: ranking, weight, position of the preference that holds them now
        self.ranks: list[tuple] = []
        self.weights: list[int] = []
        self.pos: list[int] = []
        #: candidate -> {value of a paper: [papers]}
        self.piles: dict = {c: {} for c in standing}
        self.first = dict.fromkeys(standing, 0)
        self.invalid = 0
        for ranking, weight in ballots:
            if weight <= 0:
                continue
            ranking = tuple(ranking)
            held = next((p for p, c in enumerate(ranking) if c in continuing), None)
            if held is None:
                self.invalid += weight
                continue
            self.piles[ranking[held]].setdefault(one, []).append(len(self.ranks))
            self.ranks.append(ranking)
            self.weights.append(weight)
            self.pos.append(held)
            self.first[ranking[held]] += weight
        self.valid = sum(self.weights)
        self.votes = {c: self.first[c] * one for c in standing}
        self.quota_votes = self.valid // (self.seats + 1) + 1
        self.quota = self.quota_votes * one
        self.elected: list = []
        self.excluded: list = []
        self.surpluses: list = []  # elected candidates whose surplus is still to be transferred
        self.history: list[dict] = []  # every candidate's total at the end of each stage
        self.rounds: list[dict] = []
        self.notes: list[dict] = []
        self.exhausted = 0
        self.lost = 0

    def number(self, x) -> float:
        return round(float(x) if self.exact else x / SCALE, 5)

    def ordered(self, candidates, *, purpose: str) -> list:
        return ties.order(candidates, self.votes.get, highest=True, history=self.history, seed=self.seed,
                          stage=len(self.history) + 1, purpose=purpose, notes=self.notes)

    def run(self) -> dict:
        if not self.valid:  # no valid paper: nobody is elected (not even by rule 51); the order is the lot's
            self.rounds.append({"stage": 1, "action": "first", "votes": {str(c): 0 for c in self.standing},
                                "exhausted": 0, "fractions": 0})
            self.history.append(dict(self.votes))
            return self.result()
        over = self.end_stage({"stage": 1, "action": "first"})
        while not over:
            row = self.transfer_surplus() if self.surpluses else self.exclude()
            over = self.end_stage(row)
        return self.result()

    def end_stage(self, row: dict) -> bool:
        """Write the stage's totals, elect who reached the quota; True when the count is over."""
        reached = [c for c in self.continuing if self.votes[c] >= self.quota]
        if reached:
            reached = self.ordered(reached, purpose="elect")[:self.seats - len(self.elected)]
            for c in reached:
                self.elected.append(c)
                self.continuing.discard(c)
                if self.votes[c] > self.quota:
                    self.surpluses.append(c)
            row["elected"] = reached
        left = self.seats - len(self.elected)
        if left and len(self.continuing) <= left:
            last = self.ordered(self.continuing, purpose="elect")
            self.elected.extend(last)
            self.continuing.clear()
            row["elected"] = row.get("elected", []) + last
            row["elected_without_quota"] = last
        row["votes"] = {str(c): self.number(self.votes[c]) for c in self.standing}
        row["exhausted"] = self.number(self.exhausted)
        row["fractions"] = self.number(self.lost)
        self.history.append(dict(self.votes))
        self.rounds.append(row)
        return len(self.elected) >= self.seats or not self.continuing

    def transfer_surplus(self) -> dict:
        """The largest surplus passes on every paper of its candidate, each at surplus × its value ÷ total."""
        stage = len(self.history) + 1
        largest = max(self.votes[c] for c in self.surpluses)
        source = ties.choose([c for c in self.surpluses if self.votes[c] == largest], highest=True,
                             history=self.history, seed=self.seed, stage=stage, purpose="surplus",
                             notes=self.notes)
        self.surpluses.remove(source)
        total = self.votes[source]
        surplus = total - self.quota
        if self.exact:
            def value_of(v):
                return surplus * v / total
        else:
            def value_of(v):
                return surplus * v // total  # truncated at 5 decimal places: values are in 1/100,000
        papers, self.piles[source] = self.piles[source], {}
        gained, stuck = self.move(papers, value_of)
        self.votes[source] = self.quota
        self.lost += surplus - sum(gained.values()) - stuck
        self.exhausted += stuck
        return {"stage": stage, "action": "surplus", "candidate": source, "surplus": self.number(surplus),
                "transfer_values": sorted({self.number(value_of(v)) for v in papers}, reverse=True),
                **self.transfers(source, surplus, gained, stuck)}

    def exclude(self) -> dict:
        """The continuing candidate with the fewest votes is excluded; their papers pass on as they are."""
        stage = len(self.history) + 1
        low = min(self.votes[c] for c in self.continuing)
        source = ties.choose([c for c in self.continuing if self.votes[c] == low], highest=False,
                             history=self.history, seed=self.seed, stage=stage, purpose="exclude",
                             notes=self.notes)
        self.continuing.discard(source)
        self.excluded.append(source)
        papers, self.piles[source] = self.piles[source], {}
        given = self.votes[source]
        gained, stuck = self.move(papers, lambda v: v)
        self.exhausted += stuck
        self.votes[source] = 0
        return {"stage": stage, "action": "exclude", "candidate": source,
                **self.transfers(source, given, gained, stuck)}

    def transfers(self, source, given, gained: dict, stuck) -> dict:
        moved = {str(c): self.number(v) for c, v in sorted(gained.items(), key=lambda item: str(item[0]))}
        moved[str(source)] = -self.number(given)
        return {"transfers": moved, "non_transferable": self.number(stuck)}

    def move(self, papers_by_value: dict, value_of) -> tuple[dict, int]:
        """Pass papers to their next preference for a continuing candidate; return the votes each candidate
        gained and the non-transferable votes. ``value_of(value)`` is the value a paper carries on."""
        ranks, weights, pos, continuing, piles, votes = (self.ranks, self.weights, self.pos, self.continuing,
                                                         self.piles, self.votes)
        gained: dict = {}
        stuck_votes = 0
        for value, papers in papers_by_value.items():
            new = value_of(value)
            if not new:
                continue  # a transfer value truncated to 0: the papers carry nothing on
            moved: dict = {}
            stuck = 0
            for i in papers:
                r = ranks[i]
                p = pos[i] + 1
                n = len(r)
                while p < n and r[p] not in continuing:
                    p += 1
                if p < n:
                    pos[i] = p
                    bucket = moved.get(r[p])
                    if bucket is None:
                        moved[r[p]] = bucket = [[], 0]
                    bucket[0].append(i)
                    bucket[1] += weights[i]
                else:
                    stuck += weights[i]
            for c, (items, weight) in moved.items():
                pile = piles[c].get(new)
                if pile is None:
                    piles[c][new] = items
                else:
                    pile.extend(items)
                votes[c] += weight * new
                gained[c] = gained.get(c, 0) + weight * new
            stuck_votes += stuck * new
        return gained, stuck_votes

    def result(self) -> dict:
        rest = self.ordered(self.continuing, purpose="order")
        return {
            "method_rules": METHOD_RULES,
            "seats": self.seats,
            "ballots": self.valid + self.invalid,
            "valid": self.valid,
            "invalid": self.invalid,
            "quota": self.quota_votes,
            "counts": {str(c): self.first[c] for c in self.standing},
            "winners": list(self.elected),
            "order": [*self.elected, *rest, *reversed(self.excluded)],
            "excluded": list(self.excluded),
            "withdrawn": self.withdrawn,
            "rounds": self.rounds,
            "exhausted": self.number(self.exhausted),
            "fractions": self.number(self.lost),
            "tie_breaks": self.notes,
            "tie_seed": self.seed,
            "exact": self.exact,
        }
