"""Server-sent events for live debate screens.

A stream subscribes to the broker first, then reads the debate's version. When the browser's ``Last-Event-ID``
is not the current version (first connection, or a reconnection after missed changes), every part is sent at
once, so a screen always shows the current state. Then each change sends the parts that changed, as named
events carrying the HTML fragment the page includes (``sse-swap="<part>"``); a comment line is sent as a
heartbeat when nothing happens, and the stream ends after ``DEBATES_SSE_MAX_SECONDS`` (the browser
reconnects).

The stream holds no database connection while it waits: fragments are rendered in a short session that is
removed at once, and kept in the cache region :data:`RENDERINGS` (the debate, its version, the view and the
language), so the screens woken by one change cost one rendering, not one each.

Parts of the public view: ``status``, ``speakers``, ``question`` (on screen), ``poll`` (results on screen),
``ballot`` (the live poll to answer, or the results of the last one closed), ``questions`` (most liked first)
and ``phase`` (the debate's status; sent when it starts or ends, so that each phone fetches the sections that
are its own, e.g. its place in the speakers queue). A page connects with ``last_event_id`` set to the version
it was drawn at, so a fresh page receives nothing until something changes.
"""

from __future__ import annotations

import queue
import threading
import time

from flask import current_app, render_template
from flask_babel import get_locale

from consult.core import cache
from consult.debates import queries
from consult.debates.events import broker, stamp_of
from consult.extensions import db

PARTS = ("status", "speakers", "question", "poll", "ballot", "questions", "phase")
VIEWS = ("public", "projector")
TEMPLATES = {
    "status": "debates/_status.html",
    "speakers": "debates/_speakers.html",
    "question": "debates/_live_question.html",
    "poll": "debates/_projected_poll.html",
    "ballot": "debates/_public_poll.html",
    "questions": "debates/_questions.html",
}
VIEW_PARTS = {"public": PARTS, "projector": ("status", "speakers", "question", "poll")}


#: all parts of a view, rendered at one version of a debate (``stamp`` tells apart two debates that had the
#: same id, in tests); also kept under the version asked for, which a newer rendering may serve
#: (see ``_render_from_db``)
RENDERINGS = cache.region("debate_live_parts", depends_on=("debate", "stamp", "version", "view"),
                          varies_on=(cache.language,), max_entries=256)
_render_locks: dict = {}
_render_locks_guard = threading.Lock()


def _lock_for(debate_id: int, view: str, locale: str) -> threading.Lock:
    """One rendering at a time per (debate, view, language): when 200 streams wake for the same change, one
    renders and the others wait a moment and take its result from the cache (no thundering herd)."""
    key = (debate_id, view, locale)
    with _render_locks_guard:
        lock = _render_locks.get(key)
        if lock is None:
            lock = _render_locks[key] = threading.Lock()
        return lock


def _render(debate_id: int, view: str, expected: tuple[int, int] | None = None) -> tuple[int, dict[str, str]]:
    """All parts of ``view``: from the cache when ``expected`` (version, stamp) was rendered already (no
    database access at all), else rendered from the database in a short session, released at once.

    The streams woken by one change therefore cost one rendering per language, not one database read each."""
    if expected is not None:
        version, stamp = expected
        cached = RENDERINGS.get(debate=debate_id, stamp=stamp, version=version, view=view)
        if cached is not None:
            return version, cached
        with _lock_for(debate_id, view, str(get_locale())):
            cached = RENDERINGS.get(debate=debate_id, stamp=stamp, version=version, view=view)
            if cached is not None:
                return version, cached
            return _render_from_db(debate_id, view, expected)
    return _render_from_db(debate_id, view, None)


def _render_from_db(debate_id: int, view: str, expected) -> tuple[int, dict[str, str]]:
    try:
        debate = queries.load_debate(debate_id)
        if debate is None:
            return 0, {}
        drawn = dict(debate=debate_id, stamp=stamp_of(debate), version=debate.version, view=view)
        html = RENDERINGS.get(**drawn)
        if html is None:
            state = queries.live_state(debate)
            extra = {"ballot": queries.ballot(state)} if "ballot" in VIEW_PARTS[view] else {}
            html = {part: render_template(TEMPLATES[part], state=state, view=view, streamed=True, **extra)
                    for part in VIEW_PARTS[view] if part in TEMPLATES}
            if "phase" in VIEW_PARTS[view]:
                # a signal: the sections drawn for each person are fetched again
                html["phase"] = debate.status
            RENDERINGS.put(html, **drawn)
        if expected is not None and expected[0] <= debate.version:  # a newer state will do
            RENDERINGS.put(html, debate=debate_id, stamp=expected[1], version=expected[0], view=view)
        return debate.version, html
    finally:
        db.session.remove()


def render_parts(debate_id: int, view: str) -> tuple[int, dict[str, str]]:
    """All parts of ``view`` at the debate's current version."""
    return _render(debate_id, view)


def format_event(name: str, data: str, event_id: int | None = None) -> str:
    lines = [f"id: {event_id}"] if event_id is not None else []
    lines.append(f"event: {name}")
    lines.extend(f"data: {line}" for line in data.splitlines() or [""])
    return "\n".join(lines) + "\n\n"


def events(debate_id: int, view: str, last_event_id: str | None):
    """The generator behind the SSE response (runs inside the request context, without a DB session)."""
    config = current_app.config
    heartbeat = float(config.get("DEBATES_SSE_HEARTBEAT_SECONDS", 15))
    lifetime = float(config.get("DEBATES_SSE_MAX_SECONDS", 300))
    parts = VIEW_PARTS[view]
    subscription = broker.subscribe(debate_id)
    try:
        yield f"retry: {int(config.get('DEBATES_SSE_RETRY_MS', 3000))}\n\n"
        version, html = render_parts(debate_id, view)
        if last_event_id != str(version):
            for n, part in enumerate(parts):
                yield format_event(part, html[part], version if n == len(parts) - 1 else None)
        else:
            yield ": up to date\n\n"
        deadline = time.monotonic() + lifetime
        question_gap = float(config.get("DEBATES_SSE_QUESTIONS_INTERVAL_SECONDS", 1.0))
        questions_sent = 0.0
        while time.monotonic() < deadline:
            try:
                latest, stamp, changed = subscription.get(timeout=heartbeat)
            except queue.Empty:
                yield ": heartbeat\n\n"
                continue
            wanted = set(changed)
            while True:  # coalesce a burst of changes into one rendering
                if wanted == {"questions"}:
                    # likes come in floods: the question list goes out at most once per interval, while
                    # anything else (the moderator's actions) goes out at once
                    wait = questions_sent + question_gap - time.monotonic()
                else:
                    wait = 0
                try:
                    more_version, stamp, more = (subscription.get(timeout=wait) if wait > 0
                                                 else subscription.get_nowait())
                except queue.Empty:
                    break
                latest = max(latest, more_version)
                wanted.update(more)
            if latest <= version:
                continue  # already sent (a reconnection that read a newer state first)
            send = [p for p in parts if p in wanted]
            if not send:
                continue  # nothing this view shows (the question list on the projector): nothing to render
            _drawn, html = _render(debate_id, view, (latest, stamp))
            # what was sent is the parts changed up to ``latest``; the drawing may be newer (a change
            # committed meanwhile), but that change's other parts are not in ``send``: its own message must
            # still be sent, so ``version`` stays at ``latest`` (the id a reconnection catches up from)
            version = latest
            if "questions" in send:
                questions_sent = time.monotonic()
            for n, part in enumerate(send):
                yield format_event(part, html[part], version if n == len(send) - 1 else None)
    finally:
        broker.unsubscribe(debate_id, subscription)
