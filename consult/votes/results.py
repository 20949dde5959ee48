"""A poll's results as pages, CSV, minutes and other modules read them, and the list of counted ballots.

Rules kept here:

* Results stay hidden until the poll closes, except the live count of a quick poll or of a named poll that
  asks for it (:attr:`Poll.live_results`); a secret ballot's results never show before it closes.
* The counted-ballot list shows the fingerprints of the trackers of a closed poll only, in an order that says
  nothing about who voted when.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from consult.core.csv_export import write_csv
from consult.core.errors import NotAllowed
from consult.extensions import db
from consult.votes.casting import fingerprint, tracker_hash
from consult.votes.models import STATUS_OPEN, Ballot, Poll
from consult.votes.tallies import compose_result, count_online, participants


@dataclass
class OptionResult:
    id: int
    label: str
    count: float
    share: float  # 0..1 of the total shown for the method
    average: float | None = None
    distribution: list[int] | None = None
    winner: bool = False
    by_channel: dict = field(default_factory=dict)


@dataclass
class Result:
    """A poll's result as pages, CSV, minutes and other modules read it."""

    poll_id: int
    method: str
    options: list[OptionResult]
    ballots: int
    voters: int
    eligible: int | None
    verdict: str
    rounds: list[dict]
    channels: list[dict]
    final: bool
    counted_at: str | None = None
    schulze_ranking: list[str] = field(default_factory=list)
    #: the method's stored count as it is (the election methods' templates read their stages from it)
    tally: dict = field(default_factory=dict)

    @property
    def turnout(self) -> float | None:
        return self.voters / self.eligible if self.eligible else None

    @property
    def labels(self) -> dict[int, str]:
        return {o.id: o.label for o in self.options}

    @property
    def winners(self) -> list[OptionResult]:
        return [o for o in self.options if o.winner]

    def as_rows(self) -> list[dict]:
        return [{"label": o.label, "count": o.count} for o in self.options]


def results_visible(poll: Poll) -> bool:
    """Results stay hidden until the poll closes, except the live count of a quick poll or of a named poll
    that asks for it (:attr:`Poll.live_results`); a secret ballot's results never show before it closes."""
    return poll.is_closed or (poll.status == STATUS_OPEN and poll.live_results)


def results(poll: Poll) -> Result:
    """The stored count of a closed poll; for a poll still open, the current count (callers check
    :func:`results_visible` before showing it)."""
    stored = poll.result if poll.is_closed and poll.result else compose_result(poll, count_online(poll),
                                                                       participants(poll))
    tally = stored["tally"]
    label = {o.id: o.label for o in poll.options}
    winners = set(tally.get("winners") or [])
    counts = tally.get("counts", {})
    if poll.method == "score":
        values = tally.get("averages", {})
        whole = 5
    else:
        values = counts
        whole = sum(counts.values()) if poll.method in ("points",) else (tally.get("ballots") or 0)
    options = []
    for o in poll.options:
        count = counts.get(str(o.id), 0)
        value = values.get(str(o.id), 0)
        options.append(OptionResult(
            id=o.id, label=o.label, count=count, share=(value / whole) if whole else 0.0,
            average=tally.get("averages", {}).get(str(o.id)) if poll.method == "score" else None,
            distribution=tally.get("distribution", {}).get(str(o.id)) if poll.method == "score" else None,
            winner=o.id in winners,
            by_channel={c["name"]: c["counts"].get(str(o.id), 0) for c in stored["channels"]}))
    rounds = []
    for number, row in enumerate(tally.get("rounds", []), 1):
        if "continuing" not in row:
            continue  # the election methods' stages and rounds: their templates read them from ``tally``
        rounds.append({"number": number,
                       "counts": [(label[int(k)], v) for k, v in row["counts"].items()],
                       "continuing": row["continuing"], "exhausted": row["exhausted"],
                       "eliminated": [label[o] for o in row["eliminated"]]})
    return Result(poll_id=poll.id, method=poll.method, options=options, ballots=tally.get("ballots", 0),
                  voters=stored["voters"], eligible=stored.get("eligible"), verdict=stored["verdict"],
                  rounds=rounds, channels=stored["channels"], final=poll.is_closed,
                  counted_at=stored.get("counted_at"),
                  schulze_ranking=[label[o] for o in tally.get("ranking", [])], tally=tally)


def live_counts(poll: Poll) -> Result:
    """The current count of an open (live) poll, for live screens; refused when results are hidden."""
    if not results_visible(poll):
        raise NotAllowed(_l("The results of this poll are shown when it closes."))
    return results(poll)


def counted_trackers(poll: Poll) -> list[str]:
    """Fingerprints of the trackers of the counted ballots of a closed poll, in an order that says nothing."""
    if not poll.is_closed:
        return []
    hashes = db.session.scalars(sa.select(Ballot.tracker_hash).where(Ballot.poll_id == poll.id)
                                .order_by(Ballot.tracker_hash)).all()
    return [fingerprint(h) for h in hashes]


def is_counted(poll: Poll, tracker: str) -> bool:
    return poll.is_closed and db.session.scalar(sa.select(sa.exists().where(
        Ballot.poll_id == poll.id, Ballot.tracker_hash == tracker_hash(tracker))))


VERDICTS = {
    "adopted": lazy_pgettext("poll result", "Adopted"),
    "rejected": lazy_pgettext("poll result", "Rejected"),
    "no_quorum": _l("Not valid: too few people voted (quorum not reached)"),
    "no_result": _l("No result: no votes were counted"),
    "tie": _l("Tie"),
    "no_majority": _l("No option reached the required majority"),
    "decided": lazy_pgettext("poll result", "Decided"),
}


def result_csv(poll: Poll) -> str:
    """The result as CSV: one row per option with each channel's count (and IRV rounds after)."""
    result = results(poll)
    names = [c["name"] for c in result.channels]
    rows = [["option", "total", *names, "winner"]]
    for o in result.options:
        rows.append([o.label, o.average if poll.method == "score" else o.count,
                     *[o.by_channel.get(n, 0) for n in names], "yes" if o.winner else ""])
    rows.append([])
    rows.append(["ballots", result.ballots])
    rows.append(["voters", result.voters])
    rows.append(["eligible", result.eligible if result.eligible is not None else ""])
    rows.append(["verdict", result.verdict])
    for r in result.rounds:
        rows.append([f"round {r['number']}", *[f"{lbl}={v}" for lbl, v in r["counts"]],
                     f"exhausted={r['exhausted']}", "eliminated=" + ";".join(r["eliminated"])])
    return write_csv(rows)  # option labels and channel names are residents' text: no cell starts a formula
