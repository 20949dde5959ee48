"""Benchmark: the proposals list, search and a proposal page, as ratios to a bare page of the same layout.

A scratch SQLite database gets N proposals (10,000 by default) and S supports (100,000 by default;
``--supports 1000000`` for the issue's full figure) through ``consult.demo.generate.bulk``. Each page is
requested R times through the WSGI app in-process (the app's own cost) and compared with ``/privacy``, a page
that renders the same layout with no data. The SQL query count of each page is printed too.

Then the same database is served by gunicorn on loopback (``--workers 1 --threads 8 --worker-class gthread``,
``benchmarks/_bare_app.py``: the app plus a benchmark-only ``/_bench/bare`` page rendering ``base.html`` with
an empty content block) and each page gets G requests from a small thread pool of HTTP clients; the ratio of
each page's throughput to the bare page's is the issue's figure (goal: the list at ≥ 0.5×). The bare page and
the pages are measured in alternating rounds (5 by default) and the median round's ratio is reported with the
range of the rounds, so that the load of a shared machine drifting during the run does not bias the ratio.
JSON goes to ``benchmarks/results/proposals_list.json``.

    .venv/bin/python -m benchmarks.proposals_list [--proposals 10000] [--supports 100000] [--requests 50]
        [--http-requests 400] [--clients 4] [--no-gunicorn]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
GOAL_LIST = 0.5
ROOT = Path(__file__).resolve().parent.parent


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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _throughput(base: str, url: str, n: int, clients: int) -> float:
    """Requests per second for ``n`` GETs of ``url`` from ``clients`` threads (one keep-alive session
    each)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    import requests

    local = threading.local()

    def get(_i):
        if not hasattr(local, "session"):
            local.session = requests.Session()
        response = local.session.get(base + url, timeout=60)
        assert response.status_code == 200, (url, response.status_code)

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(get, range(min(n, 2 * clients))))  # warm every client and the server
        start = time.perf_counter()
        list(pool.map(get, range(n)))
        return n / (time.perf_counter() - start)


def run_gunicorn(tmp: str, database_url: str, pages: dict[str, str], n: int, clients: int,
                 rounds: int = 5) -> dict:
    """Serve the database with gunicorn on loopback and measure each page against the bare page, in ``rounds``
    alternating rounds of ``n / rounds`` requests each."""
    import requests

    from benchmarks._bare_app import BARE_URL

    port = _free_port()
    env = dict(os.environ, CONSULT_INSTANCE_PATH=tmp, CONSULT_DATABASE_URL=database_url,
               CONSULT_RATELIMIT_ENABLED="false", PYTHONPATH=str(ROOT))
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen([str(gunicorn), "--workers", "1", "--threads", "8", "--worker-class", "gthread",
                               "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
                               "benchmarks._bare_app:app"],
                              cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(base + BARE_URL, timeout=30)
                break
            except requests.RequestException:  # not listening yet, or a first answer slow on a loaded machine
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        # rounds alternate the bare page and each page, so that a change of load on a shared machine during
        # the run weighs on both sides of a ratio alike; the figure is the median round, with the range
        per_round = max(n // rounds, 2 * clients)
        bare_rates, rates = [], {name: [] for name in pages}
        for _ in range(rounds):
            bare_rates.append(_throughput(base, BARE_URL, per_round, clients))
            for name, url in pages.items():
                rates[name].append(_throughput(base, url, per_round, clients))
        figures = {}
        for name in pages:
            ratios = sorted(rate / bare for rate, bare in zip(rates[name], bare_rates, strict=True))
            figures[name] = {"ratio_to_bare": round(statistics.median(ratios), 3),
                             "ratio_range": [round(ratios[0], 3), round(ratios[-1], 3)],
                             "per_second": round(statistics.median(rates[name]), 1)}
        return {"bare_per_second": round(statistics.median(bare_rates), 1),
                "requests_per_page": per_round * rounds, "rounds": rounds, "clients": clients,
                "pages": figures,
                "server": "gunicorn --workers 1 --threads 8 --worker-class gthread (loopback)"}
    finally:
        server.terminate()
        server.wait(timeout=30)


def run(n_proposals: int, n_supports: int, n_requests: int, http_requests: int = 400, clients: int = 4,
        use_gunicorn: bool = True) -> dict:
    from consult import create_app
    from consult.core.schema_extras import create_all_extras
    from consult.demo.generate.bulk import add_proposals
    from consult.extensions import db
    from consult.processes import services as processes

    with tempfile.TemporaryDirectory(prefix="consult-bench-") as tmp:
        app = create_app({"TESTING": True, "INSTANCE_PATH": tmp, "SECRET_KEY": "bench",
                          "RESIDENCE_HMAC_KEY": "bench", "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
                          "RATELIMIT_ENABLED": False})
        with app.app_context():
            db.create_all()
            create_all_extras()
            process = processes.create_process(actor=None, title="Benchmark", themes=["A", "B", "C"],
                                               support_threshold=10**6)
            t = time.perf_counter()
            stats = add_proposals(process, proposals=n_proposals, people=max(1000, n_supports // 100),
                                  supports=n_supports)
            db.session.commit()
            fill_seconds = time.perf_counter() - t
            proposal_id = n_proposals // 2
        client = app.test_client()
        figures = {}
        pages = {"list": "/proposals", "list_supported": "/proposals?sort=supported",
                 "search": "/proposals?q=welcome+card", "proposal": f"/proposals/{proposal_id}"}
        with app.app_context():
            bare, bare_q = _measure(client, "/privacy", n_requests, db)
            for name, url in pages.items():
                rate, queries = _measure(client, url, n_requests, db)
                figures[name] = {"ratio_to_bare": round(rate / bare, 3), "queries": queries,
                                 "per_second": round(rate, 1)}
            db.session.remove()
            db.engine.dispose()
        served = (run_gunicorn(tmp, f"sqlite:///{tmp}/bench.sqlite3", pages, http_requests, clients)
                  if use_gunicorn else None)
        return {"bare_per_second": round(bare, 1), "data": stats, "fill_seconds": round(fill_seconds, 1),
                "bare_queries": bare_q, "pages": figures, "gunicorn": served,
                "goal_list_ratio": GOAL_LIST, "python": sys.version.split()[0], "machine": platform.machine()}


def print_figures(result: dict, *, width: int) -> None:
    """Print a run's in-process and gunicorn figures (shared with benchmarks/proposal_page.py)."""
    print("in-process (test client):")
    for name, figure in result["pages"].items():
        print(f"  {name:{width}} {figure['ratio_to_bare']:6.3f} × bare page   {figure['queries']} queries   "
              f"({figure['per_second']}/s; bare page {result['bare_per_second']}/s)")
    served = result["gunicorn"]
    if served:
        print(f"gunicorn on loopback ({served['clients']} clients, {served['requests_per_page']} requests a "
              "page):")
        for name, figure in served["pages"].items():
            low, high = figure["ratio_range"]
            print(f"  {name:{width}} {figure['ratio_to_bare']:6.3f} × bare page (rounds {low}–{high})   "
                  f"({figure['per_second']}/s; bare page {served['bare_per_second']}/s)")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=10_000)
    parser.add_argument("--supports", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--http-requests", type=int, default=400, help="requests per page under gunicorn")
    parser.add_argument("--clients", type=int, default=4, help="client threads under gunicorn")
    parser.add_argument("--no-gunicorn", action="store_true", help="only the in-process figures")
    args = parser.parse_args(argv if argv is not None else [])
    result = run(args.proposals, args.supports, args.requests, args.http_requests, args.clients,
                 not args.no_gunicorn)
    print_figures(result, width=16)
    served = result["gunicorn"]
    if served:
        ratio = served["pages"]["list"]["ratio_to_bare"]
        print(f"list goal ≥ {GOAL_LIST} under gunicorn: {'met' if ratio >= GOAL_LIST else 'NOT met'} "
              f"({ratio})")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "proposals_list.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
