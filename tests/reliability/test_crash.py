"""Crash test: a vote burst against a real gunicorn, ``kill -9`` of the whole server mid-burst, restart.

gunicorn (``gthread``, 1 worker) serves the test database (the SQLite file of the test run, or the PostgreSQL
database of ``CONSULT_TEST_DATABASE_URL``) on a loopback port. Signed-in residents cast a secret ballot at the
same time, as the pages do (confirmation step, then the cast). Once a third of them have been answered, the
master and its worker (the whole process group) get SIGKILL while casts are still in flight. The server is
then started again on the same database and must serve (on SQLite: the WAL the killed server left behind is
recovered).

What must hold: every cast answered with success (303) is in the database — the voter has a participation and
the tracker the voter reads after the restart belongs to a counted ballot —, participations == ballots, nobody
who never cast is counted, and a voter cut off by the crash either has voted (and is refused) or can vote now.
"""

from __future__ import annotations

import html
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa

from consult.extensions import db as _db
from consult.votes import services as votes
from consult.votes.models import Ballot, Participation
from tests.conftest import DEFAULT_PASSWORD, database_backend

#: a gunicorn process writes the same database: the test's own writes are committed
pytestmark = pytest.mark.committed_db

VOTERS = 36
CLIENT_THREADS = 10
SERVER_THREADS = 8
KILL_AFTER = VOTERS // 3  # answered casts before the kill
TIMEOUT = 15  # seconds, for any one request
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CHOICE_RE = re.compile(r'name="choice" value="([^"]*)"')
TRACKER_RE = re.compile(r'id="tracker">([^<]+)<')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``gunicorn --workers 1 --threads N --worker-class gthread "consult:create_app()"`` in its own process
    group."""

    def __init__(self, url: str, instance, port: int):
        self.port, self.log = port, instance / "server.log"
        self.env = {**os.environ,
                    "CONSULT_DATABASE_URL": url,
                    "CONSULT_INSTANCE_PATH": str(instance),
                    # the same across restarts: sessions survive
                    "CONSULT_SECRET_KEY": "crash-test-secret-key",
                    "CONSULT_RESIDENCE_HMAC_KEY": "test-residence-key-0123456789abcdef",
                    "CONSULT_PASSWORD_HASH_PROFILE": "test",
                    "CONSULT_RATELIMIT_ENABLED": "false"}  # every voter shares one loopback address
        self.process: subprocess.Popen | None = None

    def spawn(self):
        """Start the process (it imports the app for a few seconds, without touching the database yet)."""
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--workers", "1", "--threads", str(SERVER_THREADS),
                 "--worker-class", "gthread", "--bind", f"127.0.0.1:{self.port}", "--timeout", "60",
                 "--log-level", "warning", "consult:create_app()"],
                env=self.env, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)

    def start(self):
        if self.process is None or self.process.poll() is not None:
            self.spawn()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"gunicorn exited: {self.log.read_text()[-2000:]}"
            try:
                if requests.get(f"http://127.0.0.1:{self.port}/privacy", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise AssertionError("gunicorn did not answer within 20 s")

    def kill(self):
        """SIGKILL to the master and its worker at once: no shutdown code runs anywhere."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)


class Voter:
    """One resident's browser: cookies, and the CSRF token read from the last page."""

    def __init__(self, base: str, username: str):
        self.base, self.username = base, username
        self.http = requests.Session()
        self.token = None

    def get(self, path):
        response = self.http.get(self.base + path, allow_redirects=False, timeout=TIMEOUT)
        if match := CSRF_RE.search(response.text):
            self.token = match.group(1)
        return response

    def post(self, path, data):
        return self.http.post(self.base + path, data={**data, "csrf_token": self.token},
                              allow_redirects=False, timeout=TIMEOUT)

    def sign_in(self):
        self.get("/sign-in")
        response = self.post("/sign-in", {"username": self.username, "password": DEFAULT_PASSWORD})
        assert response.status_code == 303, response.text[:500]

    def cast(self, poll_id: int, option_id: int) -> int:
        """The ballot page, the confirmation step, the cast: the status of the final cast request."""
        self.get(f"/polls/{poll_id}")
        confirm = self.post(f"/polls/{poll_id}/confirm", {"option": str(option_id)})
        match = CHOICE_RE.search(confirm.text)
        if confirm.status_code != 200 or not match:
            return confirm.status_code
        return self.post(f"/polls/{poll_id}/vote", {"choice": html.unescape(match.group(1))}).status_code

    def tracker(self, poll_id: int) -> str | None:
        match = TRACKER_RE.search(self.get(f"/polls/{poll_id}/voted").text)
        return match.group(1).strip() if match else None


def _counts(poll_id: int) -> tuple[int, int, set[int], set[str]]:
    """(participations, ballots, voter ids with a participation, tracker hashes of the ballots) of the
    poll."""
    _db.session.commit()  # a fresh transaction: see what the server wrote
    voters = list(_db.session.scalars(sa.select(Participation.voter_id)
                                      .where(Participation.poll_id == poll_id)))
    hashes = list(_db.session.scalars(sa.select(Ballot.tracker_hash).where(Ballot.poll_id == poll_id)))
    return len(voters), len(hashes), set(voters), set(hashes)


def _burst(voters, poll_id, option_ids, server) -> dict[str, str]:
    """Everyone casts at once; the server is killed once KILL_AFTER casts are answered. username ->
    outcome."""
    outcomes: dict[str, str] = {}
    answered, killed = threading.Event(), threading.Event()
    lock = threading.Lock()

    def cast(i):
        voter = voters[i]
        if killed.is_set():
            outcomes[voter.username] = "not started"
            return
        try:
            status = voter.cast(poll_id, option_ids[i % len(option_ids)])
            outcome = "ok" if status == 303 else f"status {status}"
        except requests.RequestException as err:
            outcome = f"cut off ({type(err).__name__})"
        with lock:
            outcomes[voter.username] = outcome
            if sum(o == "ok" for o in outcomes.values()) >= KILL_AFTER:
                answered.set()

    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        futures = [pool.submit(cast, i) for i in range(len(voters))]
        assert answered.wait(2 * TIMEOUT), f"fewer than {KILL_AFTER} casts answered: {outcomes}"
        killed.set()
        server.kill()
        for future in futures:
            future.result()
    return outcomes


def test_kill_9_mid_burst_loses_no_answered_vote(app, db, make_user, tmp_path):
    poll = votes.create_poll(question="Which place should open first?", method="single",
                             options=["Library", "Park", "Clinic"], mode="secret")
    votes.open_poll(poll)
    db.session.commit()
    poll_id, option_ids = poll.id, [o.id for o in poll.options]
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    server = Server(url, tmp_path, _free_port())
    base = f"http://127.0.0.1:{server.port}"
    try:
        server.spawn()  # while the voters are made
        users = [make_user(f"voter{n}", verified=True, birth_year=1950 + n % 50) for n in range(VOTERS)]
        user_ids = {u.username: u.id for u in users}
        # the test process lets go of the database: only the server has it open when it is killed
        db.session.remove()
        db.engine.dispose()
        server.start()
        voters = [Voter(base, name) for name in user_ids]
        with ThreadPoolExecutor(CLIENT_THREADS) as pool:
            list(pool.map(Voter.sign_in, voters))
        started = time.monotonic()
        outcomes = _burst(voters, poll_id, option_ids, server)
        burst_seconds = time.monotonic() - started
        ok = {name for name, outcome in outcomes.items() if outcome == "ok"}
        cut = {name for name, outcome in outcomes.items() if outcome.startswith("cut off")}
        # a refusal (4xx) would mean the flow is broken; a server error (5xx) rolled back and is a failure to
        # vote
        refused = {o for o in outcomes.values() if o.startswith("status 4")}
        assert not refused, f"the server refused casts before the kill: {outcomes}"
        assert len(ok) >= KILL_AFTER and cut, f"the kill did not land mid-burst: {outcomes}"
        with pytest.raises(requests.ConnectionError):
            requests.get(base + "/privacy", timeout=2)
        if database_backend() == "sqlite":
            wal = url.removeprefix("sqlite:///") + "-wal"
            assert os.path.exists(wal), "the killed server left no write-ahead log to recover"

        started = time.monotonic()
        server.start()  # same database, same port: SQLite recovers the WAL on the first connection
        assert requests.get(base + "/privacy", timeout=TIMEOUT).status_code == 200
        restart_seconds = time.monotonic() - started

        participations, ballots, counted_voters, hashes = _counts(poll_id)
        assert participations == ballots, f"{participations} participations but {ballots} ballots"
        assert {user_ids[name] for name in ok} <= counted_voters, "an answered vote was lost"
        assert counted_voters <= {user_ids[name] for name in ok | cut}, "someone who never cast was counted"
        # every answered voter still reads a tracker (it was in the session cookie) and it is a counted ballot
        by_name = {v.username: v for v in voters}
        trackers = {name: by_name[name].tracker(poll_id) for name in ok}
        assert all(trackers.values()), f"a tracker was not shown after the restart: {trackers}"
        assert {votes.tracker_hash(t) for t in trackers.values()} <= hashes, "an answered ballot is missing"

        # the restarted server takes the rest: voters cut off by the crash have voted (refused) or vote now
        names = sorted(set(user_ids) - ok)
        with ThreadPoolExecutor(CLIENT_THREADS) as pool:
            retry = dict(zip(names, pool.map(lambda n: by_name[n].cast(poll_id, option_ids[0]), names),
                             strict=True))
        participations, ballots, counted_voters, _ = _counts(poll_id)
        for name, status in retry.items():
            if status != 303:  # refused as having voted: only a cast the crash cut off may have been kept
                assert status == 409 and name in cut and user_ids[name] in counted_voters, (name, status)
        assert counted_voters == set(user_ids.values()), "a voter could not vote after the restart"
        assert participations == ballots == VOTERS
        print(f"\n{database_backend()}: {len(ok)} casts answered, {len(cut)} in flight cut off by kill -9 "
              f"after {burst_seconds:.2f} s; restarted and serving in {restart_seconds:.1f} s; then "
              f"{sum(s == 303 for s in retry.values())} voted, "
              f"{sum(s != 303 for s in retry.values())} had voted already; {participations} participations = "
              f"{ballots} ballots")
    finally:
        server.stop()
