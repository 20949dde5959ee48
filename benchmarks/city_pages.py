"""Benchmark: the busiest pages at city scale, served as ``make run`` serves them, as ratios to /privacy.

The pages are measured from outside, on a database given by its URL (SQLite or PostgreSQL; by default a
fresh copy of the generated city from ``benchmarks._datasets``): the home page, the proposals of the
process with the most proposals (``/proposals?process_id=``), the proposal with the most comments, the
council session with the most agenda items, ``/api/v1/proposals``, and the htmx answer of the second part of
that proposal's thread when the page has one. Each is compared with ``/privacy``, a page of the full layout
that shows no data, served by the same server in the same run.

The server is the command of the Makefile's ``run`` target (gunicorn, and its worker class), with the number
of workers and threads given (``--servers 1x64,2x16``: one server after the other). ``--clients`` keep-alive
``http.client`` threads (16 by default) send ``Accept-Encoding: gzip``; each round measures every page right
after a slice of ``/privacy``, and a page's figure is the median over the rounds of its requests per second
divided by those of the ``/privacy`` slice just before. The workers' CPU time per request (``/proc``; all
workers summed) gives the same ratio with less noise from other work on the machine (the database's own CPU
is not in it: on PostgreSQL, compare the two).

Before serving, each page is requested in the process (Flask test client) to count its SQL statements and
the share of its time spent waiting for them.

    .venv/bin/python -m benchmarks.city_pages --database-url sqlite:////tmp/city.sqlite3 --servers 1x64
    .venv/bin/python -m benchmarks.city_pages --database-url postgresql+psycopg://consult@127.0.0.1/city \\
        --servers 4x16,2x16
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shlex
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks import write_result

ROOT = Path(__file__).resolve().parent.parent
GOAL = 0.5
BARE = "/privacy"
ENV = {"CONSULT_SECRET_KEY": "bench-city-pages-secret", "CONSULT_RESIDENCE_HMAC_KEY": "bench-city-pages-key",
       "CONSULT_RATELIMIT_ENABLED": "false", "CONSULT_PASSWORD_HASH_PROFILE": "test"}
#: what ``make run`` served when the Makefile could not be read
FALLBACK_SERVER = ("$(VENV)/bin/gunicorn --workers $(WORKERS) --threads $(THREADS) --worker-class gthread "
                   '--bind $(HOST):$(PORT) --access-logfile - "consult:create_app()"')


# ------------------------------------------------------------------------------------------------ the server


def make_run_command() -> str:
    """The server line of the Makefile's ``run`` recipe (``consult.serve``, or a gunicorn or uvicorn command;
    continuation lines joined), or the gthread command it had when it cannot be found."""
    try:
        text = (ROOT / "Makefile").read_text()
    except OSError:
        return FALLBACK_SERVER
    recipe = re.search(r"^run:[^\n]*\n((?:\t[^\n]*\n?)+)", text, re.M)
    if recipe is None:
        return FALLBACK_SERVER
    joined = re.sub(r"\\\n\s*", " ", recipe.group(1))
    for line in joined.splitlines():
        line = line.strip().lstrip("@-")
        if re.search(r"\b(gunicorn|uvicorn|consult\.serve)\b", line) and not line.startswith("echo"):
            return line
    return FALLBACK_SERVER


def server_argv(template: str, *, workers: int, threads: int, port: int) -> list[str]:
    """The Makefile's command with its variables filled in: ``consult.serve`` without the task consumer
    (nothing here queues tasks), or a gunicorn command without its access log."""
    if "consult.serve" in template:
        return [sys.executable, "-m", "consult.serve", "--bind", f"127.0.0.1:{port}", "--workers",
                str(workers), "--threads", str(threads), "--no-tasks"]
    venv = str(Path(sys.executable).parent.parent)
    values = {"VENV": venv, "WORKERS": str(workers), "THREADS": str(threads), "HOST": "127.0.0.1",
              "PORT": str(port), "PY": sys.executable}
    command = re.sub(r"\$\((\w+)\)", lambda m: values.get(m.group(1), m.group(0)), template)
    argv = shlex.split(command)
    if "--access-logfile" in argv:
        at = argv.index("--access-logfile")
        del argv[at:at + 2]
    return [*argv, "--log-level", "warning", "--timeout", "120"] if "gunicorn" in argv[0] else argv


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> list[int]:
    """Every process started by ``pid``, at any depth (``consult.serve`` starts gunicorn, which starts the
    workers)."""
    found = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            children = [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
        for child in children:
            found.extend([child, *_children(child)])
    return found


def _cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    """The app served by the ``make run`` command, on a loopback port, for one database."""

    def __init__(self, url: str, template: str, workers: int, threads: int):
        self.port = _free_port()
        self.instance = tempfile.mkdtemp(prefix="consult-bench-city-")
        env = dict(os.environ, CONSULT_INSTANCE_PATH=self.instance, CONSULT_DATABASE_URL=url,
                   CONSULT_BASE_URL=f"http://127.0.0.1:{self.port}", PYTHONPATH=str(ROOT), **ENV)
        self.argv = server_argv(template, workers=workers, threads=threads, port=self.port)
        self.process = subprocess.Popen(self.argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 90
        while True:
            try:
                if self.get(BARE)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"the server did not start: {' '.join(self.argv)}")
            time.sleep(0.3)
        deadline = time.monotonic() + 30
        while len(self.workers()) < workers and time.monotonic() < deadline:
            time.sleep(0.2)

    def workers(self) -> list[int]:
        return _children(self.process.pid) or [self.process.pid]

    def cpu_seconds(self) -> float:
        return sum(_cpu(pid) for pid in self.workers())

    def get(self, url: str) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request("GET", url, headers={"Accept-Encoding": "gzip"})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def hammer(port: int, url: str, seconds: float, clients: int, headers: dict | None = None) -> dict:
    """GET ``url`` from ``clients`` keep-alive connections for about ``seconds``."""
    done: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start_line = threading.Barrier(clients + 1)
    sent = {"Accept-Encoding": "gzip", **(headers or {})}
    deadline = [0.0]

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.connect()
        start_line.wait()
        mine = []
        while not mine or time.perf_counter() < deadline[0]:
            began = time.perf_counter()
            conn.request("GET", url, headers=sent)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - began)
            if response.status != 200:
                errors.append(f"{url}: {response.status}")
                break
        conn.close()
        with lock:
            done.extend(mine)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + seconds
    start_line.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return {"requests": len(done), "seconds": time.perf_counter() - began, "errors": errors,
            "median_ms": statistics.median(done) * 1000 if done else None}


# ------------------------------------------------------------------------------------------------ the pages


def find_pages(url: str) -> dict[str, tuple[str, dict]]:
    """The URLs of the measured pages in this database: ``{name: (url, extra headers)}``."""
    import sqlalchemy as sa

    from consult import create_app
    from consult.extensions import db
    from consult.meetings.models import AgendaItem
    from consult.proposals.models import Proposal

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": ENV["CONSULT_SECRET_KEY"],
                      "RESIDENCE_HMAC_KEY": ENV["CONSULT_RESIDENCE_HMAC_KEY"], "RATELIMIT_ENABLED": False,
                      "INSTANCE_PATH": tempfile.mkdtemp(prefix="consult-bench-city-")})
    with app.app_context():
        process = db.session.execute(
            sa.select(Proposal.process_id, sa.func.count()).group_by(Proposal.process_id)
            .order_by(sa.func.count().desc(), Proposal.process_id).limit(1)).first()
        proposal = db.session.execute(
            sa.select(Proposal.id, Proposal.comment_count).where(Proposal.hidden_at.is_(None))
            .order_by(Proposal.comment_count.desc(), Proposal.id).limit(1)).first()
        session = db.session.execute(
            sa.select(AgendaItem.session_id, sa.func.count()).group_by(AgendaItem.session_id)
            .order_by(sa.func.count().desc(), AgendaItem.session_id).limit(1)).first()
        db.session.remove()
        db.engine.dispose()
    pages = {"home": ("/", {}),
             f"proposals of a process ({process[1]:,})": (f"/proposals?process_id={process[0]}", {}),
             f"proposal, {proposal.comment_count:,} comments": (f"/proposals/{proposal.id}", {})}
    client = app.test_client()
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    more = re.search(r'class="comment-more__link" href="([^"]+)"', html)
    if more:
        pages["more comments (htmx)"] = (more.group(1).replace("&amp;", "&"), {"HX-Request": "true"})
    if session:
        pages[f"council session ({session[1]} items)"] = (f"/sessions/{session[0]}", {})
    pages["/api/v1/proposals"] = ("/api/v1/proposals", {})
    with app.app_context():
        db.engine.dispose()
    return pages


def in_process(url: str, pages: dict[str, tuple[str, dict]], repeat: int = 5) -> dict[str, dict]:
    """Each page's SQL statements, HTML size and share of its time spent in the database (Flask test client,
    after a first request that fills the caches)."""
    from sqlalchemy import event

    from consult import create_app
    from consult.extensions import db

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": ENV["CONSULT_SECRET_KEY"],
                      "RESIDENCE_HMAC_KEY": ENV["CONSULT_RESIDENCE_HMAC_KEY"], "RATELIMIT_ENABLED": False,
                      "INSTANCE_PATH": tempfile.mkdtemp(prefix="consult-bench-city-")})
    with app.app_context():
        engine = db.engine
    client = app.test_client()
    figures = {}
    for name, (path, headers) in pages.items():
        client.get(path, headers=headers)
        clock = {"sql": 0.0, "statements": 0, "began": 0.0}

        def before(*_args, clock=clock):
            clock["began"] = time.perf_counter()

        def after(*_args, clock=clock):
            clock["sql"] += time.perf_counter() - clock["began"]
            clock["statements"] += 1

        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
        try:
            began = time.perf_counter()
            for _ in range(repeat):
                response = client.get(path, headers={"Accept-Encoding": "gzip", **headers})
            total = time.perf_counter() - began
        finally:
            event.remove(engine, "before_cursor_execute", before)
            event.remove(engine, "after_cursor_execute", after)
        figures[name] = {"status": response.status_code, "queries": clock["statements"] // repeat,
                         "gzip_kb": round(len(response.get_data()) / 1024, 1),
                         "ms": round(1000 * total / repeat, 2),
                         "sql_share": round(clock["sql"] / total, 3) if total else None}
    with app.app_context():
        db.engine.dispose()
    return figures


# ------------------------------------------------------------------------------------------------ measuring


def measure(server: Server, pages: dict[str, tuple[str, dict]], seconds: float, rounds: int,
            clients: int) -> dict[str, dict]:
    """Every page in each round, each right after a slice of the bare page; the figures per page."""
    for _ in range(2):  # every worker compiles its templates and fills its caches
        for path, headers in [(BARE, {}), *pages.values()]:
            hammer(server.port, path, 0.3, clients, headers)
    sums = {name: {"ratios": [], "cpu": 0.0, "requests": 0, "bare_cpu": 0.0, "bare_requests": 0,
                   "medians": [], "errors": []} for name in pages}
    for _ in range(rounds):
        for name, (path, headers) in pages.items():
            cpu = server.cpu_seconds()
            bare = hammer(server.port, BARE, seconds / 2, clients)
            bare_cpu = server.cpu_seconds() - cpu
            cpu = server.cpu_seconds()
            run = hammer(server.port, path, seconds, clients, headers)
            run_cpu = server.cpu_seconds() - cpu
            figure = sums[name]
            if run["errors"] or bare["errors"]:
                figure["errors"].extend(run["errors"] + bare["errors"])
                continue
            figure["ratios"].append((run["requests"] / run["seconds"]) / (bare["requests"] / bare["seconds"]))
            figure["cpu"] += run_cpu
            figure["requests"] += run["requests"]
            figure["bare_cpu"] += bare_cpu
            figure["bare_requests"] += bare["requests"]
            figure["medians"].append(run["median_ms"])
            figure.setdefault("bare_rates", []).append(bare["requests"] / bare["seconds"])
    figures = {}
    for name, s in sums.items():
        if not s["ratios"]:
            figures[name] = {"error": (s["errors"] or ["no request"])[0]}
            continue
        per_request, bare_per_request = s["cpu"] / s["requests"], s["bare_cpu"] / s["bare_requests"]
        figures[name] = {"ratio": round(statistics.median(s["ratios"]), 3),
                         "ratios": [round(r, 3) for r in s["ratios"]],
                         "cpu_ratio": round(bare_per_request / per_request, 3) if per_request else None,
                         "cpu_ms": round(1000 * per_request, 2),
                         "bare_per_second": round(statistics.median(s["bare_rates"]), 1),
                         "median_ms": round(statistics.median(s["medians"]), 1)}
    return figures


def run(url: str, servers: list[tuple[int, int]], seconds: float, rounds: int, clients: int,
        queries: bool, only: list[str] | None = None) -> dict:
    template = make_run_command()
    pages = find_pages(url)
    if only:
        pages = {name: page for name, page in pages.items() if any(word in name for word in only)}
    result = {"database": re.sub(r"//[^@/]*@", "//", url).split("?")[0], "server_command": template,
              "clients": clients, "rounds": rounds, "seconds": seconds,
              "urls": {name: path for name, (path, _) in pages.items()}, "servers": {},
              "load_average": {"start": [round(x, 2) for x in os.getloadavg()]}}
    if queries:
        result["in_process"] = in_process(url, pages)
    for workers, threads in servers:
        server = Server(url, template, workers, threads)
        try:
            result["servers"][f"{workers}x{threads}"] = {
                "argv": server.argv, "pages": measure(server, pages, seconds, rounds, clients)}
        finally:
            server.stop()
    result["load_average"]["end"] = [round(x, 2) for x in os.getloadavg()]
    return result


def _f(value, spec: str = ".2f") -> str:
    return "–" if value is None else format(value, spec)


def report(result: dict) -> list[str]:
    """Print the table; return the pages below the goal."""
    missed = []
    print(f"database: {result['database']}; {result['clients']} keep-alive clients; "
          f"server: {result['server_command']}")
    print(f"× bare = a page's requests per second / those of {BARE} in the slice just before (median of "
          f"{result['rounds']} rounds); cpu = the same from the workers' CPU time per request; goal ≥ {GOAL}")
    names = list(result["urls"])
    header = f"{'page':34}"
    for key in result["servers"]:
        header += f" {key + ' ×bare':>12} {'cpu':>6}"
    inproc = result.get("in_process") or {}
    if inproc:
        header += f" {'queries':>7} {'sql %':>6} {'KB gz':>6}"
    print(header + f" {'goal':>5}")
    for name in names:
        line = f"{name:34}"
        for key, served in result["servers"].items():
            figure = served["pages"][name]
            if "error" in figure:
                line += f" {'error':>12} {'':>6}"
                missed.append(f"{name} on {key}: {figure['error']}")
                continue
            line += f" {_f(figure['ratio']):>12} {_f(figure['cpu_ratio']):>6}"
            if figure["ratio"] < GOAL:
                missed.append(f"{name} on {key}: {figure['ratio']} × bare")
        if inproc:
            page = inproc[name]
            share = _f(100 * page["sql_share"], ".1f") if page["sql_share"] else "–"
            line += f" {page['queries']:>7} {share:>6} {page['gzip_kb']:>6}"
        print(line + f" {GOAL:>5}")
    for key, served in result["servers"].items():
        bare = statistics.median(p["bare_per_second"] for p in served["pages"].values()
                                 if "bare_per_second" in p)
        print(f"{key}: {BARE} {bare:.0f}/s")
    print(f"load average (1, 5, 15 min): {result['load_average']['start']} at start, "
          f"{result['load_average']['end']} at the end ({os.cpu_count()} CPUs)")
    print("below the goal: " + ("; ".join(missed) if missed else "none"))
    return missed


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     epilog="Without --database-url: a fresh copy of the generated city on "
                                            "SQLite (benchmarks/_datasets.py; generated once, ~5 min).")
    parser.add_argument("--database-url", help="the database to serve (it is only read)")
    parser.add_argument("--servers", default="1x64",
                        help="WORKERSxTHREADS, comma-separated: one server after the other (default 1x64)")
    parser.add_argument("--clients", type=int, default=16, help="keep-alive client connections (16)")
    parser.add_argument("--seconds", type=float, default=2.0, help="seconds per page and round (2)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pages", help="only the pages whose name contains one of these words "
                                        "(comma-separated)")
    parser.add_argument("--no-queries", action="store_true",
                        help="skip the in-process count of each page's SQL statements")
    args = parser.parse_args(argv if argv is not None else [])
    url = args.database_url
    if not url:
        from benchmarks._datasets import city_database

        url = city_database("sqlite", name="city_pages")
    servers = [tuple(int(n) for n in spec.lower().split("x")) for spec in args.servers.split(",")]
    only = [word.strip() for word in args.pages.split(",")] if args.pages else None
    result = run(url, servers, args.seconds, args.rounds, args.clients, not args.no_queries, only)
    result["below_goal"] = report(result)
    path = write_result("city_pages", result)
    print(f"written to {path.relative_to(ROOT)}")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
