"""Moderation verbs. Rules kept here:

* anyone signed in and not blocked may report content, once per item (database constraint), never their own;
* when an item gathers ``MODERATION_HIDE_THRESHOLD`` open reports (default 3) it is hidden pending review;
* moderators hide with a public reason, restore, dismiss reports, block and unblock people;
* every hide and restore goes to the public log with its reason and never with who reported;
* fact-check notes carry http(s) sources and are shown above the content.

Hideable content has ``hidden_at`` and ``hidden_reason`` columns; hiding sets them on the object itself.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlparse

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from consult.core import audit, targets
from consult.core.errors import Conflict, DomainError, NotAllowed
from consult.core.models import utcnow
from consult.core.policy import policies
from consult.extensions import db
from consult.moderation.models import REPORT_REASONS, FactCheckNote, ModerationEvent, Report

AUTO_HIDE_REASON = "Hidden after several reports, until a moderator reviews it."
MAX_SOURCES = 10


def hide_threshold() -> int:
    return int(current_app.config.get("MODERATION_HIDE_THRESHOLD", 3))


def can_hide(target) -> bool:
    return hasattr(target, "hidden_at") and hasattr(target, "hidden_reason")


def _require(action, person, obj):
    decision = policies.decide(action, person, obj)
    if not decision:
        raise NotAllowed(decision.reason)


def _text(value: str | None, limit: int, field: str, *, required=None) -> str:
    """``value`` stripped; refused (on ``field``) when longer than ``limit`` characters, or when empty if
    ``required`` (the message to show) is given."""
    value = (value or "").strip()
    if required and not value:
        raise DomainError(required, field=field)
    if len(value) > limit:
        raise DomainError(_l("Please write at most %(max)s characters.", max=limit), field=field)
    return value


def open_report_count(target_type: str, target_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Report).where(
        Report.target_type == target_type, Report.target_id == target_id, Report.resolved_at.is_(None))) or 0


def report(reporter, target, reason: str, note: str = "") -> Report:
    """Flag content for the moderators; enough open reports hide it until someone reviews it."""
    _require("moderation.report", reporter, target)
    if reason not in REPORT_REASONS:
        raise DomainError(_l("Please choose a reason."), field="reason")
    note = _text(note, 1000, "note")
    target_type, target_id = targets.ref(target)
    row = Report(target_type=target_type, target_id=target_id, reporter_id=reporter.id, reason=reason,
                 note=note)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        raise Conflict(_l("You have already reported this. The moderators will look at it.")) from None
    if (can_hide(target) and target.hidden_at is None
            and open_report_count(target_type, target_id) >= hide_threshold()):
        _set_hidden(target, AUTO_HIDE_REASON)
        _log(target, "hidden_by_reports", AUTO_HIDE_REASON, None)
    db.session.flush()
    return row


def _set_hidden(target, reason: str | None) -> None:
    target.hidden_at = utcnow() if reason is not None else None
    target.hidden_reason = reason


def _log(target, action: str, reason: str, moderator) -> ModerationEvent:
    target_type, target_id = targets.ref(target)
    event = ModerationEvent(target_type=target_type, target_id=target_id, action=action, reason=reason or "",
                            moderator_id=getattr(moderator, "id", None))
    db.session.add(event)
    return event


def _resolve_reports(target) -> int:
    target_type, target_id = targets.ref(target)
    result = db.session.execute(sa.update(Report).where(
        Report.target_type == target_type, Report.target_id == target_id, Report.resolved_at.is_(None))
        .values(resolved_at=utcnow()))
    return result.rowcount or 0


def hide(target, moderator, reason: str) -> None:
    """A moderator hides content with a public reason; open reports on it are resolved."""
    _require("moderation.moderate", moderator, target)
    reason = _text(reason, 500, "reason", required=_l("Please give the reason that everyone will read."))
    if not can_hide(target):
        raise DomainError(_l("This kind of content cannot be hidden."))
    _set_hidden(target, reason)
    _resolve_reports(target)
    _log(target, "hidden", reason, moderator)
    audit.record("moderation.hidden", actor=moderator, subject=target)
    db.session.flush()


def restore(target, moderator, reason: str = "") -> None:
    """A moderator shows hidden content again; open reports on it are resolved."""
    _require("moderation.moderate", moderator, target)
    if not can_hide(target) or target.hidden_at is None:
        raise Conflict(_l("This content is not hidden."))
    _set_hidden(target, None)
    _resolve_reports(target)
    _log(target, "restored", (reason or "").strip()[:500], moderator)
    audit.record("moderation.restored", actor=moderator, subject=target)
    db.session.flush()


def dismiss_reports(target, moderator) -> int:
    """The reports were unfounded: resolve them, and show the content again if reports alone had hidden it."""
    _require("moderation.moderate", moderator, target)
    target_type, target_id = targets.ref(target)
    dismissed = _resolve_reports(target)
    if can_hide(target) and target.hidden_at is not None and target.hidden_reason == AUTO_HIDE_REASON:
        _set_hidden(target, None)
        _log(target, "restored", "", moderator)
    if dismissed:
        _log(target, "reports_dismissed", "", moderator)
    audit.record("moderation.reports_dismissed", actor=moderator, subject=target, count=dismissed)
    db.session.flush()
    return dismissed


def block(person, moderator, reason: str = "") -> None:
    """Block a person: they can still read, but no longer contribute."""
    _require("moderation.moderate", moderator, person)
    if person.id == moderator.id:
        raise DomainError(_l("You cannot block yourself."))
    if person.has_role("admin"):
        raise DomainError(_l("Administrators cannot be blocked."))
    person.is_blocked = True
    audit.record("moderation.blocked", actor=moderator, subject=person, reason=(reason or "").strip()[:500])
    db.session.flush()


def unblock(person, moderator) -> None:
    """Lift a block."""
    _require("moderation.moderate", moderator, person)
    person.is_blocked = False
    audit.record("moderation.unblocked", actor=moderator, subject=person)
    db.session.flush()


def parse_sources(text: str | None) -> list[str]:
    """One http(s) URL per line; anything else is refused with a clear message."""
    sources = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(sources) > MAX_SOURCES:
        raise DomainError(_l("Please give at most %(max)s sources.", max=MAX_SOURCES), field="sources")
    for url in sources:
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc or len(url) > 500 or " " in url:
            raise DomainError(_l("This is not a web address starting with http:// or https://: %(url)s",
                                 url=url[:80]), field="sources")
    return sources


def add_note(target, moderator, body: str, sources: list[str]) -> FactCheckNote:
    """Attach a fact-check note (with its sources) to any content."""
    _require("moderation.moderate", moderator, target)
    body = _text(body, 5000, "body", required=_l("Please write the note."))
    target_type, target_id = targets.ref(target)
    note = FactCheckNote(target_type=target_type, target_id=target_id, body=body, sources=list(sources),
                         author_id=moderator.id)
    db.session.add(note)
    audit.record("moderation.note_added", actor=moderator, subject=target)
    db.session.flush()
    return note


def remove_note(note: FactCheckNote, moderator) -> None:
    _require("moderation.moderate", moderator, note)
    db.session.delete(note)
    audit.record("moderation.note_removed", actor=moderator, subject=note)
    db.session.flush()


def notes_for(target) -> list[FactCheckNote]:
    target_type, target_id = targets.ref(target)
    return list(db.session.scalars(sa.select(FactCheckNote).where(
        FactCheckNote.target_type == target_type, FactCheckNote.target_id == target_id)
        .order_by(FactCheckNote.created_at)))


def resolve_many(refs) -> dict[tuple[str, int], object]:
    """Load many referenced objects with one query per content type."""
    by_type: dict[str, set[int]] = defaultdict(set)
    for target_type, target_id in refs:
        by_type[target_type].add(target_id)
    found = {}
    for target_type, ids in by_type.items():
        model = targets.model_for(target_type)
        if model is None:
            continue
        for obj in db.session.scalars(sa.select(model).where(model.id.in_(ids))):
            found[(target_type, obj.id)] = obj
    return found


@dataclass
class QueueItem:
    target_type: str
    target_id: int
    target: object
    reports: int
    first_at: object
    reasons: dict


def queue() -> list[QueueItem]:
    """Content with open reports, most reported first (constant number of queries)."""
    rows = db.session.execute(
        sa.select(Report.target_type, Report.target_id, Report.reason, sa.func.count(),
                  sa.func.min(Report.created_at))
        .where(Report.resolved_at.is_(None))
        .group_by(Report.target_type, Report.target_id, Report.reason)).all()
    grouped: dict[tuple[str, int], dict] = {}
    for target_type, target_id, reason, n, first in rows:
        item = grouped.setdefault((target_type, target_id), {"reasons": {}, "first": first})
        item["reasons"][reason] = n
        item["first"] = min(item["first"], first)
    objects = resolve_many(grouped)
    items = [QueueItem(t, i, objects.get((t, i)), sum(d["reasons"].values()), d["first"], d["reasons"])
             for (t, i), d in grouped.items()]
    items.sort(key=lambda q: (-q.reports, q.first_at))
    return items


def open_reports(target) -> list[Report]:
    target_type, target_id = targets.ref(target)
    return list(db.session.scalars(sa.select(Report).where(
        Report.target_type == target_type, Report.target_id == target_id, Report.resolved_at.is_(None))
        .order_by(Report.created_at)))


def log_query():
    return sa.select(ModerationEvent).order_by(ModerationEvent.at.desc(), ModerationEvent.id.desc())


def reports_by(user) -> list[Report]:
    return list(db.session.scalars(sa.select(Report).where(Report.reporter_id == user.id)
                                   .order_by(Report.id)))


#: the automatic reason, translated when shown (the stored text stays the English source)
AUTO_HIDE_REASON_TEXT = _l("Hidden after several reports, until a moderator reviews it.")
