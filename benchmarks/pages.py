"""Benchmark: every page type under gunicorn, as ratios to a bare page, at 1,000 and 100,000 proposals.

One dataset is built on a scratch SQLite database: ``consult.demo.generate.generate("small")`` when the city
generator is there (else the demo, ``consult.demo.load_demo``), topped up to 1,000 proposals with
``consult.demo.generate.bulk`` and one proposal given 500 comments. A copy is then topped up to 100,000
proposals (same councils, polls, minutes and comments), so the two sizes differ only in the proposals.

For each size:

* **SQL queries** of each page, counted in-process (Flask test client), with the page's HTML size;
* **throughput** under gunicorn on loopback (``benchmarks/_bare_app.py``: the app plus ``/_bench/bare``, the
base
  layout with an empty content block; ``--workers 1 --threads 8 --worker-class gthread``; one server per size,
  both up at once), each page measured in bounded slices (``--seconds``, ``--rounds``) from a few keep-alive
  ``http.client`` threads sending ``Accept-Encoding: gzip``, every slice right after a slice of the same
  server's bare page; the figure is the median over the rounds of the page's requests per second divided by
  those of the bare page's slice just before (the overall ratio of the totals is kept too);
* the same ratio from the **worker's CPU time** per request (``/proc/<pid>/stat``): one worker process is
bound
  by its own CPU, so this is the throughput ratio without the noise of other work on the machine; the goals
  are judged on it, the wall-clock figures are printed beside it;
* **memory**: the gunicorn worker's resident memory idle, after each page's run, and its peak (``VmHWM``).

Growth = a page's CPU time per request at 100,000 proposals / at 1,000 (the wall-clock version, each relative
to its own server's bare page, is kept too).

**Page weight** at the larger size: Playwright drives Debian's Chromium (``/usr/bin/chromium``, launched as in
``tests/browser/conftest.py``) with an empty cache on each HTML page and adds up what went over the wire
(response headers + encoded bodies of the page and every asset it loaded), and counts requests to any other
host. Without Playwright or Chromium, the page's own assets are parsed and fetched with gzip instead.

JSON goes to ``benchmarks/results/pages.json``.

    .venv/bin/python -m benchmarks.pages [--sizes 1000,100000] [--seconds 0.75] [--rounds 4] [--clients 4]
        [--no-browser]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from benchmarks import write_result

ROOT = Path(__file__).resolve().parent.parent
GOALS = {"ratio_to_bare": 0.5, "growth": 1.5, "queries": 12, "worker_rss_mb": 120, "weight_kb": 60,
         "other_host_requests": 0}
COMMENTS_ON_PROPOSAL = 500
SECRET_ENV = {"CONSULT_SECRET_KEY": "bench-pages-secret",
              "CONSULT_RESIDENCE_HMAC_KEY": "bench-pages-residence-key", "CONSULT_RATELIMIT_ENABLED": "false",
              "CONSULT_PASSWORD_HASH_PROFILE": "test"}
SERVER = ["--workers", "1", "--threads", "8", "--worker-class", "gthread"]
CHROMIUM = os.environ.get("CONSULT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
WORDS = ("welcome housing language school work health culture resident card anti-rumour neighbourhood "
         "council library course desk district festival training story help newcomer solidarity "
         "translation").split()


# ---------------------------------------------------------------------------------------------------- data


def _app(path: Path):
    from consult import create_app

    return create_app({"INSTANCE_PATH": str(path.parent), "DATABASE_URL": f"sqlite:///{path}",
                       "SECRET_KEY": SECRET_ENV["CONSULT_SECRET_KEY"],
                       "RESIDENCE_HMAC_KEY": SECRET_ENV["CONSULT_RESIDENCE_HMAC_KEY"],
                       "RATELIMIT_ENABLED": False})


def _generated_dataset() -> dict | None:
    """The city generator's small dataset, when it makes every page type."""
    from consult.demo.generate import generate
    from consult.extensions import db

    try:
        stats = generate("small", seed=1)
        db.session.commit()
        pages = _pages_of()
    except Exception as error:  # noqa: BLE001 - a generator in progress: fall back to the demo, say why
        print(f"  consult.demo.generate failed ({error!r}); using the demo", flush=True)
        db.session.rollback()
        return None
    wanted = {"council_session", "poll_results", "published_minutes"}
    if not wanted <= set(pages) or not stats.get("proposals"):
        print(f"  consult.demo.generate made no {', '.join(sorted(wanted - set(pages))) or 'proposals'}; "
              "using the demo", flush=True)
        return None
    return {"source": "consult.demo.generate.generate('small', seed=1)", **stats}


def _base_dataset(path: Path) -> dict:
    """Schema and the base dataset on a new database file: the generator's, else the demo (both commit)."""
    from consult.core.schema_extras import create_all_extras
    from consult.demo import load_demo
    from consult.extensions import db

    for attempt in ("generator", "demo"):
        app = _app(path)
        with app.app_context():
            db.create_all()
            create_all_extras()
            facts = _generated_dataset() if attempt == "generator" else None
            if facts is None and attempt == "demo":
                load_demo(progress=False)
                db.session.commit()
                facts = {"source": "consult.demo.load_demo()"}
            db.session.remove()
            db.engine.dispose()
        if facts is not None:
            return facts
        for leftover in path.parent.glob(path.name + "*"):
            leftover.unlink()
    raise AssertionError("unreachable")


def _pages_of() -> dict[str, str]:
    """The URLs of the page types, found in the dataset (the busiest or first public item of each kind)."""
    import sqlalchemy as sa

    from consult.extensions import db
    from consult.meetings.models import CouncilSession
    from consult.minutes.models import Minutes
    from consult.proposals.models import Proposal
    from consult.votes.models import Participation, Poll

    proposal = db.session.scalar(sa.select(Proposal.id).where(Proposal.hidden_at.is_(None))
                                 .order_by(Proposal.comment_count.desc(), Proposal.id).limit(1))
    minutes = db.session.execute(sa.select(Minutes.id, Minutes.source_id)
                                 .where(Minutes.status == "published", Minutes.kind == "original",
                                        Minutes.source_type == "council_session")
                                 .order_by(Minutes.id).limit(1)).first()
    session = minutes.source_id if minutes else db.session.scalar(
        sa.select(CouncilSession.id).order_by(CouncilSession.id).limit(1))
    if minutes is None:
        minutes = db.session.execute(sa.select(Minutes.id, Minutes.source_id)
                                     .where(Minutes.status == "published").order_by(Minutes.id)
                                     .limit(1)).first()
    turnout = (sa.select(sa.func.count()).select_from(Participation)
               .where(Participation.poll_id == Poll.id).scalar_subquery())
    poll = db.session.scalar(sa.select(Poll.id).where(Poll.status == "closed")
                             .order_by(turnout.desc(), Poll.id).limit(1))
    pages = {"home": "/", "proposals_list": "/proposals", "proposal_500_comments": f"/proposals/{proposal}"}
    if session:
        pages["council_session"] = f"/sessions/{session}"
    if poll:
        pages["poll_results"] = f"/polls/{poll}/results"
    if minutes:
        pages["published_minutes"] = f"/minutes/{minutes.id}"
    from consult.api.machinery import resources

    for name in resources():
        pages[f"api_{name}"] = f"/api/v1/{name}"
    return pages


def _sentence(rng, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()


def _comments(proposal_id: int, n: int, seed: int = 5) -> int:
    """Bring the proposal to ``n`` comments (a fifth of them replies), keeping ``comment_count`` equal to
    them."""
    import random

    import sqlalchemy as sa

    from consult.accounts.models import User
    from consult.comments.models import Comment
    from consult.core.models import utcnow
    from consult.extensions import db
    from consult.proposals.models import Proposal

    proposal = db.session.get(Proposal, proposal_id)
    have = db.session.scalar(sa.select(sa.func.count()).select_from(Comment).where(
        Comment.target_type == "proposal", Comment.target_id == proposal_id, Comment.deleted_at.is_(None)))
    missing = max(0, n - have)
    if not missing:
        return 0
    rng = random.Random(seed)
    authors = list(db.session.scalars(sa.select(User.id).order_by(User.id).limit(400)))
    start = utcnow() - timedelta(days=30)
    replies = missing // 5
    roots = missing - replies

    def row(i, parent=None):
        at = start + timedelta(minutes=i * 7)
        body = _sentence(rng, rng.randint(8, 60)) + "."
        if i % 9 == 0:
            body += f"\n\n* {_sentence(rng, 4)}\n* {_sentence(rng, 5)}\n\n**{_sentence(rng, 3)}**"
        return {"target_type": "proposal", "target_id": proposal_id, "parent_id": parent,
                "depth": 2 if parent else 1, "author_id": rng.choice(authors), "body": body,
                "alignment": rng.choice(("in_favour", "against", "neutral")), "created_at": at,
                "updated_at": at}

    print(f"  {missing} comments on proposal {proposal_id} ({have} there)", flush=True)
    db.session.execute(sa.insert(Comment), [row(i) for i in range(roots)])
    root_ids = list(db.session.scalars(sa.select(Comment.id).where(
        Comment.target_type == "proposal", Comment.target_id == proposal_id, Comment.parent_id.is_(None))
        .order_by(Comment.id.desc()).limit(roots)))
    if replies:
        db.session.execute(sa.insert(Comment), [row(roots + i, rng.choice(root_ids)) for i in range(replies)])
    proposal.comment_count = have + missing
    db.session.flush()
    return missing


def _top_up(target: int, supports_per_proposal: int, seed: int) -> dict:
    """Add generated proposals (with supports) to the first process until there are ``target`` proposals."""
    import sqlalchemy as sa

    from consult.demo.generate.bulk import add_proposals
    from consult.extensions import db
    from consult.processes.models import Process
    from consult.proposals.models import Proposal

    have = db.session.scalar(sa.select(sa.func.count()).select_from(Proposal))
    missing = max(0, target - have)
    if missing:
        process = db.session.scalar(sa.select(Process).order_by(Process.id).limit(1))
        add_proposals(process, proposals=missing, people=min(5_000, max(500, missing // 20)),
                      supports=missing * supports_per_proposal, seed=seed)
        db.session.commit()
    return {"proposals": have + missing, "added": missing}


def _copy_sqlite(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def build(tmp: Path, sizes: list[int], supports_per_proposal: int) -> tuple[dict[int, Path], dict, dict]:
    """One database per size (each a copy of the smaller one, topped up); returns paths, pages and data
    facts."""
    from consult.extensions import db

    sizes = sorted(sizes)
    paths: dict[int, Path] = {}
    facts: dict = {"sizes": {}}
    path = tmp / f"pages-{sizes[0]}.sqlite3"
    started = time.perf_counter()
    facts["base"] = _base_dataset(path)
    facts["base_seconds"] = round(time.perf_counter() - started, 1)
    app = _app(path)
    with app.app_context():
        started = time.perf_counter()
        facts["sizes"][sizes[0]] = _top_up(sizes[0], supports_per_proposal, seed=11)
        pages = _pages_of()
        proposal_id = int(pages["proposal_500_comments"].rsplit("/", 1)[1])
        facts["comments_added"] = _comments(proposal_id, COMMENTS_ON_PROPOSAL)
        db.session.commit()
        facts["sizes"][sizes[0]]["seconds"] = round(time.perf_counter() - started, 1)
        db.session.remove()
        db.engine.dispose()
    paths[sizes[0]] = path
    for size in sizes[1:]:
        previous, path = path, tmp / f"pages-{size}.sqlite3"
        _copy_sqlite(previous, path)
        app = _app(path)
        with app.app_context():
            started = time.perf_counter()
            facts["sizes"][size] = _top_up(size, supports_per_proposal, seed=size)
            facts["sizes"][size]["seconds"] = round(time.perf_counter() - started, 1)
            db.session.remove()
            db.engine.dispose()
        paths[size] = path
    return paths, pages, facts


def query_counts(path: Path, pages: dict[str, str]) -> dict[str, dict]:
    """SQL statements and HTML size of each page (second request, after a warm one), in-process."""
    from sqlalchemy import event

    from consult.extensions import db

    app = _app(path)
    client = app.test_client()
    figures = {}
    with app.app_context():
        engine = db.engine
    for name, url in pages.items():
        client.get(url)
        statements: list[str] = []

        def count(_conn, _cursor, statement, *_args, statements=statements):
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", count)
        try:
            response = client.get(url)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        figures[name] = {"status": response.status_code, "queries": len(statements),
                         "bytes": len(response.get_data())}
    with app.app_context():
        db.engine.dispose()
    return figures


# ---------------------------------------------------------------------------------------------------- serving


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _worker_pids(master: int) -> list[int]:
    pids = []
    for task in Path(f"/proc/{master}/task").iterdir():
        try:
            pids.extend(int(p) for p in (task / "children").read_text().split())
        except OSError:
            continue
    return pids


def _memory_kib(pid: int) -> dict[str, int]:
    status = Path(f"/proc/{pid}/status").read_text()
    return {key: int(re.search(rf"{key}:\s+(\d+)", status).group(1)) for key in ("VmRSS", "VmHWM")}


class Server:
    """gunicorn serving ``benchmarks._bare_app:app`` on a loopback port, for one database."""

    def __init__(self, path: Path):
        self.port = _free_port()
        env = dict(os.environ, CONSULT_INSTANCE_PATH=str(path.parent),
                   CONSULT_DATABASE_URL=f"sqlite:///{path}", PYTHONPATH=str(ROOT), **SECRET_ENV)
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [str(gunicorn), *SERVER, "--bind", f"127.0.0.1:{self.port}", "--timeout", "120",
             "--log-level", "warning", "benchmarks._bare_app:app"], cwd=ROOT, env=env)
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _body, _headers = self.get("/healthz")
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        workers = _worker_pids(self.process.pid)
        self.worker = workers[0] if workers else self.process.pid

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def get(self, url: str, gzip: bool = True) -> tuple[int, bytes, dict]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request("GET", url, headers={"Accept-Encoding": "gzip"} if gzip else {})
            response = conn.getresponse()
            return response.status, response.read(), dict(response.getheaders())
        finally:
            conn.close()

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the worker has used so far: unlike wall time, hardly moved by other
        work."""
        fields = Path(f"/proc/{self.worker}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def timed(self, url: str, seconds: float, clients: int) -> dict:
        cpu = self.cpu_seconds()
        run = hammer(self.port, url, seconds, clients)
        run["cpu_seconds"] = self.cpu_seconds() - cpu
        return run

    def memory_mb(self) -> dict[str, float]:
        return {k: round(v / 1024, 1) for k, v in _memory_kib(self.worker).items()}

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def hammer(port: int, url: str, seconds: float, clients: int) -> dict:
    """GET ``url`` from ``clients`` keep-alive threads for about ``seconds`` (each sends at least one
    request)."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    begin = threading.Barrier(clients + 1)
    headers = {"Accept-Encoding": "gzip"}

    def client(deadline):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.connect()
        begin.wait()
        mine = []
        while not mine or time.perf_counter() < deadline[0]:
            t = time.perf_counter()
            conn.request("GET", url, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - t)
            if response.status != 200:
                errors.append(f"{url}: {response.status}")
                break
        conn.close()
        with lock:
            latencies.extend(mine)

    deadline = [0.0]
    threads = [threading.Thread(target=client, args=(deadline,), daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + seconds
    begin.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    return {"requests": len(latencies), "seconds": elapsed, "errors": errors,
            "median_ms": statistics.median(latencies) * 1000 if latencies else None}


def serve_and_measure(paths: dict[int, Path], pages: dict[str, str], seconds: float, rounds: int,
                      clients: int, use_browser: bool) -> tuple[dict[int, dict], dict]:
    """One gunicorn per size, all up at once; in each round every page is measured on every server, each slice
    right after a slice of that server's bare page, so load on the machine falls on both sides of each ratio.
    Then the page weight on the largest size's server. Returns (figures by size, page weight)."""
    from benchmarks._bare_app import BARE_URL

    servers: dict[int, Server] = {}
    try:
        for size, path in paths.items():
            servers[size] = Server(path)
        idle = {size: server.memory_mb()["VmRSS"] for size, server in servers.items()}
        for server in servers.values():  # first requests compile templates and fill caches
            for url in (BARE_URL, *pages.values()):
                server.get(url)
        warm = {size: server.memory_mb()["VmRSS"] for size, server in servers.items()}
        measured = _Rounds(servers, pages)
        for _ in range(rounds):
            measured.run(seconds, clients)
        results = {}
        for size, server in servers.items():
            peak = server.memory_mb()
            results[size] = {"pages": measured.figures(size), "worker_rss_mb_idle": idle[size],
                             "worker_rss_mb_warm": warm[size], "worker_rss_mb": peak["VmRSS"],
                             "worker_peak_rss_mb": peak["VmHWM"]}
        mark = time.perf_counter()
        weight = page_weight(servers[max(servers)], pages, use_browser)
        print(f"  page weight in {time.perf_counter() - mark:.1f} s", flush=True)
        return results, weight
    finally:
        for server in servers.values():
            server.stop()


class _Rounds:
    """The sums of the measuring rounds, per server size and page, and the figures made from them."""

    def __init__(self, servers: dict[int, Server], pages: dict[str, str]):
        self.servers, self.pages = servers, pages
        zero = {"requests": 0, "seconds": 0.0, "bare_requests": 0, "bare_seconds": 0.0, "cpu": 0.0,
                "bare_cpu": 0.0}
        self.totals = {size: {name: dict(zero, medians=[], ratios=[]) for name in pages} for size in servers}
        self.bare_totals = {size: dict(zero, medians=[]) for size in servers}
        self.memory: dict[int, dict[str, float]] = {size: {} for size in servers}
        self.failed: dict[tuple[int, str], str] = {}

    def run(self, seconds: float, clients: int) -> None:
        """One round: every page on every server, each slice after a slice of that server's bare page."""
        from benchmarks._bare_app import BARE_URL

        for name, url in self.pages.items():
            for size, server in self.servers.items():
                if (size, name) in self.failed:
                    continue
                bare = server.timed(BARE_URL, seconds / 2, clients)
                run = server.timed(url, seconds, clients)
                if run["errors"]:
                    self.failed[(size, name)] = run["errors"][0]
                    print(f"  {name} failed at {size:,}: {self.failed[(size, name)]}", flush=True)
                    continue
                self._add(size, name, run, bare)
                self.memory[size][name] = server.memory_mb()["VmRSS"]

    def _add(self, size: int, name: str, run: dict, bare: dict) -> None:
        figure = self.totals[size][name]
        figure["requests"] += run["requests"]
        figure["seconds"] += run["seconds"]
        figure["bare_requests"] += bare["requests"]
        figure["bare_seconds"] += bare["seconds"]
        figure["medians"].append(run["median_ms"])
        figure["cpu"] += run["cpu_seconds"]
        figure["bare_cpu"] += bare["cpu_seconds"]
        figure["ratios"].append((run["requests"] / run["seconds"]) / (bare["requests"] / bare["seconds"]))
        bare_total = self.bare_totals[size]
        bare_total["requests"] += bare["requests"]
        bare_total["seconds"] += bare["seconds"]
        bare_total["medians"].append(bare["median_ms"])

    def figures(self, size: int) -> dict:
        """The bare page's figures and each page's, on the server of ``size``."""
        b = self.bare_totals[size]
        figures = {"bare": {"per_second": round(b["requests"] / b["seconds"], 1),
                            "median_ms": round(statistics.median(b["medians"]), 2),
                            "requests": b["requests"]}}
        for name in self.pages:
            t = self.totals[size][name]
            if (size, name) in self.failed or not t["requests"]:
                figures[name] = {"error": self.failed.get((size, name)), "per_second": None,
                                 "ratio_to_bare": None}
                continue
            rate, bare_rate = t["requests"] / t["seconds"], t["bare_requests"] / t["bare_seconds"]
            figures[name] = {"per_second": round(rate, 1),
                             "ratio_to_bare": round(statistics.median(t["ratios"]), 3),
                             "ratio_to_bare_overall": round(rate / bare_rate, 3),
                             "ratio_to_bare_slices": [round(r, 3) for r in t["ratios"]],
                             "cpu_ms_per_request": round(1000 * t["cpu"] / t["requests"], 2),
                             "cpu_ratio_to_bare": round((t["bare_cpu"] / t["bare_requests"])
                                                        / max(t["cpu"] / t["requests"], 1e-9), 3),
                             "bare_per_second": round(bare_rate, 1),
                             "median_ms": round(statistics.median(t["medians"]), 2),
                             "requests": t["requests"], "worker_rss_mb_after": self.memory[size][name]}
        return figures


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("href") and ({"stylesheet", "icon", "preload", "modulepreload"}
                                                    & set((attrs.get("rel") or "").split())):
            self.urls.append(attrs["href"])
        elif tag in ("script", "img", "source", "video", "audio") and attrs.get("src"):
            self.urls.append(attrs["src"])


def weight_parsed(server: Server, pages: dict[str, str]) -> dict:
    """Fallback: the page and the assets its HTML names (CSS ``url()``s are not followed), fetched with
    gzip."""
    figures = {}
    for name, url in pages.items():
        status, body, headers = server.get(url)
        total, other = len(body) + sum(len(k) + len(v) + 4 for k, v in headers.items()), 0
        import gzip as _gzip

        html = _gzip.decompress(body) if headers.get("Content-Encoding") == "gzip" else body
        parser = _Assets()
        parser.feed(html.decode("utf-8", "replace"))
        for asset in dict.fromkeys(parser.urls):
            absolute = urlsplit(urljoin(server.base + url, asset))
            if absolute.scheme in ("data", "blob"):
                continue
            if absolute.netloc != f"127.0.0.1:{server.port}":
                other += 1
                continue
            _status, data, asset_headers = server.get(absolute.path + (f"?{absolute.query}" if absolute.query
                                                                       else ""))
            total += len(data) + sum(len(k) + len(v) + 4 for k, v in asset_headers.items())
        figures[name] = {"status": status, "transferred_kb": round(total / 1024, 1),
                         "requests": 1 + len(parser.urls), "other_host_requests": other}
    return {"method": "parsed HTML + gzip fetch of the assets it names", "pages": figures}


def _weigh(browser, url: str, own: str) -> dict:
    """One page in a fresh browser context (empty cache): what went over the wire, and to which hosts."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        requests, finished, failed = [], [], []
        page.on("request", lambda r: requests.append(r))
        page.on("requestfinished", lambda r: finished.append(r))
        page.on("requestfailed", lambda r: failed.append(r))
        response = page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle", timeout=10_000)
        total = 0
        for request in finished:
            sizes = request.sizes()
            total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        other = [r.url for r in requests
                 if urlsplit(r.url).scheme in ("http", "https", "ws", "wss")
                 and urlsplit(r.url).netloc != own]
        return {"status": response.status if response else None, "transferred_kb": round(total / 1024, 1),
                "requests": len(requests), "failed_requests": len(failed), "other_host_requests": len(other),
                "other_hosts": sorted({urlsplit(u).netloc for u in other})}
    finally:
        context.close()


def weight_browser(server: Server, pages: dict[str, str]) -> dict:
    """What Chromium transfers for each page with an empty cache: headers + encoded bodies of every
    response."""
    from playwright.sync_api import sync_playwright

    own = f"127.0.0.1:{server.port}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            figures = {name: _weigh(browser, server.base + url, own) for name, url in pages.items()}
        finally:
            browser.close()
    return {"method": "Playwright on Debian's Chromium, empty cache, response headers + encoded bodies",
            "pages": figures}


def page_weight(server: Server, pages: dict[str, str], use_browser: bool) -> dict:
    html_pages = {name: url for name, url in pages.items() if not name.startswith("api_")}
    if use_browser and Path(CHROMIUM).exists():
        try:
            return weight_browser(server, html_pages)
        except Exception as error:  # noqa: BLE001 - no Playwright, or Chromium would not start: parse instead
            print(f"  Chromium unavailable ({error!r}); page weight from parsed HTML", flush=True)
    return weight_parsed(server, html_pages)


# ---------------------------------------------------------------------------------------------------- main


def run(sizes: list[int], seconds: float, rounds: int, clients: int, use_browser: bool,
        supports_per_proposal: int) -> dict:
    started = time.perf_counter()
    load_start = [round(x, 2) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory(prefix="consult-bench-pages-") as tmp:
        paths, pages, facts = build(Path(tmp), sizes, supports_per_proposal)
        facts["build_seconds"] = round(time.perf_counter() - started, 1)
        print(f"  data built in {facts['build_seconds']} s", flush=True)
        result: dict = {"data": facts, "urls": pages, "goals": GOALS, "clients": clients, "rounds": rounds,
                        "seconds_per_page_and_round": seconds,
                        "server": "gunicorn " + " ".join(SERVER) + " (loopback), SQLite", "sizes": {}}
        for size, path in paths.items():
            result["sizes"][size] = {"queries": query_counts(path, pages)}
        mark = time.perf_counter()
        served, result["weight"] = serve_and_measure(paths, pages, seconds, rounds, clients, use_browser)
        for size, figures in served.items():
            result["sizes"][size].update(figures)
        print(f"  served and measured in {time.perf_counter() - mark:.1f} s", flush=True)
        result["load_average"] = {"start": load_start, "end": [round(x, 2) for x in os.getloadavg()]}
    small, large = result["sizes"][min(sizes)], result["sizes"][max(sizes)]
    growth = {}
    for name in pages:
        a, b = small["pages"][name], large["pages"][name]
        if a["per_second"] is None or b["per_second"] is None:
            growth[name] = {"relative": None, "raw": None, "cpu": None}
            continue
        growth[name] = {"relative": round(a["ratio_to_bare"] / b["ratio_to_bare"], 2),
                        "raw": round(a["per_second"] / b["per_second"], 2),
                        "cpu": round(b["cpu_ms_per_request"] / max(a["cpu_ms_per_request"], 1e-9), 2)}
    result["growth"] = growth
    result["seconds_total"] = round(time.perf_counter() - started, 1)
    return result


def _fmt(value, spec: str) -> str:
    return "–" if value is None else format(value, spec)


def report(result: dict) -> list[str]:
    """Print the figures table; return the goals not met."""
    sizes = sorted(result["sizes"], key=int)
    small, large = result["sizes"][sizes[0]], result["sizes"][sizes[-1]]
    weight = result["weight"]["pages"]
    missed = []
    print(f"data: {result['data']['base']['source']}; proposals {', '.join(f'{int(s):,}' for s in sizes)}; "
          f"built in {result['data']['build_seconds']} s")
    small_label, large_label = f"{int(sizes[0]) // 1000}k", f"{int(sizes[-1]) // 1000}k"
    print("× bare = throughput as a ratio to the bare page (cpu: from the worker's CPU time per request; "
          "wall: requests per second); growth = time per request at the larger size / at the smaller")
    print(f"{'page':22} {'cpu@' + small_label:>8} {'cpu@' + large_label:>9} {'wall@' + small_label:>8} "
          f"{'wall@' + large_label:>9} {'growth cpu':>10} {'wall':>5} {'queries':>8} {'KB gz':>6} "
          f"{'other':>5}")
    for name in result["urls"]:
        a, b = small["pages"][name], large["pages"][name]
        qa, qb = small["queries"][name]["queries"], large["queries"][name]["queries"]
        g = result["growth"][name]["cpu"]
        w = weight.get(name)
        print(f"{name:22} {_fmt(a.get('cpu_ratio_to_bare'), '8.3f')} "
              f"{_fmt(b.get('cpu_ratio_to_bare'), '9.3f')} "
              f"{_fmt(a['ratio_to_bare'], '8.3f')} {_fmt(b['ratio_to_bare'], '9.3f')} {_fmt(g, '9.2f')}× "
              f"{_fmt(result['growth'][name]['relative'], '5.2f')} {qa:3}/{qb:<4} "
              f"{w['transferred_kb'] if w else '':>6} {w['other_host_requests'] if w else '':>5}")
        for size, figures in ((sizes[0], small), (sizes[-1], large)):
            if figures["queries"][name]["status"] != 200 or figures["pages"][name].get("error"):
                missed.append(f"{name}: status {figures['queries'][name]['status']} at {size}")
        ratios = [r for r in (a.get("cpu_ratio_to_bare"), b.get("cpu_ratio_to_bare")) if r is not None]
        if ratios and min(ratios) < GOALS["ratio_to_bare"]:
            missed.append(f"{name}: {min(ratios)} × bare page")
        if g is not None and g > GOALS["growth"]:
            missed.append(f"{name}: growth {g}×")
        if max(qa, qb) > GOALS["queries"] or qa != qb:
            missed.append(f"{name}: {qa}/{qb} queries")
        if w and w["transferred_kb"] > GOALS["weight_kb"]:
            missed.append(f"{name}: {w['transferred_kb']} KB")
        if w and w["other_host_requests"]:
            missed.append(f"{name}: {w['other_host_requests']} requests to another host")
    for size in sizes:
        figures = result["sizes"][size]
        print(f"worker memory at {int(size):,} proposals: {figures['worker_rss_mb_idle']} MB idle, "
              f"{figures['worker_rss_mb']} MB after the pages, "
              f"peak {figures['worker_peak_rss_mb']} MB; "
              f"bare page {figures['pages']['bare']['per_second']}/s")
        if figures["worker_peak_rss_mb"] > GOALS["worker_rss_mb"]:
            missed.append(f"worker peak RSS {figures['worker_peak_rss_mb']} MB at {size}")
    print(f"page weight: {result['weight']['method']}")
    print(f"load average (1, 5, 15 min): {result['load_average']['start']} at start, "
          f"{result['load_average']['end']} at the end (2 cores: above 2, other work shares the machine)")
    print("goals (judged on the cpu figures): ≥ 0.5 × bare, growth ≤ 1.5×, ≤ 12 queries independent of size, "
          "worker ≤ 120 MB, ≤ 60 KB gzip, 0 requests to another host")
    print("goals not met: " + ("; ".join(missed) if missed else "none"))
    return missed


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000",
                        help="proposal counts, comma-separated (smallest first)")
    parser.add_argument("--seconds", type=float, default=0.75,
                        help="seconds per page and round under gunicorn")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--clients", type=int, default=4, help="client threads (keep-alive connections)")
    parser.add_argument("--supports-per-proposal", type=int, default=1)
    parser.add_argument("--no-browser", action="store_true",
                        help="page weight from parsed HTML, not Chromium")
    args = parser.parse_args(argv if argv is not None else [])
    sizes = sorted(int(s) for s in args.sizes.split(","))
    if shutil.which("gunicorn") is None and not Path(sys.executable).with_name("gunicorn").exists():
        raise SystemExit("gunicorn is not installed")
    result = run(sizes, args.seconds, args.rounds, args.clients, not args.no_browser,
                 args.supports_per_proposal)
    result["goals_not_met"] = report(result)
    path = write_result("pages", result)
    print(f"written to {path.relative_to(ROOT)} ({result['seconds_total']} s)")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
