"""Benchmark: PostgreSQL's CPU per page against the app's, on the generated city (does a read replica pay?).

A page costs CPU in the app process (Python: routing, policies, templates, gzip) and in the PostgreSQL
backend that answers its statements. The ratio of the two says how many app cores one database core keeps
busy: a read replica for pages only pays once the primary's cores run out before the app hosts' do. Each page
of ``benchmarks/city_pages.py`` (and a closed poll's results, published minutes, ``/api/v1/sessions``, the
bare ``/privacy``) is requested through the Flask test client over one pooled connection, after two requests
that fill the caches; the app's CPU is this process's, the database's is that connection's backend process,
read from ``/proc`` (so the database must run on this machine; 10 ms ticks, hence many requests).
JSON goes to ``benchmarks/results/db_share.json``.

    .venv/bin/python -m benchmarks.db_share [--database-url postgresql+psycopg://...] [--requests 200]

Without ``--database-url``: a throw-away PostgreSQL cluster with a copy of the generated city
(``benchmarks/_datasets.py``; generated once, about 9 minutes).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time

from benchmarks import write_result


def _pages(url: str) -> dict[str, tuple[str, dict]]:
    import sqlalchemy as sa

    from benchmarks.city_pages import find_pages

    pages = find_pages(url)
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        poll = conn.scalar(sa.text("SELECT id FROM vote_poll WHERE status = 'closed' ORDER BY id LIMIT 1"))
        minutes = conn.scalar(sa.text("SELECT id FROM minutes WHERE status = 'published' ORDER BY id DESC "
                                      "LIMIT 1"))
    engine.dispose()
    if poll:
        pages["closed poll results"] = (f"/polls/{poll}/results", {})
    if minutes:
        pages["published minutes"] = (f"/minutes/{minutes}", {})
    pages["/api/v1/sessions"] = ("/api/v1/sessions", {})
    pages["bare /privacy"] = ("/privacy", {})
    return pages


def _backend_cpu(pid: int) -> float:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(url: str, requests: int) -> dict:
    import sqlalchemy as sa

    from consult import create_app
    from consult.extensions import db

    pages = _pages(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "RESIDENCE_HMAC_KEY": "bench",
                      "RATELIMIT_ENABLED": False, "INSTANCE_PATH": tempfile.mkdtemp(prefix="consult-bench-"),
                      "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 1, "max_overflow": 0}})

    def backend() -> int:
        with app.app_context():
            pid = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
            db.session.remove()
        return pid

    pid = backend()
    if not os.path.exists(f"/proc/{pid}"):
        raise SystemExit("the database does not run on this machine: its CPU cannot be read")
    client = app.test_client()
    figures = {}
    for name, (path, headers) in pages.items():
        headers = {"Accept-Encoding": "gzip", **headers}
        for _ in range(2):
            client.get(path, headers=headers)
        assert backend() == pid, "the pool changed its connection"
        db_before, app_before = _backend_cpu(pid), time.process_time()
        for _ in range(requests):
            response = client.get(path, headers=headers)
        app_ms = (time.process_time() - app_before) / requests * 1000
        db_ms = (_backend_cpu(pid) - db_before) / requests * 1000
        figures[name] = {"status": response.status_code, "app_cpu_ms": round(app_ms, 2),
                         "db_cpu_ms": round(db_ms, 2),
                         "app_per_db": round(app_ms / db_ms, 1) if db_ms else None}
    with app.app_context():
        db.engine.dispose()
    return figures


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a PostgreSQL database on this machine (it is only read)")
    parser.add_argument("--requests", type=int, default=200, help="requests per page (200)")
    args = parser.parse_args(argv if argv is not None else [])
    with contextlib.ExitStack() as stack:
        url = args.database_url
        if not url:
            from benchmarks._datasets import city_database, postgres_cluster

            url = city_database("postgresql", postgres_prefix=stack.enter_context(postgres_cluster()),
                                name="db_share")
        load = os.getloadavg()
        figures = run(url, args.requests)
    print(f"load average before {load}, after {os.getloadavg()}")
    print(f"{'page':<36}{'app CPU ms':>12}{'db CPU ms':>12}{'app/db':>8}")
    for name, row in figures.items():
        print(f"{name:<36}{row['app_cpu_ms']:>12}{row['db_cpu_ms']:>12}{str(row['app_per_db']):>8}")
    result = {"requests": args.requests, "load_average": [load, os.getloadavg()], "pages": figures}
    write_result("db_share", result)
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
