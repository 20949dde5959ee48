"""Residence predicates for the policy engine: verified resident, and "meets this eligibility rule"."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import lazy_gettext as _l

from consult.core.models import utcnow
from consult.core.policy import (
    REFUSED,
    SIGN_IN,
    VERIFY,
    YES,
    Decision,
    Predicate,
    has_role,
    is_admin,
    is_signed_in,
    policies,
    predicate,
)
from consult.residency.models import LEVEL_VERIFIED, EligibilityRule

VERIFY_REASON = _l("Only verified residents of the city can do this. Verifying your residence takes a few "
                   "minutes and never asks for your nationality.")


def current_status(person):
    """The person's current verification, or None (unverified, expired or revoked)."""
    status = getattr(person, "resident_status", None) if getattr(person, "is_authenticated", False) else None
    return status if status is not None and status.is_current() else None


@predicate(VERIFY_REASON, kind=VERIFY)
def is_verified_resident(person, obj):
    return current_status(person) is not None


def check_rule(person, rule: EligibilityRule | None) -> Decision:
    """Decide whether ``person`` meets ``rule`` (no rule: any signed-in person)."""
    if not getattr(person, "is_authenticated", False):
        return Decision(SIGN_IN, _l("Please sign in first."))
    if rule is None:
        return YES
    status = current_status(person)
    if rule.min_level == LEVEL_VERIFIED and status is None:
        return Decision(VERIFY, VERIFY_REASON)
    if rule.min_age:
        birth_year = status.birth_year if status else None
        if birth_year is None:
            return Decision(REFUSED, _l("This is open to residents aged %(age)s or over, and your age has not "
                                        "been recorded. A registrar can add your birth year.", age=rule.min_age))
        if utcnow().year - birth_year < rule.min_age:
            return Decision(REFUSED, _l("This is open to residents aged %(age)s or over.", age=rule.min_age))
    if rule.district_ids:
        district_id = status.district_id if status else None
        if district_id not in rule.district_ids:
            return Decision(REFUSED, _l("This is open to residents of some districts only, and your district "
                                        "is not one of them (or has not been recorded)."))
    return YES


def meets_eligibility(rule_of: Callable[[object], EligibilityRule | None]) -> Predicate:
    """A predicate testing the eligibility rule that ``rule_of(obj)`` returns for the object acted on."""

    def test(person, obj):
        return check_rule(person, rule_of(obj) if obj is not None else None)

    return Predicate(test, "meets_eligibility")


# -- actions of the residency module --------------------------------------------------------------------------

#: registrars (and admins) run the register, codes and in-person checks
is_registrar = is_admin | has_role(
    "registrar", reason=_l("Only registrars can verify residence. Ask at a help desk of the city.")
)

policies.register("residency.verify_self", is_signed_in)
policies.register("residency.manage", is_signed_in & is_registrar)
policies.register("residency.manage_rules", is_signed_in & is_admin)
