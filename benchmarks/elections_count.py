"""Benchmark: counting an STV election (100,000 ballots, 40 candidates, 12 seats) as a ratio to a GROUP BY.

An election's poll (method ``stv``, 12 seats, 40 candidate options) gets N ranked ballots (100,000 by
default), drawn by a Plackett–Luce model with varied candidate strengths and lengths of 1 to 15 preferences,
validated and encoded as the cast service writes them (canonical choice, compact JSON), and inserted in bulk
into ``vote_ballot``. Then, in the same run, each timed ``--repeat`` times (best and median kept):

* (a) baseline: ``SELECT choice, count(*) FROM vote_ballot WHERE poll_id = ? GROUP BY choice`` (raw SQL);
* (b) the count as the close flow runs it: ``consult.votes.tallies.count_online(poll)`` — the same
  ``GROUP BY``, decoding each distinct choice, and the Scottish STV count of
  ``consult.votes.counting.stv`` (Weighted Inclusive Gregory transfers at 5 decimal places).

The goal is (b) ≤ 20 × (a). The figures are ratios measured in one run (absolute times depend on the
machine and its load, printed with ``os.getloadavg``). SQLite by default (a scratch file); with
``--database-url postgresql+psycopg://…/name`` a throw-away database ``name_bench_<random>`` is created
next to it on the same server and dropped afterwards. JSON: ``benchmarks/results/elections_count-<db>.json``.

    .venv/bin/python -m benchmarks.elections_count [--ballots 100000] [--candidates 40] [--seats 12]
        [--repeat 5] [--database-url URL]
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
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

RESULTS = Path(__file__).parent / "results"
GOAL = 20.0


def _rankings(ids: list[int], n: int, rng: random.Random):
    """Plackett–Luce rankings (Gumbel keys): candidate strengths from a long-tailed law, lengths 1–15."""
    log_strength = {i: math.log(rng.paretovariate(1.2)) for i in ids}
    longest = min(15, len(ids))
    for _ in range(n):
        keys = {i: log_strength[i] - math.log(-math.log(rng.random() or 1e-12)) for i in ids}
        order = sorted(ids, key=keys.__getitem__, reverse=True)
        yield order[:rng.randint(1, longest)]


def _fill(poll, n: int, rng: random.Random, db) -> int:
    """Insert ``n`` ballots as the cast service writes them (validate, encode), in bulk; return the number of
    distinct choices."""
    from consult.votes import methods
    from consult.votes.casting import spec_for
    from consult.votes.methods import encode
    from consult.votes.models import Ballot

    method, spec = methods.get(poll.method), spec_for(poll)
    table = Ballot.__table__
    distinct: set = set()
    batch: list = []
    with db.engine.begin() as conn:
        for ranking in _rankings(list(spec.option_ids), n, rng):
            text = encode(method.validate(ranking, spec))
            distinct.add(text)
            batch.append({"id": str(uuid.uuid4()), "poll_id": poll.id, "choice": text,
                          "tracker_hash": uuid.uuid4().hex * 2, "replace_key": None})
            if len(batch) == 20_000:
                conn.execute(table.insert(), batch)
                batch = []
        if batch:
            conn.execute(table.insert(), batch)
    return len(distinct)


def _times(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return times


class _Database:
    """A scratch SQLite file, or a throw-away PostgreSQL database next to the one named."""

    def __init__(self, url: str | None):
        self.admin_url = url
        self.tmp = tempfile.mkdtemp(prefix="consult-bench-")
        if not url:
            self.url, self.name, self.kind = f"sqlite:///{self.tmp}/bench.sqlite3", None, "sqlite"
            return
        base, _, dbname = url.rpartition("/")
        self.name = f"{dbname}_bench_{uuid.uuid4().hex[:6]}"
        self.url, self.kind = f"{base}/{self.name}", "postgresql"
        admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{self.name}"')
        admin.dispose()

    def drop(self) -> None:
        if self.name:
            admin = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            admin.dispose()


def run(ballots: int, candidates: int, seats: int, repeat: int, database_url: str | None) -> dict:
    from consult import create_app
    from consult.extensions import db
    from consult.votes import services as votes
    from consult.votes import tallies
    from consult.votes.methods import decode

    database = _Database(database_url)
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "RESIDENCE_HMAC_KEY": "bench-key-0123456789",
                      "DATABASE_URL": database.url, "INSTANCE_PATH": database.tmp})
    rng = random.Random(2026)
    try:
        with app.app_context():
            db.create_all()
            poll = votes.create_poll(question="Council of Cultures (benchmark)", method="stv",
                                     options=[f"Candidate {i}" for i in range(1, candidates + 1)],
                                     seats=seats, tie_seed="benchmark seed")
            votes.open_poll(poll)
            db.session.commit()
            t = time.perf_counter()
            distinct = _fill(poll, ballots, rng, db)
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

            baseline(), count()  # warm the caches once: both timings then read the same warm pages
            base_times, count_times = [], []
            for _ in range(repeat):  # interleaved, so that a burst of load hits both alike
                base_times += _times(baseline, 1)
                count_times += _times(count, 1)
            rows = baseline()
            t = time.perf_counter()
            groups = [(decode(choice), weight) for choice, weight in rows]
            decoding = time.perf_counter() - t
            from consult.votes.casting import spec_for
            from consult.votes.methods import get

            spec = spec_for(poll)
            t = time.perf_counter()
            tally = get("stv").tally(groups, spec)
            counting = time.perf_counter() - t
    finally:
        with app.app_context():
            db.engine.dispose()
        database.drop()
    base, best = min(base_times), min(count_times)
    out = {
        "benchmark": "elections_count", "database": database.kind, "python": platform.python_version(),
        "ballots": ballots, "distinct_choices": distinct, "candidates": candidates, "seats": seats,
        "repeat": repeat, "load_average": [round(x, 2) for x in os.getloadavg()],
        "insert_s": round(filled, 2),
        "baseline_group_by_s": {"best": round(base, 4), "median": round(statistics.median(base_times), 4)},
        "count_s": {"best": round(best, 4), "median": round(statistics.median(count_times), 4)},
        "parts_s": {"decode": round(decoding, 4), "stv_count": round(counting, 4)},
        "ratio": round(best / base, 2), "ratio_median": round(statistics.median(count_times)
                                                              / statistics.median(base_times), 2),
        "goal_ratio": GOAL, "stages": len(tally["rounds"]), "quota": tally["quota"],
        "elected": len(tally["winners"]), "tie_breaks": len(tally["tie_breaks"]),
    }
    out["goal_met"] = out["ratio"] <= GOAL
    print(f"{database.kind}: {ballots:,d} ballots ({distinct:,d} distinct), {candidates} candidates,"
          f" {seats} seats; load {out['load_average']}")
    print(f"  (a) GROUP BY       best {base:.3f}s  median {statistics.median(base_times):.3f}s")
    print(f"  (b) close's count  best {best:.3f}s  median {statistics.median(count_times):.3f}s"
          f"  (decode {decoding:.3f}s, STV {counting:.3f}s, {out['stages']} stages)")
    print(f"  ratio {out['ratio']} (median {out['ratio_median']}); goal <= {GOAL:g}:"
          f" {'met' if out['goal_met'] else 'NOT met'}")
    RESULTS.mkdir(exist_ok=True)
    target = RESULTS / f"elections_count-{database.kind}.json"
    target.write_text(json.dumps(out, indent=2) + "\n")
    print(f"written to {target}")
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--candidates", type=int, default=40)
    parser.add_argument("--seats", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default=None,
                        help="a PostgreSQL URL: a throw-away database is made next to it (default: SQLite)")
    args = parser.parse_args(argv if argv is not None else [])
    run(args.ballots, args.candidates, args.seats, args.repeat, args.database_url)


if __name__ == "__main__":
    main(sys.argv[1:])
