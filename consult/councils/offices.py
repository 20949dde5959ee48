"""Who holds a seat in a council, in which role, on a given day: the one answer that policies, sessions, roll
calls and pages ask.

A term covers every day from its first to its last, both included; an open-ended term has no last day. The
same test exists as SQL (:func:`in_term`, for queries and read models) and in Python (:func:`term_covers`, for
rows already read); :func:`seat` and :func:`seats` are built on them.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import g, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from consult.core import time
from consult.councils.models import ROLES, Membership
from consult.extensions import db


def term_covers(starts_on: date, ends_on: date | None, day: date) -> bool:
    """Whether a term from ``starts_on`` to ``ends_on`` (None: open-ended) covers ``day``."""
    return starts_on <= day and (ends_on is None or ends_on >= day)


def in_term(day, columns=Membership):
    """SQL: the memberships whose term covers ``day`` (``columns``: the model, or its table's ``.c``)."""
    return sa.and_(columns.starts_on <= day, sa.or_(columns.ends_on.is_(None), columns.ends_on >= day))


def seat(person, council, roles=None, *, on: date | None = None) -> Membership | None:
    """The person's seat in ``council`` on ``on`` (today by default), with one of ``roles`` when given, or
    None.

    Visitors, and a council that is None, have no seat."""
    if council is None or not getattr(person, "is_authenticated", False):
        return None
    day = on or time.today()
    key = (council.id, person.id, tuple(sorted(roles)) if roles else None, day)
    known = _known_seats()
    if key in known:
        return known[key]
    query = sa.select(Membership).where(Membership.council_id == council.id, Membership.user_id == person.id,
                                        in_term(day))
    if roles:
        query = query.where(Membership.role.in_(roles))
    found = known[key] = db.session.scalars(query.limit(1)).first()
    return found


def _known_seats() -> dict:
    """The seats looked up in this request (several rules ask the same question of one page); forgotten at
    every flush, so a request that changes seats asks the database again."""
    if not has_request_context():
        return {}
    return g.setdefault("consult_known_seats", {})


@event.listens_for(Session, "after_flush")
def _forget_known_seats(_session, _flush_context):
    if has_request_context():
        g.pop("consult_known_seats", None)


def seats(council, on: date | None = None) -> list[Membership]:
    """Every seat held in ``council`` on ``on`` (today by default), president first, then by name."""
    rows = db.session.scalars(sa.select(Membership).where(Membership.council_id == council.id,
                                                          in_term(on or time.today()))).all()
    return sorted(rows, key=lambda m: (ROLES.index(m.role), m.user.public_name.casefold()))
