"""Benchmark: a thousand phones on a live debate's event stream, served as ``make run`` serves.

The server is started as ``make run`` starts it: ``python -m consult.serve`` (gunicorn with
``consult.gunicorn_conf``: uvicorn workers, one per core and at least 2, 16 threads each for pages, the
streams on each worker's event loop; and the task consumer), on a loopback port, on a scratch database with
one live debate (SQLite by default; ``--database-url`` for an empty PostgreSQL database). Then:

1. **idle page rate**: ``--page-clients`` concurrent clients request ``/privacy`` (a bare page) and the
   debate's public page for ``--page-seconds``; pages answered per second (measured again at the end, once
   the streams are closed: the idle rate is the mean of both);
2. ``--clients`` phones (1000) open the public page's event stream, as browsers do, from a separate client
   process (asyncio, aiohttp): connected when the first bytes arrived;
3. the moderator adds a speaker "Marker k" ``--actions`` times, ``--interval`` seconds apart: the first
   ``--quiet-actions`` with the streams alone, the others while the page clients measure the page rate again
   (**page rate with streams open**, as a ratio to the idle rate of the same server in the same run);
   background questions and likes from other participants go on meanwhile (``--questions-per-minute``,
   ``--likes-per-minute``);
4. half-way, ``--resume-share`` of the phones drop their connection and reconnect 2 s later with the
   ``Last-Event-ID`` they had: the markers added meanwhile must reach them in the catch-up.

Latency = the marker's arrival at a phone − the moment the moderator's request was sent (all phones, all
actions, live deliveries only); **missed** = markers that never reached a phone, live or by resume (the
phones are given up to 30 s after the last action to receive it). Printed and written to
``benchmarks/results/debates_sse.json``, with the streams per worker process, reconnections, client errors,
the CPU used by the server and by the phones' client, the server's memory and the machine's load
(``uptime``): run it at least twice.

    .venv/bin/python -m benchmarks.debates_sse [--clients 1000] [--database-url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import write_result

PASSWORD = "bench password 123"
CSRF_RE = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')
MARKER_RE = re.compile(rb"Marker (\d+)")
ID_RE = re.compile(rb"(?:^|\n)id: (\d+)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(instance: Path, url: str, port: int) -> dict:
    env = dict(os.environ)
    env.update({
        "CONSULT_INSTANCE_PATH": str(instance),
        "CONSULT_DATABASE_URL": url,
        "CONSULT_BASE_URL": f"http://127.0.0.1:{port}",
        "CONSULT_SECRET_KEY": "bench-secret-key",
        "CONSULT_RESIDENCE_HMAC_KEY": "bench-residence-key-0123456789abcdef",
        "CONSULT_PASSWORD_HASH_PROFILE": "test",
        "CONSULT_RATELIMIT_ENABLED": "false",  # every client is 127.0.0.1: measure the fan-out, not the guard
        "CONSULT_DEBATES_QUESTIONS_PER_WINDOW": "100000",
    })
    return env


def _prepare(env: dict, questions: int) -> int:
    """Schema, a moderator and a live debate with some questions; the debate's id (runs in a child)."""
    code = f"""
from datetime import datetime
from consult import create_app
from consult.extensions import db
from consult.accounts import services as accounts
from consult.debates import services as debates
app = create_app()
with app.app_context():
    db.create_all()
    user = accounts.sign_up('benchmod', 'Bench moderator', {PASSWORD!r}, 'en', None)
    accounts.grant_role(user, 'moderator')
    d = debates.create_debate(user, title='Benchmark debate', description='', starts_at=datetime(2030, 1, 1),
                              place='Loopback hall', allow_anonymous=True)
    for title in ('Opening', 'Questions'):
        debates.add_segment(d, title, 20)
    debates.start_debate(d, user)
    for n in range({questions}):
        debates.ask_question(d, debates.Participant(f'a:seed-{{n}}'), f'Seed question number {{n}}?')
    db.session.commit()
    print(d.id)
"""
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
    return int(out.stdout.strip().splitlines()[-1])


def _descendants(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        p = stack.pop()
        found.append(p)
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                stack.extend(int(c) for c in (task / "children").read_text().split())
        except OSError:
            continue
    return found


def _rss_mib(pid: int) -> float:
    total = 0
    for p in _descendants(pid):
        try:
            total += int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{p}/status").read_text()).group(1))
        except (OSError, AttributeError):
            continue
    return round(total / 1024, 1)


def streams_per_process(pids, port: int) -> dict[int, int]:
    """Established connections to ``port`` held by each process of ``pids`` (Linux /proc)."""
    inodes = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                inodes[fields[9]] = True
    counts = {}
    for pid in pids:
        n = 0
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:[") and target[8:-1] in inodes:
                    n += 1
        except OSError:
            continue
        counts[pid] = n
    return counts


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a process and its descendants (Linux /proc)."""
    ticks = 0
    for p in _descendants(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            continue
    return ticks / os.sysconf("SC_CLK_TCK")


def _percentile(values, q):
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(round(q * (len(ordered) - 1)))))] if ordered else None


def _raise_file_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < min(hard, 65536):
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))


# -- the phones (a process of their own) ---------------------------------------------------------------------


class Phone(asyncio.Protocol):
    """One phone: a raw HTTP/1.1 connection reading the event stream (a thousand of them read tens of
    megabytes a second when the question list flows: aiohttp's reader cost more CPU than the server). Markers
    and ids are found by regular expressions over what came, up to its last complete line."""

    def __init__(self, n: int, host: str, port: int, path: str):
        self.n, self.host, self.port, self.path = n, host, port, path
        self.last_id, self.seen, self.events = None, {}, 0
        self.connected, self.reconnects, self.errors = False, 0, []
        self.transport = None
        self.closed: asyncio.Future | None = None

    async def run(self, stop: asyncio.Event):
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            self.closed = loop.create_future()
            self.head, self.tail, self.body = b"", b"", False
            self.catching_up = self.last_id is not None
            try:
                await loop.create_connection(lambda: self, self.host, self.port)
                await self.closed
            except asyncio.CancelledError:
                if self.transport is not None:
                    self.transport.abort()
                raise
            except Exception as error:  # noqa: BLE001 - counted, then reconnect as a browser would
                self.errors.append(repr(error)[:120])
            if not stop.is_set():
                self.reconnects += 1
                await asyncio.sleep(1.0)

    def connection_made(self, transport):
        self.transport = transport
        # a phone's browser reads what comes at once; this process, sharing two cores with the server, may
        # not: a small receive buffer keeps a late read from hiding megabytes of old lists in the kernel
        # (the server then merges what a slow phone has not taken yet, as it would for a slow network)
        transport.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
        resume = f"Last-Event-ID: {self.last_id}\r\n" if self.last_id is not None else ""
        transport.write(f"GET {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                        f"Accept: text/event-stream\r\nConnection: close\r\n{resume}\r\n".encode())

    def connection_lost(self, exc):
        self.transport = None
        if not self.closed.done():
            self.closed.set_result(None)

    def data_received(self, data: bytes):
        now = time.monotonic()
        if not self.body:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                return
            if not self.head.startswith(b"HTTP/1.1 200"):
                self.errors.append(self.head[:40].decode("latin-1"))
                self.transport.close()
                return
            self.body, data, self.head = True, self.head[end + 4:], b""
        self.connected = True
        data = self.tail + data
        cut = data.rfind(b"\n") + 1
        complete, self.tail = data[:cut], data[cut:]
        self.events += complete.count(b"\nevent: ")
        how = "resume" if self.catching_up else "live"
        for marker in MARKER_RE.findall(complete):
            self.seen.setdefault(int(marker), (now, how))
        ids = ID_RE.findall(complete)
        if ids:
            self.last_id = ids[-1].decode()
            self.catching_up = False


async def _phones_main(config: dict) -> None:
    from urllib.parse import urlsplit

    _raise_file_limit()
    url = urlsplit(config["url"])
    stop = asyncio.Event()
    phones = [Phone(n, url.hostname, url.port, f"{url.path}?{url.query}") for n in range(config["clients"])]
    tasks = {}
    started = time.monotonic()
    for batch in range(0, len(phones), 100):  # people arrive: 100 at a time
        for phone in phones[batch:batch + 100]:
            tasks[phone.n] = asyncio.ensure_future(phone.run(stop))
        await asyncio.sleep(0.05)
    while sum(p.connected for p in phones) < len(phones) and time.monotonic() - started < 120:
        await asyncio.sleep(0.1)
    print(json.dumps({"connected": sum(p.connected for p in phones),
                      "seconds": round(time.monotonic() - started, 2)}), flush=True)
    loop = asyncio.get_running_loop()
    while True:
        command = (await loop.run_in_executor(None, sys.stdin.readline)).strip()
        if command == "drop":  # a share of the phones lose their connection, and come back 2 s later
            chosen = random.Random(3).sample(phones, int(len(phones) * config["resume_share"]))
            for phone in chosen:
                tasks[phone.n].cancel()
            await asyncio.sleep(2.0)
            for phone in chosen:
                phone.connected = False
                tasks[phone.n] = asyncio.ensure_future(phone.run(stop))
            print(json.dumps({"dropped": len(chosen)}), flush=True)
        elif command.startswith("stop") or not command:
            last = int(command.split()[1]) if len(command.split()) > 1 else None
            deadline = time.monotonic() + 30  # slow is not missed: wait for the last marker everywhere
            while last and time.monotonic() < deadline and not all(last in p.seen for p in phones):
                await asyncio.sleep(0.1)
            break
    stop.set()
    for task in tasks.values():
        task.cancel()
    print(json.dumps({"phones": [{"seen": {k: v for k, v in p.seen.items()}, "events": p.events,
                                  "reconnects": p.reconnects, "errors": p.errors[:3]} for p in phones]}),
          flush=True)


# -- the server, the moderator, the pages --------------------------------------------------------------------


class Moderator:
    def __init__(self, session, base: str, debate_id: int):
        self.session, self.base, self.debate_id, self.token = session, base, debate_id, None

    async def _token(self, path: str) -> None:
        async with self.session.get(self.base + path) as response:
            self.token = CSRF_RE.search(await response.read()).group(1).decode()

    async def sign_in(self) -> None:
        await self._token("/sign-in")
        async with self.session.post(self.base + "/sign-in", allow_redirects=False, data={
                "username": "benchmod", "password": PASSWORD, "csrf_token": self.token}) as response:
            assert response.status == 303, response.status
        await self._token(f"/debates/{self.debate_id}/console")

    async def add_marker(self, k: int) -> int:
        async with self.session.post(f"{self.base}/debates/{self.debate_id}/console/speakers",
                                     allow_redirects=False,
                                     data={"speaker-name": f"Marker {k}", "speaker-role": "public",
                                           "speaker-kind": "point_of_order", "speaker-note": "",
                                           "csrf_token": self.token}) as response:
            await response.read()
            return response.status


async def page_rate(session, base: str, paths, seconds: float, clients: int) -> dict:
    """Pages answered per second by ``clients`` concurrent clients, and the median time of one."""
    deadline = time.monotonic() + seconds
    times, failures = [], 0

    async def client(n):
        nonlocal failures
        k = n
        while time.monotonic() < deadline:
            path = paths[k % len(paths)]
            k += 1
            t = time.monotonic()
            async with session.get(base + path) as response:
                await response.read()
                if response.status == 200:
                    times.append(time.monotonic() - t)
                else:
                    failures += 1

    started = time.monotonic()
    await asyncio.gather(*(client(n) for n in range(clients)))
    elapsed = time.monotonic() - started
    median = round(statistics.median(times) * 1000, 1) if times else None
    return {"per_second": round(len(times) / elapsed, 1), "median_ms": median, "failures": failures}


async def background(base: str, debate_id: int, args, stop: asyncio.Event, counters: dict):
    """Questions and likes from 20 other participants (a browser session each), at the configured rates."""
    import aiohttp

    rng = random.Random(7)
    people = []
    for _ in range(20):
        session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        async with session.get(f"{base}/debates/{debate_id}") as response:
            people.append((session, CSRF_RE.search(await response.read()).group(1).decode()))
    period = 60.0 / max(1e-9, args.questions_per_minute + args.likes_per_minute)
    share_questions = args.questions_per_minute / max(1e-9, args.questions_per_minute + args.likes_per_minute)
    n = 0
    while not stop.is_set() and (args.questions_per_minute or args.likes_per_minute):
        n += 1
        session, token = rng.choice(people)
        if rng.random() < share_questions:
            path, data = f"/debates/{debate_id}/questions", {"text": f"Background question {n}: and then?"}
        else:
            path, data = f"/debates/{debate_id}/questions/{rng.randint(1, 20)}/like", {}
        try:
            async with session.post(base + path, data={**data, "csrf_token": token},
                                    allow_redirects=False) as response:
                await response.read()
                counters["sent"] += 1
                counters["errors"] += response.status >= 500
        except Exception:  # noqa: BLE001 - counted
            counters["errors"] += 1
        await asyncio.sleep(period)
    for session, _token in people:
        await session.close()


async def _measure(args, base: str, port: int, debate_id: int, server: subprocess.Popen, env: dict) -> dict:
    import aiohttp

    pages = ["/privacy", f"/debates/{debate_id}"]
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session, \
            aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as mod_session:
        await page_rate(session, base, pages, 2, args.page_clients)  # warm: every worker, every cache
        cpu = {"start": _cpu_seconds(server.pid)}
        idle = {path: [await page_rate(session, base, [path], args.page_seconds, args.page_clients)]
                for path in pages}
        cpu["idle"] = _cpu_seconds(server.pid) - cpu["start"]
        rss_idle = _rss_mib(server.pid)

        url = f"{base}/debates/{debate_id}/events?view=public"
        phones = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "benchmarks.debates_sse", "--phones-process",
            json.dumps({"url": url, "clients": args.clients, "resume_share": args.resume_share}),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=2**30, env=env)
        opened = json.loads(await phones.stdout.readline())
        await asyncio.sleep(1.0)
        per_worker = streams_per_process(_descendants(server.pid), port)
        rss_streams = _rss_mib(server.pid)

        moderator = Moderator(mod_session, base, debate_id)
        await moderator.sign_in()
        stop = asyncio.Event()
        counters = {"sent": 0, "errors": 0}
        load = asyncio.ensure_future(background(base, debate_id, args, stop, counters))
        sent_at, statuses = {}, []

        async def act(steps):
            for k in steps:
                await asyncio.sleep(args.interval)
                if k == args.actions // 2 + 1 and args.resume_share:
                    phones.stdin.write(b"drop\n")  # the markers of the next 2 s reach them by resume only
                    await phones.stdin.drain()
                sent_at[k] = time.monotonic()
                statuses.append(await moderator.add_marker(k))

        quiet = min(args.quiet_actions, args.actions)
        started, before = time.monotonic(), _cpu_seconds(server.pid)
        await act(range(1, quiet + 1))  # no page clients yet: the streams and the background flow only
        await asyncio.sleep(1.0)
        used = _cpu_seconds(server.pid) - before
        cpu["quiet_share"] = round(used / (time.monotonic() - started), 2)
        cpu["per_quiet_action_ms"] = round(used / max(1, quiet) * 1000, 1)
        acting = asyncio.ensure_future(act(range(quiet + 1, args.actions + 1)))
        loaded = {}
        started, cpu["before_actions"] = time.monotonic(), _cpu_seconds(server.pid)
        phones_cpu = _cpu_seconds(phones.pid)
        while not acting.done():
            for path in pages:
                rate = await page_rate(session, base, [path], args.page_seconds / 2, args.page_clients)
                loaded.setdefault(path, []).append(rate)
        await acting
        seconds = time.monotonic() - started
        cpu["actions_share"] = round((_cpu_seconds(server.pid) - cpu["before_actions"]) / seconds, 2)
        cpu["phones_share"] = round((_cpu_seconds(phones.pid) - phones_cpu) / seconds, 2)
        dropped = json.loads(await phones.stdout.readline()) if args.resume_share else {"dropped": 0}
        await asyncio.sleep(3.0)
        rss_loaded = _rss_mib(server.pid)
        stop.set()
        await load
        phones.stdin.write(f"stop {args.actions}\n".encode())
        await phones.stdin.drain()
        report = json.loads(await phones.stdout.readline())
        await phones.wait()
        await asyncio.sleep(1.0)
        for path in pages:  # idle again, streams closed: the idle rate is the mean of before and after
            idle[path].append(await page_rate(session, base, [path], args.page_seconds, args.page_clients))
    figures = _figures(args, idle, loaded, opened, dropped, report["phones"], sent_at, statuses, per_worker,
                       counters, (rss_idle, rss_streams, rss_loaded))
    figures["cpu"] = {"server_idle_pages_share": round(cpu["idle"] / (len(pages) * args.page_seconds), 2),
                      "server_during_quiet_actions_share": cpu["quiet_share"],
                      # the server's CPU in the quiet phase, per action: the action, its fan-out to every
                      # stream, and (when it flows) the background's
                      "server_ms_per_quiet_action": cpu["per_quiet_action_ms"],
                      "server_during_actions_share": cpu["actions_share"],
                      "phones_client_during_actions_share": cpu["phones_share"]}
    return figures


def _latency(values) -> dict:
    if not values:
        return {}
    return {"p50_ms": round(statistics.median(values) * 1000, 1),
            "p95_ms": round(_percentile(values, 0.95) * 1000, 1), "max_ms": round(max(values) * 1000, 1),
            "deliveries": len(values)}


def _figures(args, idle, loaded, opened, dropped, phones, sent_at, statuses, per_worker, counters, rss):
    latencies, quiet, missed, resumed, by_action = [], [], 0, 0, {}
    for phone in phones:
        for k, t0 in sent_at.items():
            seen = phone["seen"].get(str(k))
            if seen is None:
                missed += 1
            elif seen[1] == "resume":
                resumed += 1
            else:
                latencies.append(seen[0] - t0)
                by_action.setdefault(k, []).append(seen[0] - t0)
                if k <= args.quiet_actions:
                    quiet.append(seen[0] - t0)
    ratios = {}
    for path, runs in loaded.items():
        rate = sum(r["per_second"] for r in runs) / len(runs)
        idle_rate = sum(r["per_second"] for r in idle[path]) / len(idle[path])
        ratios[path] = {"idle_per_second": [r["per_second"] for r in idle[path]],
                        "streams_per_second": round(rate, 1), "ratio": round(rate / idle_rate, 2),
                        "idle_median_ms": idle[path][0]["median_ms"],
                        "streams_median_ms": statistics.median(r["median_ms"] or 0 for r in runs),
                        "failures": sum(r["failures"] for r in runs)}
    return {
        "clients": args.clients, "connected": opened["connected"], "connect_seconds": opened["seconds"],
        "streams_per_worker": sorted(n for n in per_worker.values() if n),
        "actions": len(sent_at), "action_status": sorted(set(statuses)),
        "deliveries_live": len(latencies), "deliveries_by_resume": resumed,
        "phones_dropped": dropped["dropped"], "missed": missed,
        "latency_p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "latency_p95_ms": round(_percentile(latencies, 0.95) * 1000, 1) if latencies else None,
        "latency_max_ms": round(max(latencies) * 1000, 1) if latencies else None,
        "latency_without_page_clients": _latency(quiet),
        "latency_p50_ms_by_action": {k: round(statistics.median(v) * 1000)
                                     for k, v in sorted(by_action.items())},
        "pages": ratios,
        "events_per_phone_median": statistics.median(p["events"] for p in phones),
        "reconnects": sum(p["reconnects"] for p in phones),  # besides the phones dropped on purpose
        "client_errors": sorted({e for p in phones for e in p["errors"]})[:5],
        "background": {"requests": counters["sent"], "errors": counters["errors"],
                       "questions_per_minute": args.questions_per_minute,
                       "likes_per_minute": args.likes_per_minute},
        "server_rss_mib": {"idle": rss[0], "streams_open": rss[1], "under_load": rss[2]},
    }


def _start_server(args, env: dict, port: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "consult.serve", "--bind", f"127.0.0.1:{port}"]
    if args.workers:
        command += ["--workers", str(args.workers)]
    if args.threads:
        command += ["--threads", str(args.threads)]
    log = open(env["CONSULT_INSTANCE_PATH"] + "/server.log", "w")  # noqa: SIM115 - the server's lifetime
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)


def _wait_for(base: str, server: subprocess.Popen, log: Path) -> None:
    import urllib.request

    for _ in range(300):
        if server.poll() is not None:
            raise RuntimeError("the server did not start: " + log.read_text()[-2000:])
        try:
            urllib.request.urlopen(base + "/privacy", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not answer")


def run(args) -> dict:
    load_before = [round(x, 2) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory(prefix="consult-bench-sse-") as tmp:
        instance = Path(tmp)
        url = args.database_url or f"sqlite:///{instance / 'bench.sqlite3'}"
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        env = _env(instance, url, port)
        debate_id = _prepare(env, questions=20)
        server = _start_server(args, env, port)
        try:
            _wait_for(base, server, instance / "server.log")
            figures = asyncio.run(_measure(args, base, port, debate_id, server, env))
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
            if args.keep_log:
                shutil.copy(instance / "server.log", args.keep_log)
    figures["database"] = "postgresql" if url.startswith("postgres") else "sqlite"
    figures["server"] = {"command": "python -m consult.serve (as make run)", "workers": args.workers or
                         "default", "threads": args.threads or "default"}
    figures["load_average_before"] = load_before
    figures["load_average"] = [round(x, 2) for x in os.getloadavg()]
    return figures


def _print(f: dict, path) -> None:
    print(f"{f['database']}, {f['server']['command']}, workers {f['server']['workers']}, load average "
          f"before {f['load_average_before']}, after {f['load_average']}")
    print(f"streams: {f['connected']}/{f['clients']} connected in {f['connect_seconds']} s; per worker "
          f"{f['streams_per_worker']}; reconnections {f['reconnects']}; errors {f['client_errors']}")
    print(f"moderator action -> phone: p50 {f['latency_p50_ms']} ms, p95 {f['latency_p95_ms']} ms, max "
          f"{f['latency_max_ms']} ms over {f['deliveries_live']} live deliveries; "
          f"{f['deliveries_by_resume']} by resume ({f['phones_dropped']} phones dropped and reconnected with "
          f"Last-Event-ID); missed {f['missed']}")
    q = f["latency_without_page_clients"]
    if q:
        print(f"  of which the first actions, before the page clients start: p50 {q['p50_ms']} ms, p95 "
              f"{q['p95_ms']} ms over {q['deliveries']} deliveries")
    for page, r in f["pages"].items():
        print(f"page {page}: idle {r['idle_per_second']}/s, with streams {r['streams_per_second']}/s -> "
              f"ratio {r['ratio']} (median {r['idle_median_ms']} -> {r['streams_median_ms']} ms; failures "
              f"{r['failures']})")
    c = f["cpu"]
    print(f"CPU (cores busy): server serving pages idle {c['server_idle_pages_share']}; with the streams, "
          f"acting, without page clients {c['server_during_quiet_actions_share']}, with them "
          f"{c['server_during_actions_share']}; the phones' client {c['phones_client_during_actions_share']}"
          f"; server CPU per action without page clients {c['server_ms_per_quiet_action']} ms")
    rss = f["server_rss_mib"]
    print(f"background {f['background']['requests']} requests ({f['background']['errors']} errors); server "
          f"RSS idle {rss['idle']} MiB, streams {rss['streams_open']} MiB, under load {rss['under_load']} "
          "MiB")
    print(f"JSON: {path}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=1000, help="phones on the event stream (1000)")
    parser.add_argument("--actions", type=int, default=10, help="moderator actions (at most 11)")
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between actions (2)")
    parser.add_argument("--quiet-actions", type=int, default=3,
                        help="the first actions, made before the page clients start (3)")
    parser.add_argument("--resume-share", type=float, default=0.1,
                        help="share of phones that drop and resume half-way (0.1)")
    parser.add_argument("--page-clients", type=int, default=8, help="concurrent page clients (8)")
    parser.add_argument("--page-seconds", type=float, default=6, help="seconds of each page-rate run (6)")
    parser.add_argument("--questions-per-minute", type=float, default=20)
    parser.add_argument("--likes-per-minute", type=float, default=200)
    parser.add_argument("--workers", type=int, help="server processes (default: as make run)")
    parser.add_argument("--threads", type=int, help="page threads per process (default: as make run)")
    parser.add_argument("--database-url", default=os.environ.get("CONSULT_BENCH_DATABASE_URL"),
                        help="an empty database (default: a scratch SQLite file)")
    parser.add_argument("--keep-log", metavar="PATH", help="copy the server's log there")
    parser.add_argument("--phones-process", help=argparse.SUPPRESS)
    args = parser.parse_args(argv if argv is not None else [])
    if args.phones_process:
        import uvloop

        uvloop.run(_phones_main(json.loads(args.phones_process)))
        return None
    args.actions = min(args.actions, 11)  # markers are points of order: the first 12 of the queue are shown
    _raise_file_limit()
    figures = run(args)
    path = write_result("debates_sse", figures)
    _print(figures, path)
    return figures


if __name__ == "__main__":
    main(sys.argv[1:])
