"""Benchmark: a proposal page with 500 comments, as a ratio to a bare page of the same layout.

A scratch SQLite database gets a process with P proposals (1,000 by default) through
``consult.demo.generate.bulk``; one of them gets C comments (500 by default: bulk inserts, threaded three
levels deep, from many authors, some edited, deleted or hidden) and a few official answers in two languages.
The page is requested through the WSGI app in-process (its SQL query count is printed too, and its CPU time
per request, gzip included, next to that of a bare page rendering the same base layout,
``cpu_ratio_to_bare``), then the same database is served by gunicorn exactly as in
``benchmarks/proposals_list.py`` (same bare page, same clients), for anonymous readers. A proposal of the same
data without comments is measured alongside. JSON goes to ``benchmarks/results/proposal_page.json``.

    .venv/bin/python -m benchmarks.proposal_page [--comments 500] [--proposals 1000] [--requests 30]
        [--http-requests 200] [--clients 4] [--no-gunicorn]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import timedelta

from benchmarks import write_result
from benchmarks.proposals_list import _measure, print_figures, run_gunicorn


def _comments(proposal_id: int, author_ids: list[int], n: int, seed: int = 7) -> list[dict]:
    """``n`` comment rows on one proposal: a third replies, a sixth replies to replies; a few edited, deleted
    or hidden."""
    rng = random.Random(seed)
    from consult.core.models import utcnow

    start = utcnow() - timedelta(days=20)
    rows, by_depth = [], {1: [], 2: []}
    for i in range(n):
        depth = 1 if i < 10 else rng.choice((1, 1, 1, 2, 2, 3))
        parent = rng.choice(by_depth[depth - 1]) if depth > 1 and by_depth[depth - 1] else None
        depth = depth if parent else 1
        at = start + timedelta(minutes=40 * i)
        words = " ".join(rng.choice(("the", "card", "**library**", "welcome", "desk",
                                     "[map](https://example.org)", "district", "- list item\n", "newcomer",
                                     "*help*"))
                         for _ in range(rng.randint(8, 60)))
        row = {"id": None, "target_type": "proposal", "target_id": proposal_id, "parent_id": parent,
               "depth": depth, "author_id": rng.choice(author_ids), "body": words,
               "alignment": rng.choice(("in_favour", "against", "neutral")), "created_at": at,
               "updated_at": at, "edited_at": at + timedelta(hours=1) if i % 17 == 0
               else None, "deleted_at": at + timedelta(hours=2) if i % 41 == 0 else None,
               "hidden_at": at + timedelta(hours=3) if i % 53 == 0 else None,
               "hidden_reason": "Off-topic" if i % 53 == 0 else None}
        rows.append(row)
        if depth < 3:
            by_depth[depth].append(i)  # index now, id after insert
    return rows


def build(tmp: str, n_proposals: int, n_comments: int):
    import sqlalchemy as sa

    from consult import create_app
    from consult.accounts.models import User
    from consult.comments.models import Comment
    from consult.core.schema_extras import create_all_extras
    from consult.demo.generate.bulk import add_proposals
    from consult.extensions import db
    from consult.processes import services as processes
    from consult.proposals import services as proposals
    from consult.proposals.models import Proposal

    app = create_app({"TESTING": True, "INSTANCE_PATH": tmp, "SECRET_KEY": "bench",
                      "RESIDENCE_HMAC_KEY": "bench", "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
        create_all_extras()
        process = processes.create_process(actor=None, title="Benchmark", themes=["A", "B", "C"],
                                           support_threshold=10**6)
        stats = add_proposals(process, proposals=n_proposals, people=1000, supports=10 * n_proposals)
        db.session.commit()
        proposal = db.session.scalar(sa.select(Proposal).where(Proposal.state.in_(("submitted",
                                                                                   "under_review")))
                                     .order_by(Proposal.id).limit(1))
        author_ids = list(db.session.scalars(sa.select(User.id).limit(300)))
        rows = _comments(proposal.id, author_ids, n_comments)
        first = (db.session.scalar(sa.select(sa.func.max(Comment.id))) or 0) + 1
        for i, row in enumerate(rows):
            row["id"] = first + i
            if row["parent_id"] is not None:
                row["parent_id"] = first + row["parent_id"]
        db.session.execute(sa.insert(Comment), rows)
        proposal.comment_count = sum(1 for r in rows if r["deleted_at"] is None)
        moderator = User(username="bench-moderator", display_name="Moderator", language="en")
        db.session.add(moderator)
        db.session.flush()
        from consult.accounts.services import grant_role

        grant_role(moderator, "moderator")
        proposals.answer(proposal, moderator, state="under_review", language="en",
                         text="The services **study** it.")
        proposals.answer(proposal, moderator, state="under_review", language="fr",
                         text="Les services l'étudient.")
        db.session.commit()
        return app, proposal.id, stats


def _cpu_ms(client, url: str, n: int) -> float:
    """CPU time (this process: the app and the test client) per request, after two warm-up requests; asked
    with ``Accept-Encoding: gzip`` as ``benchmarks/pages.py`` asks (compressing a long page is part of its
    cost)."""
    headers = {"Accept-Encoding": "gzip"}
    client.get(url, headers=headers)
    client.get(url, headers=headers)
    start = time.process_time()
    for _ in range(n):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code)
    return (time.process_time() - start) / n * 1000


def run(n_proposals: int, n_comments: int, n_requests: int, http_requests: int, clients: int,
        use_gunicorn: bool) -> dict:
    from consult.extensions import db

    with tempfile.TemporaryDirectory(prefix="consult-bench-") as tmp:
        t = time.perf_counter()
        app, proposal_id, stats = build(tmp, n_proposals, n_comments)
        fill_seconds = time.perf_counter() - t
        url = f"/proposals/{proposal_id}"
        from flask import render_template_string

        # the yardstick of benchmarks/_bare_app.py: the base layout around an empty content block
        app.add_url_rule("/_bench/bare", "bench_bare", lambda: render_template_string(
            '{% extends "base.html" %}{% block content %}{% endblock %}'))
        client = app.test_client()
        # outside an app context, so that each request has its own (``g`` is not shared between requests)
        cpu = {"bare": _cpu_ms(client, "/_bench/bare", n_requests), "proposal_500_comments": _cpu_ms(
            client, url, n_requests), "proposal_no_comments": _cpu_ms(client, f"/proposals/{proposal_id + 1}",
                                                                      n_requests)}
        with app.app_context():
            bare, bare_q = _measure(client, "/privacy", n_requests, db)
            rate, queries = _measure(client, url, n_requests, db)
            small, small_q = _measure(client, f"/proposals/{proposal_id + 1}", n_requests, db)
            db.session.remove()
            db.engine.dispose()
        figures = {"proposal_500_comments": {"ratio_to_bare": round(rate / bare, 3), "queries": queries,
                                             "per_second": round(rate, 1),
                                             "cpu_ms": round(cpu["proposal_500_comments"], 2),
                                             "cpu_ratio_to_bare": round(cpu["bare"]
                                                                        / cpu["proposal_500_comments"], 3)},
                   "proposal_no_comments": {"ratio_to_bare": round(small / bare, 3), "queries": small_q,
                                            "per_second": round(small, 1),
                                            "cpu_ms": round(cpu["proposal_no_comments"], 2),
                                            "cpu_ratio_to_bare": round(cpu["bare"]
                                                                       / cpu["proposal_no_comments"], 3)}}
        served = (run_gunicorn(tmp, f"sqlite:///{tmp}/bench.sqlite3",
                               {"proposal_500_comments": url,
                                "proposal_no_comments": f"/proposals/{proposal_id + 1}"},
                               http_requests, clients) if use_gunicorn else None)
        return {"comments": n_comments, "data": stats, "fill_seconds": round(fill_seconds, 1),
                "bare_per_second": round(bare, 1), "bare_queries": bare_q,
                "bare_cpu_ms": round(cpu["bare"], 2), "pages": figures, "gunicorn": served}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=1_000)
    parser.add_argument("--comments", type=int, default=500)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--http-requests", type=int, default=200, help="requests per page under gunicorn")
    parser.add_argument("--clients", type=int, default=4, help="client threads under gunicorn")
    parser.add_argument("--no-gunicorn", action="store_true", help="only the in-process figures")
    args = parser.parse_args(argv if argv is not None else [])
    result = run(args.proposals, args.comments, args.requests, args.http_requests, args.clients,
                 not args.no_gunicorn)
    print_figures(result, width=24)
    print(f"CPU time per request, in-process (bare page {result['bare_cpu_ms']} ms):")
    for name, figure in result["pages"].items():
        print(f"  {name:24} {figure['cpu_ms']:7.2f} ms   cpu_ratio_to_bare {figure['cpu_ratio_to_bare']:.3f}")
    write_result("proposal_page", result)


if __name__ == "__main__":
    main(sys.argv[1:])
