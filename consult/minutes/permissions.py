"""Who holds an office in a council: the one place minutes and outcomes ask it.

Council offices are held through the councils' memberships (``Membership.role`` during a term that covers the
day, ``councils.offices.in_term``), and through role grants scoped to the council (``RoleGrant(role,
scope_type="council", scope_id=council.id)``), which is how the monitoring committee (role ``monitor``) is
named. Platform administrators always count (see the policies).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import g, has_request_context, request

from consult.core import time
from consult.councils.models import Membership
from consult.councils.offices import in_term
from consult.extensions import db


def holds_council_office(person, council_id: int | None, office: str) -> bool:
    """True when ``person`` holds ``office`` in council ``council_id`` (by role grant or membership)."""
    if council_id is None or not getattr(person, "is_authenticated", False):
        return False
    if person.has_role(office, "council", council_id):
        return True
    return office in _offices_held(person.id, council_id)


def _offices_held(user_id: int, council_id: int) -> frozenset[str]:
    """The offices a person holds in a council today; asked once per council on a page (GET), so a list that
    checks every row costs one query."""
    cache = g.setdefault("consult_council_offices", {}) if has_request_context() and request.method in (
        "GET", "HEAD") else None
    if cache is not None and (user_id, council_id) in cache:
        return cache[(user_id, council_id)]
    offices = _query_offices(user_id, council_id)
    if cache is not None:
        cache[(user_id, council_id)] = offices
    return offices


def _query_offices(user_id: int, council_id: int) -> frozenset[str]:
    return frozenset(db.session.scalars(sa.select(Membership.role).where(
        Membership.council_id == council_id, Membership.user_id == user_id, in_term(time.today()))))


def councils_with_office(person, offices: tuple[str, ...]) -> set[int]:
    """Ids of the councils where the person holds one of ``offices`` (grants and active memberships)."""
    if not getattr(person, "is_authenticated", False):
        return set()
    ids = {g.scope_id for g in person.grants if g.scope_type == "council" and g.role in offices}
    ids |= set(db.session.scalars(sa.select(Membership.council_id).where(
        Membership.user_id == person.id, Membership.role.in_(offices), in_term(time.today()))))
    return ids
