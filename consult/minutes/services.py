"""Minutes: drafting from the record, revisions, the approval workflow, corrections and translations.

Rules kept here:

* a draft is complete from the record alone (``create_draft``), one original per session or debate;
* only a draft changes, and every save is a numbered revision with its author and time;
* draft → submitted → approved → published, each step by the right officer (see ``policies``), audited;
* published minutes never change; a correction is a new document that goes through the same steps and stays
  linked to the one it corrects; a translation is a new document marked as a translation.

Services flush and never commit.
"""

from __future__ import annotations

import functools

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from consult.core import audit
from consult.core.diff import DiffHunk, DiffLine, diff  # noqa: F401 (the revisions' diff lives in core)
from consult.core.errors import Conflict, DomainError
from consult.core.models import utcnow
from consult.extensions import db
from consult.minutes.drafting import _parse, draft_markdown, title_for
from consult.minutes.models import (
    APPROVAL_MODES,
    APPROVED,
    CORRECTION,
    DRAFT,
    ORIGINAL,
    PUBLISHED,
    SUBMITTED,
    TRANSLATION,
    Minutes,
    MinutesRevision,
)

MAX_BODY = 200_000


def original_for(source_type: str, source_id: int) -> Minutes | None:
    return db.session.scalar(sa.select(Minutes).where(
        Minutes.source_type == source_type, Minutes.source_id == source_id, Minutes.kind == ORIGINAL))


def create_draft(record: dict, *, source_type: str | None = None, source_id: int | None = None,
                 council_id: int | None = None, approval_mode: str = "president", actor=None) -> Minutes:
    """Draft the minutes of a closed session or debate from its record (idempotent per source)."""
    source_type = source_type or record.get("kind") or "council_session"
    source_id = source_id if source_id is not None else record.get("id")
    if source_id is None:
        raise DomainError(_l("The record does not say which session it comes from."))
    if approval_mode not in APPROVAL_MODES:
        raise DomainError(_l("Unknown approval rule."), field="approval_mode")
    existing = original_for(source_type, source_id)
    if existing is not None:
        return existing
    minutes = Minutes(
        source_type=source_type, source_id=int(source_id), council_id=council_id, kind=ORIGINAL,
        title=title_for(record)[:200], language=(record.get("language") or "en")[:8],
        held_at=_parse(record.get("starts_at")), record=record, body="", status=DRAFT,
        approval_mode=approval_mode,
    )
    db.session.add(minutes)
    _add_revision(minutes, draft_markdown(record), author=None, note=str(_l("Drafted from the record")))
    audit.record("minutes.drafted", actor=actor, subject=minutes, source_type=source_type,
                 source_id=source_id)
    db.session.flush()
    return minutes


def _add_revision(minutes: Minutes, body: str, *, author, note: str | None) -> MinutesRevision:
    minutes.revision_count = (minutes.revision_count or 0) + 1
    minutes.body = body
    revision = MinutesRevision(number=minutes.revision_count, body=body,
                               author_id=getattr(author, "id", None), note=(note or None) and note[:200])
    minutes.revisions.append(revision)
    return revision


def _require_state(minutes: Minutes, *states, message) -> None:
    if minutes.status not in states:
        raise Conflict(message)


def _move(minutes: Minutes, status: str, event: str, *, actor, details: dict | None = None,
          **stamps) -> Minutes:
    """One step of the approval path: the new status and the columns that go with it (``stamps``), audited
    as ``event``."""
    minutes.status = status
    for column, value in stamps.items():
        setattr(minutes, column, value)
    audit.record(event, actor=actor, subject=minutes, **(details or {}))
    db.session.flush()
    return minutes


def save_revision(minutes: Minutes, body: str, *, author, note: str | None = None,
                  base: int | None = None) -> MinutesRevision:
    """Save the edited text as a new revision. Only drafts change; an unchanged text is not a revision.

    ``base`` is the revision the editor started from: when someone saved a newer one meanwhile, the save is
    refused (nobody's work is silently overwritten) and the person merges by hand.
    """
    if minutes.status == PUBLISHED:
        raise Conflict(_l("Published minutes cannot be changed. Start a correction instead."))
    _require_state(minutes, DRAFT,
                   message=_l("Only a draft can be changed. These minutes are no longer a draft."))
    body = (body or "").replace("\r\n", "\n")
    if not body.strip():
        raise DomainError(_l("The minutes cannot be empty."), field="body")
    if len(body) > MAX_BODY:
        raise DomainError(_l("The text is too long."), field="body")
    if base is not None and base != minutes.revision_count:
        raise Conflict(_l("Someone saved a newer revision while you were editing. Your text is kept below: "
                          "compare it with the latest revision, then save again."))
    if body == minutes.body:
        raise DomainError(_l("Nothing has changed since the last revision."), field="body")
    revision = _add_revision(minutes, body, author=author, note=note)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise Conflict(_l("Someone else saved these minutes at the same moment. Reload and try "
                          "again.")) from None
    return revision


def submit(minutes: Minutes, *, actor) -> Minutes:
    """The writer hands the draft over for approval."""
    _require_state(minutes, DRAFT, message=_l("Only a draft can be submitted."))
    return _move(minutes, SUBMITTED, "minutes.submitted", actor=actor, submitted_at=utcnow())


def return_to_draft(minutes: Minutes, *, actor) -> Minutes:
    """Submitted minutes go back to the writer for more work."""
    _require_state(minutes, SUBMITTED, message=_l("Only submitted minutes can be sent back to the writer."))
    return _move(minutes, DRAFT, "minutes.returned", actor=actor, submitted_at=None)


def approve(minutes: Minutes, *, actor, reference: str | None = None) -> Minutes:
    """Approval by the president, or (motion mode) by the council's adopted motion, which must be named."""
    _require_state(minutes, SUBMITTED, message=_l("Only submitted minutes can be approved."))
    reference = (reference or "").strip()
    if minutes.approval_mode == "motion" and not reference:
        raise DomainError(_l("Say which adopted motion approved these minutes."), field="reference")
    return _move(minutes, APPROVED, "minutes.approved", actor=actor, details={"mode": minutes.approval_mode},
                 approved_at=utcnow(), approved_by_id=getattr(actor, "id", None),
                 approval_reference=reference[:300] or None)


def publish(minutes: Minutes, *, actor) -> Minutes:
    """Approved minutes become public and, from then on, immutable."""
    _require_state(minutes, APPROVED, message=_l("Only approved minutes can be published."))
    return _move(minutes, PUBLISHED, "minutes.published", actor=actor, published_at=utcnow())


def start_correction(minutes: Minutes, *, actor) -> Minutes:
    """A correction of published minutes: a new draft that starts from the published text.

    Only one correction of a document can be in progress at a time.
    """
    _require_state(minutes, PUBLISHED, message=_l("Only published minutes can be corrected."))
    pending = db.session.scalar(sa.select(Minutes).where(
        Minutes.corrects_id == minutes.id, Minutes.status != PUBLISHED))
    if pending is not None:
        return pending
    correction = Minutes(
        source_type=minutes.source_type, source_id=minutes.source_id, council_id=minutes.council_id,
        kind=CORRECTION, corrects_id=minutes.id, title=minutes.title, language=minutes.language,
        held_at=minutes.held_at, record=minutes.record, status=DRAFT, approval_mode=minutes.approval_mode,
    )
    db.session.add(correction)
    _add_revision(correction, minutes.body, author=actor, note=str(_l("Correction started")))
    audit.record("minutes.correction_started", actor=actor, subject=minutes)
    db.session.flush()
    return correction


def start_translation(minutes: Minutes, language: str, *, actor, languages,
                      title: str | None = None) -> Minutes:
    """A translation of published minutes into another language, marked as such; one per language.

    ``title`` is the translated title; when not given it is made from the record in the translation's language
    (the word for minutes and the date translated, the session's name kept as it was given)."""
    _require_state(minutes, PUBLISHED, message=_l("Only published minutes can be translated."))
    if language not in languages or language == minutes.language:
        raise DomainError(_l("Choose another language."), field="language")
    source = minutes.translation_of or minutes
    existing = db.session.scalar(sa.select(Minutes).where(
        Minutes.translation_of_id == source.id, Minutes.kind == TRANSLATION, Minutes.language == language))
    if existing is not None:
        return existing
    translation = Minutes(
        source_type=source.source_type, source_id=source.source_id, council_id=source.council_id,
        kind=TRANSLATION, translation_of_id=source.id,
        title=((title or "").strip() or title_for(source.record or {}, language))[:200],
        language=language,
        held_at=source.held_at, record=source.record, status=DRAFT, approval_mode=source.approval_mode,
    )
    db.session.add(translation)
    _add_revision(translation, minutes.body, author=actor,
                  note=str(_l("Translation started from the original")))
    audit.record("minutes.translation_started", actor=actor, subject=source, language=language)
    db.session.flush()
    return translation


def set_approval_mode(minutes: Minutes, mode: str, *, actor) -> Minutes:
    """Choose who approves these minutes (the president, or the council by a motion) before approval."""
    if mode not in APPROVAL_MODES:
        raise DomainError(_l("Choose how the minutes are approved."), field="mode")
    _require_state(minutes, DRAFT, SUBMITTED,
                   message=_l("The approval rule can only change before approval."))
    if minutes.approval_mode != mode:
        minutes.approval_mode = mode
        audit.record("minutes.approval_mode_set", actor=actor, subject=minutes, mode=mode)
        db.session.flush()
    return minutes


def approve_by_motion(minutes: Minutes, motion, *, reference: str) -> Minutes | None:
    """Called when a motion that approves these minutes is adopted (see the ``motion_decided`` receiver)."""
    if minutes.status != SUBMITTED or minutes.approval_mode != "motion":
        return None
    return approve(minutes, actor=None, reference=reference)


# --- reading ---------------------------------------------------------------------------------------------


@functools.cache
def _related_statement() -> sa.Select:
    """Published corrections of a text (``:id``) and published translations of its source (``:source``), as
    plain rows: the notes that list them show a date, a language and a link (built once)."""
    return (sa.select(Minutes.id, Minutes.kind, Minutes.language, Minutes.published_at, Minutes.corrects_id)
            .where(Minutes.status == PUBLISHED,
                   sa.or_(Minutes.corrects_id == sa.bindparam("id"),
                          Minutes.translation_of_id == sa.bindparam("source")))
            .order_by(Minutes.published_at, Minutes.language, Minutes.id))


def related_of(minutes: Minutes) -> tuple[list, list]:
    """(published corrections of these minutes, oldest first; published translations of their source, by
    language), as rows with ``id``, ``language`` and ``published_at``, from one query."""
    rows = db.session.execute(_related_statement(),
                              {"id": minutes.id, "source": minutes.translation_of_id or minutes.id}).all()
    corrections = [r for r in rows if r.corrects_id == minutes.id]
    translations = sorted((r for r in rows if r.kind == "translation"), key=lambda r: r.language)
    return corrections, translations


def corrections_of(minutes: Minutes) -> list:
    """Published corrections of these minutes, oldest first (shown as "corrected on …")."""
    return related_of(minutes)[0]


def revision(minutes: Minutes, number: int) -> MinutesRevision | None:
    return db.session.scalar(sa.select(MinutesRevision).where(
        MinutesRevision.minutes_id == minutes.id, MinutesRevision.number == number))
