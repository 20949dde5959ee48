"""Benchmark: counting a participatory budget (100,000 knapsack ballots over 50 projects) as a ratio to a
GROUP BY.

A budget's poll (method ``pb_knapsack``, 50 projects costing 5,000 to 300,000, a budget of 2,000,000) gets N
knapsack ballots (100,000 by default): each voter takes projects in an order drawn from a Plackett–Luce model
(long-tailed popularity), up to 1–12 of them, keeping those that still fit in the budget — mostly distinct
sets. They are validated and encoded as the cast service writes them and inserted in bulk into
``vote_ballot``. Then, in the same run, each timed ``--repeat`` times (best and median kept):

* (a) baseline: ``SELECT choice, count(*) FROM vote_ballot WHERE poll_id = ? GROUP BY choice`` (raw SQL);
* (b) the count as the close flow runs it: ``consult.votes.tallies.count_online(poll)`` — the same
  ``GROUP BY``, decoding each distinct choice, greedy by votes and the method of equal shares with its
  "add1" completion (``consult.votes.counting.budgets``), both rules always;
* (c) the same count with equal shares alone (``completion="none"``), for comparison.

The goal is (b) ≤ 10 × (a). The figures are ratios measured in one run (absolute times depend on the machine
and its load, printed with ``os.getloadavg``). SQLite by default (a scratch file); with
``--database-url postgresql+psycopg://…/name`` a throw-away database ``name_bench_<random>`` is created
next to it and dropped afterwards. JSON: ``benchmarks/results/budgets_count-<db>.json``.

    .venv/bin/python -m benchmarks.budgets_count [--ballots 100000] [--projects 50] [--repeat 3]
        [--database-url URL]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

from benchmarks.elections_count import _Database, _times

RESULTS = Path(__file__).parent / "results"
GOAL = 10.0
LIMIT = 2_000_000
OWNER = "benchmark-budget"


def _ballots(ids: list[int], costs: dict, n: int, rng: random.Random):
    """Knapsack ballots: projects in a Plackett–Luce order (Gumbel keys), 1–12 tried, those that fit kept."""
    log_strength = {i: math.log(rng.paretovariate(1.0)) for i in ids}
    for _ in range(n):
        keys = {i: log_strength[i] - math.log(-math.log(rng.random() or 1e-12)) for i in ids}
        chosen, spent = [], 0
        for p in sorted(ids, key=keys.__getitem__, reverse=True)[:rng.randint(1, 12)]:
            if spent + costs[p] <= LIMIT:
                chosen.append(p)
                spent += costs[p]
        yield chosen


def _fill(poll, costs: dict, n: int, rng: random.Random, db) -> int:
    from consult.votes import methods
    from consult.votes.casting import spec_for
    from consult.votes.methods import encode
    from consult.votes.models import Ballot

    method, spec = methods.get(poll.method), spec_for(poll)
    table = Ballot.__table__
    distinct: set = set()
    batch: list = []
    with db.engine.begin() as conn:
        for chosen in _ballots(list(spec.option_ids), costs, n, rng):
            text = encode(method.validate(chosen, spec))
            distinct.add(text)
            batch.append({"id": str(uuid.uuid4()), "poll_id": poll.id, "choice": text,
                          "tracker_hash": uuid.uuid4().hex * 2, "replace_key": None})
            if len(batch) == 20_000:
                conn.execute(table.insert(), batch)
                batch = []
        if batch:
            conn.execute(table.insert(), batch)
    return len(distinct)


def run(ballots: int, projects: int, repeat: int, database_url: str | None) -> dict:
    from consult import create_app
    from consult.extensions import db
    from consult.votes import services as votes
    from consult.votes import tallies
    from consult.votes.casting import spec_for
    from consult.votes.counting import budgets
    from consult.votes.owners import register_owner

    database = _Database(database_url)
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "RESIDENCE_HMAC_KEY": "bench-key-0123456789",
                      "DATABASE_URL": database.url, "INSTANCE_PATH": database.tmp})
    rng = random.Random(2026)
    steps = (5, 10, 20, 30, 50, 80, 120, 200, 300)
    costs_by_position = [rng.choice(steps) * 1000 for _ in range(projects)]
    register_owner(OWNER, spec_extras=lambda poll: {
        "costs": {o.id: costs_by_position[o.position] for o in poll.options}, "budget_limit": LIMIT,
        "pb_rule": "equal_shares"})
    try:
        with app.app_context():
            db.create_all()
            poll = votes.create_poll(question="Welcome budget (benchmark)", method="pb_knapsack",
                                     options=[f"Project {i}" for i in range(1, projects + 1)],
                                     owner_type=OWNER, owner_id=1)
            votes.open_poll(poll)
            db.session.commit()
            spec = spec_for(poll)
            t = time.perf_counter()
            distinct = _fill(poll, spec.costs, ballots, rng, db)
            filled = time.perf_counter() - t
            db.session.rollback()
            if database.kind == "postgresql":
                with db.engine.begin() as conn:
                    conn.exec_driver_sql("ANALYZE vote_ballot")
            query = sa.text("SELECT choice, count(*) FROM vote_ballot WHERE poll_id = :p GROUP BY choice")

            def baseline():
                with db.engine.connect() as conn:
                    return conn.execute(query, {"p": poll.id}).all()

            def count():
                db.session.rollback()
                result = tallies.count_online(poll)
                db.session.rollback()
                return result

            def count_without_completion():
                groups = tallies.ballot_groups(poll)
                return budgets.count(groups, spec.costs, LIMIT, completion="none")

            baseline(), count()  # warm the caches once: both timings then read the same warm pages
            base_times, count_times, plain_times = [], [], []
            for _ in range(repeat):  # interleaved, so that a burst of load hits both alike
                base_times += _times(baseline, 1)
                count_times += _times(count, 1)
                plain_times += _times(count_without_completion, 1)
            tally = count()
    finally:
        with app.app_context():
            db.engine.dispose()
        database.drop()
    base, best, plain = min(base_times), min(count_times), min(plain_times)
    shares = tally["rules"]["equal_shares"]
    out = {
        "benchmark": "budgets_count", "database": database.kind, "python": platform.python_version(),
        "ballots": ballots, "distinct_choices": distinct, "projects": projects, "budget": LIMIT,
        "repeat": repeat, "load_average": [round(x, 2) for x in os.getloadavg()],
        "insert_s": round(filled, 2),
        "baseline_group_by_s": {"best": round(base, 4), "median": round(statistics.median(base_times), 4)},
        "count_s": {"best": round(best, 4), "median": round(statistics.median(count_times), 4)},
        "count_without_completion_s": {"best": round(plain, 4),
                                       "median": round(statistics.median(plain_times), 4)},
        "ratio": round(best / base, 2),
        "ratio_median": round(statistics.median(count_times) / statistics.median(base_times), 2),
        "ratio_without_completion": round(plain / base, 2),
        "goal_ratio": GOAL,
        "funded": {"greedy": len(tally["rules"]["greedy"]["funded"]), "equal_shares": len(shares["funded"])},
        "equal_shares_final_share": shares["share"], "equal_shares_rounds": len(shares["rounds"]),
    }
    out["goal_met"] = out["ratio"] <= GOAL
    print(f"{database.kind}: {ballots:,d} knapsack ballots ({distinct:,d} distinct), {projects} projects;"
          f" load {out['load_average']}")
    print(f"  (a) GROUP BY                    best {base:.3f}s  median {statistics.median(base_times):.3f}s")
    print(f"  (b) close's count (add1)        best {best:.3f}s  median {statistics.median(count_times):.3f}s")
    print(f"  (c) equal shares without completion  best {plain:.3f}s")
    print(f"  ratio {out['ratio']} (median {out['ratio_median']}; without completion "
          f"{out['ratio_without_completion']}); goal <= {GOAL:g}: {'met' if out['goal_met'] else 'NOT met'}")
    RESULTS.mkdir(exist_ok=True)
    target = RESULTS / f"budgets_count-{database.kind}.json"
    target.write_text(json.dumps(out, indent=2) + "\n")
    print(f"written to {target}")
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--projects", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default=None,
                        help="a PostgreSQL URL: a throw-away database is made next to it (default: SQLite)")
    args = parser.parse_args(argv if argv is not None else [])
    run(args.ballots, args.projects, args.repeat, args.database_url)


if __name__ == "__main__":
    main(sys.argv[1:])
