"""Benchmark: live debate events through a real server, as a ratio to a plain page request in the same run.

A gunicorn server (``gthread`` worker, many threads) is started on a loopback port on a scratch database with
one live debate. Then, for a bounded time (60 s by default):

* 200 simulated phones/projectors hold a server-sent event stream open (one thread each);
* background load: 20 questions and 200 likes per minute from anonymous participants;
* the moderator adds a point of order ("Marker k") every few seconds; each client notes when the marker
  reaches it. Latency = arrival at the client − the moment the moderator's request was sent;
* a plain page request (the debate's public page) is timed between actions, under the same load.

Printed and written to ``benchmarks/results/debates_sse.json``: latency median and p95 (all clients, all
actions), missed deliveries, the same as a ratio to the plain page's median, requests served, and the server's
resident memory (master + workers).

SQLite (the default) runs one worker process: the in-process broker only reaches streams of its own process.
With ``--database-url postgresql+psycopg://...`` two workers run and LISTEN/NOTIFY carries events between
them.

    .venv/bin/python -m benchmarks.debates_sse [--clients 200] [--seconds 60] [--actions 10]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
PASSWORD = "bench password 123"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(instance: Path, url: str) -> dict:
    env = dict(os.environ)
    env.update({
        "CONSULT_INSTANCE_PATH": str(instance),
        "CONSULT_DATABASE_URL": url,
        "CONSULT_SECRET_KEY": "bench-secret-key",
        "CONSULT_RESIDENCE_HMAC_KEY": "bench-residence-key-0123456789abcdef",
        "CONSULT_PASSWORD_HASH_PROFILE": "test",
        "CONSULT_RATELIMIT_ENABLED": "false",  # measure the fan-out, not the flood guard
        "CONSULT_DEBATES_QUESTIONS_PER_WINDOW": "100000",
        "CONSULT_DEBATES_SSE_HEARTBEAT_SECONDS": "15",
    })
    return env


def _prepare(instance: Path, url: str, app_spec: str, questions: int) -> int:
    """Schema, a moderator and a live debate with some questions; returns the debate id (runs in a child)."""
    code = f"""
import sys
from datetime import datetime
mod, _, call = {app_spec!r}.partition(':')
import importlib
app = eval(call, vars(importlib.import_module(mod)))
from consult.extensions import db
from consult.accounts import services as accounts
from consult.debates import services as debates
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
    out = subprocess.run([sys.executable, "-c", code], env=_env(instance, url), check=True,
                         capture_output=True, text=True)
    return int(out.stdout.strip().splitlines()[-1])


def _rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants (Linux /proc)."""
    total = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
            for task in Path(f"/proc/{p}/task").iterdir():
                children = (task / "children").read_text().split()
                stack.extend(int(c) for c in children)
        except (OSError, AttributeError):
            continue
    return total


class SSEClient(threading.Thread):
    """One phone: holds the stream open and notes when each marker arrives."""

    def __init__(self, port: int, path: str, markers: dict, lock: threading.Lock, stop: threading.Event):
        super().__init__(daemon=True)
        self.port, self.path, self.markers, self.lock, self.stop = port, path, markers, lock, stop
        self.connected = threading.Event()
        self.events = 0
        self.error = None

    def run(self):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            conn.request("GET", self.path, headers={"Accept": "text/event-stream"})
            response = conn.getresponse()
            assert response.status == 200, response.status
            self.connected.set()
            data = []
            while not self.stop.is_set():
                line = response.readline()
                if not line:
                    break
                line = line.decode("utf-8", "replace").rstrip("\r\n")
                if line.startswith("data:"):
                    data.append(line[5:])
                elif line == "":
                    if data:
                        self.events += 1
                        now = time.perf_counter()
                        text = "\n".join(data)
                        for marker in re.findall(r"Marker (\d+)", text):
                            with self.lock:
                                self.markers.setdefault(int(marker), {}).setdefault(id(self), now)
                    data = []
            conn.close()
        except Exception as err:  # noqa: BLE001 - a benchmark counts failures instead of stopping
            self.error = repr(err)
            self.connected.set()


class Browser:
    """A tiny cookie-keeping HTTP client (requests) with the CSRF token of its session."""

    def __init__(self, base: str):
        import requests

        self.base = base
        self.http = requests.Session()
        self.token = None

    def get(self, path):
        response = self.http.get(self.base + path, allow_redirects=False, timeout=30)
        match = CSRF_RE.search(response.text)
        if match:
            self.token = match.group(1) or match.group(2)
        return response

    def post(self, path, data):
        if self.token is None:
            self.get("/privacy")
        return self.http.post(self.base + path, data={**data, "csrf_token": self.token},
                              allow_redirects=False, timeout=30)


def _percentile(values, q):
    if not values:
        return None
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(q * (len(ordered) - 1)))))
    return ordered[k]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--actions", type=int, default=10)
    parser.add_argument("--questions-per-minute", type=float, default=20)
    parser.add_argument("--likes-per-minute", type=float, default=200)
    parser.add_argument("--threads", type=int, default=0,
                        help="gunicorn threads per worker (default: clients+40)")
    parser.add_argument("--database-url", default=os.environ.get("CONSULT_BENCH_DATABASE_URL"))
    parser.add_argument("--app", default="consult:create_app()", help="gunicorn application spec")
    args = parser.parse_args(argv if argv is not None else [])
    args.actions = min(args.actions, 11)  # markers are points of order: the first 12 of the queue are shown

    RESULTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="consult-bench-sse-") as tmp:
        instance = Path(tmp)
        url = args.database_url or f"sqlite:///{instance / 'bench.sqlite3'}"
        postgres = url.startswith("postgres")
        workers = 2 if postgres else 1
        threads = args.threads or args.clients + 40
        debate_id = _prepare(instance, url, args.app, questions=20)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--worker-class", "gthread", "--workers", str(workers),
             "--threads", str(threads), "--bind", f"127.0.0.1:{port}", "--timeout", "120",
             "--graceful-timeout", "3", "--log-level", "warning", args.app],
            env=_env(instance, url), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            _wait_for(base, server)
            result = _run(args, base, port, debate_id, server, workers, threads, postgres)
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
    path = RESULTS / "debates_sse.json"
    path.write_text(json.dumps(result, indent=2))
    _print(result, path)
    return result


def _wait_for(base, server):
    import requests

    for _ in range(150):
        if server.poll() is not None:
            raise RuntimeError("the server did not start: " + server.stderr.read().decode()[-2000:])
        try:
            requests.get(base + "/privacy", timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError("the server did not answer")


def _run(args, base, port, debate_id, server, workers, threads, postgres):
    markers: dict = {}
    lock = threading.Lock()
    stop = threading.Event()
    rss_idle = _rss_kib(server.pid)

    clients = []
    for n in range(args.clients):
        view = "projector" if n == 0 else "public"
        client = SSEClient(port, f"/debates/{debate_id}/events?view={view}", markers, lock, stop)
        client.start()
        clients.append(client)
    for client in clients:
        client.connected.wait(30)
    connected = sum(1 for c in clients if c.connected.is_set() and c.error is None)
    time.sleep(1.0)
    rss_connected = _rss_kib(server.pid)

    counters = {"questions": 0, "likes": 0, "load_errors": 0}
    load = threading.Thread(target=_background_load, args=(args, base, debate_id, stop, counters),
                            daemon=True)
    load.start()

    moderator = Browser(base)
    moderator.get("/sign-in")
    signed = moderator.post("/sign-in", {"username": "benchmod", "password": PASSWORD})
    assert signed.status_code == 303, signed.status_code
    moderator.get(f"/debates/{debate_id}/console")

    page = Browser(base)
    page_times, sent_at, action_status = [], {}, []
    interval = max(1.0, args.seconds / (args.actions + 1))
    started = time.perf_counter()
    for k in range(1, args.actions + 1):
        time.sleep(interval / 2)
        for _ in range(2):
            t = time.perf_counter()
            r = page.get(f"/debates/{debate_id}")
            page_times.append(time.perf_counter() - t)
            assert r.status_code == 200
        time.sleep(interval / 2)
        sent_at[k] = time.perf_counter()
        r = moderator.post(f"/debates/{debate_id}/console/speakers",
                           {"speaker-name": f"Marker {k}", "speaker-role": "public",
                            "speaker-kind": "point_of_order", "speaker-note": ""})
        action_status.append(r.status_code)
    remaining = args.seconds - (time.perf_counter() - started)
    time.sleep(max(3.0, min(remaining, 10.0)))
    rss_loaded = _rss_kib(server.pid)
    stop.set()
    load.join(5)

    latencies, missed = [], 0
    for k, t0 in sent_at.items():
        arrivals = markers.get(k, {})
        missed += connected - len(arrivals)
        latencies.extend(t - t0 for t in arrivals.values())
    page_median = statistics.median(page_times)
    median = statistics.median(latencies) if latencies else None
    p95 = _percentile(latencies, 0.95)
    return {
        "benchmark": "debates_sse",
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "database": "postgresql" if postgres else "sqlite",
        "server": {"worker_class": "gthread", "workers": workers, "threads": threads},
        "clients": args.clients,
        "clients_connected": connected,
        "client_errors": sorted({c.error for c in clients if c.error})[:5],
        "seconds": round(time.perf_counter() - started, 1),
        "background": {"questions_sent": counters["questions"], "likes_sent": counters["likes"],
                       "errors": counters["load_errors"],
                       "questions_per_minute": args.questions_per_minute,
                       "likes_per_minute": args.likes_per_minute},
        "actions": len(sent_at),
        "action_status": sorted(set(action_status)),
        "deliveries": len(latencies),
        "missed_deliveries": missed,
        "event_latency_median_ms": round(median * 1000, 1) if median is not None else None,
        "event_latency_p95_ms": round(p95 * 1000, 1) if p95 is not None else None,
        "page_median_ms": round(page_median * 1000, 1),
        "ratio_median_to_page": round(median / page_median, 2) if median else None,
        "ratio_p95_to_page": round(p95 / page_median, 2) if p95 else None,
        "events_received_per_client_median": statistics.median(c.events for c in clients),
        "server_rss_mib": {"idle": round(rss_idle / 1024, 1), "streams_open": round(rss_connected / 1024, 1),
                           "under_load": round(rss_loaded / 1024, 1)},
    }


def _background_load(args, base, debate_id, stop, counters):
    """Questions and likes from a pool of anonymous participants, at the configured rates."""
    rng = random.Random(7)
    people = [Browser(base) for _ in range(40)]
    for person in people:
        person.get(f"/debates/{debate_id}")
    q_every = 60.0 / args.questions_per_minute if args.questions_per_minute else None
    l_every = 60.0 / args.likes_per_minute if args.likes_per_minute else None
    next_q = time.perf_counter()
    next_l = time.perf_counter()
    n = 0
    while not stop.is_set():
        now = time.perf_counter()
        try:
            if q_every and now >= next_q:
                n += 1
                r = rng.choice(people).post(f"/debates/{debate_id}/questions",
                                            {"text": f"Background question {n}: what will the city do?"})
                counters["questions"] += 1
                counters["load_errors"] += r.status_code >= 500
                next_q += q_every
            if l_every and now >= next_l:
                question_id = rng.randint(1, 20 + n)
                r = rng.choice(people).post(f"/debates/{debate_id}/questions/{question_id}/like", {})
                counters["likes"] += 1
                counters["load_errors"] += r.status_code >= 500
                next_l += l_every
        except Exception:  # noqa: BLE001
            counters["load_errors"] += 1
        time.sleep(0.01)


def _print(result, path):
    print(f"server: gunicorn gthread, {result['server']['workers']} worker(s) x "
          f"{result['server']['threads']} "
          f"threads, {result['database']}, {result['cpus']} CPUs")
    print(f"SSE clients connected: {result['clients_connected']}/{result['clients']}; background "
          f"{result['background']['questions_sent']} questions, {result['background']['likes_sent']} likes "
          f"({result['background']['errors']} errors)")
    print(f"moderator action -> event at every client: median {result['event_latency_median_ms']} ms, "
          f"p95 {result['event_latency_p95_ms']} ms over {result['deliveries']} deliveries "
          f"({result['missed_deliveries']} missed)")
    print(f"plain page request median {result['page_median_ms']} ms -> ratio median "
          f"{result['ratio_median_to_page']}x, p95 {result['ratio_p95_to_page']}x")
    rss = result["server_rss_mib"]
    print(f"server RSS: idle {rss['idle']} MiB, 200 streams {rss['streams_open']} MiB, "
          f"under load {rss['under_load']} MiB")
    print(f"JSON: {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
