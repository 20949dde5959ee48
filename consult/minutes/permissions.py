"""Who holds an office in a council: the one place minutes and outcomes ask it.

Council offices are held through the councils module's memberships (``council_membership.role`` during an
active term), and through role grants scoped to the council (``RoleGrant(role, scope_type="council",
scope_id=council.id)``), which is how the monitoring committee (role ``monitor``) is named. The membership
table is looked up only when the councils module is installed (checked through ``find_spec`` so this module
never needs councils at import time). Platform administrators always count (see the policies).
"""

from __future__ import annotations

import importlib
import importlib.util

import sqlalchemy as sa
from flask import g, has_request_context, request

from consult.core.models import utcnow
from consult.extensions import db

#: attribute names a councils membership model may use for the office
_OFFICE_COLUMNS = ("role", "office", "position")


def _membership_model():
    if importlib.util.find_spec("consult.councils") is None:
        return None
    try:
        if importlib.util.find_spec("consult.councils.models") is None:
            return None
        models = importlib.import_module("consult.councils.models")
    except Exception:  # the module is being written; grants still work  # noqa: BLE001
        return None
    for name in ("Membership", "CouncilMembership", "CouncilMember"):
        model = getattr(models, name, None)
        if model is not None and hasattr(model, "council_id") and hasattr(model, "user_id"):
            return model
    return None


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
    model = _membership_model()
    if model is None:
        return frozenset()
    column = next((getattr(model, c) for c in _OFFICE_COLUMNS if hasattr(model, c)), None)
    if column is None:
        return frozenset()
    query = sa.select(column).where(model.council_id == council_id, model.user_id == user_id)
    today = utcnow().date()
    if hasattr(model, "starts_on"):
        query = query.where(model.starts_on <= today)
    if hasattr(model, "ends_on"):
        query = query.where(sa.or_(model.ends_on.is_(None), model.ends_on >= today))
    if hasattr(model, "ended_at"):
        query = query.where(model.ended_at.is_(None))
    try:
        return frozenset(db.session.scalars(query))
    except sa.exc.SQLAlchemyError:
        return frozenset()


def councils_with_office(person, offices: tuple[str, ...]) -> set[int]:
    """Ids of the councils where the person holds one of ``offices`` (grants and active memberships)."""
    if not getattr(person, "is_authenticated", False):
        return set()
    ids = {g.scope_id for g in person.grants if g.scope_type == "council" and g.role in offices}
    model = _membership_model()
    column = next((getattr(model, c) for c in _OFFICE_COLUMNS if hasattr(model, c)), None) if model else None
    if column is not None:
        today = utcnow().date()
        query = sa.select(model.council_id).where(model.user_id == person.id, column.in_(offices))
        if hasattr(model, "starts_on"):
            query = query.where(model.starts_on <= today)
        if hasattr(model, "ends_on"):
            query = query.where(sa.or_(model.ends_on.is_(None), model.ends_on >= today))
        try:
            ids |= set(db.session.scalars(query))
        except sa.exc.SQLAlchemyError:
            pass
    return ids
