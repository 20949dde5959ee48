"""Benchmark: many residents casting a secret ballot at the same moment, through a real server.

A scratch SQLite database (schema from the migrations) gets 500 verified residents and one open single-choice
secret poll, made through the services. gunicorn (``gthread``, 1 worker x 64 threads, as ``make run``; set
``VOTES_BENCH_WORKERS`` / ``VOTES_BENCH_THREADS`` to try others, ``VOTES_BENCH_LOG`` to keep the server's log)
serves it on a free loopback port. Every voter signs in with its own ``requests.Session``; then a pool of 100
threads lets all 500 vote at once, each as the pages do: GET the ballot, POST the confirmation step, POST the
cast, GET the "you voted" page with the tracker. A bare page (``/privacy``) is requested as many times by the
same pool in the same run, so the figure is a ratio, not an absolute time.

Then 50 voters replay their cast: each must be refused and change nothing. Finally the database is counted:
participations == ballots == successful casts, every tracker shown is counted once, no vote lost or doubled.
Rate limits are switched off for the server (all voters share one loopback address). Requests the server
failed (5xx, e.g. SQLite's "database is locked" after the busy timeout) are counted and listed, not hidden:
such a voter has voted nothing and may try again.

    .venv/bin/python -m benchmarks votes_concurrency
"""

from __future__ import annotations

import argparse
import html
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks import write_result

VOTERS = 500
POOL = 100
DUPLICATES = 50
WORKERS = int(os.environ.get("VOTES_BENCH_WORKERS", 1))  # as `make run` (WORKERS ?= 1, THREADS ?= 64)
THREADS = int(os.environ.get("VOTES_BENCH_THREADS", 64))
PASSWORD = "bench password 123"
TIMEOUT = 60  # seconds, for any one request
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CHOICE_RE = re.compile(r'name="choice" value="([^"]*)"')
TRACKER_RE = re.compile(r'id="tracker">([^<]+)<')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _config(instance: Path, url: str) -> dict:
    return {
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-secret-key",
        "RESIDENCE_HMAC_KEY": "bench-residence-key-0123456789abcdef",
        "PASSWORD_HASH_PROFILE": "test",  # sign-in is set-up here, not what is measured
        "RATELIMIT_ENABLED": False,
    }


def _env(instance: Path, url: str) -> dict:
    env = dict(os.environ)
    env.update({
        "CONSULT_INSTANCE_PATH": str(instance),
        "CONSULT_DATABASE_URL": url,
        "CONSULT_SECRET_KEY": "bench-secret-key",
        "CONSULT_RESIDENCE_HMAC_KEY": "bench-residence-key-0123456789abcdef",
        "CONSULT_PASSWORD_HASH_PROFILE": "test",
        "CONSULT_RATELIMIT_ENABLED": "false",
    })
    return env


def _prepare(app) -> tuple[int, list[int]]:
    """Schema (migrations), 500 verified residents, one open secret single-choice poll: (poll id, option
    ids)."""
    import flask_migrate

    from consult.accounts import services as accounts
    from consult.extensions import db
    from consult.residency import services as residency
    from consult.votes import services as votes

    with app.app_context():
        flask_migrate.upgrade()
        for n in range(VOTERS):
            user = accounts.sign_up(f"voter{n}", f"Voter {n}", PASSWORD, "en", None)
            residency.verify_account(user, "in_person", birth_year=1960 + n % 45)
            if n % 100 == 99:
                db.session.commit()
        poll = votes.create_poll(question="Which place should the city open first?", method="single",
                                 options=["Library", "Park", "Clinic"], mode="secret")
        votes.open_poll(poll)
        db.session.commit()
        return poll.id, [o.id for o in poll.options]


def _count(app, poll_id: int, trackers: list[str]) -> dict:
    import sqlalchemy as sa

    from consult.extensions import db
    from consult.votes import services as votes
    from consult.votes.models import Ballot, Participation

    with app.app_context():
        participations = db.session.scalar(sa.select(sa.func.count()).select_from(Participation)
                                           .where(Participation.poll_id == poll_id))
        distinct_voters = db.session.scalar(sa.select(sa.func.count(sa.distinct(Participation.voter_id)))
                                            .where(Participation.poll_id == poll_id))
        ballots = db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)
                                    .where(Ballot.poll_id == poll_id))
        hashes = set(db.session.scalars(sa.select(Ballot.tracker_hash).where(Ballot.poll_id == poll_id)))
        shown = {votes.tracker_hash(t) for t in trackers}
        return {"participations": participations, "distinct_voters": distinct_voters, "ballots": ballots,
                "trackers_shown": len(trackers), "trackers_distinct": len(shown),
                "trackers_counted": len(shown & hashes)}


class Voter:
    """One resident's browser: a cookie-keeping session and the CSRF token read from its pages."""

    def __init__(self, base: str, n: int):
        import requests

        self.base, self.username = base, f"voter{n}"
        self.http = requests.Session()
        self.token = None
        self.choice = None

    def get(self, path):
        response = self.http.get(self.base + path, allow_redirects=False, timeout=TIMEOUT)
        match = CSRF_RE.search(response.text)
        if match:
            self.token = match.group(1)
        return response

    def post(self, path, data):
        return self.http.post(self.base + path, data={**data, "csrf_token": self.token},
                              allow_redirects=False, timeout=TIMEOUT)

    def sign_in(self) -> bool:
        self.get("/sign-in")
        return self.post("/sign-in", {"username": self.username, "password": PASSWORD}).status_code == 303

    def vote(self, poll_id: int, option_id: int) -> tuple[str, str | None]:
        """The pages' flow; returns (outcome, tracker)."""
        if self.get(f"/polls/{poll_id}").status_code != 200:
            return "ballot page failed", None
        confirm = self.post(f"/polls/{poll_id}/confirm", {"option": str(option_id)})
        match = CHOICE_RE.search(confirm.text)
        if confirm.status_code != 200 or not match:
            return f"confirm {confirm.status_code}", None
        choice = html.unescape(match.group(1))
        cast = self.post(f"/polls/{poll_id}/vote", {"choice": choice})
        if cast.status_code != 303:
            return f"cast {cast.status_code}", None
        self.choice = choice  # only voters whose cast was accepted replay it
        voted = self.get(cast.headers["Location"])
        tracker = TRACKER_RE.search(voted.text)
        return "ok", tracker.group(1).strip() if tracker else None


def _wait_for(base, server):
    import requests

    for _ in range(150):
        if server.poll() is not None:
            raise RuntimeError(f"the server did not start (exit {server.returncode})")
        try:
            requests.get(base + "/privacy", timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError("the server did not answer")


def _safe(fn):
    def run(*args):
        try:
            return fn(*args)
        except Exception as err:  # noqa: BLE001 - a benchmark counts failures instead of stopping
            return f"error {type(err).__name__}", None
    return run


def _run(base: str, poll_id: int, option_ids: list[int]) -> tuple[dict, list[str]]:
    voters = [Voter(base, n) for n in range(VOTERS)]
    with ThreadPoolExecutor(POOL) as pool:
        t = time.perf_counter()
        signed = sum(pool.map(lambda v: _safe(v.sign_in)() is True, voters))  # a failed one votes nothing
        sign_in_seconds = time.perf_counter() - t

        # the bare page, by the same pool, same server, same run (a warm-up round first)
        page = [Voter(base, n) for n in range(POOL)]
        list(pool.map(lambda v: v.get("/privacy").status_code, page))
        t = time.perf_counter()
        page_status = list(pool.map(lambda i: page[i % POOL].get("/privacy").status_code, range(VOTERS)))
        page_seconds = time.perf_counter() - t

        lock = threading.Lock()
        outcomes, trackers = {}, []

        def cast(i):
            outcome, tracker = _safe(voters[i].vote)(poll_id, option_ids[i % len(option_ids)])
            with lock:
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
                if tracker:
                    trackers.append(tracker)

        t = time.perf_counter()
        list(pool.map(cast, range(VOTERS)))
        cast_seconds = time.perf_counter() - t

        def replay(v):
            try:
                r = v.post(f"/polls/{poll_id}/vote", {"choice": v.choice or "[]"})
                return r.status_code
            except Exception:  # noqa: BLE001
                return -1

        replay_status = list(pool.map(replay, [v for v in voters if v.choice][:DUPLICATES]))

    casts_ok = outcomes.get("ok", 0)
    casts_per_s = casts_ok / cast_seconds
    pages_per_s = sum(s == 200 for s in page_status) / page_seconds
    return {
        "voters": VOTERS,
        "client_pool_threads": POOL,
        "signed_in": signed,
        "sign_in_seconds": round(sign_in_seconds, 2),
        "cast_outcomes": outcomes,
        "successful_casts": casts_ok,
        "cast_seconds": round(cast_seconds, 2),
        "casts_per_second": round(casts_per_s, 1),
        "requests_per_cast": 4,
        "page_requests": VOTERS,
        "page_ok": sum(s == 200 for s in page_status),
        "page_seconds": round(page_seconds, 2),
        "pages_per_second": round(pages_per_s, 1),
        "ratio_pages_to_casts": round(pages_per_s / casts_per_s, 2) if casts_per_s else None,
        "duplicate_replays": len(replay_status),
        "duplicate_status": sorted(set(replay_status)),
        "duplicates_refused": sum(400 <= s < 500 for s in replay_status),
    }, trackers


def main(argv=None):
    global VOTERS, POOL, WORKERS, THREADS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=VOTERS,
                        help="residents who vote at once (default %(default)s)")
    parser.add_argument("--pool", type=int, default=POOL, help="client threads (default %(default)s)")
    parser.add_argument("--workers", type=int, default=WORKERS, help="gunicorn workers (default %(default)s)")
    parser.add_argument("--threads", type=int, default=THREADS,
                        help="gunicorn threads per worker (default %(default)s)")
    args = parser.parse_args(argv if argv is not None else [])
    VOTERS, POOL, WORKERS, THREADS = args.voters, args.pool, args.workers, args.threads
    from consult import create_app

    with tempfile.TemporaryDirectory(prefix="consult-bench-votes-") as tmp:
        instance = Path(tmp)
        url = f"sqlite:///{instance / 'bench.sqlite3'}"
        app = create_app(_config(instance, url))
        t = time.perf_counter()
        poll_id, option_ids = _prepare(app)
        setup_seconds = time.perf_counter() - t
        log = open(os.environ.get("VOTES_BENCH_LOG") or instance / "server.log", "w+b")  # noqa: SIM115
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--worker-class", "gthread", "--workers", str(WORKERS),
             "--threads", str(THREADS), "--bind", f"127.0.0.1:{port}", "--timeout", "120",
             "--graceful-timeout", "3", "--log-level", "warning", "consult:create_app()"],
            env=_env(instance, url), stdout=subprocess.DEVNULL, stderr=log)
        try:
            _wait_for(base, server)
            figures, trackers = _run(base, poll_id, option_ids)
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
        log.seek(0)
        errors = [line for line in log.read().decode("utf-8", "replace").splitlines()
                  if "Error" in line or "Exception" in line or "unhandled error on" in line]
        log.close()
        counts = _count(app, poll_id, trackers)  # after the replays: they must have changed nothing

    ok = figures["successful_casts"]
    figures.update({
        "server": {"worker_class": "gthread", "workers": WORKERS, "threads": THREADS, "database": "sqlite"},
        "setup_seconds": round(setup_seconds, 1),
        "server_errors": len([e for e in errors if "unhandled error on" in e]),
        "server_error_lines": sorted(set(errors))[:10],
        "database": counts,
        "lost": max(0, ok - counts["ballots"]),
        "doubled": max(0, counts["participations"] - counts["distinct_voters"])
        + max(0, counts["ballots"] - counts["participations"]),
        "all_voted": ok == VOTERS,
        "consistent": counts["participations"] == counts["ballots"] == ok == counts["trackers_counted"]
        and counts["distinct_voters"] == counts["participations"]
        and figures["duplicates_refused"] == figures["duplicate_replays"],
    })
    path = write_result("votes_concurrency", figures)
    print(f"server: gunicorn gthread {WORKERS} workers x {THREADS} threads, SQLite, {os.cpu_count()} CPUs; "
          f"client pool {POOL} threads")
    print(f"signed in {figures['signed_in']}/{VOTERS} in {figures['sign_in_seconds']} s")
    print(f"casts: {ok}/{VOTERS} ok in {figures['cast_seconds']} s -> {figures['casts_per_second']} casts/s "
          f"(4 requests each); outcomes {figures['cast_outcomes']}")
    print(f"bare page /privacy: {figures['pages_per_second']} req/s -> ratio pages/casts "
          f"{figures['ratio_pages_to_casts']}x")
    print(f"duplicates: {figures['duplicates_refused']}/{figures['duplicate_replays']} refused "
          f"(status {figures['duplicate_status']})")
    print(f"database: {counts}; lost {figures['lost']}, doubled {figures['doubled']}; "
          f"consistent {figures['consistent']}")
    if not figures["all_voted"]:
        print(f"WARNING: {VOTERS - ok} voters could not vote; server errors: {figures['server_errors']}")
    for line in figures["server_error_lines"]:
        print("server:", line)
    print(f"JSON: {path}")
    if not figures["consistent"]:
        raise AssertionError("votes lost, doubled or duplicates accepted: see the figures above")
    return figures


if __name__ == "__main__":
    main(sys.argv[1:])
