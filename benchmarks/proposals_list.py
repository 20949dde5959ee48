"""Benchmark: the proposals list, search and a proposal page, as ratios to a bare page of the same layout.

A scratch SQLite database gets N proposals (10,000 by default) and S supports (100,000 by default;
``--supports 1000000`` for the issue's full figure) through ``consult.proposals.generate``. Each page is requested
R times through the WSGI app in-process (no gunicorn here: the figure is the app's own cost) and compared with
``/privacy``, a page that renders the same layout with no data. The SQL query count of each page is printed too.
JSON goes to ``benchmarks/results/proposals_list.json``.

    .venv/bin/python -m benchmarks.proposals_list [--proposals 10000] [--supports 100000] [--requests 50]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
GOAL_LIST = 0.5


def _measure(client, url: str, n: int, db) -> tuple[float, int]:
    from sqlalchemy import event

    queries = []

    def counter(*_args, **_kwargs):
        queries.append(1)

    client.get(url)  # warm
    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)
    start = time.perf_counter()
    for _ in range(n):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    return n / (time.perf_counter() - start), len(queries)


def run(n_proposals: int, n_supports: int, n_requests: int) -> dict:
    from consult import create_app
    from consult.core.schema_extras import create_all_extras
    from consult.extensions import db
    from consult.processes import services as processes
    from consult.proposals.generate import generate

    with tempfile.TemporaryDirectory(prefix="consult-bench-") as tmp:
        app = create_app({"TESTING": True, "INSTANCE_PATH": tmp, "SECRET_KEY": "bench", "RESIDENCE_HMAC_KEY": "bench",
                          "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3", "RATELIMIT_ENABLED": False})
        with app.app_context():
            db.create_all()
            create_all_extras()
            process = processes.create_process(actor=None, title="Benchmark", themes=["A", "B", "C"],
                                               support_threshold=10**6)
            t = time.perf_counter()
            stats = generate(process, proposals=n_proposals, people=max(1000, n_supports // 100),
                             supports=n_supports)
            db.session.commit()
            fill_seconds = time.perf_counter() - t
            proposal_id = n_proposals // 2
        client = app.test_client()
        figures = {}
        with app.app_context():
            bare, bare_q = _measure(client, "/privacy", n_requests, db)
            for name, url in (("list", "/proposals"), ("list_supported", "/proposals?sort=supported"),
                              ("search", "/proposals?q=welcome+card"), ("proposal", f"/proposals/{proposal_id}")):
                rate, queries = _measure(client, url, n_requests, db)
                figures[name] = {"ratio_to_bare": round(rate / bare, 3), "queries": queries,
                                 "per_second": round(rate, 1)}
        return {"bare_per_second": round(bare, 1), "data": stats, "fill_seconds": round(fill_seconds, 1), "bare_queries": bare_q, "pages": figures,
                "goal_list_ratio": GOAL_LIST, "python": sys.version.split()[0], "machine": platform.machine()}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=10_000)
    parser.add_argument("--supports", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args(argv if argv is not None else [])
    result = run(args.proposals, args.supports, args.requests)
    for name, figure in result["pages"].items():
        print(f"{name:16} {figure['ratio_to_bare']:6.3f} × bare page   {figure['queries']} queries   "
              f"({figure['per_second']}/s; bare page {result['bare_per_second']}/s)")
    print(f"list goal ≥ {GOAL_LIST}: {'met' if result['pages']['list']['ratio_to_bare'] >= GOAL_LIST else 'NOT met'}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "proposals_list.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
