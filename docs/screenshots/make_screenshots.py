"""Take the README's screenshots: the main pages of the demo, in English and Arabic, with Debian's Chromium.

    .venv/bin/python docs/screenshots/make_screenshots.py [--out docs/screenshots] [--chromium /usr/bin/chromium]

The app runs from a thread on a throw-away SQLite database (a temporary instance folder) with the demo loaded,
exactly as ``make run`` loads it; the upcoming debate is then started by its moderator so the projector and the
console show a live debate. Each page is shot at 1280×800 (the top of the page, as a visitor sees it first) and
the PNG is reduced to a 256-colour palette to keep the README light. Nothing is fetched from the network.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

VIEWPORT = {"width": 1280, "height": 800}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
LANGUAGES = ("en", "ar")


def _build_app(instance: Path):
    from consult import create_app
    from consult.extensions import db

    app = create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": "screenshots",
                      "RESIDENCE_HMAC_KEY": "screenshots-residence-key-0123456789",
                      "DATABASE_URL": f"sqlite:///{instance / 'screenshots.sqlite3'}", "MAIL_SERVER": None,
                      # the demo's background tasks (notifications) run as it commits: no consumer here
                      "RATELIMIT_ENABLED": False, "TASKS_IMMEDIATE": True})
    with app.app_context():
        from consult.core.schema_extras import create_all_extras
        from consult.demo import load_demo

        db.create_all()
        create_all_extras()
        with app.test_request_context():
            load_demo(progress=False)
            db.session.commit()
        pages = _pages(db)
    return app, pages


def _pages(db) -> list[tuple[str, str, str | None]]:
    """(file name, path, who signs in) of each page, looked up in the demo data."""
    import sqlalchemy as sa

    from consult.accounts.services import get_user_by_username
    from consult.debates import services as debates
    from consult.debates.models import Debate
    from consult.meetings.models import CouncilSession
    from consult.minutes.models import Minutes
    from consult.proposals.models import Proposal
    from consult.votes.models import Poll

    held = db.session.scalar(sa.select(CouncilSession).where(CouncilSession.status == "closed")
                             .order_by(CouncilSession.id))
    minutes = db.session.scalar(sa.select(Minutes.id).where(Minutes.source_type == "council_session",
                                                            Minutes.source_id == held.id).order_by(Minutes.id))
    # each language shows the minutes in that language when the demo's translator made it
    translated = dict(db.session.execute(sa.select(Minutes.language, Minutes.id).where(
        Minutes.translation_of_id == minutes, Minutes.status == "published")).all())
    minutes_paths = {lang: f"/minutes/{translated.get(lang, minutes)}" for lang in LANGUAGES}
    card = db.session.scalar(sa.select(Proposal.id).order_by(Proposal.id))
    poll = db.session.scalar(sa.select(Poll.id).where(Poll.method == "ranked_irv", Poll.status == "closed"))
    upcoming = db.session.scalar(sa.select(Debate).where(Debate.status == "scheduled").order_by(Debate.id))
    _start_live(db, debates, upcoming, get_user_by_username("moderator"))
    return [
        ("home", "/", None),
        ("council", "/councils/council-of-cultures/", None),
        ("session", f"/sessions/{held.id}", None),
        ("proposals", "/proposals", None),
        ("proposal", f"/proposals/{card}", None),
        ("poll-results", f"/polls/{poll}/results", None),
        ("minutes", minutes_paths, None),
        ("debate-projector", f"/debates/{upcoming.id}/projector", None),
        ("debate-console", f"/debates/{upcoming.id}/console", "moderator"),
    ]


def _start_live(db, debates, debate, moderator) -> None:
    """The upcoming debate goes live: first segment done, an expert speaking, a question on screen."""
    import sqlalchemy as sa

    from consult.debates.models import Question

    debates.start_debate(debate, moderator)
    debates.go_to_segment(debate, moderator)
    request = debates.add_speaker(debate, moderator, "Dr. Elena Costa", role="expert")
    debates.start_speech(debate, request, limit_seconds=300)
    question = db.session.scalar(sa.select(Question).where(Question.debate_id == debate.id).order_by(Question.id))
    debates.set_question_status(debate, question, "live", moderator)
    db.session.commit()


class _Server(threading.Thread):
    def __init__(self, app):
        from werkzeug.serving import make_server

        super().__init__(daemon=True)
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.base = f"http://127.0.0.1:{self.server.server_port}"

    def run(self):
        self.server.serve_forever()


def _sign_in(page, base, username):
    page.goto(f"{base}/sign-in")
    page.locator("#username").fill(username)
    page.locator("#password").fill("consult-demo")
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()


def _optimise(path: Path) -> None:
    try:
        from PIL import Image
    except ImportError:  # Pillow is optional: the PNG stays as Chromium wrote it
        return
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent))
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="consult-screenshots-") as folder:
        app, pages = _build_app(Path(folder))
        server = _Server(app)
        server.start()
        total = 0
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS, headless=True)
            for lang in LANGUAGES:
                contexts = {}
                for name, path, who in pages:
                    if who not in contexts:
                        context = browser.new_context(viewport=VIEWPORT, locale=lang, reduced_motion="reduce")
                        page = context.new_page()
                        if who:
                            _sign_in(page, server.base, who)
                        page.goto(f"{server.base}/?lang={lang}")
                        contexts[who] = (context, page)
                    page = contexts[who][1]
                    path = path[lang] if isinstance(path, dict) else path
                    page.goto(server.base + path, wait_until="domcontentloaded")
                    page.wait_for_timeout(300)  # fonts and the live screens' first update
                    target = out / f"{name}-{lang}.png"
                    page.screenshot(path=str(target))
                    _optimise(target)
                    total += target.stat().st_size
                    print(f"{target.name}: {target.stat().st_size // 1024} KB")
                for context, _page in contexts.values():
                    context.close()
            browser.close()
        server.server.shutdown()
    print(f"total: {total / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
