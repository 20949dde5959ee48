"""Who may do what with councils. Council roles come from the seats held today (``councils.offices.seat``),
never from global roles: being secretary of one council gives no right in another, and a term that ended (or
has not begun) gives none.

* ``council.view``: everyone (council pages are public).
* ``council.create`` / ``council.edit`` / ``council.manage_members``: platform admins.
* ``council.manage_sessions``: admins, and the president or secretary of THIS council.
* ``council.set_participation``: the same; whether accounts not verified yet may comment and report in the
  council's processes (``councils.participation``).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from consult.core.policy import always, is_admin, is_signed_in, policies, predicate
from consult.councils.models import OFFICER_ROLES, Council
from consult.councils.offices import seat


def council_of(obj):
    """The council an object belongs to (council, session, agenda item, motion, membership)."""
    for _ in range(4):
        if obj is None or isinstance(obj, Council):
            return obj
        obj = getattr(obj, "council", None) or getattr(obj, "session", None) or getattr(obj, "item", None)
    return obj


@predicate(_l("Only the president or the secretary of this council can do this."))
def is_council_officer(person, obj):
    return seat(person, council_of(obj), OFFICER_ROLES) is not None


policies.register("council.view", always)
policies.register("council.create", is_signed_in & is_admin)
policies.register("council.edit", is_signed_in & is_admin)
policies.register("council.manage_members", is_signed_in & is_admin)
policies.register("council.manage_sessions", is_signed_in & (is_admin | is_council_officer))
policies.register("council.set_participation", is_signed_in & (is_admin | is_council_officer))
