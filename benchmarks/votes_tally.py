"""Benchmark: counting a poll, as a ratio to a raw SQL ``GROUP BY`` of the same ballot rows in the same run.

For each method, N ballots (1,000,000 by default) are written straight into ``vote_ballot`` of a scratch
SQLite database, then timed (best of 3):

* baseline: ``SELECT choice, count(*) FROM vote_ballot WHERE poll_id = ? GROUP BY choice`` (raw SQL);
* engine: ``consult.votes.tallies.count_online(poll)`` — what ``close_poll`` runs.

Plus instant-runoff with 100,000 ranked ballots over 10 options (many distinct rankings). Figures are ratios
measured in one run; the JSON goes to ``benchmarks/results/votes_tally.json``.

    .venv/bin/python -m benchmarks.votes_tally [--ballots 1000000] [--irv-ballots 100000]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

RESULTS = Path(__file__).parent / "results"
GOAL_SIMPLE = 2.0
SIMPLE = ("yes_no_abstain", "single", "approval", "score", "points")


def _choice(method: str, ids: list[int], rng: random.Random):
    weights = [5, 3, 2, 1, 1, 1, 1, 1, 1, 1][: len(ids)]
    if method in ("single", "yes_no_abstain"):
        return rng.choices(ids, weights)[0]
    if method == "approval":
        return sorted(rng.sample(ids, rng.randint(1, 3)))
    if method in ("ranked_irv", "schulze"):
        order = rng.sample(ids, len(ids))
        return order[: rng.randint(1, len(ids))]
    if method == "score":
        return {str(i): rng.randint(0, 5) for i in ids}
    if method == "points":
        a, b = rng.sample(ids, 2)
        x = rng.randint(0, 10)
        return {k: v for k, v in ((str(a), x), (str(b), 10 - x)) if v}
    raise ValueError(method)


def _fill(poll, n: int, rng: random.Random, db) -> None:
    from consult.votes.methods import encode
    from consult.votes.models import Ballot

    ids = [o.id for o in poll.options]
    # a pool of pre-encoded choices keeps generation cheap; counts still vary by weight
    pool = [encode(_choice(poll.method, ids, rng)) for _ in range(min(n, 20_000))]
    table = Ballot.__table__
    batch = 50_000
    with db.engine.begin() as conn:
        for start in range(0, n, batch):
            rows = [{"id": str(uuid.uuid4()), "poll_id": poll.id, "choice": pool[rng.randrange(len(pool))],
                     "tracker_hash": uuid.uuid4().hex * 2, "replace_key": None}
                    for _ in range(min(batch, n - start))]
            conn.execute(table.insert(), rows)


def _best(fn, repeat=3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def run(ballots: int, irv_ballots: int) -> dict:
    from consult import create_app
    from consult.extensions import db
    from consult.votes import services as votes
    from consult.votes import tallies

    tmp = tempfile.mkdtemp(prefix="consult-bench-")
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "RESIDENCE_HMAC_KEY": "bench-key-0123456789",
                      "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3", "INSTANCE_PATH": tmp})
    rng = random.Random(2027)
    out = {"benchmark": "votes_tally", "ballots": ballots, "irv_ballots": irv_ballots,
           "database": "sqlite", "python": platform.python_version(), "methods": {}}
    with app.app_context():
        db.create_all()
        labels = [f"Option {i}" for i in range(1, 11)]
        cases = [(m, labels[:5], ballots) for m in
                 ("yes_no_abstain", "single", "approval", "ranked_irv", "schulze", "score", "points")]
        cases.append(("ranked_irv", labels, irv_ballots))
        for method, options, n in cases:
            poll = votes.create_poll(question=f"{method} x {n}", method=method, options=options)
            votes.open_poll(poll)
            db.session.commit()
            _fill(poll, n, rng, db)
            db.session.rollback()  # end the session's snapshot taken before the rows were written
            q = sa.text("SELECT choice, count(*) FROM vote_ballot WHERE poll_id = :p GROUP BY choice")

            def baseline(pid=poll.id, q=q):
                with db.engine.connect() as conn:
                    conn.execute(q, {"p": pid}).all()

            def engine(p=poll):
                db.session.rollback()
                tally = tallies.count_online(p)
                db.session.rollback()
                return tally

            base = _best(baseline)
            eng = _best(engine)
            tally = engine()
            key = method if n == ballots else f"{method}_{len(options)}_options_{n}"
            out["methods"][key] = {
                "ballots": n, "options": len(options), "baseline_group_by_s": round(base, 4),
                "engine_s": round(eng, 4), "ratio": round(eng / base, 3) if base else None,
                "goal_ratio": GOAL_SIMPLE if method in SIMPLE else None,
                "rounds": len(tally.get("rounds", [])) or None, "counted": tally["ballots"],
            }
            assert tally["ballots"] == n
            print(f"{key:40s} n={n:>9,d} group-by {base:7.3f}s engine {eng:7.3f}s ratio {eng / base:5.2f}")
    RESULTS.mkdir(exist_ok=True)
    target = RESULTS / "votes_tally.json"
    target.write_text(json.dumps(out, indent=2))
    print(f"written to {target}")
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--irv-ballots", type=int, default=100_000)
    args = parser.parse_args(argv if argv is not None else [])
    run(args.ballots, args.irv_ballots)


if __name__ == "__main__":
    main(sys.argv[1:])
