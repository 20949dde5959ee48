"""Paper ballots typed twice, as the count reads them (``consult.votes.paper_ballots`` has the rules of the
double entry): which methods take them, and the counted slips of a poll's batches, one channel per polling
station."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for

from consult.extensions import db
from consult.votes import methods
from consult.votes.methods import decode
from consult.votes.models import Poll
from consult.votes.paper_models import BATCH_COUNTED, PaperBallot, PaperBatch

#: the methods whose ballots are counted whole (a ranking, a set of approvals), so paper slips are entered one
#: by one instead of as counts per option
WHOLE_BALLOT_METHODS = ("ranked_irv", "schulze", "stv", "seq_phragmen", "equal_shares",
                        "pb_knapsack", "pb_approval", "pb_cumulative")


def takes_paper_ballots(poll: Poll) -> bool:
    return poll.method in WHOLE_BALLOT_METHODS


def entry_url(poll: Poll | None) -> str | None:
    """The page where two people type a poll's paper slips one by one, when its method counts whole ballots
    (an election's, a participatory budget's)."""
    if poll is None or not takes_paper_ballots(poll):
        return None
    return url_for("votes.paper_ballots", poll_id=poll.id)


def counted_channels(poll: Poll, spec) -> tuple[list, list[dict], int]:
    """The counted paper slips of a poll: their ballots as (choice, weight) groups, one channel per station
    (its slips, blank and invalid, and the method's per-option counts of its valid slips), and how many
    slips in all."""
    rows = db.session.execute(
        sa.select(PaperBatch.id, PaperBatch.station, PaperBallot.kind, PaperBallot.choice, sa.func.count())
        .join(PaperBallot, PaperBallot.batch_id == PaperBatch.id)
        .where(PaperBatch.poll_id == poll.id, PaperBatch.status == BATCH_COUNTED)
        .group_by(PaperBatch.id, PaperBatch.station, PaperBallot.kind, PaperBallot.choice)
        .order_by(PaperBatch.id)).all()
    method = methods.get(poll.method)
    stations: dict[int, dict] = {}
    all_groups: list = []
    for batch_id, station, kind, choice, weight in rows:
        entry = stations.setdefault(batch_id, {"name": station, "ballots": 0, "blank": 0, "invalid": 0,
                                               "groups": []})
        entry["ballots"] += weight
        if kind == "valid":
            entry["groups"].append((decode(choice), weight))
        else:
            entry[kind] += weight
    channels = []
    for entry in stations.values():
        groups = entry.pop("groups")
        all_groups.extend(groups)
        channels.append({**entry, "counts": dict(method.tally(groups, spec).get("counts", {})),
                         "paper_ballots": True})
    return all_groups, channels, sum(c["ballots"] for c in channels)
