"""The real server, started as ``make run`` starts it (``python -m consult.serve``: gunicorn, uvicorn
workers, the ASGI application), with two worker processes on SQLite: a moderator's change reaches the event
streams of both workers (Unix sockets between them, or Redis pub/sub when ``REDIS_URL`` is set), pages still
answer while many streams are open, a stream resumes from ``Last-Event-ID``, and one signal stops it all."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import run_coroutine

aiohttp = pytest.importorskip("aiohttp")

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not sys.platform.startswith("linux"),
                                                    reason="reads /proc to see which worker holds a stream")]

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "server test password"
CSRF_RE = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')

PREPARE = f"""
from datetime import datetime
from consult import create_app
from consult.extensions import db
from consult.accounts import services as accounts
from consult.debates import services as debates
app = create_app()
with app.app_context():
    db.create_all()
    user = accounts.sign_up('servermod', 'Server moderator', {PASSWORD!r}, 'en', None)
    accounts.grant_role(user, 'moderator')
    d = debates.create_debate(user, title='Server debate', description='', starts_at=datetime(2030, 1, 1),
                              place='Loopback hall', allow_anonymous=True)
    debates.add_segment(d, 'Opening', 20)
    debates.start_debate(d, user)
    db.session.commit()
    print(d.id)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``python -m consult.serve`` on a scratch instance; ``stop()`` sends it what Ctrl-C sends."""

    def __init__(self, tmp: Path, **env):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.instance = tmp / "instance"
        self.env = dict(os.environ, PYTHONPATH=str(ROOT), CONSULT_INSTANCE_PATH=str(self.instance),
                        CONSULT_DATABASE_URL=f"sqlite:///{tmp / 'server.sqlite3'}",
                        CONSULT_BASE_URL=self.base,
                        CONSULT_SECRET_KEY="server-test-secret", CONSULT_PASSWORD_HASH_PROFILE="test",
                        CONSULT_RESIDENCE_HMAC_KEY="server-test-residence-key-0123456789",
                        CONSULT_RATELIMIT_ENABLED="false", **env)
        self.env.pop("CONSULT_TEST_DATABASE_URL", None)
        out = subprocess.run([sys.executable, "-c", PREPARE], env=self.env, cwd=ROOT, check=True,
                             capture_output=True, text=True)
        self.debate_id = int(out.stdout.split()[-1])
        self.log = open(tmp / "server.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "consult.serve", "--bind", f"127.0.0.1:{self.port}", "--workers", "2",
             "--threads", "4"], env=self.env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        self._wait()

    def _wait(self):
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.process.poll() is None, Path(self.log.name).read_text()[-3000:]
            try:
                urllib.request.urlopen(self.base + "/privacy", timeout=5).read()
                if len(self.workers()) == 2:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        pytest.fail("the server did not answer: " + Path(self.log.name).read_text()[-3000:])

    def descendants(self) -> list[int]:
        found, stack = [], [self.process.pid]
        while stack:
            pid = stack.pop()
            try:
                children = [int(c) for task in Path(f"/proc/{pid}/task").iterdir()
                            for c in (task / "children").read_text().split()]
            except OSError:
                continue
            found.extend(children)
            stack.extend(children)
        return found

    def workers(self) -> list[int]:
        """gunicorn's workers: the children of its master (the supervisor's child running gunicorn)."""
        for pid in self.descendants():
            try:
                if b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    return [int(c) for task in Path(f"/proc/{pid}/task").iterdir()
                            for c in (task / "children").read_text().split()]
            except OSError:
                continue
        return []

    def streams_per_worker(self) -> dict[int, int]:
        """Connections to the server's port held by each worker (Linux /proc)."""
        inodes = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == self.port and fields[3] == "01":
                    inodes.add(fields[9])
        counts = {}
        for pid in self.workers():
            counts[pid] = sum(1 for fd in Path(f"/proc/{pid}/fd").iterdir()
                              if os.readlink(fd).removeprefix("socket:[").rstrip("]") in inodes)
        return counts

    def stop(self):
        everything = [self.process.pid, *self.descendants()]
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(30)
        finally:
            if self.process.poll() is None:
                self.process.kill()
            self.log.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in everything):
            time.sleep(0.1)
        return [pid for pid in everything if Path(f"/proc/{pid}").exists()
                and "zombie" not in Path(f"/proc/{pid}/status").read_text()]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    served = Server(tmp_path_factory.mktemp("server"))
    yield served
    assert served.stop() == [], "Ctrl-C left processes running"


# -- clients -------------------------------------------------------------------------------------------------


class Stream:
    """An open event stream: the text received so far, read by a task of its own."""

    def __init__(self, session, url: str, last_event_id: str | None = None):
        headers = {"Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = last_event_id
        self.text = ""
        self.opened = asyncio.Event()
        self.task = asyncio.ensure_future(self._read(session, url, headers))

    async def _read(self, session, url, headers):
        async with session.get(url, headers=headers,
                               timeout=aiohttp.ClientTimeout(total=None, sock_read=None)) as response:
            assert response.status == 200
            async for chunk in response.content.iter_any():
                self.text += chunk.decode()
                self.opened.set()

    async def until(self, needle: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while needle not in self.text:
            if self.task.done():
                self.task.result()
                pytest.fail(f"the stream ended without {needle!r}")
            assert time.monotonic() < deadline, f"{needle!r} never came: {self.text[-300:]!r}"
            await asyncio.sleep(0.05)
        return self.text

    def close(self):
        self.task.cancel()


async def _moderator_adds(server, name: str) -> None:
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        async def token(path):
            async with session.get(server.base + path) as response:
                return CSRF_RE.search(await response.read()).group(1).decode()

        async with session.post(server.base + "/sign-in", allow_redirects=False, data={
                "username": "servermod", "password": PASSWORD, "csrf_token": await token("/sign-in")}) as r:
            assert r.status == 303
        form = {"speaker-name": name, "speaker-role": "public", "speaker-kind": "point_of_order",
                "speaker-note": "", "csrf_token": await token(f"/debates/{server.debate_id}/console")}
        async with session.post(f"{server.base}/debates/{server.debate_id}/console/speakers", data=form,
                                allow_redirects=False) as response:
            assert response.status == 303


async def _open_on_both_workers(server, session, at_least: int) -> list[Stream]:
    """Streams, opened 20 at a time until both workers hold some (and there are ``at_least``)."""
    url = f"{server.base}/debates/{server.debate_id}/events?view=public"
    streams: list[Stream] = []
    while len(streams) < 400:
        batch = [Stream(session, url) for _ in range(20)]
        await asyncio.wait_for(asyncio.gather(*(s.opened.wait() for s in batch)), 30)
        streams += batch
        if len(streams) >= at_least and sum(1 for n in server.streams_per_worker().values() if n) == 2:
            return streams
    pytest.fail(f"all streams on one worker: {server.streams_per_worker()}")


def _session():
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))


# -- tests ---------------------------------------------------------------------------------------------------


def test_a_change_reaches_the_streams_of_both_workers(server):
    async def main():
        async with _session() as session:
            streams = await _open_on_both_workers(server, session, at_least=60)
            await asyncio.gather(*(s.until("\nid: ") for s in streams))  # caught up with the debate
            await _moderator_adds(server, "Marker one")
            await asyncio.gather(*(s.until("Marker one") for s in streams))
            for s in streams:
                s.close()

    run_coroutine(main())


def test_pages_answer_while_200_streams_are_open(server):
    async def main():
        async with _session() as session:
            url = f"{server.base}/debates/{server.debate_id}/events?view=public"
            streams = [Stream(session, url) for _ in range(200)]
            await asyncio.wait_for(asyncio.gather(*(s.opened.wait() for s in streams)), 60)
            assert sum(server.streams_per_worker().values()) >= 200
            for path in ("/privacy", "/sign-in", f"/debates/{server.debate_id}") * 3:
                async with session.get(server.base + path,
                                       timeout=aiohttp.ClientTimeout(total=20)) as response:
                    assert response.status == 200
            assert all(not s.task.done() for s in streams)  # and the streams are still open
            for s in streams:
                s.close()

    run_coroutine(main())


def test_a_stream_resumes_from_the_last_event_id_it_had(server):
    async def main():
        async with _session() as session:
            url = f"{server.base}/debates/{server.debate_id}/events?view=public"
            first = Stream(session, url)
            text = await first.until("event: phase")
            last_id = re.findall(r"^id: (\d+)$", text, re.M)[-1]
            first.close()
            up_to_date = Stream(session, url, last_event_id=last_id)
            await up_to_date.until(": up to date")
            up_to_date.close()

            await _moderator_adds(server, "Marker while away")  # the phone missed this one
            again = Stream(session, url, last_event_id=last_id)
            text = await again.until("event: phase")
            assert "Marker while away" in text and ": up to date" not in text
            assert int(re.findall(r"^id: (\d+)$", text, re.M)[-1]) > int(last_id)
            again.close()

    run_coroutine(main())


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server (make test installs it)")
def test_with_redis_a_change_reaches_both_workers_through_pub_sub(tmp_path):
    redis = pytest.importorskip("redis")
    port = _free_port()
    redis_server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                     "--appendonly", "no", "--dir", str(tmp_path)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    served = None
    try:
        client = redis.Redis(port=port)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.1)
        channel = client.pubsub()
        channel.subscribe("consult:debates")
        served = Server(tmp_path, CONSULT_REDIS_URL=f"redis://127.0.0.1:{port}/0")

        async def main():
            async with _session() as session:
                streams = await _open_on_both_workers(served, session, at_least=20)
                await asyncio.gather(*(s.until("\nid: ") for s in streams))
                await _moderator_adds(served, "Marker by Redis")
                await asyncio.gather(*(s.until("Marker by Redis") for s in streams))
                for s in streams:
                    s.close()

        run_coroutine(main())
        heard = []
        while (message := channel.get_message(timeout=1)) is not None:
            if message["type"] == "message":
                heard.append(message["data"].decode())
        assert any(f" {served.debate_id}:" in line for line in heard)
        assert not (served.instance / "events").exists()  # no Unix sockets: Redis carried it
    finally:
        if served is not None:
            assert served.stop() == []
        redis_server.terminate()
        redis_server.wait(10)
