"""Read models for outcome pages (a constant number of queries)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from consult.core import targets
from consult.extensions import db
from consult.outcomes.models import FollowUpComment, Outcome, OutcomeUpdate


def outcomes(council_id=None, process_id=None, proposal_id=None):
    query = sa.select(Outcome).options(selectinload(Outcome.actions)).order_by(
        Outcome.decided_on.desc().nulls_last(), Outcome.id.desc())
    if council_id is not None:
        query = query.where(Outcome.council_id == council_id)
    if process_id is not None:
        query = query.where(Outcome.process_id == process_id)
    if proposal_id is not None:
        query = query.where(Outcome.proposal_id == proposal_id)
    return query


def updates_of(outcome: Outcome):
    return list(db.session.scalars(sa.select(OutcomeUpdate).options(sa.orm.joinedload(OutcomeUpdate.action))
                                   .where(OutcomeUpdate.outcome_id == outcome.id)
                                   .order_by(OutcomeUpdate.created_at.desc(), OutcomeUpdate.id.desc())))


def follow_ups_of(outcome: Outcome):
    return list(db.session.scalars(sa.select(FollowUpComment).where(FollowUpComment.outcome_id == outcome.id)
                                   .order_by(FollowUpComment.created_at, FollowUpComment.id)))


def latest_updates(limit: int = 50):
    return list(db.session.scalars(sa.select(OutcomeUpdate).options(
        sa.orm.joinedload(OutcomeUpdate.outcome), sa.orm.joinedload(OutcomeUpdate.action))
        .order_by(OutcomeUpdate.created_at.desc(), OutcomeUpdate.id.desc()).limit(limit)))


def name_of(type_name: str, ident: int | None) -> str | None:
    """The public name of a council, process or proposal, when its module is installed."""
    if ident is None:
        return None
    obj = targets.resolve(type_name, ident)
    return (getattr(obj, "name", None) or getattr(obj, "title", None)) if obj is not None else None


def outcomes_for_proposal(proposal_id: int) -> list[Outcome]:
    """The outcomes a proposal led to (for the proposal's page: "this proposal led to a decision")."""
    return list(db.session.scalars(outcomes(proposal_id=proposal_id)))


#: how to link to the public page of another module's object (endpoint, URL values from the object)
_PAGES = {
    "proposal": ("proposals.show", lambda obj: {"proposal_id": obj.id}),
    "process": ("processes.show", lambda obj: {"process_id": obj.id}),
    "council": ("councils.show", lambda obj: {"slug": obj.slug}),
}


def public_link(type_name: str, ident: int | None) -> tuple[str, str | None] | None:
    """(name, url) of a council, process or proposal, when its module is installed; url None without a
    page."""
    if ident is None:
        return None
    obj = targets.resolve(type_name, ident)
    if obj is None:
        return None
    name = getattr(obj, "name", None) or getattr(obj, "title", None) or str(ident)
    endpoint, values = _PAGES.get(type_name, (None, None))
    try:
        from flask import url_for

        return name, url_for(endpoint, **values(obj)) if endpoint else None
    except Exception:  # noqa: BLE001 - the other module has no such page (yet): show the name only
        return name, None
