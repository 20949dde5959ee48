"""Amendment services: the window, proposing, accepting, rejecting, withdrawing, supporting and turning a
rejected amendment into a proposal; the versions of a proposal's text.

They flush and never commit. The named rules (``amendment_policies``) are asked again here, so the demo, the
tests and the CLI cannot go around them.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from consult.core import audit
from consult.core.db import insert_once
from consult.core.errors import Conflict, DomainError, NotAllowed
from consult.core.models import utcnow
from consult.core.policy import policies
from consult.extensions import db
from consult.notifications import services as notifications
from consult.proposals import amendment_policies  # noqa: F401 (the rules asked below)
from consult.proposals.amendments_models import (
    ACCEPTED,
    BODY_MAX,
    EXPLANATION_MAX,
    PENDING,
    REASON_MAX,
    REJECTED,
    TITLE_MAX,
    WITHDRAWN,
    Amendment,
    AmendmentSupport,
    AmendmentWindow,
    ProposalVersion,
    remember_window,
    window_of,
)
from consult.proposals.models import SUBMITTED, Proposal


def _require(action: str, person, obj) -> None:
    decision = policies.decide(action, person, obj)
    if not decision:
        raise NotAllowed(decision.reason)


def _clean(title: str | None, body: str | None, explanation: str | None) -> tuple[str, str, str]:
    title = " ".join((title or "").split())
    body = (body or "").strip()
    explanation = (explanation or "").strip()
    if not title:
        raise DomainError(_l("Please give the amended proposal a title."), field="title")
    if len(title) > TITLE_MAX:
        raise DomainError(_l("The title is too long: at most %(n)s characters.", n=TITLE_MAX), field="title")
    if not body:
        raise DomainError(_l("Please write the amended text."), field="body")
    if len(body) > BODY_MAX:
        raise DomainError(_l("The text is too long: at most %(n)s characters.", n=BODY_MAX), field="body")
    if not explanation:
        raise DomainError(_l("Please explain your amendment in a few words."), field="explanation")
    if len(explanation) > EXPLANATION_MAX:
        raise DomainError(_l("The explanation is too long: at most %(n)s characters.", n=EXPLANATION_MAX),
                          field="explanation")
    return title, body, explanation


# --- the window and the versions
# ------------------------------------------------------------------------------

def set_window(proposal: Proposal, actor, closes_at: datetime | None) -> AmendmentWindow | None:
    """Open the window until ``closes_at`` (naive UTC, in the future), or close it now (``None``)."""
    _require("amendment.window", actor, proposal)
    window = window_of(proposal)
    if closes_at is None:
        if window is not None:
            window.closes_at = min(window.closes_at, utcnow())
            window.set_by_id, window.set_at = actor.id, utcnow()
        db.session.flush()
        audit.record("amendments.window_closed", actor=actor, subject=proposal)
        return window
    if closes_at <= utcnow():
        raise DomainError(_l("Please choose a moment in the future."), field="closes_at")
    if window is None:
        window = AmendmentWindow(proposal_id=proposal.id, closes_at=closes_at)
        db.session.add(window)
        remember_window(proposal, window)
    window.closes_at, window.set_by_id, window.set_at = closes_at, actor.id, utcnow()
    db.session.flush()
    audit.record("amendments.window_set", actor=actor, subject=proposal, closes_at=closes_at.isoformat())
    return window


def versions_of(proposal_id: int) -> list[ProposalVersion]:
    return list(db.session.scalars(sa.select(ProposalVersion)
                                   .where(ProposalVersion.proposal_id == proposal_id)
                                   .order_by(ProposalVersion.number)))


def current_version(proposal_id: int) -> int:
    """The number of the proposal's current text (1 until an amendment is accepted)."""
    return db.session.scalar(sa.select(sa.func.max(ProposalVersion.number))
                             .where(ProposalVersion.proposal_id == proposal_id)) or 1


# --- proposing and deciding
# -----------------------------------------------------------------------------------

def propose(proposal: Proposal, author, *, title: str, body: str, explanation: str) -> Amendment:
    """A resident proposes a new text for the proposal, with why. It must change something; its author follows
    it (to hear the decision) and the proposal's followers (its author first) are told."""
    _require("amendment.create", author, proposal)
    title, body, explanation = _clean(title, body, explanation)
    if (title, body) == (proposal.title, proposal.body.strip()):
        raise DomainError(_l("Your amendment does not change the text. Change the title or the text."),
                          field="body")
    amendment = Amendment(proposal=proposal, author=author, title=title, body=body, explanation=explanation,
                          base_title=proposal.title, base_body=proposal.body,
                          base_version=current_version(proposal.id), state=PENDING)
    db.session.add(amendment)
    db.session.flush()
    audit.record("amendments.proposed", actor=author, subject=amendment, proposal_id=proposal.id)
    notifications.follow(author, amendment)
    notifications.notify_followers(proposal, "amendment_proposed", actor=author)
    return amendment


def _decided(amendment: Amendment, actor, state: str) -> None:
    amendment.state, amendment.decided_at, amendment.decided_by_id = state, utcnow(), actor.id


def _take_text(amendment: Amendment, actor) -> None:
    """Write the amendment's text into the proposal, only if the proposal still has the text the amendment was
    written against, and decide the amendment, only if it is still pending: two conditional UPDATEs, so two
    acceptances at once (or an edit meanwhile) cannot both win; the second is refused."""
    proposal = amendment.proposal
    changed = db.session.execute(
        sa.update(Proposal).where(Proposal.id == proposal.id, Proposal.title == amendment.base_title,
                                  Proposal.body == amendment.base_body)
        .values(title=amendment.title, body=amendment.body).execution_options(synchronize_session=False)
    ).rowcount
    decided = changed and db.session.execute(
        sa.update(Amendment).where(Amendment.id == amendment.id, Amendment.state == PENDING)
        .values(state=ACCEPTED, decided_at=utcnow(), decided_by_id=actor.id)
        .execution_options(synchronize_session=False)).rowcount
    if not decided:
        raise Conflict(_l("The proposal's text or this amendment changed meanwhile. Please look again."))
    db.session.refresh(proposal, ["title", "body", "updated_at"])
    db.session.refresh(amendment, ["state", "decided_at", "decided_by_id"])


def accept(amendment: Amendment, actor) -> ProposalVersion:
    """The proposal's author accepts: the proposal's text becomes the amendment's, recorded as a new version
    (the first acceptance records the text it replaces as version 1). The amendment's author is credited."""
    _require("amendment.accept", actor, amendment)
    proposal = amendment.proposal
    _take_text(amendment, actor)  # the proposal's row is locked from here (PostgreSQL) until the commit
    number = current_version(proposal.id)
    if number == 1 and not versions_of(proposal.id):
        db.session.add(ProposalVersion(proposal_id=proposal.id, number=1, title=amendment.base_title,
                                       body=amendment.base_body,
                                       created_at=proposal.published_at or utcnow()))
    version = ProposalVersion(proposal_id=proposal.id, number=number + 1, title=amendment.title,
                              body=amendment.body, amendment_id=amendment.id)
    db.session.add(version)
    db.session.flush()
    audit.record("amendments.accepted", actor=actor, subject=amendment, proposal_id=proposal.id,
                 version=version.number)
    notifications.notify_followers(amendment, "amendment_accepted", actor=actor)
    notifications.notify_followers(proposal, "proposal_amended", actor=actor)
    return version


def reject(amendment: Amendment, actor, reason: str) -> Amendment:
    """The proposal's author rejects with a public reason; residents may still support the amendment, and its
    author may turn it into a proposal."""
    _require("amendment.reject", actor, amendment)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Please give the reason, for the author and the residents."), field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(_l("The reason is too long: at most %(n)s characters.", n=REASON_MAX),
                          field="reason")
    amendment.reason = reason
    _decided(amendment, actor, REJECTED)
    db.session.flush()
    audit.record("amendments.rejected", actor=actor, subject=amendment, proposal_id=amendment.proposal_id)
    notifications.notify_followers(amendment, "amendment_rejected", actor=actor)
    return amendment


def withdraw(amendment: Amendment, actor) -> Amendment:
    _require("amendment.withdraw", actor, amendment)
    amendment.state = WITHDRAWN
    amendment.decided_at = utcnow()
    db.session.flush()
    audit.record("amendments.withdrawn", actor=actor, subject=amendment, proposal_id=amendment.proposal_id)
    return amendment


def promote(amendment: Amendment, actor) -> Proposal:
    """The author of a rejected amendment publishes it as a proposal of its own, in the same process, theme
    and district (once: the amendment keeps the link)."""
    _require("amendment.promote", actor, amendment)
    source = amendment.proposal
    proposal = Proposal(process_id=source.process_id, author=actor, title=amendment.title,
                        body=amendment.body, language=source.language, theme_id=source.theme_id,
                        district_id=source.district_id,
                        state=SUBMITTED, published_at=utcnow())
    db.session.add(proposal)
    db.session.flush()
    promoted = db.session.execute(
        sa.update(Amendment).where(Amendment.id == amendment.id, Amendment.promoted_to_id.is_(None))
        .values(promoted_to_id=proposal.id).execution_options(synchronize_session=False)).rowcount
    if not promoted:
        raise Conflict(_l("This amendment is already a proposal."))
    set_committed_value(amendment, "promoted_to_id", proposal.id)
    audit.record("amendments.promoted", actor=actor, subject=amendment, proposal_id=proposal.id)
    notifications.follow(actor, proposal)
    return proposal


# --- supports
# -------------------------------------------------------------------------------------------------

def _add_to_count(amendment: Amendment, delta: int) -> None:
    count = db.session.execute(
        sa.update(Amendment).where(Amendment.id == amendment.id)
        .values(support_count=Amendment.support_count + delta).returning(Amendment.support_count)
        .execution_options(synchronize_session=False)).scalar()
    set_committed_value(amendment, "support_count", count)


def support(amendment: Amendment, user) -> None:
    """Once per person (the unique constraint decides between two attempts); the count moves with it."""
    _require("amendment.support", user, amendment)
    if not insert_once(AmendmentSupport, amendment_id=amendment.id, user_id=user.id):
        raise Conflict(_l("You already support this amendment."))
    _add_to_count(amendment, +1)


def unsupport(amendment: Amendment, user) -> None:
    _require("amendment.unsupport", user, amendment)
    deleted = db.session.execute(
        sa.delete(AmendmentSupport).where(AmendmentSupport.amendment_id == amendment.id,
                                          AmendmentSupport.user_id == user.id)
        .execution_options(synchronize_session=False)).rowcount
    if not deleted:
        raise Conflict(_l("You do not support this amendment."))
    _add_to_count(amendment, -1)


def supports(user, amendment_id: int) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(sa.select(AmendmentSupport.id).where(
        AmendmentSupport.amendment_id == amendment_id, AmendmentSupport.user_id == user.id)) is not None
