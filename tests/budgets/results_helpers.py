"""A counted budget built directly (the budget, its projects, its closed poll and the stored count), for the
tests of the results: the counts themselves are tested in tests/votes."""

from __future__ import annotations

import uuid

from consult.budgets.models import (
    ACCEPTED,
    COUNTED,
    OPTION_TARGET,
    OWNER_TYPE,
    SET_ASIDE,
    Budget,
    BudgetProject,
)
from consult.core.models import utcnow
from consult.extensions import db
from consult.processes import services as processes
from consult.residency.models import District
from consult.votes import services as votes
from consult.votes.methods import encode
from consult.votes.models import Ballot

#: (title, cost, district code or None, votes, latitude, longitude)
PROJECTS = [
    ("Shaded playground", 600, "centro", 10, 38.12, 13.36),
    ("Library in three languages", 500, "kalsa", 8, 38.11, 13.37),
    ("Bike racks at the station", 300, "zisa", 6, None, None),
    ("Welcome signs", 200, None, 5, 38.115, 13.365),
]
#: what each rule funds (project titles, in order): greedy by votes takes the playground (600) then the bike
#: racks (300), the library does not fit; equal shares (each of the 29 voters has 1000/29) can pay for none
#: alone, so the shares grow by one unit at a time (completion add1) until the racks and the signs are paid
#: for by their own supporters (the racks first: more supporters pay a smaller part each), and the money
#: left funds the library by greedy completion
GREEDY = ["Shaded playground", "Bike racks at the station"]
EQUAL_SHARES = ["Bike racks at the station", "Welcome signs", "Library in three languages"]


def method_name() -> str:
    from consult.votes import methods

    try:
        methods.get("pb_knapsack")
    except methods.BallotError:
        return "approval"
    return "pb_knapsack"


def counted_budget(admin, *, rule="greedy", total=1000, before_close=None, points=None) -> Budget:
    """``before_close(poll, option)``: more ballots (paper slips) while the poll is open; ``points``: a
    cumulative ballot where each voter gives that many points to their project."""
    districts = {}
    for code in ("centro", "kalsa", "zisa"):
        district = db.session.query(District).filter_by(code=code).one_or_none()
        if district is None:
            district = District(code=code, name=code.title())
            db.session.add(district)
        districts[code] = district
    db.session.flush()
    process = processes.create_process(actor=admin, title="Welcome city")
    budget = Budget(process_id=process.id, title="Welcome budget", total=total, currency="EUR",
                    ballot_kind="cumulative" if points else "knapsack", points=3 if points else None,
                    rule=rule, status=COUNTED, description="Share it well.")
    db.session.add(budget)
    db.session.flush()
    projects = {}
    for n, (title, cost, code, _votes, lat, lon) in enumerate(PROJECTS):
        project = BudgetProject(budget_id=budget.id, title=title, cost=cost, status=ACCEPTED, position=n,
                                district_id=districts[code].id if code else None, latitude=lat,
                                longitude=lon, description=f"About {title}.")
        db.session.add(project)
        projects[title] = project
    db.session.add(BudgetProject(budget_id=budget.id, title="Gold fountain", cost=5000, status=SET_ASIDE,
                                 review_reason="Costs more than the whole budget.", position=9))
    db.session.flush()
    poll = votes.create_poll(question=budget.title, method="pb_cumulative" if points else method_name(),
                             options=list(projects), owner_type=OWNER_TYPE, owner_id=budget.id,
                             points_budget=3 if points else None)
    option = {}
    for o in poll.options:
        o.target_type, o.target_id = OPTION_TARGET, projects[o.label].id
        option[o.label] = o.id
    counts, ballots = {}, []
    for title, _cost, _code, n, _lat, _lon in PROJECTS:
        counts[str(option[title])] = n
    # ballots: n voters chose each project alone (enough for the .pb file)
    for title, _cost, _code, n, _lat, _lon in PROJECTS:
        for _ in range(n):
            choice = {str(option[title]): points} if points else [option[title]]
            ballots.append({"id": str(uuid.uuid4()), "poll_id": poll.id, "choice": encode(choice),
                            "tracker_hash": uuid.uuid4().hex + uuid.uuid4().hex})
    db.session.execute(sa_insert(), ballots)
    budget.poll_id = poll.id
    if poll.method == "approval":  # the counting methods of budgets are not there: the count as they write it
        _stored_count(poll, option, counts, len(ballots), rule, total)
    else:
        votes.open_poll(poll)
        if before_close is not None:
            before_close(poll, option)
        votes.close_poll(poll)
    db.session.commit()
    return budget


def _stored_count(poll, option, counts, ballots, rule, total):
    rules = {}
    for name, funded in (("greedy", GREEDY), ("equal_shares", EQUAL_SHARES)):
        ids = [option[t] for t in funded]
        spent = sum(c for t, c, *_ in PROJECTS if t in funded)
        rules[name] = {"funded": ids, "spent": spent, "left": total - spent,
                       "reasons": {str(option[t]): {"code": "funded" if t in funded
                                                    else "over_remaining_budget"} for t in option}}
    tally = {"ballots": ballots, "counts": counts, "winners": rules[rule]["funded"], "rules": rules}
    poll.status, poll.closed_at = "closed", utcnow()
    poll.result = {"method": poll.method, "online": tally, "tally": tally, "voters": ballots,
                   "eligible": None, "verdict": "decided",
                   "channels": [{"name": "online", "ballots": ballots, "blank": 0, "invalid": 0,
                                 "counts": counts}]}


def sa_insert():
    import sqlalchemy as sa

    return sa.insert(Ballot)
