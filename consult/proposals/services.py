"""Proposal services: the rules of proposing, supporting, answering, merging and translating.

They flush and never commit (the request does). Policies are checked again here, so the CLI, the demo and
the tests cannot go around them: a service refuses with ``NotAllowed`` what the view would refuse.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from consult.core import audit, signals
from consult.core.db import insert_once
from consult.core.errors import Conflict, DomainError, NotAllowed
from consult.core.models import utcnow
from consult.core.policy import policies
from consult.extensions import db
from consult.geo.geometry import check_place
from consult.notifications import services as notifications
from consult.processes.models import Process
from consult.proposals import attachments
from consult.proposals.models import (
    DRAFT,
    MERGED,
    OFFICIAL_STATES,
    OPEN_STATES,
    QUALIFIED,
    SUBMITTED,
    UNDER_REVIEW,
    WITHDRAWN,
    AnswerText,
    Proposal,
    ProposalAnswer,
    ProposalSource,
    ProposalSupport,
    ProposalTranslation,
)
from consult.residency.models import District

TITLE_MAX = 200
DEFAULT_BODY_MAX = 20_000
ANSWER_MAX = 20_000


# --- notifications
# -------------------------------------------------------------------------------------------

def _follow(user, proposal) -> None:
    if user is not None:
        notifications.follow(user, proposal)


def _notify(proposal, event: str, actor=None, **params) -> None:
    notifications.notify_followers(proposal, event, actor=actor, **params)


# --- checks
# --------------------------------------------------------------------------------------------------

def _require(action: str, person, obj) -> None:
    decision = policies.decide(action, person, obj)
    if not decision:
        raise NotAllowed(decision.reason)


def _languages() -> dict:
    return current_app.config["LANGUAGES"]


def _clean_text(title: str | None, body: str | None) -> tuple[str, str]:
    title = " ".join((title or "").split())
    body = (body or "").strip()
    if not title:
        raise DomainError(_l("Please give your proposal a title."), field="title")
    if len(title) > TITLE_MAX:
        raise DomainError(_l("The title is too long: at most %(n)s characters.", n=TITLE_MAX), field="title")
    limit = int(current_app.config.get("PROPOSAL_BODY_MAX_CHARS", DEFAULT_BODY_MAX))
    if not body:
        raise DomainError(_l("Please describe your proposal."), field="body")
    if len(body) > limit:
        raise DomainError(_l("The text is too long: at most %(n)s characters.", n=limit), field="body")
    return title, body


def _check_place(process: Process, theme_id: int | None, district_id: int | None, language: str):
    if language not in _languages():
        raise DomainError(_l("Please choose the language the proposal is written in."), field="language")
    theme = None
    if theme_id:
        theme = next((t for t in process.themes if t.id == theme_id), None)
        if theme is None:
            raise DomainError(_l("This theme is not part of the process."), field="theme")
    district = None
    if district_id:
        allowed = process.districts
        district = (next((d for d in allowed if d.id == district_id), None) if allowed
                    else db.session.get(District, district_id))
        if district is None:
            raise DomainError(_l("This district is not part of the process."), field="district")
    return theme, district


def _attach(proposal: Proposal, upload: tuple[bytes, str | None] | None, alt: str | None) -> None:
    if upload is not None:
        data, filename = upload
        stored, media_type, download_name = attachments.store(data, filename)
        old = proposal.attachment_name
        proposal.attachment_name, proposal.attachment_type = stored, media_type
        proposal.attachment_filename = download_name
        attachments.remove(old)
    if proposal.attachment_name:
        proposal.attachment_alt = " ".join((alt or "").split())[:300] or None


# --- writing
# -------------------------------------------------------------------------------------------------

def create_draft(process: Process, author, *, title: str, body: str, language: str,
                 theme_id: int | None = None, district_id: int | None = None,
                 upload: tuple[bytes, str | None] | None = None,
                 attachment_alt: str | None = None, location: tuple[float, float] | None = None) -> Proposal:
    """Save a draft the author previews before publishing. Rule: the phase opens ``propose`` and the author
    meets the process's eligibility rule; title and body are required and bounded; theme and district belong
    to the process; an attachment must really be an image or a PDF; ``location`` (latitude, longitude) is on
    the globe."""
    _require("proposal.create", author, process)
    title, body = _clean_text(title, body)
    theme, district = _check_place(process, theme_id, district_id, language)
    proposal = Proposal(process=process, author=author, title=title, body=body, language=language,
                        theme=theme, district=district, state=DRAFT)
    proposal.latitude, proposal.longitude = check_place(*(location or (None, None)), field="place")
    _attach(proposal, upload, attachment_alt)
    db.session.add(proposal)
    db.session.flush()
    return proposal


def update_proposal(proposal: Proposal, actor, *, title: str, body: str, language: str,
                    theme_id: int | None = None, district_id: int | None = None,
                    upload: tuple[bytes, str | None] | None = None, attachment_alt: str | None = None,
                    remove_attachment: bool = False, location=...) -> Proposal:
    """The author changes a draft, or a published proposal within the edit window (``location``: the new
    place, None for none; left out, the place stays)."""
    _require("proposal.edit", actor, proposal)
    title, body = _clean_text(title, body)
    theme, district = _check_place(proposal.process, theme_id, district_id, language)
    proposal.title, proposal.body, proposal.language = title, body, language
    proposal.theme, proposal.district = theme, district
    if location is not ...:
        proposal.latitude, proposal.longitude = check_place(*(location or (None, None)), field="place")
    if remove_attachment and upload is None:
        attachments.remove(proposal.attachment_name)
        proposal.attachment_name = proposal.attachment_type = proposal.attachment_filename = None
        proposal.attachment_alt = None
    _attach(proposal, upload, attachment_alt)
    db.session.flush()
    if proposal.state != DRAFT:
        audit.record("proposals.edited", actor=actor, subject=proposal)
    return proposal


def publish(proposal: Proposal, actor) -> Proposal:
    """The author publishes the previewed draft: it becomes ``submitted`` and the author follows it.
    The phase must still open ``propose``."""
    if proposal.state != DRAFT:
        raise Conflict(_l("This proposal is already published."))
    _require("proposal.edit", actor, proposal)
    _require("proposal.create", actor, proposal.process)
    proposal.state = SUBMITTED
    proposal.published_at = utcnow()
    db.session.flush()
    _follow(actor, proposal)
    return proposal


def withdraw(proposal: Proposal, actor) -> Proposal:
    """The author withdraws an open proposal; it stays readable, marked withdrawn, and takes no supports."""
    _require("proposal.withdraw", actor, proposal)
    old = proposal.state
    proposal.state = WITHDRAWN
    proposal.withdrawn_at = utcnow()
    db.session.flush()
    audit.record("proposals.withdrawn", actor=actor, subject=proposal)
    signals.proposal_state_changed.send(proposal, old=old, new=WITHDRAWN, actor=actor)
    _notify(proposal, "proposal.state_changed", actor=actor, old=old, new=WITHDRAWN)
    return proposal


def _qualify_if_due(proposal: Proposal) -> bool:
    """Mark the proposal qualified when it has reached its process's threshold (a conditional UPDATE, so two
    supports that cross it at once qualify it once); sends ``proposal_qualified``. ``support_count`` is the
    value the database holds (as the counter's update gave it back)."""
    if proposal.support_count < proposal.process.support_threshold:
        return False
    now = utcnow()
    old = proposal.state
    row = db.session.execute(
        sa.update(Proposal)
        .where(Proposal.id == proposal.id, Proposal.state.in_((SUBMITTED, UNDER_REVIEW)),
               Proposal.support_count >= proposal.process.support_threshold)
        .values(state=QUALIFIED, qualified_at=now)
        .returning(Proposal.state, Proposal.qualified_at)
        .execution_options(synchronize_session=False)
    ).first()
    if row is None:
        return False
    set_committed_value(proposal, "state", row.state)
    set_committed_value(proposal, "qualified_at", row.qualified_at)
    audit.record("proposals.qualified", subject=proposal, supports=proposal.support_count)
    signals.proposal_qualified.send(proposal)
    signals.proposal_state_changed.send(proposal, old=old, new=QUALIFIED, actor=None)
    _notify(proposal, "proposal.state_changed", old=old, new=QUALIFIED)
    return True


def _add_to_count(proposal: Proposal, delta: int) -> None:
    """Move the counter in SQL from the value the database holds (two supports at once both count), and give
    the new value back to the proposal in memory (one statement)."""
    count = db.session.execute(
        sa.update(Proposal).where(Proposal.id == proposal.id)
        .values(support_count=Proposal.support_count + delta).returning(Proposal.support_count)
        .execution_options(synchronize_session=False)
    ).scalar()
    set_committed_value(proposal, "support_count", count)


def support(proposal: Proposal, user) -> None:
    """One support per eligible resident while the phase opens ``support``. The unique constraint decides
    between two simultaneous attempts; the counter moves in the same transaction."""
    _require("proposal.support", user, proposal)
    if not insert_once(ProposalSupport, proposal_id=proposal.id, user_id=user.id):
        raise Conflict(_l("You already support this proposal."))
    _add_to_count(proposal, +1)
    _qualify_if_due(proposal)


def unsupport(proposal: Proposal, user) -> None:
    """Take a support back while the phase still opens ``support``. A qualified proposal stays qualified."""
    _require("proposal.unsupport", user, proposal)
    deleted = db.session.execute(
        sa.delete(ProposalSupport).where(ProposalSupport.proposal_id == proposal.id,
                                         ProposalSupport.user_id == user.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not deleted:
        raise Conflict(_l("You do not support this proposal."))
    _add_to_count(proposal, -1)


def answer(proposal: Proposal, actor, *, state: str, language: str, text: str) -> ProposalAnswer:
    """An official answer: sets a state and publishes a text. With the same state as the latest answer, the
    text is added to that answer in another language (or replaces that language's text)."""
    _require("proposal.manage", actor, proposal)
    if proposal.state in (DRAFT, WITHDRAWN, MERGED):
        raise Conflict(_l("A draft, withdrawn or merged proposal cannot be answered."))
    if state not in OFFICIAL_STATES:
        raise DomainError(_l("Please choose a state."), field="state")
    if language not in _languages():
        raise DomainError(_l("Please choose the language of the answer."), field="language")
    text = (text or "").strip()
    if not text:
        raise DomainError(_l("Please write the answer."), field="text")
    if len(text) > ANSWER_MAX:
        raise DomainError(_l("The text is too long: at most %(n)s characters.", n=ANSWER_MAX), field="text")
    latest = proposal.answers[0] if proposal.answers else None
    old = proposal.state
    if latest is not None and latest.state == state == old:
        existing = next((t for t in latest.texts if t.language == language), None)
        if existing is None:
            latest.texts.append(AnswerText(language=language, body=text))
        else:
            existing.body = text
        db.session.flush()
        audit.record("proposals.answer_text", actor=actor, subject=proposal, language=language)
        return latest
    entry = ProposalAnswer(proposal=proposal, state=state, answered_by_id=actor.id,
                           texts=[AnswerText(language=language, body=text)])
    db.session.add(entry)
    proposal.state = state
    if state == QUALIFIED and proposal.qualified_at is None:
        proposal.qualified_at = utcnow()
    db.session.flush()
    audit.record("proposals.answered", actor=actor, subject=proposal, old=old, new=state)
    if old != state:
        signals.proposal_state_changed.send(proposal, old=old, new=state, actor=actor)
        if state == QUALIFIED:
            signals.proposal_qualified.send(proposal)
    _notify(proposal, "proposal.answered", actor=actor, old=old, new=state)
    return entry


def merge(sources: list[Proposal], actor, *, title: str, body: str, language: str,
          theme_id: int | None = None, district_id: int | None = None) -> Proposal:
    """A moderator merges and reformulates open proposals of one process into a new one.

    Each source becomes ``merged`` and points to the new proposal; the new one lists its sources (and so their
    authors). Supports carry over once per person: someone who supported two sources counts once.
    """
    if len(sources) < 2:
        raise DomainError(_l("Choose at least two proposals to merge."), field="sources")
    process = sources[0].process
    _require("proposal.merge", actor, process)
    if any(s.process_id != process.id for s in sources):
        raise DomainError(_l("Only proposals of the same process can be merged."), field="sources")
    if any(s.state not in OPEN_STATES for s in sources):
        raise Conflict(_l("Only open proposals can be merged (not drafts, answered, withdrawn or merged "
                          "ones)."))
    title, body = _clean_text(title, body)
    theme, district = _check_place(process, theme_id, district_id, language)
    now = utcnow()
    target = Proposal(process=process, author=None, merged_by_id=actor.id, title=title, body=body,
                      language=language, theme=theme, district=district, state=SUBMITTED, published_at=now)
    db.session.add(target)
    db.session.flush()
    source_ids = [s.id for s in sources]
    db.session.add_all([ProposalSource(target_id=target.id, source_id=i) for i in source_ids])
    db.session.execute(
        sa.insert(ProposalSupport).from_select(
            ["proposal_id", "user_id", "created_at", "carried_from_id"],
            sa.select(sa.literal(target.id), ProposalSupport.user_id, sa.func.min(ProposalSupport.created_at),
                      sa.func.min(ProposalSupport.proposal_id))
            .where(ProposalSupport.proposal_id.in_(source_ids))
            .group_by(ProposalSupport.user_id).order_by(ProposalSupport.user_id),
        )
    )
    carried = db.session.scalar(sa.select(sa.func.count()).select_from(ProposalSupport)
                                .where(ProposalSupport.proposal_id == target.id))
    target.support_count = carried
    for source in sources:
        old = source.state
        source.state = MERGED
        source.merged_into_id = target.id
        signals.proposal_state_changed.send(source, old=old, new=MERGED, actor=actor)
    db.session.flush()
    audit.record("proposals.merged", actor=actor, subject=target, sources=source_ids, supports=carried)
    for source in sources:
        _notify(source, "proposal.merged", actor=actor, into=target.id)
        if source.author is not None:
            _follow(source.author, target)
    _qualify_if_due(target)
    return target


def translate(proposal: Proposal, actor, *, language: str, title: str, body: str) -> ProposalTranslation:
    """Add (or correct) a translation into another language: by the author or a translator."""
    _require("proposal.translate", actor, proposal)
    if language not in _languages():
        raise DomainError(_l("Please choose a language."), field="language")
    if language == proposal.language:
        raise DomainError(_l("The proposal is already written in this language."), field="language")
    title, body = _clean_text(title, body)
    existing = db.session.scalar(sa.select(ProposalTranslation).where(
        ProposalTranslation.proposal_id == proposal.id, ProposalTranslation.language == language))
    if existing is None:
        existing = ProposalTranslation(proposal=proposal, language=language)
        db.session.add(existing)
    existing.title, existing.body, existing.translator_id = title, body, actor.id
    db.session.flush()
    audit.record("proposals.translated", actor=actor, subject=proposal, language=language)
    return existing


# --- reading
# -------------------------------------------------------------------------------------------------

def in_language(proposal: Proposal, language: str, translations=None):
    """What a reader of ``language`` sees: the translation in their language when there is one, else the
    original. Returns ``(title, body, translation_or_None)``."""
    if language == proposal.language:
        return proposal.title, proposal.body, None
    pool = proposal.translations if translations is None else translations
    found = next((t for t in pool if t.language == language), None)
    if found is None:
        return proposal.title, proposal.body, None
    return found.title, found.body, found


def supports_of(user, proposal_ids) -> set[int]:
    """The ids among ``proposal_ids`` this person supports (one query)."""
    if not getattr(user, "is_authenticated", False) or not proposal_ids:
        return set()
    return set(db.session.scalars(sa.select(ProposalSupport.proposal_id).where(
        ProposalSupport.user_id == user.id, ProposalSupport.proposal_id.in_(list(proposal_ids)))))
