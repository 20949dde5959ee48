"""Candidacies: standing (statement in the candidate's language, optional photo), withdrawal until voting
starts, supporters (one per eligible voter, counted like proposal supports), the organisers' review with a
reason, human translations of the statement. The rules are listed in ``consult.elections.services``."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from consult.core import audit
from consult.core.db import insert_once
from consult.core.errors import Conflict, DomainError
from consult.core.models import utcnow
from consult.core.policy import enforce
from consult.elections.models import (
    ACCEPTED,
    REFUSED,
    SUBMITTED,
    WITHDRAWN,
    Candidacy,
    CandidacySupport,
    CandidacyTranslation,
    Election,
)
from consult.extensions import db

STATEMENT_MAX, NAME_MAX = 10_000, 120
PHOTO_MAX_BYTES = 5 * 1024 * 1024
UPLOAD_AREA = "elections"


def _languages() -> dict:
    return current_app.config["LANGUAGES"]


def _statement(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(_l("Please write your statement."), field="statement")
    if len(text) > STATEMENT_MAX:
        raise DomainError(_l("At most %(n)s characters.", n=STATEMENT_MAX), field="statement")
    return text


def _store_photo(candidacy: Candidacy, photo) -> None:
    """``photo``: (bytes, file name) of an image; a PDF is refused (a photo is an image)."""
    from consult.core.uploads import remove, store

    data, filename = photo
    stored = store(data, filename, area=UPLOAD_AREA, max_bytes=PHOTO_MAX_BYTES, field="photo")
    if not stored.media_type.startswith("image/"):
        remove(UPLOAD_AREA, stored.stored_name)
        raise DomainError(_l("The photo must be an image (PNG, JPEG, GIF or WebP)."), field="photo")
    if candidacy.photo_name:
        remove(UPLOAD_AREA, candidacy.photo_name)
    candidacy.photo_name, candidacy.photo_type = stored.stored_name, stored.media_type


def stand(election: Election, person, *, name: str, statement: str, language: str, photo=None,
          photo_alt: str = "") -> Candidacy:
    """``person`` stands: a candidacy waiting for supporters and review. The candidate follows the election
    and the candidacy (so they hear of the review, the vote and the result)."""
    from consult.notifications.services import follow
    from consult.residency.policies import current_status

    enforce("election.stand", person, election)
    name = " ".join((name or "").split()) or person.display_name
    if len(name) > NAME_MAX:
        raise DomainError(_l("At most %(n)s characters.", n=NAME_MAX), field="name")
    if language not in _languages():
        raise DomainError(_l("Please choose the language of your statement."), field="language")
    status = current_status(person)
    candidacy = Candidacy(election_id=election.id, user_id=person.id, name=name,
                          statement=_statement(statement),
                          language=language, district_id=status.district_id if status else None,
                          status=SUBMITTED, photo_alt=(photo_alt or "").strip()[:300])
    if photo is not None:
        _store_photo(candidacy, photo)
    db.session.add(candidacy)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError:
        raise Conflict(_l("You already stand in this election.")) from None
    db.session.expire(election, ["candidacies"])
    audit.record("elections.stood", actor=person, subject=candidacy, election_id=election.id)
    follow(person, election)
    follow(person, candidacy)
    return candidacy


def withdraw(candidacy: Candidacy, person) -> Candidacy:
    """The candidate withdraws, until voting starts (final: they cannot stand again in this election)."""
    enforce("candidacy.withdraw", person, candidacy)
    candidacy.status = WITHDRAWN
    candidacy.withdrawn_at = utcnow()
    db.session.flush()
    audit.record("elections.withdrawn", actor=person, subject=candidacy)
    return candidacy


def support(candidacy: Candidacy, person) -> int:
    """One support per eligible voter; returns the new count (moved in SQL, like a proposal's supports)."""
    enforce("candidacy.support", person, candidacy)
    if not insert_once(CandidacySupport, candidacy_id=candidacy.id, user_id=person.id):
        raise Conflict(_l("You already support this nomination."))
    count = db.session.execute(
        sa.update(Candidacy).where(Candidacy.id == candidacy.id)
        .values(support_count=Candidacy.support_count + 1).returning(Candidacy.support_count)
        .execution_options(synchronize_session=False)).scalar()
    set_committed_value(candidacy, "support_count", count)
    return count


def supports(person, candidacy: Candidacy) -> bool:
    if not getattr(person, "is_authenticated", False):
        return False
    return db.session.scalar(sa.select(sa.exists().where(CandidacySupport.candidacy_id == candidacy.id,
                                                         CandidacySupport.user_id == person.id)))


def review(candidacy: Candidacy, by, *, accept: bool, reason: str = "") -> Candidacy:
    """The organisers accept a nomination (once it has its supporters) or refuse it with a reason."""
    from consult.notifications.services import notify_followers

    enforce("candidacy.review", by, candidacy)
    election = candidacy.election
    reason = (reason or "").strip()
    if accept:
        if candidacy.support_count < election.supporters_needed:
            raise Conflict(_l("This nomination has %(have)s supporters of the %(need)s it needs.",
                              have=candidacy.support_count, need=election.supporters_needed))
    elif not reason:
        raise DomainError(_l("Please give the reason of the refusal."), field="reason")
    candidacy.status = ACCEPTED if accept else REFUSED
    candidacy.review_reason = reason[:5000]
    candidacy.reviewed_by_id, candidacy.reviewed_at = by.id, utcnow()
    db.session.flush()
    audit.record("elections.nomination_accepted" if accept else "elections.nomination_refused", actor=by,
                 subject=candidacy)
    notify_followers(candidacy, "nomination_accepted" if accept else "nomination_refused", actor=by,
                     title=candidacy.election.title)
    return candidacy


def translate(candidacy: Candidacy, actor, *, language: str, statement: str) -> CandidacyTranslation:
    """Add (or correct) a human translation of the statement: the candidate or a translator."""
    enforce("candidacy.translate", actor, candidacy)
    if language not in _languages():
        raise DomainError(_l("Please choose a language."), field="language")
    if language == candidacy.language:
        raise DomainError(_l("The statement is already written in this language."), field="language")
    text = _statement(statement)
    existing = next((t for t in candidacy.translations if t.language == language), None)
    if existing is None:
        existing = CandidacyTranslation(candidacy=candidacy, language=language, statement=text)
        db.session.add(existing)
    existing.statement, existing.translator_id = text, actor.id
    db.session.flush()
    audit.record("elections.translated", actor=actor, subject=candidacy, language=language)
    return existing


def in_language(candidacy: Candidacy, language: str) -> tuple[str, CandidacyTranslation | None]:
    """The statement a reader of ``language`` sees: a human translation when there is one, else the
    original."""
    if language != candidacy.language:
        found = next((t for t in candidacy.translations if t.language == language), None)
        if found is not None:
            return found.statement, found
    return candidacy.statement, None


def accepted(election: Election) -> list[Candidacy]:
    return [c for c in election.candidacies if c.status == ACCEPTED]
