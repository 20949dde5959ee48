"""Benchmark: writes under load at city scale (sign-in, support, comment, vote), SQLite and PostgreSQL.

The database is a copy of a city made by ``flask demo generate --scale city`` (100,000 accounts, 10,000
proposals, 1,000,000 supports, 200,000 comments, 1,000,000 ballots): the SQLite file named by ``--sqlite``
is copied to a scratch directory (the source is never written); ``--postgres URL`` names a PostgreSQL
database to write into, made afresh from ``--postgres-template`` (``CREATE DATABASE ... TEMPLATE``) when one
is given. Generated accounts have no password: before the server starts, the residents this run needs
(verified, of age, not used by an earlier run) get the password ``PASSWORD`` (argon2id, the default profile
the platform uses), polls are opened for the run, and a proposal that each resident may support and comment
on is chosen with the platform's own policies.

For each database and each worker count (``--workers 1,2,4``) the server runs as ``make run`` runs it
(``server_command``: gunicorn ``gthread``, 64 threads a worker) behind a simulated reverse proxy
(``CONSULT_PROXY_COUNT=1``: each resident has its own address, so the rate limits stay on and count people),
on a free loopback port, and ``--clients`` residents (100) act at once, each from its own keep-alive
connection with its own cookies:

1. **sign-in**: GET /sign-in, POST /sign-in (the POST is measured);
2. **bare page** ``/privacy`` as these signed-in residents, ``--bare`` requests each: the yardstick, measured
   by the same server in the same run, once before the writes and once after (their mean is used);
3. **support**, **comment**, **confirm** and **cast**: each resident sends ``--per-client`` of each, one
   kind at a time (a cast is the POST of the confirmed ballot; the confirmation step is measured apart);
4. **mix**: ``--clients`` other residents at once, each signing in, supporting, commenting and voting;
5. **vote burst**: ``--voters`` (400) residents already signed in cast in one poll at the same moment, each
   as the pages do (4 requests: ballot page, confirmation, cast, "you voted" page with the tracker).

For each kind: requests per second and its ratio to the bare page's rate (``× bare``, wall clock, same server,
same run), **cost in bare pages** from the CPU time of the server's processes (web workers and the task
consumer, whose share -- the notifications' fan-out -- is also given apart) plus PostgreSQL's backends for
this database, per request, over the CPU time per bare page (other work on the machine hardly moves it),
latency p50/p95, and errors by kind (status codes; for server errors the exception the server logged, e.g.
"database is locked"). After each server stops, the database is checked: every acknowledged write (2xx/3xx)
is there once (**lost** otherwise), nothing is doubled (a second support, comment or participation, ballots
== participations, a proposal's counters == its rows), and a refused or failed request wrote nothing.

``--kill``: instead of the phases, residents support, comment and vote at once; once ``--kill-after`` writes
are acknowledged the whole server (master and workers) is killed with SIGKILL while others are in flight; it
is started again on the same database, must serve, and every acknowledged write must be in the database.

    .venv/bin/python -m benchmarks.writes --sqlite /work/city/city.sqlite3 \\
        --postgres postgresql+psycopg://consult@127.0.0.1:55432/consult_city_x \\
        --postgres-template consult_city
"""

from __future__ import annotations

import argparse
import gzip
import html
import http.client
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

from benchmarks import write_result

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench writes password"
SECRET_KEY = "bench-writes-secret-key"
RESIDENCE_KEY = "bench-writes-residence-key-0123456789"
BARE = "/privacy"
THREADS = 64  # a worker's threads, as `make run` (THREADS ?= 64)
TIMEOUT = 120  # seconds, for any one request
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CHOICE_RE = re.compile(r'name="choice" value="([^"]*)"')
TRACKER_RE = re.compile(r'id="tracker">([^<]+)<')
EXCEPTION_RE = re.compile(r"^(?:[\w.]+\.)?(\w*(?:Error|Exception|Timeout|Locked)\w*): (.*)$")
WRITES = ("sign_in", "support", "comment", "cast")


def server_command(workers: int, port: int) -> list[str]:
    """The web server as ``make run`` starts it, with ``workers`` processes: ``python -m consult.serve``
    (gunicorn with uvicorn workers and the task consumer) where the code has it, else gunicorn ``gthread``
    with 64 threads a worker (the Makefile's ``run`` before it)."""
    if (ROOT / "consult" / "serve.py").exists():
        return [sys.executable, "-m", "consult.serve", "--bind", f"127.0.0.1:{port}",
                "--workers", str(workers)]
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return [str(gunicorn), "--workers", str(workers), "--threads", str(THREADS), "--worker-class", "gthread",
            "--bind", f"127.0.0.1:{port}", "--timeout", str(TIMEOUT), "--graceful-timeout", "5",
            "--log-level", "warning", "consult:create_app()"]


# ------------------------------------------------------------------------------------------------ databases


class Database:
    """One database the benchmark writes into: a copy of the city, and how to reach it."""

    def __init__(self, kind: str, url: str, scratch: Path):
        self.kind, self.url, self.scratch = kind, url, scratch

    @classmethod
    def sqlite_copy(cls, source: Path, scratch: Path) -> Database:
        target = scratch / "city.sqlite3"
        print(f"copying {source} ({source.stat().st_size / 1e6:.0f} MB) ...", flush=True)
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dst = sqlite3.connect(target)
        src.backup(dst)  # consistent even if the source's WAL holds pages
        src.close()
        dst.execute("PRAGMA journal_mode = WAL")
        dst.close()
        return cls("sqlite", f"sqlite:///{target}", scratch)

    @classmethod
    def postgres_copy(cls, url: str, template: str | None, scratch: Path) -> Database:
        import sqlalchemy as sa

        if template:
            base, name = url.rsplit("/", 1)
            if name == template:
                raise SystemExit("--postgres must name a copy, not the template itself")
            print(f"making {name} from {template} ...", flush=True)
            admin = sa.create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
                conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            admin.dispose()
        return cls("postgresql", url, scratch)

    def app(self):
        from consult import create_app

        return create_app({"INSTANCE_PATH": str(self.scratch), "DATABASE_URL": self.url,
                           "SECRET_KEY": SECRET_KEY, "RESIDENCE_HMAC_KEY": RESIDENCE_KEY,
                           "RATELIMIT_ENABLED": False})


# ------------------------------------------------------------------------------------------------ the plan


class Plan:
    """What one server run does: its residents, polls and proposals (chosen before the server starts)."""

    def __init__(self, label: str):
        self.label = label
        self.phase_users: list[dict] = []  # sign-in, supports, comments, casts
        self.mix_users: list[dict] = []
        self.voters: list[dict] = []  # the burst: signed in beforehand (a session row and its cookie)
        self.cast_polls: list[dict] = []
        self.mix_poll: dict = {}
        self.burst_poll: dict = {}


def _fresh_residents(count: int) -> list[int]:
    """Verified residents of age, neither blocked nor deleted, without a password yet (no earlier run used
    them), the newest first."""
    import sqlalchemy as sa

    from consult.accounts.models import User
    from consult.core.models import utcnow
    from consult.extensions import db
    from consult.residency.models import ResidentStatus

    now = utcnow()
    query = (sa.select(User.id).join(ResidentStatus, ResidentStatus.user_id == User.id)
             .where(User.password_hash.is_(None), User.deleted_at.is_(None), User.is_blocked.is_(False),
                    ResidentStatus.revoked_at.is_(None),
                    sa.or_(ResidentStatus.expires_at.is_(None), ResidentStatus.expires_at > now),
                    ResidentStatus.birth_year <= now.year - 18, ResidentStatus.birth_year_declared.is_(False))
             .order_by(User.id.desc()).limit(count))
    ids = list(db.session.scalars(query))
    if len(ids) < count:
        raise SystemExit(f"only {len(ids)} unused residents left in this database (need {count})")
    return ids


def _open_poll(question: str) -> dict:
    from consult.votes import services as votes

    poll = votes.create_poll(question=question, method="single", options=["Library", "Park", "Clinic"],
                             mode="secret")
    votes.open_poll(poll)
    return {"id": poll.id, "options": [o.id for o in poll.options]}


def _supportable(rng: random.Random, limit: int = 600) -> list:
    """Proposals open to supports and comments now (the policies decide, with a resident)."""
    import sqlalchemy as sa

    from consult.extensions import db
    from consult.proposals.models import OPEN_STATES, Proposal

    ids = list(db.session.scalars(sa.select(Proposal.id).where(Proposal.state.in_(OPEN_STATES),
                                                               Proposal.hidden_at.is_(None))))
    rng.shuffle(ids)
    return [db.session.get(Proposal, i) for i in ids[: limit * 4]]


def _targets_for(user, proposals: list, rng: random.Random, wanted: int) -> list[int]:
    """``wanted`` proposals this resident may support and comment on and does not support yet."""
    import sqlalchemy as sa

    from consult.core.policy import policies
    from consult.extensions import db
    from consult.proposals.models import ProposalSupport

    supported = set(db.session.scalars(sa.select(ProposalSupport.proposal_id)
                                       .where(ProposalSupport.user_id == user.id)))
    chosen: list[int] = []
    for proposal in rng.sample(proposals, len(proposals)):
        if proposal.id in supported or proposal.id in chosen:
            continue
        if policies.decide("proposal.support", user, proposal) and \
                policies.decide("proposal.comment", user, proposal):
            chosen.append(proposal.id)
            if len(chosen) == wanted:
                return chosen
    raise SystemExit(f"no proposal open to resident {user.id}'s supports")


def prepare(database: Database, labels: list[str], clients: int, voters: int, per_client: int,
            seed: int) -> dict[str, Plan]:
    """Passwords, polls, session rows and targets for every server run, written before any server starts."""
    import secrets

    import flask_migrate

    from consult.accounts.models import User, UserSession
    from consult.accounts.passwords import hash_password
    from consult.extensions import db

    app = database.app()
    rng = random.Random(seed)
    plans = {}
    with app.app_context():
        flask_migrate.upgrade()
        password_hash = hash_password(PASSWORD)  # the default argon2id profile: the server checks the same
        proposals = _supportable(rng)
        serializer = app.session_interface.get_signing_serializer(app)
        users = iter(_fresh_residents(len(labels) * (2 * clients + voters)))
        for label in labels:
            plan = Plan(label)
            for group, size in ((plan.phase_users, clients), (plan.mix_users, clients)):
                for _ in range(size):
                    user = db.session.get(User, next(users))
                    user.password_hash = password_hash
                    group.append({"id": user.id, "username": user.username,
                                  "proposals": _targets_for(user, proposals, rng, per_client + 1)})
            for _ in range(voters):
                user = db.session.get(User, next(users))
                token = secrets.token_urlsafe(32)
                db.session.add(UserSession(token=token, user_id=user.id))
                cookie = serializer.dumps({"_user_id": token, "_fresh": True})
                plan.voters.append({"id": user.id, "username": user.username, "cookie": cookie,
                                    "proposals": _targets_for(user, proposals, rng, 1)})
            plan.cast_polls = [_open_poll(f"Benchmark {label}: poll {n + 1}") for n in range(per_client)]
            plan.mix_poll = _open_poll(f"Benchmark {label}: the mix's poll")
            plan.burst_poll = _open_poll(f"Benchmark {label}: the burst's poll")
            db.session.commit()
            plans[label] = plan
        db.session.remove()
        db.engine.dispose()
    return plans


# ----------------------------------------------------------------------------------------------- the server


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found.extend(int(p) for p in (task / "children").read_text().split())
    except OSError:
        pass
    return found


def _is_child_of_consumer(pid: int) -> bool:
    """A process that the task consumer started (its worker processes, if any)."""
    try:
        parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        return b"consume" in Path(f"/proc/{parent}/cmdline").read_bytes()
    except (OSError, ValueError):
        return False


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        children = _children(todo.pop())
        found.extend(children)
        todo.extend(children)
    return found


class Server:
    """The server in its own process group, its log, and the CPU time it (and PostgreSQL's backends for this
    database) used."""

    def __init__(self, database: Database, workers: int, log: Path):
        self.database, self.workers, self.log_path = database, workers, log
        self.port = _free_port()
        self.process: subprocess.Popen | None = None
        self._pg = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict:
        return {**os.environ, "PYTHONPATH": str(ROOT), "CONSULT_INSTANCE_PATH": str(self.database.scratch),
                "CONSULT_DATABASE_URL": self.database.url, "CONSULT_SECRET_KEY": SECRET_KEY,
                "CONSULT_RESIDENCE_HMAC_KEY": RESIDENCE_KEY, "CONSULT_BASE_URL": self.base,
                "CONSULT_PROXY_COUNT": "1"}

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(server_command(self.workers, self.port), cwd=ROOT, env=self.env(),
                                            stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped (exit {self.process.returncode}): {self.log_path}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/healthz")
                answered = conn.getresponse().status == 200
                conn.close()
                if answered:
                    self._settle(deadline)
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("the server did not answer")

    def _settle(self, deadline: float) -> None:
        """Wait until every worker has started: the server's processes stay the same for a second."""
        seen, since = None, time.monotonic()
        while time.monotonic() < deadline:
            now = sorted(_descendants(self.process.pid))
            if now != seen:
                seen, since = now, time.monotonic()
            elif len(now) >= self.workers and time.monotonic() - since >= 1.0:
                return
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self._pg is not None:
            self._pg.dispose()
            self._pg = None

    def kill(self) -> None:
        """SIGKILL to the master and every worker at once (the process group)."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def _backends(self) -> list[int]:
        if self.database.kind != "postgresql":
            return []
        import sqlalchemy as sa

        if self._pg is None:
            self._pg = sa.create_engine(self.database.url, poolclass=sa.pool.NullPool)
        with self._pg.connect() as conn:
            return list(conn.scalars(sa.text("SELECT pid FROM pg_stat_activity WHERE datname = "
                                             "current_database() AND pid <> pg_backend_pid()")))

    def cpu_seconds(self) -> float:
        """CPU time (user + system) of the server's processes, and of the database's backends on
        PostgreSQL."""
        return sum(self.cpu_split().values())

    def cpu_split(self) -> dict[str, float]:
        """The same, by part: the task consumer (``tasks consume``), the web server, PostgreSQL."""
        split = {"web": 0.0, "tasks": 0.0, "database": sum(_cpu(pid) for pid in self._backends())}
        for pid in _descendants(self.process.pid):
            try:
                tasks = b"consume" in Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            split["tasks" if tasks or _is_child_of_consumer(pid) else "web"] += _cpu(pid)
        return split

    def errors(self, since: int) -> Counter:
        """The exceptions the server logged after byte ``since`` of its log, one per failed request."""
        text = self.log_path.read_bytes()[since:].decode("utf-8", "replace")
        kinds: Counter = Counter()
        for block in re.split(r"^.*(?:Exception on|unhandled error on) .*$", text, flags=re.M)[1:]:
            found = [m for m in (EXCEPTION_RE.match(line.strip()) for line in block.splitlines()) if m]
            name, message = (found[-1].group(1), found[-1].group(2)) if found else ("unknown", "")
            kinds[_kind(name, message)] += 1
        for line in text.splitlines():  # gunicorn's own: a worker killed, a timeout
            if "[CRITICAL]" in line or "WORKER TIMEOUT" in line or "was sent SIGKILL" in line:
                kinds["gunicorn: " + line.split("] ", 2)[-1][:60]] += 1
        return kinds

    def log_size(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0


def _kind(name: str, message: str) -> str:
    message = re.sub(r"^\([\w.]+\) ", "", message)
    for known in ("database is locked", "QueuePool limit", "deadlock detected", "could not serialize"):
        if known in message:
            return known
    return f"{name}: {message[:70]}"


# ---------------------------------------------------------------------------------------------- the client


class Resident:
    """One resident's browser: a keep-alive connection, cookies, the CSRF token of the last page, its own
    address (sent as X-Forwarded-For)."""

    def __init__(self, port: int, person: dict, n: int):
        self.port, self.person = port, person
        self.address = f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"
        self.cookies: dict[str, str] = {}
        if person.get("cookie"):
            self.cookies["consult_session"] = person["cookie"]
        self.token: str | None = None
        self.conn: http.client.HTTPConnection | None = None
        self.used = 0.0
        self.location = ""

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, float]:
        """(status, body, seconds), the redirect's target in ``self.location``; a connection idle for half a
        second is opened again (the server's keep-alive is 2 s), so a request is never sent on a connection
        the server has just closed."""
        if self.conn is None or time.monotonic() - self.used > 0.5:
            if self.conn is not None:
                self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        headers = {"X-Forwarded-For": self.address, "Accept-Encoding": "gzip"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode({**form, "csrf_token": self.token or ""})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except Exception:
            self.conn.close()
            self.conn = None
            raise
        seconds = time.perf_counter() - started
        self.used = time.monotonic()
        self.location = response.getheader("Location") or ""
        self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
        if response.getheader("Content-Encoding") == "gzip":
            data = gzip.decompress(data)
        text = data.decode("utf-8", "replace")
        match = CSRF_RE.search(text)
        if match:
            self.token = match.group(1)
        if response.will_close:
            self.conn.close()
            self.conn = None
        return response.status, text, seconds

    def _keep_cookies(self, headers: list[str]) -> None:
        for header in headers:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if "Max-Age=0" in header or "expires=Thu, 01 Jan 1970" in header or not value:
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value


class Outcomes:
    """What the residents got, request by request: (kind, status or error, seconds, what was written)."""

    def __init__(self):
        self.rows: list[tuple[str, str, float, tuple]] = []
        self.lock = threading.Lock()

    def add(self, kind: str, outcome: str, seconds: float, what: tuple = ()) -> None:
        with self.lock:
            self.rows.append((kind, outcome, seconds, what))

    def of(self, kind: str) -> list[tuple[str, str, float, tuple]]:
        return [row for row in self.rows if row[0] == kind]


def _outcome(status: int, location: str, expect: tuple[int, ...]) -> str:
    """"ok" for the answer a success gets; a redirect to the sign-in page is a refusal, not a success."""
    if status >= 400:
        return str(status)
    if status not in expect:
        return f"unexpected {status}"
    if "/sign-in" in location:
        return f"{status} to sign-in"
    return "ok"


def timed_call(outcomes: Outcomes, kind: str, resident: Resident, method: str, path: str,
               form: dict | None = None, what: tuple = (), expect=(303,)) -> tuple[int, str]:
    """One request, its outcome recorded under ``kind`` (a client error counts as one too); the status is
    -1 when it is not the answer a success gets."""
    try:
        status, text, seconds = resident.request(method, path, form)
    except Exception as error:  # noqa: BLE001 - a benchmark counts failures instead of stopping
        outcomes.add(kind, f"client {type(error).__name__}", 0.0, what)
        return -1, ""
    outcome = _outcome(status, resident.location, expect)
    outcomes.add(kind, outcome, seconds, what)
    return (status if outcome == "ok" else -1), text


# ------------------------------------------------------------------------------------------------ the steps


def sign_in(outcomes: Outcomes, r: Resident) -> bool:
    if r.request("GET", "/sign-in")[0] != 200:
        outcomes.add("sign_in", "sign-in page failed", 0.0, (r.person["id"],))
        return False
    status, _ = timed_call(outcomes, "sign_in", r, "POST", "/sign-in",
                           {"username": r.person["username"], "password": PASSWORD}, (r.person["id"],))
    if status == 303:
        r.request("GET", BARE)  # the new session's CSRF token (the sign-in rotated the session)
    return status == 303


def support(outcomes: Outcomes, r: Resident, proposal_id: int) -> None:
    timed_call(outcomes, "support", r, "POST", f"/proposals/{proposal_id}/support", {},
               (r.person["id"], proposal_id))


def comment(outcomes: Outcomes, r: Resident, proposal_id: int, marker: str) -> None:
    body = f"A comment from the write benchmark about this proposal ({marker})."
    timed_call(outcomes, "comment", r, "POST", f"/comments/proposal/{proposal_id}",
               {"body": body, "alignment": "in_favour"}, (r.person["id"], proposal_id, marker))


def confirm(outcomes: Outcomes, r: Resident, poll: dict, n: int) -> str | None:
    option = poll["options"][n % len(poll["options"])]
    status, text = timed_call(outcomes, "confirm", r, "POST", f"/polls/{poll['id']}/confirm",
                              {"option": str(option)}, (r.person["id"], poll["id"]), expect=(200,))
    match = CHOICE_RE.search(text) if status == 200 else None
    return html.unescape(match.group(1)) if match else None


def cast(outcomes: Outcomes, r: Resident, poll: dict, choice: str) -> int:
    return timed_call(outcomes, "cast", r, "POST", f"/polls/{poll['id']}/vote", {"choice": choice},
                      (r.person["id"], poll["id"]))[0]


def vote(outcomes: Outcomes, r: Resident, poll: dict, n: int) -> None:
    choice = confirm(outcomes, r, poll, n)
    if choice is not None:
        cast(outcomes, r, poll, choice)


def together(residents: list[Resident], work) -> float:
    """``work(i, resident)`` in one thread per resident, all released at once; the wall time it took."""
    gate = threading.Barrier(len(residents) + 1)

    def run(i, resident):
        gate.wait()
        try:
            work(i, resident)
        except Exception as error:  # noqa: BLE001 - reported, the others go on
            print(f"  resident {resident.person['id']}: {type(error).__name__}: {error}", flush=True)

    threads = [threading.Thread(target=run, args=(i, r), daemon=True) for i, r in enumerate(residents)]
    for thread in threads:
        thread.start()
    gate.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


# ----------------------------------------------------------------------------------------------- the phases


class Run:
    """One server (database × workers): the phases, their figures and what the database must hold."""

    def __init__(self, server: Server, plan: Plan, per_client: int, bare_each: int, marker: str):
        self.server, self.plan, self.per_client, self.bare_each = server, plan, per_client, bare_each
        self.marker = marker
        self.outcomes = Outcomes()
        self.phases: dict[str, dict] = {}

    def residents(self, people: list[dict], offset: int) -> list[Resident]:
        return [Resident(self.server.port, person, offset + i) for i, person in enumerate(people)]

    def phase(self, name: str, residents: list[Resident], work, kinds: tuple[str, ...]) -> dict:
        before = len(self.outcomes.rows)
        log_at = self.server.log_size()
        start = self.server.cpu_split()
        seconds = together(residents, work)
        split = {part: round(value - start[part], 2) for part, value in self.server.cpu_split().items()}
        cpu = sum(split.values())
        rows = self.outcomes.rows[before:]
        figures = {"seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "cpu_by_part": split,
                   "server_errors": dict(self.server.errors(log_at))}
        for kind in kinds:
            mine = [row for row in rows if row[0] == kind]
            ok = [row[2] for row in mine if row[1] == "ok"]
            figures[kind] = {"requests": len(mine), "ok": len(ok), "per_second": round(len(ok) / seconds, 1),
                             "outcomes": dict(Counter(row[1] for row in mine)), **_latency(ok)}
        figures["requests"] = len(rows)
        self.phases[name] = figures
        errors = f", server errors {figures['server_errors']}" if figures["server_errors"] else ""
        print(f"    {name}: {len(rows)} requests in {seconds:.1f} s, cpu {cpu:.1f} s{errors}", flush=True)
        return figures

    def bare(self, name: str, residents: list[Resident]) -> dict:
        def work(_i, r):
            for _ in range(self.bare_each):
                timed_call(self.outcomes, "bare", r, "GET", BARE, expect=(200,))

        return self.phase(name, residents, work, ("bare",))

    def warm_up(self) -> None:
        """Each worker compiles its templates and fills its caches before anything is measured: the pages
        the writes come from, a few times for each worker (not measured, nothing written)."""
        visitor = Resident(self.server.port, {"id": 0}, 99_999)
        pages = ("/sign-in", BARE, f"/proposals/{self.plan.phase_users[0]['proposals'][0]}",
                 f"/polls/{self.plan.burst_poll['id']}")
        for _ in range(3 * self.server.workers):
            for page in pages:
                visitor.request("GET", page)
            visitor.conn = None  # a new connection: another worker may take it

    def run(self) -> dict:
        plan, k = self.plan, self.per_client
        self.warm_up()
        people = self.residents(plan.phase_users, 0)
        self.phase("sign_in", people, lambda _i, r: sign_in(self.outcomes, r), ("sign_in",))
        self.bare("bare_before", people)
        self.phase("support", people, lambda _i, r: [support(self.outcomes, r, p)
                                                     for p in r.person["proposals"][:k]], ("support",))
        self.phase("comment", people, lambda i, r: [
            comment(self.outcomes, r, p, f"{self.marker}-c{i}-{j}")
            for j, p in enumerate(r.person["proposals"][:k])], ("comment",))
        choices: dict[tuple[int, int], str] = {}

        def confirm_all(i, r):
            for poll in plan.cast_polls:
                choices[(i, poll["id"])] = confirm(self.outcomes, r, poll, i)

        self.phase("confirm", people, confirm_all, ("confirm",))
        self.phase("cast", people, lambda i, r: [cast(self.outcomes, r, poll, choices[(i, poll["id"])])
                                                 for poll in plan.cast_polls if choices.get((i, poll["id"]))],
                   ("cast",))
        self.bare("bare_after", people)
        self.phase("mix", self.residents(plan.mix_users, 1000), self.mix_step, ("sign_in",) + WRITES[1:])
        self.burst()
        return self.figures()

    def mix_step(self, i: int, r: Resident) -> None:
        if not sign_in(self.outcomes, r):
            return
        support(self.outcomes, r, r.person["proposals"][0])
        comment(self.outcomes, r, r.person["proposals"][1], f"{self.marker}-m{i}")
        vote(self.outcomes, r, self.plan.mix_poll, i)

    def burst(self) -> None:
        poll, flows, lock = self.plan.burst_poll, [], threading.Lock()

        def voter(i, r):
            started = time.perf_counter()
            if timed_call(self.outcomes, "ballot_page", r, "GET", f"/polls/{poll['id']}", expect=(200,))[0] \
                    != 200:
                return
            choice = confirm(self.outcomes, r, poll, i)
            if choice is None or cast(self.outcomes, r, poll, choice) != 303:
                return
            status, text = timed_call(self.outcomes, "voted_page", r, "GET", f"/polls/{poll['id']}/voted",
                                      expect=(200,))
            if status == 200 and TRACKER_RE.search(text):
                with lock:
                    flows.append(time.perf_counter() - started)

        figures = self.phase("burst", self.residents(self.plan.voters, 5000), voter,
                             ("ballot_page", "confirm", "cast", "voted_page"))
        figures["flow"] = {"complete": len(flows), **_latency(flows)}

    def figures(self) -> dict:
        bare = [self.phases[name] for name in ("bare_before", "bare_after")]
        bare_rate = statistics.mean(b["bare"]["per_second"] for b in bare)
        bare_cpu = sum(b["cpu_seconds"] for b in bare) / max(1, sum(b["bare"]["ok"] for b in bare))
        costs = {}
        for kind in ("sign_in", "support", "comment", "confirm", "cast"):
            figures = self.phases[kind][kind]
            cpu = self.phases[kind]["cpu_seconds"] / max(1, figures["requests"])
            tasks = self.phases[kind]["cpu_by_part"]["tasks"] / max(1, figures["requests"])
            costs[kind] = {"per_second": figures["per_second"],
                           "tasks_cpu_in_bare_pages": round(tasks / bare_cpu, 2) if bare_cpu else None,
                           "bare_per_op": round(bare_rate / figures["per_second"], 2)
                           if figures["per_second"] else None,
                           "cpu_cost_in_bare_pages": round(cpu / bare_cpu, 2) if bare_cpu else None,
                           "p50_ms": figures["p50_ms"], "p95_ms": figures["p95_ms"],
                           "outcomes": figures["outcomes"]}
        burst = self.phases["burst"]
        casts = burst["cast"]["ok"]
        burst_summary = {"voters": len(self.plan.voters), "casts_ok": casts,
                         "casts_per_second": round(casts / burst["seconds"], 1),
                         "bare_per_cast": round(bare_rate * burst["seconds"] / casts, 2) if casts else None,
                         "cpu_cost_in_bare_pages": round(burst["cpu_seconds"] / max(1, casts) / bare_cpu, 2)
                         if bare_cpu else None,
                         "flow": burst["flow"], "cast": {k: burst["cast"][k] for k in ("p50_ms", "p95_ms")},
                         "seconds": burst["seconds"], "server_errors": burst["server_errors"]}
        mix = self.phases["mix"]
        mix_ok = sum(mix[k]["ok"] for k in WRITES)
        return {"bare_per_second": round(bare_rate, 1), "bare_cpu_ms": round(bare_cpu * 1000, 2),
                "writes": costs, "burst": burst_summary,
                "mix": {"writes_ok": mix_ok, "writes_per_second": round(mix_ok / mix["seconds"], 1),
                        "bare_per_write": round(bare_rate * mix["seconds"] / mix_ok, 2) if mix_ok else None,
                        "by_kind": {k: {key: mix[k][key] for key in ("ok", "outcomes", "p50_ms", "p95_ms")}
                                    for k in WRITES},
                        "server_errors": mix["server_errors"]},
                "server_errors": dict(sum((Counter(p["server_errors"]) for p in self.phases.values()),
                                          Counter())),
                "phases": self.phases}


def _latency(seconds: list[float]) -> dict:
    if not seconds:
        return {"p50_ms": None, "p95_ms": None}
    ordered = sorted(seconds)
    return {"p50_ms": round(statistics.median(ordered) * 1000, 1),
            "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000, 1)}


# ------------------------------------------------------------------------------------------------ the check


def check(database: Database, outcomes: Outcomes) -> dict:
    """What the database holds against what the residents were told: lost, doubled, written though failed."""
    import sqlalchemy as sa

    engine = sa.create_engine(database.url, poolclass=sa.pool.NullPool)
    found = Counter()
    with engine.connect() as conn:
        acknowledged = {kind: {row[3] for row in outcomes.of(kind) if row[1] == "ok"} for kind in WRITES}
        failed = {kind: {row[3] for row in outcomes.of(kind) if row[1] != "ok"} - acknowledged[kind]
                  for kind in WRITES}
        supports = _pairs(conn, "SELECT user_id, proposal_id, count(*) FROM proposal_support "
                          "WHERE user_id IN ({users}) GROUP BY user_id, proposal_id",
                          acknowledged["support"] | failed["support"])
        for kind, rows in (("support", supports),):
            found[f"{kind} lost"] = sum(1 for key in acknowledged[kind] if rows.get(key, 0) == 0)
            found[f"{kind} doubled"] = sum(1 for key in acknowledged[kind] if rows.get(key, 0) > 1)
            found[f"{kind} written though failed"] = sum(1 for key in failed[kind] if rows.get(key, 0))
        markers = [what[2] for what in acknowledged["comment"] | failed["comment"]]
        comments = Counter()
        for chunk in range(0, len(markers), 200):
            part = markers[chunk:chunk + 200]
            where = " OR ".join(f"body LIKE :m{i}" for i in range(len(part)))
            params = {f"m{i}": f"%({m}).%" for i, m in enumerate(part)}
            for body in conn.scalars(sa.text(f"SELECT body FROM comment WHERE {where}"), params):
                comments[body.rsplit("(", 1)[1].split(")")[0]] += 1
        found["comment lost"] = sum(1 for w in acknowledged["comment"] if comments[w[2]] == 0)
        found["comment doubled"] = sum(1 for w in acknowledged["comment"] if comments[w[2]] > 1)
        found["comment written though failed"] = sum(1 for w in failed["comment"] if comments[w[2]])
        voted = _pairs(conn, "SELECT voter_id, poll_id, count(*) FROM vote_participation WHERE voter_id IN "
                       "({users}) GROUP BY voter_id, poll_id", acknowledged["cast"] | failed["cast"])
        found["cast lost"] = sum(1 for key in acknowledged["cast"] if voted.get(key, 0) == 0)
        found["cast doubled"] = sum(1 for key in acknowledged["cast"] if voted.get(key, 0) > 1)
        found["cast written though failed"] = sum(1 for key in failed["cast"] if voted.get(key, 0))
        polls = {what[1] for what in acknowledged["cast"] | failed["cast"]}
        for poll in polls:
            participations = conn.scalar(sa.text("SELECT count(*) FROM vote_participation "
                                                 "WHERE poll_id = :p"), {"p": poll})
            ballots = conn.scalar(sa.text("SELECT count(*) FROM vote_ballot WHERE poll_id = :p"), {"p": poll})
            found["ballots != participations"] += int(participations != ballots)
        proposals = {what[1] for what in acknowledged["support"] | acknowledged["comment"]}
        found["proposal counters off"] = _counters_off(conn, proposals)
    engine.dispose()
    return dict(found)


def _pairs(conn, statement: str, keys: set) -> dict:
    import sqlalchemy as sa

    users = sorted({key[0] for key in keys})
    rows = {}
    for chunk in range(0, len(users), 500):
        part = ",".join(str(int(u)) for u in users[chunk:chunk + 500])
        rows.update({(a, b): n for a, b, n in conn.execute(sa.text(statement.format(users=part)))})
    return rows


def _counters_off(conn, proposals: set) -> int:
    import sqlalchemy as sa

    off = 0
    for proposal in proposals:
        row = conn.execute(sa.text(
            "SELECT support_count, (SELECT count(*) FROM proposal_support WHERE proposal_id = p.id), "
            "comment_count, (SELECT count(*) FROM comment WHERE target_type = 'proposal' "
            "AND target_id = p.id AND deleted_at IS NULL) FROM proposal p WHERE p.id = :p"),
            {"p": proposal}).one()
        off += int(row[0] != row[1]) + int(row[2] != row[3])
    return off


# ------------------------------------------------------------------------------------------------- kill -9


def kill_run(database: Database, plan: Plan, workers: int, kill_after: int, log: Path, marker: str) -> dict:
    """Supports, comments and casts at once; SIGKILL to the whole server once ``kill_after`` writes were
    acknowledged; restart; every acknowledged write must be in the database."""
    server = Server(database, workers, log)
    outcomes = Outcomes()
    acknowledged = threading.Event()
    server.start()
    residents = [Resident(server.port, person, 9000 + i) for i, person in enumerate(plan.voters)]

    def watch():
        while not acknowledged.is_set():
            if sum(1 for row in list(outcomes.rows) if row[1] == "ok" and row[0] in WRITES) >= kill_after:
                server.kill()
                acknowledged.set()
            time.sleep(0.005)

    def work(i, r):
        r.request("GET", BARE)
        steps = [lambda: support(outcomes, r, r.person["proposals"][0]),
                 lambda: comment(outcomes, r, r.person["proposals"][0], f"{marker}-k{i}"),
                 lambda: vote(outcomes, r, plan.burst_poll, i)]
        for step in steps[i % 3:] + steps[:i % 3]:  # every kind of write in flight when the kill comes
            step()

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    seconds = together(residents, work)
    killed = acknowledged.is_set()
    acknowledged.set()
    if not killed:
        server.kill()
    answered = Counter(row[1] for row in outcomes.rows if row[0] in WRITES)
    server = Server(database, workers, log)
    server.start()  # on SQLite it recovers the WAL the killed server left
    serves = Resident(server.port, {"id": 0}, 1).request("GET", BARE)[0] == 200
    server.stop()
    found = check(database, outcomes)
    return {"workers": workers, "killed_mid_burst": killed, "seconds": round(seconds, 2),
            "acknowledged": sum(1 for row in outcomes.rows if row[0] in WRITES and row[1] == "ok"),
            "answers": dict(answered), "serves_after_restart": serves, "check": found,
            "acknowledged_lost": sum(v for k, v in found.items() if k.endswith(" lost"))}


# --------------------------------------------------------------------------------------------------- report


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def print_run(label: str, figures: dict, checked: dict) -> None:
    print(f"  {label}: bare page {figures['bare_per_second']} req/s ({figures['bare_cpu_ms']} ms cpu)")
    for kind, f in figures["writes"].items():
        print(f"    {kind:<8} {f['per_second']:>7} /s  1 per {f['bare_per_op']} bare pages (wall), "
              f"cost {f['cpu_cost_in_bare_pages']} bare pages (cpu; of which the task consumer "
              f"{f['tasks_cpu_in_bare_pages']}); p50 {f['p50_ms']} ms, "
              f"p95 {f['p95_ms']} ms; {f['outcomes']}")
    mix = figures["mix"]
    print(f"    mix: {mix['writes_ok']} writes ok, {mix['writes_per_second']}/s = 1 per "
          f"{mix['bare_per_write']} bare pages; errors {mix['server_errors'] or 'none'}")
    for kind, f in mix["by_kind"].items():
        print(f"      {kind:<8} p50 {f['p50_ms']} ms, p95 {f['p95_ms']} ms; {f['outcomes']}")
    burst = figures["burst"]
    print(f"    burst: {burst['casts_ok']}/{burst['voters']} casts in {burst['seconds']} s = "
          f"{burst['casts_per_second']}/s, 1 per {burst['bare_per_cast']} bare pages (wall), cost "
          f"{burst['cpu_cost_in_bare_pages']} bare pages (cpu, 4 requests); voter's 4 requests p50 "
          f"{burst['flow']['p50_ms']} ms, p95 {burst['flow']['p95_ms']} ms; the cast p50 "
          f"{burst['cast']['p50_ms']} ms, p95 {burst['cast']['p95_ms']} ms; errors "
          f"{burst['server_errors'] or 'none'}")
    print(f"    server errors: {figures['server_errors'] or 'none'}; database: {checked}")


def run_database(database: Database, workers: list[int], args, marker: str) -> dict:
    labels = [f"{database.kind}-{w}" for w in workers]
    plans = prepare(database, labels, args.clients, args.voters, args.per_client, args.seed)
    results = {}
    for w, label in zip(workers, labels, strict=True):
        print(f"  {label}: {w} worker(s), {' '.join(server_command(w, 0)[1:4])}; load {_load()}", flush=True)
        log = database.scratch / f"{label}.log"
        if args.kill:
            results[label] = kill_run(database, plans[label], w, args.kill_after, log, f"{marker}-{label}")
            print(f"    {results[label]}", flush=True)
            continue
        server = Server(database, w, log)
        server.start()
        try:
            run = Run(server, plans[label], args.per_client, args.bare, f"{marker}-{label}")
            figures = run.run()
        finally:
            server.stop()
        figures["check"] = check(database, run.outcomes)
        figures["load_average_after"] = _load()
        print_run(label, figures, figures["check"])
        results[label] = figures
    return results


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[2:]))
    parser.add_argument("--sqlite", type=Path, default=Path(os.environ.get("CONSULT_CITY_SQLITE",
                                                                           "/work/city/city.sqlite3")),
                        help="a city made by `flask demo generate --scale city` (copied, never written; "
                             "default %(default)s or $CONSULT_CITY_SQLITE)")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--postgres", help="URL of a PostgreSQL database to write into (a copy of a city)")
    parser.add_argument("--postgres-template", help="make --postgres afresh from this database first")
    parser.add_argument("--workers", default="1,2,4", help="server worker counts (default %(default)s)")
    parser.add_argument("--clients", type=int, default=100, help="residents at once (default %(default)s)")
    parser.add_argument("--voters", type=int, default=400, help="residents in the vote burst (default "
                                                                "%(default)s)")
    parser.add_argument("--per-client", type=int, default=3,
                        help="supports, comments and casts each resident sends (default %(default)s)")
    parser.add_argument("--bare", type=int, default=5, help="bare pages each resident asks for, before and "
                                                            "after the writes (default %(default)s)")
    parser.add_argument("--kill", action="store_true", help="the kill -9 test instead of the phases")
    parser.add_argument("--kill-after", type=int, default=150,
                        help="acknowledged writes before the kill (default %(default)s)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory (logs, SQLite copy)")
    parser.add_argument("--logs", type=Path, help="copy the servers' logs into this folder")
    args = parser.parse_args(argv if argv is not None else [])
    workers = [int(w) for w in args.workers.split(",")]
    marker = f"w{int(time.time())}"
    scratch = Path(tempfile.mkdtemp(prefix="consult-bench-writes-"))
    result = {"clients": args.clients, "voters": args.voters, "per_client": args.per_client,
              "server": " ".join(server_command(0, 0)[1:]), "cpus": os.cpu_count(), "load_before": _load(),
              "databases": {}}
    print(f"scratch {scratch}; load average {_load()} on {os.cpu_count()} cpus", flush=True)
    try:
        if not args.no_sqlite:
            if not args.sqlite.exists():
                raise SystemExit(f"{args.sqlite} does not exist: make it with "
                                 "`flask --app consult demo generate --scale city --seed 1`")
            (scratch / "sqlite").mkdir()
            database = Database.sqlite_copy(args.sqlite, scratch / "sqlite")
            result["databases"]["sqlite"] = run_database(database, workers, args, marker)
        if args.postgres:
            (scratch / "postgresql").mkdir()
            database = Database.postgres_copy(args.postgres, args.postgres_template, scratch / "postgresql")
            result["databases"]["postgresql"] = run_database(database, workers, args, marker)
    finally:
        if args.logs:
            args.logs.mkdir(parents=True, exist_ok=True)
            for log in scratch.rglob("*.log"):
                shutil.copy(log, args.logs / log.name)
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    result["load_after"] = _load()
    path = write_result("writes" + ("_kill" if args.kill else ""), result)
    print(f"load average {_load()}; JSON: {path}")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
