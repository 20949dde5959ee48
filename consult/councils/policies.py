"""Who may do what with councils. Council roles come from active memberships (the membership table), never
from global roles: being secretary of one council gives no right in another, and a term that ended gives none.

* ``council.view``: everyone (council pages are public).
* ``council.create`` / ``council.edit`` / ``council.manage_members``: platform admins.
* ``council.manage_sessions``: admins, and the president or secretary of THIS council.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from consult.core.models import utcnow
from consult.core.policy import always, is_admin, is_signed_in, policies, predicate
from consult.extensions import db


def council_of(obj):
    """The council an object belongs to (council, session, agenda item, motion, membership)."""
    from consult.councils.models import Council

    for _ in range(4):
        if obj is None or isinstance(obj, Council):
            return obj
        obj = getattr(obj, "council", None) or getattr(obj, "session", None) or getattr(obj, "item", None)
    return obj


def active_membership(person, council, roles=None):
    """The person's active membership in the council (optionally with one of ``roles``), or None."""
    from consult.councils.models import Membership

    if council is None or not getattr(person, "is_authenticated", False):
        return None
    today = utcnow().date()
    query = sa.select(Membership).where(
        Membership.council_id == council.id, Membership.user_id == person.id, Membership.starts_on <= today,
        sa.or_(Membership.ends_on.is_(None), Membership.ends_on >= today))
    if roles:
        query = query.where(Membership.role.in_(roles))
    return db.session.scalars(query.limit(1)).first()


@predicate(_l("Only the president or the secretary of this council can do this."))
def is_council_officer(person, obj):
    from consult.councils.models import OFFICER_ROLES

    return active_membership(person, council_of(obj), OFFICER_ROLES) is not None


@predicate(_l("Only voting members of this council can vote. Observers attend without a vote."))
def is_voting_member(person, obj):
    from consult.councils.models import VOTING_ROLES

    return active_membership(person, council_of(obj), VOTING_ROLES) is not None


policies.register("council.view", always)
policies.register("council.create", is_signed_in & is_admin)
policies.register("council.edit", is_signed_in & is_admin)
policies.register("council.manage_members", is_signed_in & is_admin)
policies.register("council.manage_sessions", is_signed_in & (is_admin | is_council_officer))
