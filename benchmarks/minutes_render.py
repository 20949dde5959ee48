"""Benchmark: minutes of a session with 30 agenda items, 40 members and 20 motions (named votes).

Measures, in one run, the draft generation (record → Markdown, and the whole ``create_draft`` service with its
database writes) and the PDF rendering (WeasyPrint), each as a ratio to rendering the same minutes as the HTML
document; and the PDF's size. Writes ``benchmarks/results/minutes_render.json``.

    python -m benchmarks.minutes_render [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results" / "minutes_render.json"


def big_record(items: int = 30, members: int = 40, motions: int = 20) -> dict:
    names = [f"Member {n}" for n in range(1, members + 1)]
    record = {
        "kind": "council_session", "id": 1, "title": "Budget session", "body": "Council of Cultures",
        "starts_at": "2026-12-18T17:00:00", "ends_at": "2026-12-18T21:30:00", "place": "Town hall",
        "online_link": None, "language": "en", "chaired_by": [names[0]], "written_by": [names[1]],
        "attendance": {
            "present": [{"name": n, "role": "member", "arrived_at": None, "left_at": None}
                        for n in names[:34]],
            "excused": [{"name": n, "role": "member"} for n in names[34:38]],
            "absent": [{"name": n, "role": "member"} for n in names[38:]],
        },
        "quorum": {"required": 21, "present": 34, "reached": True},
        "items": [], "segments": [], "speakers": [], "questions": [], "polls": [],
    }
    for i in range(1, items + 1):
        item_motions = []
        if i <= motions:
            item_motions.append({
                "text": f"Adopt year {i} of the multi-year action plan.", "rule": "simple majority",
                "mode": "named", "yes": 20, "no": 10, "abstain": 4, "verdict": "adopted" if i % 3
                else "rejected", "named_votes": [{"name": n, "choice": ("yes", "no", "abstain")[k % 3]}
                                for k, n in enumerate(names[:34])],
            })
        record["items"].append({
            "number": str(i), "title": f"Agenda item {i}", "kind": "decision",
            "description": "Discussion of the multi-year action plan built with civil society. " * 3,
            "started_at": None, "ended_at": None, "notes": "Notes of the discussion. " * 12,
            "speakers": [{"name": names[(i + k) % members], "order": k} for k in range(4)],
            "motions": item_motions, "decisions": [f"Decision {i}"] if item_motions else [],
            "actions": [{"text": f"Action {i}", "owner": "Welcome office", "due": "2027-12-18"}],
            "proposals": [],
        })
    return record


def _best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def run(repeat: int) -> dict:
    from consult import create_app
    from consult.extensions import db
    from consult.minutes import export, services
    from consult.minutes.drafting import draft_markdown

    record = big_record()
    with tempfile.TemporaryDirectory(prefix="consult-bench-") as tmp:
        app = create_app({"INSTANCE_PATH": tmp, "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
                          "SECRET_KEY": "bench", "RESIDENCE_HMAC_KEY": "bench-key-0123456789abcdef",
                          "SERVER_NAME": "bench.local"})
        with app.app_context(), app.test_request_context():
            db.create_all()
            minutes = services.create_draft(record, council_id=1)
            db.session.commit()
            export.to_pdf(minutes)  # warm fonts and caches once, untimed

            html_best, html_median = _best(lambda: export.document_html(minutes), repeat)
            draft_best, draft_median = _best(lambda: draft_markdown(record), repeat)

            counter = iter(range(1000, 100000))

            def create():
                services.create_draft(dict(record, id=next(counter)), council_id=1)
                db.session.flush()

            service_best, service_median = _best(create, repeat)
            db.session.rollback()
            pdf_best, pdf_median = _best(lambda: export.to_pdf(minutes), max(2, repeat // 2))
            pdf = export.to_pdf(minutes)
            html_size = len(export.document_html(minutes).encode())
    return {
        "benchmark": "minutes_render",
        "shape": {"agenda_items": 30, "members": 40, "motions": 20, "markdown_chars": len(minutes.body)},
        "html_render_seconds": round(html_best, 5),
        "draft_markdown_to_html_ratio": round(draft_best / html_best, 2),
        "draft_service_to_html_ratio": round(service_best / html_best, 2),
        "pdf_to_html_ratio": round(pdf_best / html_best, 1),
        "pdf_bytes": len(pdf),
        "html_bytes": html_size,
        "medians_seconds": {"html": round(html_median, 5), "draft_markdown": round(draft_median, 5),
                            "draft_service": round(service_median, 5), "pdf": round(pdf_median, 4)},
        "repeat": repeat,
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv if argv is not None else [])
    result = run(args.repeat)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"minutes of 30 items / 40 members / 20 motions ({result['shape']['markdown_chars']} chars of "
          "Markdown)")
    print(f"  HTML document rendering:      1.00 (reference, {result['html_render_seconds'] * 1000:.1f} ms)")
    print(f"  draft generation (Markdown):  {result['draft_markdown_to_html_ratio']:.2f} × HTML")
    print(f"  draft service (with DB):      {result['draft_service_to_html_ratio']:.2f} × HTML")
    print(f"  PDF rendering (WeasyPrint):   {result['pdf_to_html_ratio']:.1f} × HTML")
    print(f"  PDF size:                     {result['pdf_bytes'] / 1024:.0f} KiB")
    print(f"  → {RESULTS}")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
