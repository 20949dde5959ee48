"""The deployment of ``deploy/``, run for real on this machine: two app hosts behind nginx, sharing Redis and
PostgreSQL.

* **Redis**: ``redis-server deploy/redis/consult-redis.conf`` on a random port in a temporary folder (with a
  password, as in production).
* **PostgreSQL**: a database of its own, made beside ``CONSULT_TEST_DATABASE_URL``'s (so test workers never
  share one) and dropped at the end; ``flask db upgrade`` builds it, as a release does.
* **Two app hosts**: the command of ``deploy/systemd/consult-web.service`` (gunicorn with
  ``deploy/gunicorn.conf.py``), each with its own instance folder, the same secrets, ``CONSULT_REDIS_URL`` and
  ``CONSULT_PROXY_COUNT=2`` (a load balancer in front of nginx: the test's clients play it, each resident
  from an address of their own).
* **nginx**: ``deploy/nginx/consult.conf`` and ``consult-locations.conf`` as they are, with the app hosts,
  ports, certificate (self-signed, made here) and paths of this machine put in; non-root (a temporary prefix).
  It adds the header ``X-Consult-Upstream`` (which host answered) for the test's sake.

What must hold: a moderator's action on one host reaches, within seconds, a phone whose event stream nginx
gives to the other host; 50 residents voting at once through nginx on both hosts: none lost, none counted
twice; a sign-in rate limit is counted across both hosts (Redis); nginx serves static files itself with a year
of cache and gzip, passes event streams unbuffered, refuses an oversized body and an unknown TLS name.

Skipped, with the reason, without ``redis-server``, ``nginx``, ``openssl`` or a PostgreSQL database
(``CONSULT_TEST_DATABASE_URL``); ``make test`` installs the first three and CI's second pass gives the last.
"""

from __future__ import annotations

import html
import json
import os
import queue
import re
import shlex
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
VOTERS = 50
TIMEOUT = 20  # seconds, for any one request
EVENT_WITHIN = 5.0  # seconds from the moderator's answer to the phone's event
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CHOICE_RE = re.compile(r'name="choice" value="([^"]*)"')
SECRETS = {"CONSULT_SECRET_KEY": "cluster-test-secret-key-shared-by-every-host",
           "CONSULT_RESIDENCE_HMAC_KEY": "cluster-test-residence-key-0123456789abcdef"}
REDIS_PASSWORD = "cluster-test-redis-password"


def _program(name: str) -> str | None:
    return shutil.which(name) or next((f"{d}/{name}" for d in ("/usr/sbin", "/sbin")
                                       if os.access(f"{d}/{name}", os.X_OK)), None)


REDIS_SERVER, NGINX, OPENSSL = _program("redis-server"), _program("nginx"), _program("openssl")
DATABASE_URL = os.environ.get("CONSULT_TEST_DATABASE_URL")
_MISSING = [what for what, found in (("redis-server", REDIS_SERVER), ("nginx", NGINX), ("openssl", OPENSSL),
                                     ("a PostgreSQL database (CONSULT_TEST_DATABASE_URL)", DATABASE_URL))
            if not found]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(_MISSING), reason="the cluster test needs " + ", ".join(_MISSING)
                       + " (make test installs redis-server and nginx; CI's PostgreSQL pass sets the URL)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(check, what: str, seconds: float = 30.0, process: subprocess.Popen | None = None, log=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"{what} exited: {Path(log).read_text()[-3000:] if log else ''}")
        try:
            if check():
                return
        except (OSError, requests.RequestException):
            pass
        time.sleep(0.1)
    raise AssertionError(f"{what} did not start within {seconds:.0f} s"
                         + (f": {Path(log).read_text()[-3000:]}" if log and Path(log).exists() else ""))


# ---------------------------------------------------------------------------------------------- the pieces


class Processes:
    """Processes started by the test, each in its own process group, stopped in reverse order."""

    def __init__(self):
        self.started: list[subprocess.Popen] = []

    def start(self, args, *, log: Path, **kwargs) -> subprocess.Popen:
        with log.open("ab") as out:
            process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                       **kwargs)
        self.started.append(process)
        return process

    def stop_all(self):
        for process in reversed(self.started):
            if process.poll() is None:
                os.killpg(process.pid, 15)
        for process in reversed(self.started):
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
                process.wait(5)


def _own_database(url: str) -> tuple[sa.engine.URL, sa.engine.Engine]:
    """A database of this test's own beside ``url``'s (its name tells the worker and the process)."""
    base = sa.engine.make_url(url)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    own = base.set(database=f"{base.database}_cluster_{worker}_{os.getpid()}"[:63])
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{own.database}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{own.database}"')
    return own, admin


def _web_command() -> list[str]:
    """The ExecStart of deploy/systemd/consult-web.service, with this machine's virtualenv and checkout."""
    unit = (DEPLOY / "systemd" / "consult-web.service").read_text()
    line = re.search(r"(?m)^ExecStart=(.+)$", unit).group(1)
    venv_bin = Path(sys.executable).parent
    command = []
    for arg in shlex.split(line):
        if arg.startswith("/srv/consult/venv/bin/"):
            arg = str(venv_bin / arg.rsplit("/", 1)[1])
        command.append(arg.replace("/srv/consult/app", str(ROOT)))
    return command


def _certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run([OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost"], check=True, capture_output=True)
    return cert, key


def _nginx_config(folder: Path, hosts: list[int], http_port: int, https_port: int, cert: Path,
                  key: Path) -> Path:
    """deploy/nginx/ with this machine's hosts, ports and paths, in an nginx.conf a user without root runs."""
    locations = (DEPLOY / "nginx" / "consult-locations.conf").read_text()
    locations = locations.replace("/srv/consult/app", str(ROOT))
    (folder / "consult-locations.conf").write_text(locations)
    site = (DEPLOY / "nginx" / "consult.conf").read_text()
    servers = "".join(f"    server 127.0.0.1:{port} max_fails=3 fail_timeout=10s;\n" for port in hosts)
    server_line = r"    server 10\.0\.0\.\d+:8000[^\n]*\n"
    site, count = re.subn(rf"(?m)^{server_line}({server_line})*", servers, site)
    assert count == 1, "the upstream's servers were not found in deploy/nginx/consult.conf"
    replacements = {
        "include /etc/nginx/snippets/consult-locations.conf;": (
            f"include {folder}/consult-locations.conf;\n"
            "    add_header X-Consult-Upstream $upstream_addr always;"),
        "/etc/ssl/consult/fullchain.pem": str(cert), "/etc/ssl/consult/privkey.pem": str(key),
        "/var/log/nginx/": f"{folder}/", "/var/www/acme": str(folder),
        "server_name consult.example.org;": "server_name localhost;",
        "listen 443 ": f"listen 127.0.0.1:{https_port} ", "listen 80;": f"listen 127.0.0.1:{http_port};",
    }
    for old, new in replacements.items():
        assert old in site, f"{old!r} is no longer in deploy/nginx/consult.conf"
        site = site.replace(old, new)
    site = re.sub(r"(?m)^\s*listen \[::\].*\n", "", site)  # IPv6 may be off here
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / sub).mkdir(exist_ok=True)
    mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else (
        "types { text/css css; application/javascript js; image/svg+xml svg; image/png png; }")
    user = "user root root;\n" if os.geteuid() == 0 else ""  # workers read the checkout as the test does
    conf = folder / "nginx.conf"
    conf.write_text(f"""{user}daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    {mime}
    default_type application/octet-stream;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
{site}
}}
""")
    return conf


class Cluster:
    def __init__(self, folder: Path):
        self.folder = folder
        self.processes = Processes()
        self.hosts = [_free_port(), _free_port()]
        self.redis_port, self.http_port, self.https_port = _free_port(), _free_port(), _free_port()
        self.base = f"https://localhost:{self.https_port}"
        self.redis_url = f"redis://:{REDIS_PASSWORD}@127.0.0.1:{self.redis_port}/0"
        self.database, self.admin = _own_database(DATABASE_URL)
        self.engine = sa.create_engine(self.database)
        self.cert = None
        self.data: dict = {}

    def upstream_name(self, address: str) -> str:
        """"host 1" or "host 2" for nginx's $upstream_addr."""
        port = int(address.rsplit(":", 1)[1])
        return f"host {self.hosts.index(port) + 1}"

    def env(self, instance: Path, **more) -> dict:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("CONSULT_", "GUNICORN_")) and k != "WEB_CONCURRENCY"}
        env.update(SECRETS, CONSULT_DATABASE_URL=self.database.render_as_string(hide_password=False),
                   CONSULT_INSTANCE_PATH=str(instance), CONSULT_PASSWORD_HASH_PROFILE="test", **more)
        return env

    def start(self):
        folder = self.folder
        redis_dir = folder / "redis"
        redis_dir.mkdir()
        self.redis = self.processes.start(
            [REDIS_SERVER, str(DEPLOY / "redis" / "consult-redis.conf"), "--port", str(self.redis_port),
             "--bind", "127.0.0.1", "--dir", str(redis_dir), "--requirepass", REDIS_PASSWORD,
             "--appendonly", "no", "--daemonize", "no"], log=folder / "redis.log")
        import redis

        self.redis_client = redis.Redis.from_url(self.redis_url)

        def answers():
            try:
                return self.redis_client.ping()
            except redis.ConnectionError:
                return False

        _wait_for(answers, "redis-server", process=self.redis, log=folder / "redis.log")

        setup = folder / "setup"
        subprocess.run([sys.executable, "-m", "flask", "--app", "consult", "db", "upgrade"], cwd=ROOT,
                       env=self.env(setup), check=True, capture_output=True, timeout=300)
        made = subprocess.run([sys.executable, "-m", "tests.deploy.cluster_data", str(VOTERS)], cwd=ROOT,
                              env=self.env(setup), check=True, capture_output=True, text=True, timeout=300)
        self.data = json.loads(made.stdout.strip().splitlines()[-1])

        command = _web_command()
        for n, port in enumerate(self.hosts, start=1):
            instance = folder / f"host{n}"
            env = self.env(instance, CONSULT_REDIS_URL=self.redis_url, CONSULT_BASE_URL=self.base,
                           CONSULT_PROXY_COUNT="2", CONSULT_DEBATES_SSE_HEARTBEAT_SECONDS="1",
                           # every drawing shared, however small (this test's debate draws small parts)
                           CONSULT_CACHE_REDIS_MIN_BYTES="0",
                           GUNICORN_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="1", CONSULT_WEB_THREADS="16",
                           GUNICORN_LOG_LEVEL="warning")
            self.processes.start(command, log=folder / f"host{n}.log", cwd=ROOT, env=env)
        for n, port in enumerate(self.hosts, start=1):
            _wait_for(lambda port=port: requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).ok,
                      f"app host {n}", process=self.processes.started[n], log=folder / f"host{n}.log")

        self.cert, key = _certificate(folder)
        conf = _nginx_config(folder, self.hosts, self.http_port, self.https_port, self.cert, key)
        subprocess.run([NGINX, "-t", "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")],
                       check=True, capture_output=True)
        nginx = self.processes.start([NGINX, "-p", str(folder), "-c", str(conf), "-e",
                                      str(folder / "error.log")], log=folder / "nginx.log")
        _wait_for(lambda: self.client().get("/healthz").ok, "nginx", process=nginx, log=folder / "error.log")

    def client(self, address: str = "198.51.100.250") -> Browser:
        return Browser(self, address)

    def stop(self):
        self.processes.stop_all()
        self.engine.dispose()
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.database.database}" WITH (FORCE)')
        self.admin.dispose()


class Browser:
    """A person's browser behind the load balancer the test plays: its own address in X-Forwarded-For,
    https in X-Forwarded-Proto, cookies, the CSRF token of the last page, and the Referer a browser sends."""

    def __init__(self, cluster: Cluster, address: str):
        self.cluster, self.base = cluster, cluster.base
        self.http = requests.Session()
        self.http.trust_env = False  # REQUESTS_CA_BUNDLE would take the place of the test's certificate
        self.http.verify = str(cluster.cert)
        self.http.headers.update({"X-Forwarded-For": address, "X-Forwarded-Proto": "https",
                                  "Referer": self.base + "/"})
        self.token = None
        self.upstreams: list[str] = []

    def _seen(self, response):
        if "X-Consult-Upstream" in response.headers:
            self.upstreams.append(self.cluster.upstream_name(response.headers["X-Consult-Upstream"]))
        return response

    def get(self, path, **kwargs):
        response = self._seen(self.http.get(self.base + path, allow_redirects=False, timeout=TIMEOUT,
                                            **kwargs))
        if match := CSRF_RE.search(response.text):
            self.token = html.unescape(match.group(1))
        return response

    def post(self, path, data):
        response = self._seen(self.http.post(self.base + path, data={**data, "csrf_token": self.token},
                                             allow_redirects=False, timeout=TIMEOUT))
        if match := CSRF_RE.search(response.text):  # a form shown again: its token from now on
            self.token = html.unescape(match.group(1))
        return response

    def sign_in(self, username, password):
        self.get("/sign-in")
        return self.post("/sign-in", {"username": username, "password": password})

    def cast(self, poll_id: int, option_id: int) -> int:
        """The ballot page, the confirmation, the cast (as the crash test does): the cast's status."""
        self.get(f"/polls/{poll_id}")
        confirm = self.post(f"/polls/{poll_id}/confirm", {"option": str(option_id)})
        match = CHOICE_RE.search(confirm.text)
        if confirm.status_code != 200 or not match:
            return confirm.status_code
        return self.post(f"/polls/{poll_id}/vote", {"choice": html.unescape(match.group(1))}).status_code


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    running = Cluster(tmp_path_factory.mktemp("cluster"))
    try:
        running.start()
        yield running
    finally:
        running.stop()


# ---------------------------------------------------------------------------------------------- the tests


class Stream:
    """A phone's event stream through nginx, read line by line in a thread."""

    def __init__(self, browser: Browser, debate_id: int):
        self.response = browser.http.get(f"{browser.base}/debates/{debate_id}/events?view=public",
                                         stream=True, timeout=(5, 30))
        self.host = browser.cluster.upstream_name(self.response.headers["X-Consult-Upstream"])
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        try:
            for line in self.response.iter_lines(chunk_size=1, decode_unicode=True):
                self.lines.put((time.monotonic(), line))
        except Exception as error:  # the stream closed at the end of the test
            self.lines.put((time.monotonic(), error))

    def ids_until(self, deadline: float, above: int = -1) -> tuple[int, float | None]:
        """The highest event id read before ``deadline`` (stops at the first above ``above``), and when."""
        highest = -1
        while (left := deadline - time.monotonic()) > 0:
            try:
                at, line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            assert not isinstance(line, Exception), line
            if isinstance(line, str) and line.startswith("id:"):
                highest = max(highest, int(line[3:]))
                if highest > above >= 0:
                    return highest, at
        return highest, None


def test_a_moderators_action_on_one_host_reaches_a_phone_on_the_other(cluster):
    debate_id = cluster.data["debate"]
    phones, streams = cluster.client("198.51.100.200"), []
    while {s.host for s in streams} != {"host 1", "host 2"}:  # least_conn: the second one on the other host
        assert len(streams) < 6, f"nginx gave every stream to one host: {[s.host for s in streams]}"
        streams.append(Stream(phones, debate_id))
    for stream in streams:
        assert stream.response.headers["Content-Type"].startswith("text/event-stream")
        # the app's "X-Accel-Buffering: no" is for nginx, which takes it (and buffers nothing here)
        assert "X-Accel-Buffering" not in stream.response.headers
    # each stream sends the debate as it is (catching up), then waits; the heartbeat is 1 s here
    before = [stream.ids_until(time.monotonic() + 3)[0] for stream in streams]
    assert min(before) >= 1, before

    moderator = cluster.client("198.51.100.201")
    assert moderator.sign_in(cluster.data["moderator"], cluster.data["password"]).status_code == 303
    moderator.get(f"/debates/{debate_id}/console")
    acted = moderator.post(f"/debates/{debate_id}/console/state", {"action": "start"})
    answered = time.monotonic()
    assert acted.status_code == 303, acted.text[:500]
    moderator_host = moderator.upstreams[-1]

    for stream, version in zip(streams, before, strict=True):
        seen, at = stream.ids_until(answered + EVENT_WITHIN, above=version)
        assert at is not None, (f"the phone on {stream.host} heard nothing within {EVENT_WITHIN} s of the "
                                f"moderator's action on {moderator_host}")
        assert seen > version
    assert any(stream.host != moderator_host for stream in streams)
    # the events crossed hosts through Redis pub/sub when the events have a Redis backend (else PostgreSQL's
    # LISTEN/NOTIFY): both hosts listen on the platform's channel
    names = [name.decode() for name in cluster.redis_client.pubsub_channels()]
    channels = dict(cluster.redis_client.pubsub_numsub(*names)) if names else {}
    print("debate events between hosts:", f"Redis {channels}" if channels else "PostgreSQL LISTEN/NOTIFY")
    if channels:
        assert max(channels.values()) >= 2, channels
    for stream in streams:
        stream.response.close()


def test_votes_cast_at_once_on_both_hosts_are_all_counted_once(cluster):
    poll_id, options = cluster.data["poll"], cluster.data["options"]
    voters = [cluster.client(f"198.51.100.{n + 1}") for n in range(VOTERS)]
    with ThreadPoolExecutor(10) as pool:
        signed = list(pool.map(lambda pair: pair[1].sign_in(pair[0], cluster.data["password"]).status_code,
                               zip(cluster.data["residents"], voters, strict=True)))
    assert signed == [303] * VOTERS

    start = threading.Barrier(25)

    def cast(n: int) -> int:
        if n < 25:
            start.wait(30)
        return voters[n].cast(poll_id, options[n % len(options)])

    with ThreadPoolExecutor(25) as pool:
        statuses = list(pool.map(cast, range(VOTERS)))
    assert statuses == [303] * VOTERS  # every cast answered with success
    # each of them again, at once, wherever nginx sends it: refused, nothing added
    with ThreadPoolExecutor(25) as pool:
        again = list(pool.map(cast, range(VOTERS)))
    assert 303 not in again and 500 not in again, again

    with cluster.engine.connect() as conn:
        participations = conn.execute(sa.text("SELECT count(*), count(DISTINCT voter_id) FROM "
                                              "vote_participation WHERE poll_id = :p"), {"p": poll_id}).one()
        ballots = conn.scalar(sa.text("SELECT count(*) FROM vote_ballot WHERE poll_id = :p"), {"p": poll_id})
        names = set(conn.scalars(sa.text('SELECT u.username FROM vote_participation p JOIN "user" u '
                                         "ON u.id = p.voter_id WHERE p.poll_id = :p"), {"p": poll_id}))
    assert tuple(participations) == (VOTERS, VOTERS) and ballots == VOTERS
    assert names == set(cluster.data["residents"])
    served = [host for voter in voters for host in voter.upstreams]
    assert {"host 1", "host 2"} <= set(served), "nginx sent every request to one host"


def test_a_sign_in_rate_limit_is_counted_across_both_hosts(cluster):
    attacker = cluster.client("203.0.113.66")
    attacker.get("/sign-in")
    statuses, hosts = [], []
    for n in range(10):  # RATELIMIT_SIGN_IN: 10 failed sign-ins a minute per address, another name each time
        statuses.append(attacker.post("/sign-in", {"username": f"guess{n}", "password": "wrong"}).status_code)
        hosts.append(attacker.upstreams[-1])
    assert 429 not in statuses, statuses
    assert set(hosts) == {"host 1", "host 2"}, hosts  # the failures were counted on both hosts
    for n in (10, 11):  # whichever host answers
        assert attacker.post("/sign-in", {"username": f"guess{n}", "password": "wrong"}).status_code == 429
    assert any(b"203.0.113.66" in key for key in cluster.redis_client.scan_iter(match="LIMITS:*"))
    # another address is not held back by this one's failures
    assert cluster.client("203.0.113.67").sign_in("guess12", "wrong password").status_code != 429


def test_nginx_serves_static_files_itself_and_guards_the_hosts(cluster):
    browser = cluster.client()
    page = browser.get("/privacy")
    assert page.status_code == 200 and "Content-Security-Policy" in page.headers
    style = re.search(r'href="(/static/css/consult\.css\?v=[0-9a-f]+)"', page.text).group(1)
    static = browser.http.get(browser.base + style, headers={"Accept-Encoding": "gzip"}, timeout=TIMEOUT)
    assert static.status_code == 200
    assert static.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert static.headers["Content-Encoding"] == "gzip"
    assert static.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in static.headers  # not the app's answer: nginx read the file
    unversioned = browser.http.get(browser.base + "/static/css/consult.css", timeout=TIMEOUT)
    assert unversioned.headers["Cache-Control"] == "public, max-age=3600"
    # the app's own pages are gzipped by the app (nginx adds no compression of its own)
    again = browser.http.get(browser.base + "/privacy", timeout=TIMEOUT)
    assert again.headers.get("Content-Encoding") == "gzip"

    too_large = browser.http.post(browser.base + "/sign-in", data=b"x" * (14 * 1024 * 1024), timeout=TIMEOUT)
    assert too_large.status_code == 413

    plain = requests.get(f"http://127.0.0.1:{cluster.http_port}/proposals/", allow_redirects=False,
                         headers={"Host": "localhost"}, timeout=TIMEOUT)
    assert plain.status_code == 301 and plain.headers["Location"] == "https://localhost/proposals/"

    # a TLS name that is not the platform's: the handshake is refused, no certificate shown
    context = ssl.create_default_context(cafile=str(cluster.cert))
    with socket.create_connection(("127.0.0.1", cluster.https_port), timeout=5) as raw:
        with pytest.raises(ssl.SSLError):
            context.wrap_socket(raw, server_hostname="other.example.org")

    # what the hosts rendered is shared through Redis (signed entries under the release's prefix)
    assert any(b":debate_live_parts:" in key for key in cluster.redis_client.scan_iter(match="consult:*"))
