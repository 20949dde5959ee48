"""Benchmark: every performance goal on SQLite and PostgreSQL, in one table (what ``make bench`` runs).

For each database, on the city made by ``flask demo generate --scale <scale> --seed 1``
(``benchmarks._datasets.city_database``: generated once, kept in ``benchmarks/data/``, each run on a fresh
copy), the other benchmarks run one after the other, each in its own process and with its own options:

- ``pages``: ``city_pages`` with one server per worker count (``--workers``, 16 threads a worker as ``make
  run``): goal 1, every page ≥ 0.5 × ``/privacy`` (the same server in the same run), with 1 and with several
  workers;
- ``writes``: ``writes`` with the same worker counts (goal 2: no "database is locked" on SQLite; goal 3: a
  support, a comment, a cast each cost ≤ 3 bare pages, the vote burst's p95 < 3 s, nothing lost or doubled),
  then ``writes --kill`` (kill -9 mid-burst: nothing acknowledged lost, nothing doubled);
- ``sse``: ``debates_sse`` on an empty database, with the server as ``make run`` starts it (goal 5: p95 from
  the moderator's action to the phones < 250 ms, none missed, pages ≥ 0.5 × their idle rate meanwhile).

PostgreSQL runs in a throw-away cluster (``_datasets.postgres_cluster``, as ``.ci/run``) unless
``--postgres-url`` names a server to use (databases ``goals_*`` are made on it, and a template of the city).
Each run's JSON is kept per database (``results/city_pages-sqlite.json``, ``writes-postgresql.json``,
``writes_kill-...``, ``debates_sse-...``; the benchmarks also write their usual ``results/<name>.json``), and
the table -- each goal's figure on SQLite and on PostgreSQL, met or not met, "not measured" where a run is
missing or failed -- is printed and written to ``results/goals.json`` and ``results/goals.md``.
``--table-only`` builds the table again from the kept JSON without measuring.

    .venv/bin/python -m benchmarks goals                       # everything (make bench)
    .venv/bin/python -m benchmarks.goals --quick --scale small --databases sqlite
    .venv/bin/python -m benchmarks.goals --only pages --postgres-url postgresql+psycopg://consult@127.0.0.1:5432
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from benchmarks import RESULTS, write_result

ROOT = Path(__file__).resolve().parent.parent
DATABASES = ("sqlite", "postgresql")
PARTS = ("pages", "writes", "sse")
#: the benchmark runs behind each part, by the name their JSON is kept under
RUNS = {"pages": ("city_pages",), "writes": ("writes", "writes_kill"), "sse": ("debates_sse",)}
#: ``python -m benchmarks`` without names leaves this one out (it runs the others again)
INCLUDED_IN_ALL = False
PAGE_GOAL, WRITE_COST_GOAL, BURST_P95_GOAL_MS, SSE_P95_GOAL_MS, SSE_PAGE_GOAL = 0.5, 3.0, 3000, 250, 0.5
NOT_MEASURED = "not measured"
BARE_PAGE = "/privacy"
#: smaller settings for a smoke run (--quick): every step runs, no figure is the goals' own
QUICK = {
    "city_pages": ["--seconds", "0.5", "--rounds", "1", "--clients", "4", "--no-queries"],
    "writes": ["--clients", "4", "--voters", "8", "--per-client", "1", "--bare", "2"],
    "writes_kill": ["--clients", "2", "--voters", "12", "--per-client", "1", "--kill-after", "8"],
    "debates_sse": ["--clients", "50", "--actions", "4", "--interval", "0.5", "--quiet-actions", "1",
                    "--page-clients", "2", "--page-seconds", "1", "--likes-per-minute", "60"],
}
#: runs a benchmark's main() in a child process and keeps what it returned as results/<name>-<database>.json
CHILD = ("import importlib, sys\nfrom benchmarks import write_result\n"
         "figures = importlib.import_module('benchmarks.' + sys.argv[1]).main(sys.argv[3:])\n"
         "print('kept in', write_result(sys.argv[2], figures))\n")


def make_run_threads() -> int:
    """The page threads of a ``make run`` worker (the Makefile's ``THREADS ?=``), 16 if not found."""
    with contextlib.suppress(OSError):
        found = re.search(r"^THREADS \?= *(\d+)", (ROOT / "Makefile").read_text(), re.M)
        if found:
            return int(found.group(1))
    return 16


# ------------------------------------------------------------------------------------------------ measuring


def _postgres_prefix(url: str) -> str:
    """``postgresql+psycopg://user@host:port`` from a server's URL, with or without a database name."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))


def _run_child(module: str, kept_as: str, argv: list[str]) -> str | None:
    """Run one benchmark; None when it worked, else what went wrong."""
    print(f"\n== {kept_as}: python -m benchmarks.{module} {' '.join(argv)}", flush=True)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", CHILD, module, kept_as, *argv], cwd=ROOT)
    print(f"== {kept_as}: {time.monotonic() - started:.0f} s, exit {done.returncode}", flush=True)
    return None if done.returncode == 0 else f"exit {done.returncode}"


def _steps(database: str, args, prefix: str | None) -> list[tuple[str, str, list[str], object]]:
    """(module, name kept, argv, a function preparing the database and returning extra argv) of each run."""
    from benchmarks._datasets import _admin, city_database

    workers = args.workers
    threads = make_run_threads()

    def city(name: str) -> str:
        return city_database(database, scale=args.scale, postgres_prefix=prefix, name=name)

    def pages():
        return ["--database-url", city("goals_pages"),
                "--servers", ",".join(f"{w}x{threads}" for w in workers)]

    def writes():
        if database == "sqlite":
            return ["--sqlite", city("goals_writes").removeprefix("sqlite:///")]
        return ["--no-sqlite", "--postgres", city("goals_writes")]

    def sse():
        if database == "sqlite":
            return []  # a scratch SQLite file of its own
        _admin(prefix, 'DROP DATABASE IF EXISTS "goals_sse"')
        _admin(prefix, 'CREATE DATABASE "goals_sse"')
        return ["--database-url", f"{prefix}/goals_sse"]

    ws = ["--workers", ",".join(str(w) for w in workers)]
    steps = []
    if "pages" in args.only:
        steps.append(("city_pages", "city_pages", [], pages))
    if "writes" in args.only:
        steps.append(("writes", "writes", ws, writes))
        steps.append(("writes", "writes_kill", [*ws, "--kill"], writes))
    if "sse" in args.only:
        steps.append(("debates_sse", "debates_sse", [], sse))
    return steps


def measure_database(database: str, args, prefix: str | None) -> dict[str, str | None]:
    """Every run of the parts chosen on one database: {name kept: None, or what went wrong}."""
    outcome = {}
    for module, name, argv, prepare in _steps(database, args, prefix):
        try:
            extra = prepare()
        except Exception as error:  # noqa: BLE001 - a dataset that fails leaves its figures "not measured"
            outcome[name] = f"the database could not be prepared: {error}"
            print(f"== {name}-{database}: {outcome[name]}", flush=True)
            continue
        quick = QUICK[name] if args.quick else []
        outcome[name] = _run_child(module, f"{name}-{database}", [*argv, *extra, *quick])
        if database == "sqlite" and extra and extra[0] in ("--database-url", "--sqlite"):
            scratch = Path(extra[1].removeprefix("sqlite:///")).parent
            if scratch.name.startswith("consult-bench-"):
                shutil.rmtree(scratch, ignore_errors=True)
    return outcome


def measure(args) -> dict[str, dict[str, str | None]]:
    outcomes = {}
    for database in args.databases:
        print(f"\n==== {database}", flush=True)
        if database == "sqlite":
            outcomes[database] = measure_database(database, args, None)
        elif args.postgres_url:
            prefix = _postgres_prefix(args.postgres_url)
            try:
                outcomes[database] = measure_database(database, args, prefix)
            finally:
                from benchmarks._datasets import _admin

                for name in ("goals_pages", "goals_writes", "goals_sse"):
                    with contextlib.suppress(Exception):
                        _admin(prefix, f'DROP DATABASE IF EXISTS "{name}"')
        else:
            from benchmarks._datasets import postgres_cluster

            with postgres_cluster() as prefix:
                outcomes[database] = measure_database(database, args, prefix)
    return outcomes


def load_figures(databases, outcomes: dict | None = None) -> dict[str, dict[str, dict | None]]:
    """The kept figures: {database: {run name: figures, or None when there is no JSON}}; with ``outcomes``
    (what this invocation ran), only those of the runs that worked (not an earlier run's)."""
    found: dict[str, dict[str, dict | None]] = {}
    for database in databases:
        found[database] = {}
        for names in RUNS.values():
            for name in names:
                path = RESULTS / f"{name}-{database}.json"
                if outcomes is not None and (name not in outcomes.get(database, {})
                                             or outcomes[database][name] is not None):
                    found[database][name] = None
                    continue
                try:
                    found[database][name] = json.loads(path.read_text())["figures"]
                except (OSError, ValueError, KeyError):
                    found[database][name] = None
    return found


# ------------------------------------------------------------------------------------------------ the table


def _ok(met: bool, text: str) -> dict:
    return {"text": text, "met": bool(met)}


def _workers_label(key: str) -> str:
    count = int(re.match(r"\D*(\d+)", key).group(1))
    return f"{count} worker" + ("s" if count != 1 else "")


def _page_cells(pages: dict | None) -> dict[tuple, tuple[str, dict]]:
    cells: dict[tuple, tuple[str, dict]] = {}
    for server, served in ((pages or {}).get("servers") or {}).items():
        for name, figure in served["pages"].items():
            key = ("1", "pages", re.sub(r"[\d,]+", "N", name), server.split("x")[0])
            label = f"{name}, {_workers_label(server)}"
            if "ratio" not in figure:
                cells[key] = (label, {"text": f"error: {figure.get('error', '?')}"[:40], "met": False})
                continue
            cpu = f" (cpu {figure['cpu_ratio']:.2f})" if figure.get("cpu_ratio") is not None else ""
            cells[key] = (label, _ok(figure["ratio"] >= PAGE_GOAL, f"{figure['ratio']:.2f}{cpu}"))
    return cells


def _lost_doubled(check: dict) -> tuple[int, int]:
    lost = sum(v for k, v in check.items() if k.endswith(" lost"))
    doubled = sum(v for k, v in check.items() if k.endswith(" doubled"))
    return lost, doubled


def _write_cells(writes: dict | None, database: str) -> dict[tuple, tuple[str, dict]]:
    cells: dict[tuple, tuple[str, dict]] = {}
    for label, run in ((writes or {}).get("databases") or {}).get(database, {}).items():
        w = label.rsplit("-", 1)[1]
        workers = _workers_label(w)
        if database == "sqlite":
            locked = run.get("server_errors", {}).get("database is locked", 0)
            cells[("2", "writes", "locked", w)] = (f'"database is locked" failures, {workers}',
                                                   _ok(locked == 0, str(locked)))
        for kind in ("support", "comment", "cast"):
            cost = run["writes"][kind]
            if cost.get("cpu_cost_in_bare_pages") is None:
                continue
            wall = f" (wall {cost['bare_per_op']:.2f})" if cost.get("bare_per_op") is not None else ""
            cells[("3", "writes", kind, w)] = (f"a {kind}: cost in bare pages, {workers}",
                                     _ok(cost["cpu_cost_in_bare_pages"] <= WRITE_COST_GOAL,
                                         f"{cost['cpu_cost_in_bare_pages']:.2f}{wall}"))
        burst = run["burst"]
        p95, complete = burst["flow"].get("p95_ms"), burst["flow"].get("complete", 0)
        text = f"{p95 / 1000:.2f} s ({complete}/{burst['voters']})" if p95 is not None else \
            f"– ({complete}/{burst['voters']})"
        met = p95 is not None and p95 < BURST_P95_GOAL_MS and complete == burst["voters"]
        cells[("3", "writes", "burst", w)] = (
            f"vote burst of {burst['voters']}: p95 (voters through), {workers}", _ok(met, text))
        lost, doubled = _lost_doubled(run.get("check", {}))
        cells[("3", "writes", "lost", w)] = (f"writes lost · doubled, {workers}",
                                   _ok(lost == 0 and doubled == 0, f"{lost} · {doubled}"))
    return cells


def _kill_cells(kill: dict | None, database: str) -> dict[tuple, tuple[str, dict]]:
    cells: dict[tuple, tuple[str, dict]] = {}
    for label, run in ((kill or {}).get("databases") or {}).get(database, {}).items():
        w = label.rsplit("-", 1)[1]
        _lost, doubled = _lost_doubled(run.get("check", {}))
        lost = run.get("acknowledged_lost", _lost)
        notes = [note for note, fine in (("not killed mid-burst", run.get("killed_mid_burst")),
                                         ("no page after restart", run.get("serves_after_restart")))
                 if not fine]
        text = f"{lost} · {doubled}" + (f" ({', '.join(notes)})" if notes else "")
        cells[("3", "kill", "kill", w)] = (
            f"kill -9 mid-burst: acknowledged lost · doubled, {_workers_label(w)}",
            _ok(lost == 0 and doubled == 0 and not notes, text))
    return cells


def _sse_cells(sse: dict | None) -> dict[tuple, tuple[str, dict]]:
    if not sse:
        return {}
    streams = f"{sse['clients']:,} streams"
    cells: dict[tuple, tuple[str, dict]] = {}
    p95 = sse.get("latency_p95_ms")
    cells[("5", "sse", "p95", "")] = (
        f"moderator's action → phones: p95, {streams}",
        _ok(p95 is not None and p95 < SSE_P95_GOAL_MS, "–" if p95 is None else f"{p95:.0f} ms"))
    connected = sse.get("connected", 0)
    cells[("5", "sse", "missed", "")] = (f"markers missed (streams connected), {streams}",
                              _ok(sse.get("missed") == 0 and connected == sse["clients"],
                                  f"{sse.get('missed')} ({connected:,}/{sse['clients']:,})"))
    for page, figure in (sse.get("pages") or {}).items():
        name = BARE_PAGE if page == BARE_PAGE else "the debate's page"
        cells[("5", "sse", name, "")] = (f"{name} with the streams open, × idle",
                              _ok(figure["ratio"] >= SSE_PAGE_GOAL, f"{figure['ratio']:.2f}"))
    return cells


GOALS = {
    "1": f"every page ≥ {PAGE_GOAL} × {BARE_PAGE} (same server, same run)",
    "2": 'SQLite: 0 "database is locked" under the write mix',
    "3": f"writes: a support, comment, cast ≤ {WRITE_COST_GOAL:g} bare pages; burst p95 < "
         f"{BURST_P95_GOAL_MS / 1000:g} s; 0 lost, 0 doubled (also after kill -9)",
    "5": f"live events: p95 < {SSE_P95_GOAL_MS} ms, none missed, pages ≥ {SSE_PAGE_GOAL} × idle meanwhile",
}


def build_rows(figures: dict[str, dict[str, dict | None]], databases=DATABASES) -> list[dict]:
    """The table's rows from each database's figures ({database: {run name: figures or None}}): goal, what,
    a cell per database ({"text", "met"} or None: not measured) and the verdict."""
    per_database = {}
    for database in databases:
        runs = figures.get(database) or {}
        per_database[database] = {**_page_cells(runs.get("city_pages")),
                                  **_write_cells(runs.get("writes"), database),
                                  **_kill_cells(runs.get("writes_kill"), database),
                                  **_sse_cells(runs.get("debates_sse"))}
    keys: dict[tuple, str] = {}
    for cells in per_database.values():
        for key, (label, _cell) in cells.items():
            keys.setdefault(key, label)
    for key, label in _expected_rows(databases).items():
        if not any(k[:2] == key[:2] for k in keys):
            keys[key] = label
    first_seen = {}
    for key in keys:
        first_seen.setdefault(key[:3], len(first_seen))
    rows = []
    for key in sorted(keys, key=lambda k: (k[0], GROUPS.index(k[1]), first_seen[k[:3]], int(k[3] or 0))):
        applies = [db for db in databases if key[0] != "2" or db == "sqlite"]
        cells = {db: per_database[db].get(key, (None, None))[1] if db in applies else "n/a"
                 for db in databases}
        measured = [cells[db] for db in applies if cells[db] is not None]
        if any(not cell["met"] for cell in measured):
            verdict = "not met"
        elif len(measured) < len(applies) or not measured:
            verdict = NOT_MEASURED
        else:
            verdict = "met"
        rows.append({"goal": key[0], "what": keys[key], "cells": cells, "verdict": verdict})
    return rows


GROUPS = ("pages", "writes", "kill", "sse")


def _expected_rows(databases) -> dict[tuple, str]:
    """A row for each goal's runs even when nothing measured them: a missing run shows as "not measured"."""
    rows = {("1", "pages", "", ""): "the city's busiest pages, × /privacy",
            ("3", "writes", "", ""): "writes: cost in bare pages; vote burst; lost · doubled",
            ("3", "kill", "", ""): "kill -9 mid-burst: acknowledged lost · doubled",
            ("5", "sse", "", ""): "moderator's action → phones: p95, none missed, pages × idle"}
    if "sqlite" in databases:
        rows[("2", "writes", "", "")] = '"database is locked" failures'
    return rows


def _cell_text(cell) -> str:
    if cell is None:
        return NOT_MEASURED
    if cell == "n/a":
        return "n/a"
    return cell["text"]


def render_text(rows: list[dict], databases) -> str:
    header = ["goal", *(_NAMES[db] for db in databases), "met"]
    body = [[f"{row['goal']}. {row['what']}", *(_cell_text(row["cells"][db]) for db in databases),
             row["verdict"]] for row in rows]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    lines = ["  ".join(text.ljust(widths[i]) for i, text in enumerate(header)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(text.ljust(widths[i]) for i, text in enumerate(line)).rstrip() for line in body]
    return "\n".join(lines)


def render_markdown(rows: list[dict], databases) -> str:
    lines = ["| goal | " + " | ".join(_NAMES[db] for db in databases) + " | met |",
             "|---|" + "---|" * len(databases) + "---|"]
    for row in rows:
        cells = " | ".join(_cell_text(row["cells"][db]) for db in databases)
        lines.append(f"| {row['goal']}. {row['what']} | {cells} | {row['verdict']} |")
    return "\n".join(lines)


_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def legend(quick: bool, scale: str) -> list[str]:
    lines = [f"goal {number}: {text}" for number, text in GOALS.items()]
    lines.append("pages: wall-clock ratio to /privacy (cpu ratio beside it); writes: CPU cost in bare pages "
                 "(wall-clock bare pages per write beside it); burst: p95 of a voter's 4 requests")
    if quick or scale != "city":
        what = ["--quick settings"] if quick else []
        what += [f"the {scale} dataset"] if scale != "city" else []
        lines.append(f"NOTE: {' and '.join(what)}: a smoke run, not the goals' measurement")
    return lines


def publish(figures, databases, *, quick: bool, scale: str, outcomes: dict | None = None,
            started: float | None = None) -> list[dict]:
    rows = build_rows(figures, databases)
    text, markdown = render_text(rows, databases), render_markdown(rows, databases)
    notes = legend(quick, scale)
    print("\n" + text + "\n\n" + "\n".join(notes))
    counts = {verdict: sum(1 for row in rows if row["verdict"] == verdict)
              for verdict in ("met", "not met", NOT_MEASURED)}
    print(f"{counts['met']} met, {counts['not met']} not met, {counts[NOT_MEASURED]} not measured")
    payload = {"databases": list(databases), "scale": scale, "quick": quick, "counts": counts, "rows": rows,
               "runs": outcomes, "legend": notes}
    if started is not None:
        payload["seconds"] = round(time.monotonic() - started)
    write_result("goals", payload)
    (RESULTS / "goals.md").write_text(markdown + "\n\n" + "\n".join(f"- {n}" for n in notes) + "\n")
    print(f"written to {(RESULTS / 'goals.json').relative_to(ROOT)} and "
          f"{(RESULTS / 'goals.md').relative_to(ROOT)}")
    return rows


def _list(choices):
    def parse(text: str) -> list[str]:
        items = [item.strip() for item in text.split(",") if item.strip()]
        unknown = [item for item in items if item not in choices]
        if unknown:
            raise argparse.ArgumentTypeError(f"unknown: {', '.join(unknown)} "
                                             f"(choose from {', '.join(choices)})")
        return items
    return parse


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[2:]))
    parser.add_argument("--databases", type=_list(DATABASES), default=list(DATABASES),
                        help="comma-separated (default sqlite,postgresql)")
    parser.add_argument("--scale", default="city", help="the generated dataset: city (default) or small")
    parser.add_argument("--only", type=_list(PARTS), default=list(PARTS),
                        help="comma-separated parts: pages, writes (with the kill -9 run), sse (default all)")
    parser.add_argument("--workers", default=None,
                        help="server worker counts for pages and writes (default 1,2,4; with --quick 1,2)")
    parser.add_argument("--quick", action="store_true",
                        help="small settings for a smoke run (seconds, clients, phones): not the goals' "
                             "figures")
    parser.add_argument("--postgres-url", help="a running PostgreSQL server to use (postgresql+psycopg://user@host:"
                                               "port) instead of a throw-away cluster")
    parser.add_argument("--table-only", action="store_true",
                        help="measure nothing: the table from the kept results/<name>-<database>.json "
                             "(give the --quick and --scale they were measured with, for the table's note)")
    args = parser.parse_args(argv if argv is not None else [])
    args.workers = [int(w) for w in (args.workers or ("1,2" if args.quick else "1,2,4")).split(",")]
    started = time.monotonic()
    outcomes = None if args.table_only else measure(args)
    rows = publish(load_figures(args.databases, outcomes), args.databases, quick=args.quick, scale=args.scale,
                   outcomes=outcomes, started=started)
    print(f"goals: {time.monotonic() - started:.0f} s")
    return {"rows": rows, "runs": outcomes}


if __name__ == "__main__":
    main(sys.argv[1:])
