"""Read models for minutes pages (a constant number of queries per page)."""

from __future__ import annotations

import sqlalchemy as sa

from consult.extensions import db
from consult.minutes.models import PUBLISHED, SUBMITTED, Minutes
from consult.minutes.permissions import councils_with_office


def published():
    return sa.select(Minutes).where(Minutes.status == PUBLISHED).order_by(
        Minutes.published_at.desc(), Minutes.id.desc())


def waiting_for(person):
    """Unpublished minutes the person works on: all for admins, else those of councils where they hold
    office."""
    if not getattr(person, "is_authenticated", False):
        return None
    query = (sa.select(Minutes).where(Minutes.status != PUBLISHED).order_by(Minutes.updated_at.desc())
             .limit(50))
    if person.has_role("admin"):
        return query
    council_ids = councils_with_office(person, ("secretary", "president"))
    conditions = []
    if council_ids:
        conditions.append(Minutes.council_id.in_(council_ids))
    if person.has_role("moderator"):
        conditions.append(Minutes.council_id.is_(None))
    debate_ids = {g.scope_id for g in person.grants if g.scope_type == "debate" and g.role == "moderator"}
    if debate_ids:
        conditions.append(sa.and_(Minutes.source_type == "debate", Minutes.source_id.in_(debate_ids)))
    if not conditions:
        return None
    return query.where(sa.or_(*conditions))


def awaiting_motion(council_id: int) -> list:
    """The council's minutes that a motion of the council may approve (submitted, approval by motion), as rows
    with ``id`` and ``title``, the oldest session first; one query."""
    return db.session.execute(
        sa.select(Minutes.id, Minutes.title)
        .where(Minutes.council_id == council_id, Minutes.status == SUBMITTED,
               Minutes.approval_mode == "motion")
        .order_by(Minutes.held_at, Minutes.id)).all()
