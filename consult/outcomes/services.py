"""Outcomes: from decisions to actions, their dated updates, and the monitoring committee's follow-up.

Rules kept here:

* each adopted motion of a session's record becomes one outcome (idempotent: a unique ``source_key``), with
the
  item's action items as its actions;
* an action's status is planned, in progress, done or dropped; progress is 0–100 (done means 100);
  every change is a dated update, and the proposal's followers are notified;
* only members of the council's monitoring committee (role ``monitor`` scoped to the council) post follow-up
  comments.

Services flush and never commit.
"""

from __future__ import annotations

import logging
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from consult.core import audit, signals, targets
from consult.core.errors import DomainError
from consult.core.models import utcnow
from consult.extensions import db
from consult.notifications.services import notify_followers
from consult.outcomes.models import (
    ACTION_STATUSES,
    DONE,
    FollowUpComment,
    Outcome,
    OutcomeAction,
    OutcomeUpdate,
)

log = logging.getLogger(__name__)
MONITOR = "monitor"


def _date(value) -> date | None:
    if not value:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _process_of(proposal_id: int | None) -> int | None:
    if proposal_id is None:
        return None
    proposal = targets.resolve("proposal", proposal_id)
    return getattr(proposal, "process_id", None)


def create_outcome(title: str, *, description: str = "", council_id: int | None = None,
                   process_id: int | None = None, proposal_id: int | None = None,
                   minutes_id: int | None = None, source_type: str | None = None,
                   source_id: int | None = None, source_key: str | None = None,
                   decided_on: date | None = None, actor=None) -> Outcome:
    """A new outcome (idempotent for a given ``source_key``)."""
    title = " ".join((title or "").split())
    if not title:
        raise DomainError(_l("Say what was decided."), field="title")
    if source_key:
        existing = db.session.scalar(sa.select(Outcome).where(Outcome.source_key == source_key))
        if existing is not None:
            return existing
    outcome = Outcome(title=title[:300], description=description or "", council_id=council_id,
                      process_id=process_id if process_id is not None else _process_of(proposal_id),
                      proposal_id=proposal_id, minutes_id=minutes_id, source_type=source_type,
                      source_id=source_id, source_key=source_key, decided_on=decided_on)
    db.session.add(outcome)
    audit.record("outcomes.created", actor=actor, subject=outcome)
    db.session.flush()
    return outcome


def outcomes_from_record(record: dict, *, council_id: int | None = None, minutes_id: int | None = None,
                         actor=None) -> list[Outcome]:
    """One outcome per adopted motion of the record (or per decision of an item decided without a motion);
    the item's action items become the actions of its first outcome."""
    created = []
    source_type = record.get("kind") or "council_session"
    decided_on = _date(record.get("starts_at"))
    for item in record.get("items") or []:
        proposals = item.get("proposals") or []
        proposal_id = proposals[0].get("id") if proposals else None
        actions_given = False
        for index, motion in enumerate(item.get("motions") or [], start=1):
            if motion.get("verdict") != "adopted":
                continue
            decisions = "\n".join(f"- {d}" for d in item.get("decisions") or [])
            outcome = create_outcome(
                motion.get("text") or item.get("title") or "", description=decisions,
                council_id=council_id, proposal_id=proposal_id, minutes_id=minutes_id,
                source_type=source_type, source_id=record.get("id"),
                source_key=f"{source_type}:{record.get('id')}:{item.get('number')}:{index}",
                decided_on=decided_on, actor=actor)
            if not actions_given and not outcome.actions:
                for action in item.get("actions") or []:
                    add_action(outcome, action.get("text") or "", responsible=action.get("owner") or "",
                               due_on=_date(action.get("due")), actor=actor)
                actions_given = True
            created.append(outcome)
        if not any(m.get("verdict") == "adopted" for m in item.get("motions") or []):
            # a decision taken without a motion (by consensus) is an outcome too
            for index, decision in enumerate(item.get("decisions") or [], start=1):
                outcome = create_outcome(
                    decision, council_id=council_id, proposal_id=proposal_id, minutes_id=minutes_id,
                    source_type=source_type, source_id=record.get("id"),
                    source_key=f"{source_type}:{record.get('id')}:{item.get('number')}:decision:{index}",
                    decided_on=decided_on, actor=actor)
                if index == 1 and not outcome.actions:
                    for action in item.get("actions") or []:
                        add_action(outcome, action.get("text") or "", responsible=action.get("owner") or "",
                                   due_on=_date(action.get("due")), actor=actor)
                created.append(outcome)
    return created


def add_action(outcome: Outcome, title: str, *, responsible: str = "", due_on: date | None = None,
               actor=None) -> OutcomeAction:
    title = " ".join((title or "").split())
    if not title:
        raise DomainError(_l("Say what has to be done."), field="title")
    action = OutcomeAction(title=title[:300], responsible=(responsible or "").strip()[:200], due_on=due_on,
                           position=len(outcome.actions) + 1)
    outcome.actions.append(action)
    db.session.flush()
    return action


def update_action(action: OutcomeAction, *, status: str, progress: int | None, text: str = "",
                  actor=None) -> OutcomeUpdate:
    """A dated update of an action; done means 100 %. Followers of the proposal are notified."""
    if status not in ACTION_STATUSES:
        raise DomainError(_l("Choose a status from the list."), field="status")
    if progress is None:
        progress = action.progress
    if not 0 <= int(progress) <= 100:
        raise DomainError(_l("Progress is a number from 0 to 100."), field="progress")
    progress = 100 if status == DONE else int(progress)
    text = (text or "").strip()
    if status == action.status and progress == action.progress and not text:
        raise DomainError(_l("Nothing has changed. Change the status or the progress, or write what "
                             "happened."), field="text")
    action.status, action.progress = status, progress
    update = OutcomeUpdate(outcome_id=action.outcome_id, action=action, author_id=getattr(actor, "id", None),
                           text=text[:5000], status=status, progress=progress)
    db.session.add(update)
    action.outcome.updated_at = utcnow()
    audit.record("outcomes.action_updated", actor=actor, subject=action.outcome, action_id=action.id,
                 status=status, progress=progress)
    db.session.flush()
    _announce(action.outcome, update, actor)
    return update


def post_follow_up(outcome: Outcome, body: str, *, author) -> FollowUpComment:
    """A monitoring committee member's public comment on how the outcome is carried out."""
    body = (body or "").strip()
    if not body:
        raise DomainError(_l("Write your comment."), field="body")
    if len(body) > 5000:
        raise DomainError(_l("The comment is too long."), field="body")
    comment = FollowUpComment(outcome_id=outcome.id, author_id=author.id, body=body)
    db.session.add(comment)
    db.session.flush()
    return comment


def appoint_monitor(council_id: int, user, *, by) -> None:
    """Name a person to the council's monitoring committee (a role grant scoped to the council)."""
    from consult.accounts.services import grant_role

    if user is None or user.is_deleted:
        raise DomainError(_l("No account has this username."), field="username")
    grant_role(user, MONITOR, by=by, scope_type="council", scope_id=council_id)


def remove_monitor(council_id: int, user, *, by) -> None:
    from consult.accounts.services import revoke_role

    revoke_role(user, MONITOR, by=by, scope_type="council", scope_id=council_id)


def monitors_of(council_id: int):
    from consult.accounts.models import RoleGrant, User

    return list(db.session.scalars(sa.select(User).join(RoleGrant, RoleGrant.user_id == User.id).where(
        RoleGrant.role == MONITOR, RoleGrant.scope_type == "council", RoleGrant.scope_id == council_id,
        User.deleted_at.is_(None)).order_by(User.display_name)))


def _announce(outcome: Outcome, update: OutcomeUpdate, actor) -> None:
    """Tell the rest of the platform: the ``outcome_updated`` signal, and the proposal's followers."""
    signals.outcome_updated.send(outcome, actor=actor, text=update.text)
    notify_followers(outcome, "outcome_updated", actor=actor)
    proposal = targets.resolve("proposal", outcome.proposal_id) if outcome.proposal_id is not None else None
    if proposal is not None:
        notify_followers(proposal, "outcome_updated", actor=actor, outcome_id=outcome.id)
