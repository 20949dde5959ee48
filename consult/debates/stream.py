"""Server-sent events for live debate screens: what a stream sends, and the drawings it sends.

What a stream sends is one protocol (:func:`protocol`), a generator that says what to send, when to wait for
the broker and when to draw, driven by a thread in the Flask route (:func:`events`: ``flask run``, the tests)
and by the event loop of the ASGI server (``consult.debates.stream_async``: ``make run``).

A stream subscribes to the broker first, then reads the debate's version. When the browser's ``Last-Event-ID``
is not the current version (first connection, or a reconnection after missed changes), every part is sent at
once, so a screen always shows the current state. Then each change sends the parts that changed, as named
events carrying the HTML fragment the page includes (``sse-swap="<part>"``); a comment line is sent as a
heartbeat when nothing happens, and the stream ends after ``DEBATES_SSE_MAX_SECONDS`` (the browser
reconnects). A flood of likes sends the question list at most once per
``DEBATES_SSE_QUESTIONS_INTERVAL_SECONDS`` (paced by the broker), and then only the questions that changed
(:func:`question_changes`); a burst of changes is sent as one.

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

import functools
import queue
import threading
import time
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import get_locale, gettext
from markupsafe import Markup

from consult.core import cache
from consult.debates import queries
from consult.debates.broker import broker
from consult.debates.events import stamp_at, stamp_of
from consult.debates.models import Debate
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
#: the key of a drawing that holds the question list's items, ``[[id, html], ...]`` in the list's order
ITEMS = "question_items"
#: the event that carries only what changed in the question list (see :func:`question_changes`)
CHANGES = "question-changes"


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
        # the version first (one small row): a drawing kept for it needs nothing else from the database
        now = db.session.execute(sa.select(Debate.version, Debate.created_at)
                                 .where(Debate.id == debate_id)).first()
        if now is None:
            return 0, {}
        version = now.version
        html = RENDERINGS.get(debate=debate_id, stamp=stamp_at(now.created_at), version=version, view=view)
        if html is None:
            debate = queries.load_debate(debate_id)
            if debate is None:
                return 0, {}
            version, html = debate.version, _draw(debate, view)
            RENDERINGS.put(html, debate=debate_id, stamp=stamp_of(debate), version=version, view=view)
        if expected is not None and expected[0] <= version and expected[1] == stamp_at(now.created_at):
            # a newer state will do
            RENDERINGS.put(html, debate=debate_id, stamp=expected[1], version=expected[0], view=view)
        return version, html
    finally:
        db.session.remove()


def _draw(debate: Debate, view: str) -> dict:
    """Every part of ``view``, drawn from the database (and the question list item by item: :data:`ITEMS`)."""
    state = queries.live_state(debate)
    extra = {"ballot": queries.ballot(state)} if "ballot" in VIEW_PARTS[view] else {}
    items = _question_items(state) if "questions" in VIEW_PARTS[view] else None
    listed = {"items": [Markup(h) for _id, h in items]} if items is not None else {}
    html = {part: render_template(TEMPLATES[part], state=state, view=view, streamed=True, **extra,
                                  **(listed if part == "questions" else {}))
            for part in VIEW_PARTS[view] if part in TEMPLATES}
    if items is not None:
        html[ITEMS] = items
    if "phase" in VIEW_PARTS[view]:
        html["phase"] = debate.status  # a signal: the sections drawn for each person are fetched again
    return html


def question_strings() -> dict[str, str]:
    """The words of each question of a list, translated once per list (``debates/_question.html``)."""
    return {"anonymous": gettext("Anonymous"), "likes": gettext("Likes:"), "like": gettext("Like"),
            "mine": gettext("You like this question.")}


def _question_items(state) -> list[list]:
    """Each question of the public list drawn alone, ``[id, html]`` in the list's order, as sent to everyone
    (nothing personal: no CSRF value, no like of the reader's)."""
    item = current_app.jinja_env.get_template("debates/_question.html").module.question_item
    strings = question_strings()
    return [[q.id, str(item(q, state.debate, (), "", strings))] for q in state.questions]


_changes_made: dict[tuple[int, int], tuple] = {}
_changes_guard = threading.Lock()


def question_changes(before: list | None, after: list | None, version: int, whole: int) -> str | None:
    """What a screen showing the question list ``before`` needs to show ``after``: the items that changed or
    came, and the new order (``data-order``, the ids) when it is not the same list in the same order; ``None``
    when the list must be sent whole (either is empty, or the changes are not much smaller than the ``whole``
    list's length). A flood of likes then sends each phone a few items a second, not the whole list.

    debates.js puts the items in the list it shows, by id, and orders it. The streams woken by one change ask
    the same question: the answer is made once (kept for the last few pairs of drawings)."""
    if not before or not after:
        return None
    key = (id(before), id(after))
    with _changes_guard:
        made = _changes_made.get(key)
    if made is not None and made[0] is before and made[1] is after:
        return made[2]
    shown = {question_id: html for question_id, html in before}
    changed = [html for question_id, html in after if shown.get(question_id) != html]
    order = [question_id for question_id, _html in after]
    reordered = order != [question_id for question_id, _html in before]
    attributes = f' data-order="{" ".join(map(str, order))}"' if reordered else ""
    text = f'<ol class="questions" data-version="{version}"{attributes}>' + "".join(changed) + "</ol>"
    answer = text if len(text) * 2 < whole else None
    with _changes_guard:
        if len(_changes_made) >= 16:
            _changes_made.clear()
        _changes_made[key] = (before, after, answer)
    return answer


def render_parts(debate_id: int, view: str) -> tuple[int, dict[str, str]]:
    """All parts of ``view`` at the debate's current version."""
    return _render(debate_id, view)


@functools.lru_cache(maxsize=64)
def format_event(name: str, data: str, event_id: int | None = None) -> str:
    """One event. The streams woken by a change send the same events: each is formatted once (a drawing's
    strings are the same objects for all of them, hashed once)."""
    lines = [f"id: {event_id}"] if event_id is not None else []
    lines.append(f"event: {name}")
    lines.extend(f"data: {line}" for line in data.splitlines() or [""])
    return "\n".join(lines) + "\n\n"


# -- what a stream sends: one protocol, two drivers ----------------------------------------------------------


@dataclass(frozen=True)
class Send:
    """Send this text."""

    text: str


@dataclass(frozen=True)
class Wait:
    """Wait at most ``seconds`` (0: do not wait) for the next message of the broker; the driver answers with
    it, ``(version, stamp, parts)``, or with ``None`` when nothing came."""

    seconds: float


@dataclass(frozen=True)
class Draw:
    """Draw every part of the view, at ``expected`` ``(version, stamp)`` or newer (``None``: at the debate's
    current version); the driver answers ``(version, {part: html})`` (see :func:`_render`)."""

    expected: tuple[int, int] | None


@dataclass(frozen=True)
class Settings:
    heartbeat: float
    lifetime: float
    retry_ms: int

    @classmethod
    def of(cls, config) -> Settings:
        return cls(heartbeat=float(config.get("DEBATES_SSE_HEARTBEAT_SECONDS", 15)),
                   lifetime=float(config.get("DEBATES_SSE_MAX_SECONDS", 300)),
                   retry_ms=int(config.get("DEBATES_SSE_RETRY_MS", 3000)))


def _send_parts(parts, html, version, changes: str | None = None):
    """Send ``parts`` of ``html``; the question list as ``changes`` (an event of its own) when given."""
    for n, part in enumerate(parts):
        name, data = (CHANGES, changes) if part == "questions" and changes is not None else (part, html[part])
        yield Send(format_event(name, data, version if n == len(parts) - 1 else None))


def _burst(first):
    """Coalesce a burst of changes that follows ``first`` into one: the newest version, and each part named
    with the newest version that changed it. (A flood of likes is paced before it gets here, once for all the
    screens of the process: see ``broker``.) A message of another debate that had this id is left out."""
    latest, stamp, parts = first
    changed = dict.fromkeys(parts, latest)
    while True:
        more = yield Wait(0)
        if more is None:
            return latest, stamp, changed
        if more[1] != stamp:
            continue
        latest = max(latest, more[0])
        for part in more[2]:
            changed[part] = max(changed.get(part, 0), more[0])


def protocol(view: str, last_event_id: str | None, settings: Settings, stamp: int | None = None):
    """The stream of one screen, as a generator of :class:`Send`, :class:`Wait` and :class:`Draw`, run by a
    driver: :func:`events` in a thread (the Flask route), ``stream_async.serve`` in an event loop (the ASGI
    server). The driver subscribes to the broker before it starts this generator.

    It sends ``retry:``, then every part when ``last_event_id`` is not the debate's version (a page drawn
    before a change, a reconnection after missed changes), else ``: up to date``; then each change's parts as
    it comes, a heartbeat comment when nothing happens for ``heartbeat`` seconds, and it ends after
    ``lifetime`` seconds (the browser reconnects with the last id it received).

    It keeps the version each part was last drawn at (``shown``): a part is sent again only for a change
    newer than that. A message that comes late (another process's, heard after a newer one of this
    process) therefore sends only what it changed that was not shown yet, drawn at the version already
    sent, and a reconnection that read a newer state first skips what it already showed.

    ``stamp`` is the debate's (``events.stamp_of``): a message of another debate that had the same id (a
    deleted one's, heard late from another process) is not this debate's change, and its version, maybe
    higher than this debate's, must not mark the parts as shown. ``None`` takes every message."""
    parts = VIEW_PARTS[view]
    yield Send(f"retry: {settings.retry_ms}\n\n")
    version, html = yield Draw(None)
    if last_event_id != str(version):
        yield from _send_parts(parts, html, version)
    else:
        yield Send(": up to date\n\n")
    shown = dict.fromkeys(parts, version)  # every part on this screen shows this version or newer
    items = html.get(ITEMS)  # the question list this screen shows, item by item
    deadline = time.monotonic() + settings.lifetime
    while (left := deadline - time.monotonic()) > 0:
        message = yield Wait(min(settings.heartbeat, left))
        if message is None:
            yield Send(": heartbeat\n\n")
            continue
        if stamp is not None and message[1] != stamp:
            continue
        latest, stamp, changed = yield from _burst(message)
        send = [p for p in parts if shown[p] < changed.get(p, 0)]
        if not send:
            continue  # already shown, or not on this view (the question list on the projector)
        # the parts changed up to ``latest`` are drawn at ``latest`` or newer; the drawing may hold a change
        # committed meanwhile whose other parts are not in ``send``: its own message must still be sent, so
        # the id stays at ``latest`` (the id a reconnection catches up from)
        version = max(version, latest)
        drawn, html = yield Draw((version, stamp))
        changes = None
        if "questions" in send:
            changes = question_changes(items, html.get(ITEMS), drawn, len(html["questions"]))
            items = html.get(ITEMS)
        shown.update(dict.fromkeys(send, version))
        yield from _send_parts(send, html, version, changes)


def _get(subscription: queue.Queue, seconds: float):
    try:
        return subscription.get(timeout=seconds) if seconds > 0 else subscription.get_nowait()
    except queue.Empty:
        return None


def events(debate_id: int, view: str, last_event_id: str | None, stamp: int | None = None):
    """The generator behind the Flask SSE response (runs inside the request context, without a DB session,
    one thread per stream: the development server and the tests)."""
    subscription = broker.subscribe(debate_id)
    try:
        steps = protocol(view, last_event_id, Settings.of(current_app.config), stamp)
        answer = None
        while True:
            try:
                step = steps.send(answer)
            except StopIteration:
                return
            answer = None
            if isinstance(step, Send):
                yield step.text
            elif isinstance(step, Wait):
                answer = _get(subscription, step.seconds)
            else:
                answer = _render(debate_id, view, step.expected)
    finally:
        broker.unsubscribe(debate_id, subscription)
