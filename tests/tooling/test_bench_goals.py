"""The goals table of ``make bench`` (benchmarks/goals.py), built from canned JSON figures (no server)."""

from __future__ import annotations

import json

from benchmarks import goals


def _pages(home: float, session: float) -> dict:
    page = {"ratio": None, "cpu_ratio": 0.9, "cpu_ms": 1.0, "bare_per_second": 100.0, "median_ms": 10.0}
    return {"servers": {"1x16": {"pages": {"home": {**page, "ratio": home},
                                           "council session (8 items)": {**page, "ratio": session}}}}}


def _writes(locked: int, cast_cost: float, lost: int) -> dict:
    def kind(cost):
        return {"per_second": 10.0, "bare_per_op": cost + 1, "cpu_cost_in_bare_pages": cost,
                "tasks_cpu_in_bare_pages": 0.1, "p50_ms": 5.0, "p95_ms": 9.0, "outcomes": {"ok": 4}}

    run = {"server_errors": {"database is locked": locked} if locked else {},
           "writes": {"sign_in": kind(9.0), "support": kind(1.2), "comment": kind(2.0), "confirm": kind(1.0),
                      "cast": kind(cast_cost)},
           "burst": {"voters": 400, "flow": {"complete": 400, "p50_ms": 900.0, "p95_ms": 2400.0}},
           "check": {"support lost": lost, "support doubled": 0, "cast lost": 0, "cast doubled": 0}}
    return {"databases": {"sqlite": {"sqlite-1": run}}}


def _rows_by_what(rows):
    return {row["what"]: row for row in rows}


def test_a_goal_met_and_a_goal_not_met():
    figures = {"sqlite": {"city_pages": _pages(home=1.1, session=0.42), "writes": _writes(0, 3.4, 0)},
               "postgresql": {"city_pages": _pages(home=0.9, session=0.6), "writes": None}}
    rows = _rows_by_what(goals.build_rows(figures))

    home = rows["home, 1 worker"]
    assert home["cells"]["sqlite"] == {"text": "1.10 (cpu 0.90)", "met": True}
    assert home["verdict"] == "met"
    session = rows["council session (8 items), 1 worker"]
    assert session["cells"]["sqlite"]["met"] is False
    assert session["cells"]["postgresql"]["met"] is True
    assert session["verdict"] == "not met"  # a goal is met only on both databases
    assert rows['"database is locked" failures, 1 worker']["cells"] == {
        "sqlite": {"text": "0", "met": True}, "postgresql": "n/a"}
    assert rows['"database is locked" failures, 1 worker']["verdict"] == "met"  # SQLite's goal only
    assert rows["a cast: cost in bare pages, 1 worker"]["cells"]["sqlite"] == {"text": "3.40 (wall 4.40)",
                                                                                "met": False}
    assert rows["vote burst of 400: p95 (voters through), 1 worker"]["cells"]["sqlite"] == {
        "text": "2.40 s (400/400)", "met": True}


def test_a_missing_figure_is_not_measured():
    figures = {"sqlite": {"writes": _writes(2, 1.0, 1)}, "postgresql": {}}
    rows = goals.build_rows(figures)
    by_what = _rows_by_what(rows)

    support = by_what["a support: cost in bare pages, 1 worker"]
    assert support["cells"] == {"sqlite": {"text": "1.20 (wall 2.20)", "met": True}, "postgresql": None}
    assert support["verdict"] == "not measured"  # met on SQLite, PostgreSQL not measured
    assert by_what['"database is locked" failures, 1 worker']["verdict"] == "not met"
    assert by_what["writes lost · doubled, 1 worker"]["cells"]["sqlite"] == {"text": "1 · 0", "met": False}
    for missing in ("the city's busiest pages, × /privacy", "kill -9 mid-burst: acknowledged lost · doubled",
                    "moderator's action → phones: p95, none missed, pages × idle"):
        assert by_what[missing]["verdict"] == "not measured"
        assert by_what[missing]["cells"] == {"sqlite": None, "postgresql": None}

    text = goals.render_text(rows, goals.DATABASES)
    assert "not measured" in text.splitlines()[2]  # the pages' row, first under the header
    markdown = goals.render_markdown(rows, goals.DATABASES).splitlines()
    assert markdown[0] == "| goal | SQLite | PostgreSQL | met |"
    row = "| 1. the city's busiest pages, × /privacy | not measured | not measured | not measured |"
    assert row in markdown


def test_the_live_events_figures():
    sse = {"clients": 1000, "connected": 1000, "missed": 0, "latency_p95_ms": 754.8,
           "pages": {"/privacy": {"ratio": 0.67}, "/debates/1": {"ratio": 0.48}}}
    rows = _rows_by_what(goals.build_rows({"sqlite": {"debates_sse": sse}}, ("sqlite",)))

    assert rows["moderator's action → phones: p95, 1,000 streams"]["cells"]["sqlite"] == {"text": "755 ms",
                                                                                          "met": False}
    assert rows["markers missed (streams connected), 1,000 streams"]["verdict"] == "met"
    assert rows["/privacy with the streams open, × idle"]["verdict"] == "met"
    assert rows["the debate's page with the streams open, × idle"]["verdict"] == "not met"


def test_a_failed_run_does_not_show_an_earlier_runs_figures(tmp_path, monkeypatch):
    monkeypatch.setattr(goals, "RESULTS", tmp_path)
    for name in ("city_pages", "writes"):
        (tmp_path / f"{name}-sqlite.json").write_text(json.dumps({"figures": {"kept": name}}))

    kept = goals.load_figures(("sqlite",))  # --table-only: whatever is kept
    assert kept["sqlite"]["city_pages"] == {"kept": "city_pages"}
    assert kept["sqlite"]["writes"] == {"kept": "writes"}
    assert kept["sqlite"]["debates_sse"] is None

    ran = goals.load_figures(("sqlite",), {"sqlite": {"city_pages": None, "writes": "exit 1"}})
    assert ran["sqlite"]["city_pages"] == {"kept": "city_pages"}
    assert ran["sqlite"]["writes"] is None  # failed this time: not measured, whatever an earlier run left
