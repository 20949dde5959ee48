"""Who may do what in a debate.

* Everyone may read a debate, its questions and its projector view.
* Creating debates: platform moderators and admins.
* Running a debate (console): the debate's own moderators (``RoleGrant(role="moderator", scope_type="debate",
  scope_id=debate.id)``), platform moderators and admins.
* Asking, liking, asking to speak (``debate.participate``): signed-in people who are not blocked; anonymous
  people too when the debate allows it (a random browser key identifies them).
* Answering a live poll (``debate.vote``, asked by the votes engine when a ballot is cast): the same people,
  while the debate runs (live or paused).
"""

from flask_babel import lazy_gettext as _l

from consult.core.policy import (
    SIGN_IN,
    YES,
    Decision,
    always,
    has_role,
    is_admin,
    is_not_blocked,
    is_signed_in,
    policies,
    predicate,
)

is_debate_moderator = has_role("moderator", scope=lambda debate: ("debate", debate.id),
                               reason=_l("Only the moderators of this debate can do this."))
is_platform_moderator = has_role("moderator",
                                 reason=_l("Only moderators and administrators can create debates."))


@predicate(_l("This debate is not running."))
def is_running(person, debate):
    return debate is not None and debate.is_live


@predicate(name="may_participate")
def may_participate(person, debate):
    if getattr(person, "is_authenticated", False):
        return is_not_blocked(person, debate)
    if debate is not None and debate.allow_anonymous:
        return YES
    return Decision(SIGN_IN, _l("Please sign in to take part in this debate."))


policies.register("debate.view", always)
policies.register("debate.create", is_signed_in & (is_admin | is_platform_moderator))
policies.register("debate.moderate", is_signed_in & (is_admin | is_debate_moderator))
policies.register("debate.participate", may_participate)
policies.register("debate.register", is_signed_in & is_not_blocked)
policies.register("debate.vote", is_running & may_participate)
