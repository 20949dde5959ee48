"""Who may do what with civic lotteries.

* Everyone sees a lottery: its calendar, quotas, the pool's size and digest, the named random value, the seed,
  the selection probabilities in aggregate, and the seated panel (public names of the panelists who accepted).
* The organisers of the owner create and run it (quotas, categories, closing the pool, the draw, invitations,
  replacements, seating): for a debate its moderators, for a council its secretary and president, for a
  process the platform admins; admins everywhere. Organisers see the pool only as counts per value, and the
  public names of the drawn with their replies, never who else volunteered.
* Residents who meet the lottery's eligibility rule (residence facts only; by default any verified resident)
  join the pool while it is open, and leave it until it closes.
* A drawn volunteer accepts or declines the invitation, once.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import g, has_request_context
from flask_babel import lazy_gettext as _l

from consult.core.policy import (
    CONFLICT,
    YES,
    Decision,
    Predicate,
    is_admin,
    is_not_blocked,
    is_signed_in,
    policies,
    predicate,
)
from consult.extensions import db
from consult.lotteries.models import CLOSED, DRAWN, OPEN, Lottery, Volunteer
from consult.residency.policies import check_rule, is_verified_resident


@dataclass(frozen=True)
class OwnerRef:
    """What a lottery is created for, before it exists: ``("debate", 5)``."""

    owner_type: str
    owner_id: int


def organises(person, obj) -> bool:
    """``person`` organises lotteries of ``obj``'s owner (a lottery, or an :class:`OwnerRef`)."""
    if not getattr(person, "is_authenticated", False) or obj is None:
        return False
    owner_type, owner_id = obj.owner_type, obj.owner_id
    if owner_type == "debate":
        return person.has_role("moderator", "debate", owner_id)
    if owner_type == "council":
        from consult.minutes.permissions import holds_council_office

        return holds_council_office(person, owner_id, "secretary") or holds_council_office(
            person, owner_id, "president"
        )
    return False


is_organiser = Predicate(
    organises,
    "is_organiser",
    _l(
        "Only the organisers of this panel can do this: the debate's moderators, the "
        "council's secretary or president, or the platform's administrators."
    ),
)


def volunteer_of(person, lottery) -> Volunteer | None:
    """The person's row in the lottery's pool (asked once per request)."""
    if not getattr(person, "is_authenticated", False) or lottery is None or lottery.id is None:
        return None
    cache = g.setdefault("consult_lottery_rows", {}) if has_request_context() else {}
    key = (person.id, lottery.id)
    if key not in cache:
        cache[key] = db.session.scalar(
            sa.select(Volunteer).where(Volunteer.lottery_id == lottery.id, Volunteer.user_id == person.id)
        )
    return cache[key]


def forget_rows() -> None:
    """Drop the per-request cache of :func:`volunteer_of` (after a join or a leave)."""
    if has_request_context():
        g.pop("consult_lottery_rows", None)


@predicate(_l("The pool of volunteers is not open now: see the dates on this page."))
def pool_is_open(person, lottery):
    return isinstance(lottery, Lottery) and lottery.pool_is_open()


@predicate(_l("The pool is closed: the volunteers can no longer change."))
def pool_not_closed(person, lottery):
    return isinstance(lottery, Lottery) and lottery.status == OPEN


@predicate(_l("This can be done only once the pool is closed and before the draw."))
def waiting_for_draw(person, lottery):
    return isinstance(lottery, Lottery) and lottery.status == CLOSED


def _not_revealed(person, lottery):
    if isinstance(lottery, Lottery) and lottery.seed is not None:
        return Decision(CONFLICT, _l("The value is revealed already: the panel is being drawn."))
    return YES


not_revealed = Predicate(_not_revealed, "not_revealed")


@predicate(_l("This can be done only after the draw and before the panel is seated."))
def after_draw(person, lottery):
    return isinstance(lottery, Lottery) and lottery.status == DRAWN


def _not_in_pool(person, lottery):
    if volunteer_of(person, lottery) is not None:
        return Decision(CONFLICT, _l("You are already in the pool."))
    return YES


not_in_pool = Predicate(_not_in_pool, "not_in_pool")


@predicate(_l("You are not in this pool."))
def in_pool(person, lottery):
    return volunteer_of(person, lottery) is not None


def _may_reply(person, lottery):
    row = volunteer_of(person, lottery)
    if row is None or row.draw_number is None:
        return Decision("refused", _l("Only the volunteers drawn for this panel are asked to reply."))
    if row.reply is not None:
        return Decision(CONFLICT, _l("You have replied already."))
    return YES


is_invited = Predicate(_may_reply, "is_invited")


def _eligible(person, lottery):
    rule = getattr(lottery, "eligibility_rule", None)
    if rule is None and getattr(lottery, "eligibility_rule_id", None) is not None:
        from consult.residency.models import EligibilityRule

        rule = db.session.get(EligibilityRule, lottery.eligibility_rule_id)
    if rule is None:
        return is_verified_resident(person, lottery)
    return check_rule(person, rule, binding=False)


meets_lottery_rule = Predicate(_eligible, "meets_lottery_rule")

may_organise = is_signed_in & (is_admin | is_organiser)

policies.register("lottery.view", Predicate(lambda p, o: True, "always"))
policies.register("lottery.create", may_organise)
policies.register("lottery.manage", may_organise)
policies.register("lottery.see_pool", may_organise)
policies.register("lottery.set_quotas", may_organise & pool_not_closed)
policies.register("lottery.close_pool", may_organise & pool_not_closed)
policies.register("lottery.draw", may_organise & waiting_for_draw & not_revealed)
policies.register("lottery.invite", may_organise & after_draw)
policies.register("lottery.seat", may_organise & after_draw)
policies.register(
    "lottery.join", is_signed_in & is_not_blocked & pool_is_open & meets_lottery_rule & not_in_pool
)
policies.register("lottery.leave", is_signed_in & in_pool & pool_not_closed)
policies.register("lottery.reply", is_signed_in & after_draw & is_invited)
