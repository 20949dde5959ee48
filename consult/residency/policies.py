"""Residence predicates for the policy engine: verified resident, and "meets this eligibility rule".

An age limit needs a birth year. The register and registrars record one; a resident-card code does not. When
none is recorded the person is never left at a dead end: for a non-binding action (proposing, supporting)
under a rule that accepts it (the default) they are asked to state their birth year on their honour, recorded
as self-declared; for votes, or a rule that does not accept it, they are told to see a registrar in person,
who records it. Both refusals link to the page where that is done.
"""

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


def _state_birth_year(age: int) -> Decision:
    """Refused until the person states their birth year (on the page the refusal links to)."""
    return Decision(REFUSED,
                    _l("This is open to residents aged %(age)s or over, and your verification did not "
                       "record your age (a resident card does not show it). Please state your birth "
                       "year to go on.", age=age),
                    endpoint="residency.birth_year", label=_l("State my birth year"))


def _recorded_birth_year(age: int, *, declared: bool) -> Decision:
    """Refused until a registrar records the birth year: an in-person visit, with the code from the
    profile."""
    if declared:
        reason = _l("This is open to residents aged %(age)s or over, and here a birth year you stated "
                    "yourself is not enough: a registrar must record it. Visit a help desk and show the "
                    "one-time code from your profile; the registrar records your birth year.", age=age)
    else:
        reason = _l("This is open to residents aged %(age)s or over, and your birth year has not been "
                    "recorded. Visit a help desk and show the one-time code from your profile: a registrar "
                    "verifies you in person and records your birth year.", age=age)
    return Decision(REFUSED, reason, endpoint="residency.in_person_code", label=_l("Get my one-time code"))


def accepts_declared_birth_year(rule: EligibilityRule, *, binding: bool) -> bool:
    """A stated birth year meets the rule's age limit only for non-binding actions, where the rule accepts
    it."""
    # None: a rule not saved yet (default)
    return not binding and rule.accept_declared_birth_year is not False


def check_rule(person, rule: EligibilityRule | None, *, binding: bool = True) -> Decision:
    """Decide whether ``person`` meets ``rule`` (no rule: any signed-in person).

    ``binding`` is true for votes (the default: ``votes`` calls this directly), false for proposing and
    supporting (:func:`meets_eligibility`); only a non-binding action may count a self-declared birth year.
    """
    if not getattr(person, "is_authenticated", False):
        return Decision(SIGN_IN, _l("Please sign in first."))
    if rule is None:
        return YES
    status = current_status(person)
    if rule.min_level == LEVEL_VERIFIED and status is None:
        return Decision(VERIFY, VERIFY_REASON)
    if rule.min_age:
        birth_year = status.birth_year if status else None
        declared = bool(status is not None and status.birth_year_declared)
        accepted = accepts_declared_birth_year(rule, binding=binding)
        if birth_year is not None and declared and not accepted:
            return _recorded_birth_year(rule.min_age, declared=True)
        if birth_year is None:
            if status is not None and accepted:
                return _state_birth_year(rule.min_age)
            return _recorded_birth_year(rule.min_age, declared=False)
        if utcnow().year - birth_year < rule.min_age:
            return Decision(REFUSED, _l("This is open to residents aged %(age)s or over.", age=rule.min_age))
    if rule.district_ids:
        district_id = status.district_id if status else None
        if district_id not in rule.district_ids:
            return Decision(REFUSED, _l("This is open to residents of some districts only, and your district "
                                        "is not one of them (or has not been recorded)."))
    return YES


def meets_eligibility(rule_of: Callable[[object], EligibilityRule | None], *,
                      binding: bool = False) -> Predicate:
    """A predicate testing the eligibility rule that ``rule_of(obj)`` returns for the object acted on.

    Non-binding by default (proposing, supporting): a self-declared birth year counts where the rule accepts
    it.
    """

    def test(person, obj):
        return check_rule(person, rule_of(obj) if obj is not None else None, binding=binding)

    return Predicate(test, "meets_eligibility")


# -- actions of the residency module
# --------------------------------------------------------------------------

#: registrars (and admins) run the register, codes and in-person checks
is_registrar = is_admin | has_role(
    "registrar", reason=_l("Only registrars can verify residence. Ask at a help desk of the city.")
)

policies.register("residency.verify_self", is_signed_in)
policies.register("residency.declare_birth_year", is_signed_in & is_verified_resident)
policies.register("residency.manage", is_signed_in & is_registrar)
policies.register("residency.manage_rules", is_signed_in & is_admin)
