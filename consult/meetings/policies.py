"""Who may do what in council sessions. Roles come from active memberships of the session's council.

* ``session.view``: everyone for convened, running and closed sessions; drafts only for the officers.
* ``session.manage``: admins and the president or secretary of this council (prepare, convene, run, roll call,
  motions, close).
* ``motion.vote``: voting members of this council (observers never).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from consult.core.policy import is_admin, is_signed_in, policies, predicate
from consult.councils.policies import is_council_officer, is_voting_member


@predicate(_l("This session is still being prepared."))
def is_published(person, session):
    return session is not None and session.status != "draft"


policies.register("session.view", is_published | (is_signed_in & (is_admin | is_council_officer)))
policies.register("session.manage", is_signed_in & (is_admin | is_council_officer))
policies.register("motion.vote", is_signed_in & is_voting_member)
