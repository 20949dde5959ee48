"""Writes under load (``consult.core.db``): several processes and threads writing at once lose and double
nothing and fail no request; a read that turns into a write runs again; the retry is bounded and never
follows a commit; the slow parts of a request (a password's hash, the reads before a short write) hold no
write lock; counters stay exact; a poll closed meanwhile takes no ballot; and ``kill -9`` of the server in
the middle of a burst of writes loses nothing it acknowledged.

These tests write for real from several connections, so each works on a database of its own, not the
suite's: a SQLite file in a temporary folder, and on PostgreSQL (``CONSULT_TEST_DATABASE_URL``) a database
beside the suite's, named ``<name>_writes``, made with ``create_all`` and filled through the services.
"""

from __future__ import annotations

import html
import multiprocessing
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from itertools import count as counter
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Blueprint, Response

from consult import create_app
from consult.core import db as core_db
from consult.core.csrf import csrf
from consult.core.db import short_write
from consult.extensions import db
from tests.conftest import DEFAULT_PASSWORD, TEST_DATABASE_URL

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CHOICE_RE = re.compile(r'name="choice" value="([^"]*)"')
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
_names = counter(1)


def _config(url: str, instance: Path) -> dict:
    return {"DATABASE_URL": url, "INSTANCE_PATH": str(instance), "SECRET_KEY": "writes-secret-key",
            "RESIDENCE_HMAC_KEY": "writes-residence-key-0123456789abcdef", "PASSWORD_HASH_PROFILE": "test",
            "BASE_URL": "http://localhost", "TRUSTED_HOSTS": ["localhost", "127.0.0.1"],
            "RATELIMIT_ENABLED": False, "MAIL_SERVER": None, "TASKS_IMMEDIATE": True,
            "SQLITE_BUSY_TIMEOUT_MS": 5000}


def _own_postgres_database() -> str:
    base, name = TEST_DATABASE_URL.rsplit("/", 1)
    admin = sa.create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": f"{name}_writes"}):
            conn.exec_driver_sql(f'CREATE DATABASE "{name}_writes"')
    admin.dispose()
    return f"{base}/{name}_writes"


probe_runs: list[str] = []
probe = Blueprint("writes_probe", __name__)
csrf.exempt(probe)


def _other_connection_adds(amount: int) -> None:
    """Another writer commits while the request's snapshot is open (SQLite only)."""
    other = sqlite3.connect(db.engine.url.database, isolation_level=None, timeout=5)
    other.execute(f"UPDATE writes_probe SET n = n + {amount} WHERE id = 1")
    other.close()


@probe.route("/_probe/read-then-write")
def read_then_write():
    """Reads the counter, then writes it back plus one: on its first run another writer commits in between."""
    probe_runs.append("read-then-write")
    value = db.session.execute(sa.text("SELECT n FROM writes_probe WHERE id = 1")).scalar()
    if probe_runs.count("read-then-write") == 1:
        _other_connection_adds(100)
    db.session.execute(sa.text("UPDATE writes_probe SET n = :v WHERE id = 1"), {"v": value + 1})
    return str(value + 1)


class PretendSerializationFailure(Exception):
    sqlstate = "40001"


@probe.route("/_probe/always-busy/<kind>", methods=["POST"])
def always_busy(kind):
    probe_runs.append("always-busy")
    if kind == "sqlite":
        raise sqlite3.OperationalError("database is locked")
    raise PretendSerializationFailure("could not serialize access")


@probe.route("/_probe/commit-then-busy", methods=["POST"])
def commit_then_busy():
    probe_runs.append("commit-then-busy")
    db.session.execute(sa.text("UPDATE writes_probe SET n = n + 1 WHERE id = 1"))
    db.session.commit()
    raise sqlite3.OperationalError("database is locked")


@probe.route("/_probe/streamed-then-busy")
def streamed_then_busy():
    probe_runs.append("streamed-then-busy")

    def body():
        yield "first part sent"
        raise sqlite3.OperationalError("database is locked")

    return Response(body())


@probe.route("/_probe/short-write", methods=["POST"])
@short_write
def short_write_probe():
    """Reads, waits for the test's word, then writes."""
    db.session.execute(sa.text("SELECT n FROM writes_probe WHERE id = 1")).scalar()
    probe_read.set()
    probe_go.wait(10)
    db.session.execute(sa.text("UPDATE writes_probe SET n = n + 1 WHERE id = 1"))
    return "written"


probe_read, probe_go = threading.Event(), threading.Event()


class World:
    """A database of its own: an admin, a process open to supports and comments, residents, proposals and
    polls made through the services, and the app that serves it (with the probe routes above)."""

    def __init__(self, backend: str, folder: Path):
        from consult.core.schema_extras import create_all_extras

        self.backend = backend
        own = f"sqlite:///{folder / 'w.sqlite3'}"
        self.url = _own_postgres_database() if backend == "postgresql" else own
        self.config = _config(self.url, folder)
        self.app = create_app(self.config)
        self.app.register_blueprint(probe)
        with self.app.app_context():
            db.drop_all()
            db.session.execute(sa.text("DROP TABLE IF EXISTS writes_probe"))
            db.session.commit()
            db.create_all()
            create_all_extras()
            db.session.execute(sa.text("CREATE TABLE writes_probe (id INTEGER PRIMARY KEY, n INTEGER)"))
            db.session.execute(sa.text("INSERT INTO writes_probe (id, n) VALUES (1, 0)"))
            self.process_id, self.admin_id = self._process()
            db.session.commit()

    def _process(self) -> tuple[int, int]:
        from consult.accounts import services as accounts
        from consult.core.models import utcnow
        from consult.processes import services as processes
        from consult.residency.models import EligibilityRule

        admin = accounts.sign_up("writes-admin", "Admin", DEFAULT_PASSWORD)
        accounts.grant_role(admin, "admin")
        rule = EligibilityRule(name="Verified residents aged 16 or over", min_level="verified", min_age=16)
        db.session.add(rule)
        db.session.flush()
        process = processes.create_process(actor=admin, title="Welcoming city", rule=rule,
                                           support_threshold=1000)
        processes.add_phase(process, actor=admin, kind="proposals", starts_at=utcnow() - timedelta(days=1),
                            ends_at=utcnow() + timedelta(days=30))
        return process.id, admin.id

    def residents(self, n: int) -> list[str]:
        from consult.accounts import services as accounts
        from consult.residency import services as residency

        names = [f"resident{next(_names)}" for _ in range(n)]
        with self.app.app_context():
            for name in names:
                residency.verify_account(accounts.sign_up(name, name.title(), DEFAULT_PASSWORD),
                                         "in_person", birth_year=1990)
            db.session.commit()
        return names

    def proposal(self) -> int:
        from consult.accounts.models import User
        from consult.processes.models import Process
        from consult.proposals import services as proposals

        author = self.residents(1)[0]
        with self.app.app_context():
            person = db.session.scalar(sa.select(User).where(User.username == author))
            draft = proposals.create_draft(db.session.get(Process, self.process_id), person,
                                           title="Resident cards", body="For everyone.", language="en")
            proposals.publish(draft, person)
            db.session.commit()
            return draft.id

    def poll(self) -> dict:
        from consult.votes import services as votes

        with self.app.app_context():
            poll = votes.create_poll(question="Which place first?", method="single",
                                     options=["Library", "Park", "Clinic"], mode="secret")
            votes.open_poll(poll)
            db.session.commit()
            return {"id": poll.id, "options": [o.id for o in poll.options]}

    def scalar(self, statement: str, **params):
        with self.app.app_context():
            value = db.session.execute(sa.text(statement), params).scalar()
            db.session.rollback()
            return value

    def close(self) -> None:
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="module", params=BACKENDS)
def world(request, tmp_path_factory):
    if request.param == "postgresql" and not TEST_DATABASE_URL:
        pytest.skip("needs CONSULT_TEST_DATABASE_URL")
    made = World(request.param, tmp_path_factory.mktemp("writes"))
    yield made
    made.close()


@pytest.fixture
def sqlite_world(world):
    if world.backend != "sqlite":
        pytest.skip("SQLite's locks")
    probe_runs.clear()
    return world


class Person:
    """A resident's browser on the world's app (the Flask test client): cookies and the last CSRF token."""

    def __init__(self, app, username: str):
        self.client, self.username, self.token = app.test_client(), username, None

    def get(self, path: str):
        response = self.client.get(path)
        if match := CSRF_RE.search(response.get_data(as_text=True)):
            self.token = match.group(1)
        return response

    def post(self, path: str, data: dict | None = None):
        return self.client.post(path, data={**(data or {}), "csrf_token": self.token})

    def sign_in(self) -> int:
        self.get("/sign-in")
        status = self.post("/sign-in", {"username": self.username, "password": DEFAULT_PASSWORD}).status_code
        self.get("/privacy")
        return status

    def vote(self, poll: dict, n: int) -> int:
        confirm = self.post(f"/polls/{poll['id']}/confirm", {"option": str(poll["options"][n % 3])})
        match = CHOICE_RE.search(confirm.get_data(as_text=True))
        if match is None:
            return confirm.status_code
        return self.post(f"/polls/{poll['id']}/vote", {"choice": html.unescape(match.group(1))}).status_code


def _everything(app, username: str, n: int, proposal_id: int, poll: dict) -> list[int]:
    """What one resident does: sign in, support, comment, vote (each answer's status)."""
    person = Person(app, username)
    return [person.sign_in(), person.post(f"/proposals/{proposal_id}/support").status_code,
            person.post(f"/comments/proposal/{proposal_id}",
                        {"body": f"Comment {n} of {username}", "alignment": "neutral"}).status_code,
            person.vote(poll, n)]


def write_from_process(config: dict, usernames: list[str], proposal_id: int, poll: dict) -> list[int]:
    """A server process of its own (``multiprocessing``, spawn): its app, one thread per resident."""
    app = create_app(config)
    with ThreadPoolExecutor(len(usernames)) as pool:
        answers = pool.map(lambda pair: _everything(app, pair[1], pair[0], proposal_id, poll),
                           enumerate(usernames))
        return [status for statuses in answers for status in statuses]


def _counts(world: World, proposal_id: int, poll_id: int) -> dict:
    p, q = {"p": proposal_id}, {"p": poll_id}
    return {
        "supports": world.scalar("SELECT count(*) FROM proposal_support WHERE proposal_id = :p", **p),
        "support_count": world.scalar("SELECT support_count FROM proposal WHERE id = :p", **p),
        "comments": world.scalar("SELECT count(*) FROM comment WHERE target_type = 'proposal' "
                                 "AND target_id = :p", **p),
        "comment_count": world.scalar("SELECT comment_count FROM proposal WHERE id = :p", **p),
        "participations": world.scalar("SELECT count(*) FROM vote_participation WHERE poll_id = :p", **q),
        "ballots": world.scalar("SELECT count(*) FROM vote_ballot WHERE poll_id = :p", **q),
    }


def test_writers_in_several_processes_lose_nothing_and_fail_nothing(world):
    """Three server processes with five threads each: every resident signs in, supports, comments and votes
    on the same proposal and poll at once. Every request succeeds and every count is exact."""
    processes, threads = 3, 5
    names = world.residents(processes * threads)
    proposal_id, poll = world.proposal(), world.poll()
    groups = [names[i::processes] for i in range(processes)]
    spawn = multiprocessing.get_context("spawn")
    with spawn.Pool(processes) as pool:
        answers = pool.starmap(write_from_process,
                               [(world.config, group, proposal_id, poll) for group in groups])
    statuses = [status for group in answers for status in group]
    assert statuses == [303] * len(statuses), statuses
    n = len(names)
    assert _counts(world, proposal_id, poll["id"]) == {"supports": n, "support_count": n, "comments": n,
                                                        "comment_count": n, "participations": n, "ballots": n}


def test_supports_and_comments_at_once_count_each_one(world):
    """Twelve threads at once: the counters move in SQL from what the database holds, so none is lost (a
    counter read by the request and written back lost comments on PostgreSQL)."""
    names = world.residents(12)
    proposal_id, poll = world.proposal(), world.poll()
    people = [Person(world.app, name) for name in names]
    for person in people:
        assert person.sign_in() == 303
    gate = threading.Barrier(len(people))

    def act(pair):
        n, person = pair
        gate.wait()
        return [person.post(f"/comments/proposal/{proposal_id}", {"body": f"Comment {n}",
                                                                  "alignment": "against"}).status_code,
                person.post(f"/proposals/{proposal_id}/support").status_code]

    with ThreadPoolExecutor(len(people)) as pool:
        statuses = [s for pair in pool.map(act, enumerate(people)) for s in pair]
    assert statuses == [303] * len(statuses)
    counts = _counts(world, proposal_id, poll["id"])
    assert counts["comment_count"] == counts["comments"] == 12
    assert counts["support_count"] == counts["supports"] == 12


def test_a_read_that_turns_into_a_write_runs_again(sqlite_world):
    """A GET that reads, then writes after another connection has committed: SQLite refuses the upgrade of
    its snapshot at once ("database is locked"); the view runs again on a fresh snapshot, and the other
    writer's change is kept."""
    with sqlite_world.app.app_context():
        db.session.execute(sa.text("UPDATE writes_probe SET n = 0 WHERE id = 1"))
        db.session.commit()
    response = sqlite_world.app.test_client().get("/_probe/read-then-write")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.get_data(as_text=True) == "101"
    assert probe_runs.count("read-then-write") == 2
    assert sqlite_world.scalar("SELECT n FROM writes_probe WHERE id = 1") == 101


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_the_retry_is_bounded(sqlite_world, kind):
    """A view that always meets a busy database (SQLite's lock, PostgreSQL's serialization failure) runs
    1 + RETRIES times, then fails."""
    client = sqlite_world.app.test_client()
    response = client.post(f"/_probe/always-busy/{kind}")
    assert response.status_code == 500
    assert probe_runs.count("always-busy") == 1 + core_db.RETRIES


def test_no_retry_once_something_is_committed_or_sent(sqlite_world):
    """A view that committed before it met a busy database is not run again (its write is not doubled); nor
    is one whose answer has started (a streamed body fails after its first part)."""
    before = sqlite_world.scalar("SELECT n FROM writes_probe WHERE id = 1")
    client = sqlite_world.app.test_client()
    assert client.post("/_probe/commit-then-busy").status_code == 500
    assert probe_runs.count("commit-then-busy") == 1
    assert sqlite_world.scalar("SELECT n FROM writes_probe WHERE id = 1") == before + 1
    with pytest.raises(sqlite3.OperationalError):
        client.get("/_probe/streamed-then-busy").get_data()
    assert probe_runs.count("streamed-then-busy") == 1


def test_busy_is_what_sqlite_and_postgresql_say_when_busy():
    assert core_db.busy(sqlite3.OperationalError("database is locked"))
    assert core_db.busy(sa.exc.OperationalError("UPDATE", {}, sqlite3.OperationalError("database is locked")))
    assert core_db.busy(PretendSerializationFailure())
    assert not core_db.busy(sqlite3.OperationalError("no such table: x"))
    assert not core_db.busy(ValueError("database is locked"))


def _writer_is_not_blocked(world: World, timeout: float = 2.0) -> float:
    """Another connection takes SQLite's write lock, writes and commits; the seconds it took."""
    started = time.monotonic()
    other = sqlite3.connect(sa.engine.make_url(world.url).database, isolation_level=None, timeout=timeout)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE writes_probe SET n = n + 1000 WHERE id = 1")
        other.execute("COMMIT")
    finally:
        other.close()
    return time.monotonic() - started


def _while_paused(world: World, target: str, request) -> tuple[float, object]:
    """Run ``request()`` in a thread while ``target`` (a function of the request's path) is held until a
    writer on another connection has written; (the writer's seconds, the request's answer)."""
    reached, release = threading.Event(), threading.Event()
    module_name, name = target.rsplit(".", 1)
    module = sys.modules[module_name]
    original = getattr(module, name)

    def held(*args, **kwargs):
        result = original(*args, **kwargs)
        reached.set()
        release.wait(10)
        return result

    answer = {}
    setattr(module, name, held)
    try:
        thread = threading.Thread(target=lambda: answer.setdefault("response", request()))
        thread.start()
        assert reached.wait(10), "the request did not reach the paused step"
        try:
            seconds = _writer_is_not_blocked(world)
        finally:
            release.set()
            thread.join(15)
    finally:
        setattr(module, name, original)
    return seconds, answer.get("response")


def test_a_support_reads_without_the_write_lock(sqlite_world, monkeypatch):
    """Between the support's policy read and its write, another writer writes at once (the support request
    takes SQLite's write lock only at its first write); the support is then counted."""
    import consult.proposals.services  # noqa: F401 - the module whose step is held

    person = Person(sqlite_world.app, sqlite_world.residents(1)[0])
    assert person.sign_in() == 303
    proposal_id = sqlite_world.proposal()
    seconds, response = _while_paused(sqlite_world, "consult.proposals.services._require",
                                      lambda: person.post(f"/proposals/{proposal_id}/support"))
    assert seconds < 1.5
    assert response.status_code == 303
    assert sqlite_world.scalar("SELECT support_count FROM proposal WHERE id = :p", p=proposal_id) == 1


@pytest.mark.parametrize("step", ["consult.proposals.views._support_answer",
                                  "consult.core.rendering.redirect_to"])
def test_a_short_write_is_committed_before_its_answer_is_made(sqlite_world, step):
    """A support (its button) and a comment (``submit``) commit as soon as their service has written: while
    the answer is made, another writer writes at once; then the write is there."""
    import consult.core.rendering  # noqa: F401 - modules whose step is held
    import consult.proposals.views  # noqa: F401

    person = Person(sqlite_world.app, sqlite_world.residents(1)[0])
    assert person.sign_in() == 303
    proposal_id = sqlite_world.proposal()
    if step.endswith("_support_answer"):
        path, data, table = f"/proposals/{proposal_id}/support", {}, "proposal_support"
    else:
        path, data, table = f"/comments/proposal/{proposal_id}", {"body": "Soon", "alignment": "neutral"}, \
            "comment"
    column = "proposal_id" if table == "proposal_support" else "target_id"
    seconds, response = _while_paused(sqlite_world, step, lambda: person.post(path, data))
    assert seconds < 1.5
    assert response.status_code == 303
    assert sqlite_world.scalar(f"SELECT count(*) FROM {table} WHERE {column} = :p", p=proposal_id) == 1


def test_a_short_write_transaction_reads_without_the_lock(sqlite_world):
    """Outside a request (a task), ``write_transaction(short=True)`` reads without SQLite's write lock and
    takes it at its first write; ``write_transaction()`` takes it at its first query. The notification
    fan-out, which reads every follower before it writes, is a short one."""
    from consult.core.db import write_transaction
    from consult.notifications.services import fan_out

    assert fan_out.short_write
    with sqlite_world.app.app_context():
        for short, blocked in ((True, False), (False, True)):
            with write_transaction(short=short):
                before = db.session.execute(sa.text("SELECT n FROM writes_probe WHERE id = 1")).scalar()
                try:
                    _writer_is_not_blocked(sqlite_world, timeout=0.3)
                except sqlite3.OperationalError:
                    assert blocked
                else:
                    assert not blocked
                db.session.execute(sa.text("UPDATE writes_probe SET n = n + 1 WHERE id = 1"))
                db.session.commit()
            after = sqlite_world.scalar("SELECT n FROM writes_probe WHERE id = 1")
            assert after == before + (1001 if not blocked else 1)  # the other writer's change is kept


def test_the_writers_of_a_process_are_served_in_turn():
    """The gate's lock goes to its waiters in the order they came, not to whoever asks last."""
    from consult.core.write_gate import FifoLock

    lock, served, ready = FifoLock(), [], []
    assert lock.acquire(1)

    def wait_for_it(n):
        ready.append(n)
        assert lock.acquire(10)
        served.append(n)
        lock.release()

    threads = []
    for n in range(8):
        threads.append(threading.Thread(target=wait_for_it, args=(n,)))
        threads[-1].start()
        while len(ready) <= n or len(lock._waiters) <= n:  # in line before the next one comes
            time.sleep(0.001)
    lock.release()
    for thread in threads:
        thread.join(10)
    assert served == list(range(8))
    assert lock.acquire(0.01)
    other = threading.Thread(target=lambda: served.append(lock.acquire(0.05)))
    other.start()
    other.join()
    assert served[-1] is False  # held: the wait times out


@pytest.mark.parametrize("step, path", [
    ("consult.accounts.services.verify_password", "/sign-in"),
    ("consult.accounts.services.hash_password", "/sign-up"),
])
def test_a_password_is_hashed_or_checked_outside_any_write_lock(sqlite_world, step, path):
    """argon2 takes a tenth of a second of CPU or more: while one person signs in or signs up, another
    writer is not held up."""
    username = sqlite_world.residents(1)[0] if path == "/sign-in" else f"newcomer{next(_names)}"
    person = Person(sqlite_world.app, username)
    person.get(path)
    data = {"username": username, "password": DEFAULT_PASSWORD}
    if path == "/sign-up":
        data.update({"display_name": "Newcomer", "language": "en"})
    seconds, response = _while_paused(sqlite_world, step, lambda: person.post(path, data))
    assert seconds < 1.5
    assert response.status_code == 303, response.get_data(as_text=True)[:800]


def test_a_poll_closed_meanwhile_takes_no_ballot(world):
    """A cast whose policy read the poll open, while the poll is closed and counted before the cast writes:
    the cast is refused and nothing is recorded (the poll is read again once the participation is
    written)."""
    from consult.votes import casting
    from consult.votes import services as votes
    from consult.votes.models import Poll

    person = Person(world.app, world.residents(1)[0])
    assert person.sign_in() == 303
    poll = world.poll()
    confirm = person.post(f"/polls/{poll['id']}/confirm", {"option": str(poll["options"][0])})
    choice = html.unescape(CHOICE_RE.search(confirm.get_data(as_text=True)).group(1))
    reached, release = threading.Event(), threading.Event()
    real_write = casting.write_ballot

    def held(*args, **kwargs):  # after the policy read, before the participation is written
        reached.set()
        release.wait(10)
        return real_write(*args, **kwargs)

    answer = {}
    casting.write_ballot = held
    try:
        thread = threading.Thread(target=lambda: answer.setdefault(
            "response", person.post(f"/polls/{poll['id']}/vote", {"choice": choice})))
        thread.start()
        assert reached.wait(10)
        with world.app.app_context():
            votes.close_poll(db.session.get(Poll, poll["id"]))
            db.session.commit()
        release.set()
        thread.join(15)
    finally:
        casting.write_ballot = real_write
    assert answer["response"].status_code == 403
    assert world.scalar("SELECT count(*) FROM vote_participation WHERE poll_id = :p", p=poll["id"]) == 0
    assert world.scalar("SELECT count(*) FROM vote_ballot WHERE poll_id = :p", p=poll["id"]) == 0


# ---------------------------------------------------------------------------------------------- kill -9


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn (2 workers, gthread) on the world's database, in its own process group."""

    def __init__(self, world: World, folder: Path):
        self.port, self.log = _free_port(), folder / "server.log"
        self.env = {**os.environ, "CONSULT_DATABASE_URL": world.url, "CONSULT_INSTANCE_PATH": str(folder),
                    "CONSULT_SECRET_KEY": world.config["SECRET_KEY"],
                    "CONSULT_RESIDENCE_HMAC_KEY": world.config["RESIDENCE_HMAC_KEY"],
                    "CONSULT_PASSWORD_HASH_PROFILE": "test", "CONSULT_RATELIMIT_ENABLED": "false",
                    "CONSULT_TASKS_IMMEDIATE": "true"}
        self.process = None

    def start(self) -> None:
        import requests

        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "8", "--worker-class",
                 "gthread", "--bind", f"127.0.0.1:{self.port}", "--timeout", "60", "--log-level", "warning",
                 "consult:create_app()"], env=self.env, stdout=subprocess.DEVNULL, stderr=log,
                start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-2000:]
            try:
                if requests.get(f"http://127.0.0.1:{self.port}/privacy", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        raise AssertionError("gunicorn did not answer within 30 s")

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)


class Browser:
    """A resident's browser on the real server (``requests``)."""

    def __init__(self, port: int, username: str):
        import requests

        self.base, self.username, self.http, self.token = f"http://127.0.0.1:{port}", username, \
            requests.Session(), None

    def get(self, path: str):
        response = self.http.get(self.base + path, allow_redirects=False, timeout=15)
        if match := CSRF_RE.search(response.text):
            self.token = match.group(1)
        return response

    def post(self, path: str, data: dict | None = None):
        return self.http.post(self.base + path, data={**(data or {}), "csrf_token": self.token},
                              allow_redirects=False, timeout=15)


def _answered(response) -> bool:
    """A write the server acknowledged: its redirect after success (a redirect to sign in is a refusal)."""
    return response.status_code == 303 and "/sign-in" not in response.headers.get("Location", "")


def _writes_until_killed(server: Server, browsers: list[Browser], proposals: list[int], poll: dict,
                         kill_after: int) -> list[tuple]:
    """Every browser supports, comments and votes at once; the server is killed once ``kill_after`` writes
    were answered. The writes answered with success."""
    acknowledged: list[tuple] = []
    lock = threading.Lock()

    def note(kind, key, response):
        if _answered(response):
            with lock:
                acknowledged.append((kind, key))
                if len(acknowledged) == kill_after:
                    server.kill()

    def act(pair):
        n, browser = pair
        proposal_id, mine = proposals[n % len(proposals)], (browser.username, proposals[n % len(proposals)])
        try:
            note("support", mine, browser.post(f"/proposals/{proposal_id}/support"))
            note("comment", mine, browser.post(f"/comments/proposal/{proposal_id}",
                                               {"body": f"Kept comment {browser.username}",
                                                "alignment": "neutral"}))
            confirm = browser.post(f"/polls/{poll['id']}/confirm", {"option": str(poll["options"][n % 3])})
            choice = html.unescape(CHOICE_RE.search(confirm.text).group(1))
            note("cast", (browser.username, poll["id"]),
                 browser.post(f"/polls/{poll['id']}/vote", {"choice": choice}))
        except Exception:  # noqa: BLE001 - the server was killed under this request
            return

    with ThreadPoolExecutor(len(browsers)) as pool:
        list(pool.map(act, enumerate(browsers)))
    return acknowledged


FOUND = {
    "cast": 'SELECT count(*) FROM vote_participation w JOIN "user" u ON u.id = w.voter_id '
            "WHERE w.poll_id = :p AND u.username = :u",
    "support": 'SELECT count(*) FROM proposal_support w JOIN "user" u ON u.id = w.user_id '
               "WHERE w.proposal_id = :p AND u.username = :u",
    "comment": 'SELECT count(*) FROM comment w JOIN "user" u ON u.id = w.author_id '
               "WHERE w.target_id = :p AND u.username = :u",
}


@pytest.mark.slow
def test_kill_9_in_the_middle_of_writes_loses_nothing_acknowledged(world, tmp_path):
    """Supports, comments and casts from 24 residents at once through gunicorn (2 workers); once 20 writes
    are answered, SIGKILL to the master and both workers. After a restart on the same database every write
    answered with success is there (on SQLite: ``synchronous = NORMAL`` in WAL mode keeps what a commit
    wrote through a process kill), counters equal rows, participations equal ballots."""
    import requests

    names = world.residents(24)
    proposals = [world.proposal() for _ in range(3)]
    poll = world.poll()
    server = Server(world, tmp_path)
    server.start()
    browsers = [Browser(server.port, name) for name in names]
    for browser in browsers:
        browser.get("/sign-in")
        assert browser.post("/sign-in", {"username": browser.username,
                                         "password": DEFAULT_PASSWORD}).status_code == 303
        browser.get("/privacy")
    acknowledged = _writes_until_killed(server, browsers, proposals, poll, kill_after=20)
    assert len(acknowledged) >= 20, "the server was not killed in the middle of the writes"
    assert server.process.poll() is not None
    server = Server(world, tmp_path)
    server.start()  # on SQLite, recovers the WAL the killed server left
    try:
        assert requests.get(f"http://127.0.0.1:{server.port}/privacy", timeout=5).status_code == 200
    finally:
        server.kill()
    for kind, (username, target) in acknowledged:
        assert world.scalar(FOUND[kind], p=target, u=username) == 1, (kind, username)
    for proposal_id in proposals:
        counts = _counts(world, proposal_id, poll["id"])
        assert counts["support_count"] == counts["supports"]
        assert counts["comment_count"] == counts["comments"]
    assert counts["participations"] == counts["ballots"]
