"""Benchmark: pages with the cache shared through Redis, as ratios to /privacy, against the in-process cache.

The dataset of ``benchmarks/proposal_page.py`` (a scratch SQLite database: P proposals, one with C comments)
is served in-process by two apps on the same database: one without Redis (the default: each process caches
for itself) and one with ``REDIS_URL`` (a ``redis-server`` started here, on loopback). Each page is requested
in four states, in alternating rounds:

* ``in_process``: the app without Redis, its cache warm (what every page costs once a host has drawn it);
* ``redis_warm``: the app with Redis, its own cache warm (the same requests: Redis is not asked);
* ``redis_other_host``: the app with Redis, its own cache emptied before each request, Redis holding the
  entries (a host that has not drawn the page yet, another host having drawn it);
* ``nothing_cached``: the app without Redis, its cache emptied before each request (everything drawn).

Each figure is the median, over every request, of the page's CPU time (this thread's: the app and the client)
over that of the /privacy request made just before it by the same app, which other work on the machine hardly
moves; the same ratio of wall times, which includes the waits on Redis (a loopback round trip here, a network
one between hosts), and the number of Redis round trips per page are given beside it. JSON goes to
``benchmarks/results/cache_redis.json``.

    .venv/bin/python -m benchmarks.cache_redis [--proposals 1000] [--comments 500] [--requests 15]
        [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from benchmarks import write_result

STATES = ("in_process", "redis_warm", "redis_other_host", "nothing_cached")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis(folder: str) -> tuple[subprocess.Popen, str]:
    server = shutil.which("redis-server")
    if server is None:
        raise SystemExit("redis-server not found (Debian: apt-get install redis-server)")
    port = _free_port()
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", folder], stdout=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    return process, f"redis://127.0.0.1:{port}/0"


def _forget(app) -> None:
    """Empty the app's own (in-process) cache: every region's store of this process."""
    caches = app.extensions.get("consult_cache")
    for store in (caches.stores.values() if caches else ()):
        store.local.clear()


class Counting:
    """The Redis client of the cache, counting the commands (each one a round trip)."""

    def __init__(self, client):
        self.client, self.calls = client, 0

    def get(self, *args, **kwargs):
        self.calls += 1
        return self.client.get(*args, **kwargs)

    def set(self, *args, **kwargs):
        self.calls += 1
        return self.client.set(*args, **kwargs)


def _paired(client, app, url: str, n: int, cold: bool, figures: dict) -> None:
    """``n`` times: /privacy, then the page (its cache emptied first when ``cold``): CPU and wall ms of each,
    and the page's Redis round trips."""
    headers = {"Accept-Encoding": "gzip"}
    caches = app.extensions.get("consult_cache")
    counting = caches.shared.client if caches and caches.shared else None
    for _ in range(n):
        for target in ("/privacy", url):
            if cold and target == url:
                _forget(app)
            calls = counting.calls if counting else 0
            cpu, wall = time.thread_time(), time.perf_counter()
            response = client.get(target, headers=headers)
            cpu, wall = (time.thread_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000
            assert response.status_code == 200, (target, response.status_code)
            kind = "bare" if target == "/privacy" else "page"
            figures[f"{kind}_cpu"].append(cpu)
            figures[f"{kind}_wall"].append(wall)
            if kind == "page":
                figures["redis_calls"].append((counting.calls if counting else 0) - calls)


def _ratio(figures: dict, what: str) -> float:
    """The median of each page request's figure over that of the /privacy request just before it."""
    pairs = zip(figures[f"page_{what}"], figures[f"bare_{what}"], strict=True)
    return round(statistics.median([page / bare for page, bare in pairs if bare > 0]), 2)


def run(n_proposals: int, n_comments: int, n_requests: int, rounds: int) -> dict:
    from benchmarks.proposal_page import build
    from consult import create_app

    with tempfile.TemporaryDirectory(prefix="consult-bench-") as tmp:
        plain, proposal_id, _stats = build(tmp, n_proposals, n_comments)
        redis_process, redis_url = _redis(tmp)
        try:
            same = ("TESTING", "SECRET_KEY", "RESIDENCE_HMAC_KEY", "SQLALCHEMY_DATABASE_URI")
            shared = create_app({**{k: plain.config[k] for k in same}, "INSTANCE_PATH": tmp,
                                 "RATELIMIT_ENABLED": False, "REDIS_URL": redis_url,
                                 "CACHE_KEY_PREFIX": "bench"})
            pages = {"proposals_list": "/proposals",
                     f"proposal_{n_comments}_comments": f"/proposals/{proposal_id}",
                     "proposal_no_comments": f"/proposals/{proposal_id + 1}"}
            apps = {"in_process": (plain, False), "redis_warm": (shared, False),
                    "redis_other_host": (shared, True), "nothing_cached": (plain, True)}
            clients = {"plain": plain.test_client(), "shared": shared.test_client()}
            for _ in range(2):  # warm: every page drawn by each app (Redis filled too), a second time cached
                for client in clients.values():
                    for url in pages.values():
                        client.get(url, headers={"Accept-Encoding": "gzip"})
            caches = shared.extensions["consult_cache"]
            caches.shared.client = Counting(caches.shared.client)
            kinds = ("bare_cpu", "page_cpu", "bare_wall", "page_wall", "redis_calls")
            figures = {s: {p: {k: [] for k in kinds} for p in pages} for s in STATES}
            for _round in range(rounds):
                for state, (app, cold) in apps.items():
                    client = clients["plain" if app is plain else "shared"]
                    for page, url in pages.items():
                        _paired(client, app, url, n_requests, cold, figures[state][page])
            return {"proposals": n_proposals, "comments": n_comments, "requests": n_requests,
                    "rounds": rounds, "load_average": os.getloadavg(),
                    "cpu_ratio_to_privacy": {s: {p: _ratio(f, "cpu") for p, f in by.items()}
                                             for s, by in figures.items()},
                    "wall_ratio_to_privacy": {s: {p: _ratio(f, "wall") for p, f in by.items()}
                                              for s, by in figures.items()},
                    "redis_round_trips": {s: {p: statistics.median(f["redis_calls"]) for p, f in by.items()}
                                          for s, by in figures.items()},
                    "page_cpu_ms": {s: {p: round(statistics.median(f["page_cpu"]), 2) for p, f in by.items()}
                                    for s, by in figures.items()}}
        finally:
            redis_process.terminate()
            redis_process.wait(10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.cache_redis",
                                     description=__doc__.strip().splitlines()[0])
    parser.add_argument("--proposals", type=int, default=1000)
    parser.add_argument("--comments", type=int, default=500)
    parser.add_argument("--requests", type=int, default=15, help="requests per page, state and round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    figures = run(args.proposals, args.comments, args.requests, args.rounds)
    print(f"load average {figures['load_average']}")
    tables = (("CPU x /privacy", "cpu_ratio_to_privacy"), ("wall x /privacy", "wall_ratio_to_privacy"),
              ("Redis round trips", "redis_round_trips"))
    for title, key in tables:
        print(f"{title:<28}" + "".join(f"{state:>18}" for state in STATES))
        for page in figures[key]["in_process"]:
            print(f"  {page:<26}" + "".join(f"{figures[key][state][page]:>18}" for state in STATES))
    print("wrote", write_result("cache_redis", figures))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
