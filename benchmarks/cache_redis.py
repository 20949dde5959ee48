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

Each figure is the median, over every request, of the page's wall time over that of the /privacy request made
just before it by the same app (the machine's load cancels out); JSON goes to
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


def _paired(client, app, url: str, n: int, cold: bool) -> tuple[list[float], list[float]]:
    """``n`` times: /privacy, then the page (its cache emptied first when ``cold``); wall times in ms."""
    headers = {"Accept-Encoding": "gzip"}
    bare, page = [], []
    for _ in range(n):
        for target, times in (("/privacy", bare), (url, page)):
            if cold and target == url:
                _forget(app)
            start = time.perf_counter()
            response = client.get(target, headers=headers)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (target, response.status_code)
    return bare, page


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
            clients = {name: app.test_client() for name, app in (("plain", plain), ("shared", shared))}
            for app, _cold in apps.values():  # warm: every page drawn once by each app (Redis filled too)
                client = clients["plain" if app is plain else "shared"]
                for url in pages.values():
                    client.get(url, headers={"Accept-Encoding": "gzip"})
            bare: dict[str, dict[str, list[float]]] = {s: {p: [] for p in pages} for s in STATES}
            ms: dict[str, dict[str, list[float]]] = {s: {p: [] for p in pages} for s in STATES}
            for _round in range(rounds):
                for state, (app, cold) in apps.items():
                    client = clients["plain" if app is plain else "shared"]
                    for page, url in pages.items():
                        privacy, times = _paired(client, app, url, n_requests, cold)
                        bare[state][page] += privacy
                        ms[state][page] += times
            # each page request over the /privacy request just before it: the machine's load cancels out
            ratios = {state: {page: round(statistics.median(
                [value / yardstick for value, yardstick in zip(ms[state][page], bare[state][page],
                                                                strict=True)]), 2)
                for page in pages} for state in STATES}
            return {"proposals": n_proposals, "comments": n_comments, "requests": n_requests,
                    "rounds": rounds, "load_average": os.getloadavg(), "ratio_to_privacy": ratios,
                    "median_ms": {s: {p: round(statistics.median(v), 2) for p, v in pages_ms.items()}
                                  for s, pages_ms in ms.items()}}
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
    print(f"{'page (x /privacy)':<28}" + "".join(f"{state:>18}" for state in STATES))
    for page in figures["ratio_to_privacy"]["in_process"]:
        print(f"{page:<28}" + "".join(f"{figures['ratio_to_privacy'][state][page]:>18}" for state in STATES))
    print("wrote", write_result("cache_redis", figures))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
