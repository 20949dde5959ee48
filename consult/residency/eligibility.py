"""Eligibility rules: who may take part in a vote or a proposal, from residence facts only (level, age,
districts, whether a stated birth year counts); the default rule of binding votes is made when missing."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from consult.accounts.models import User
from consult.core import audit
from consult.core.errors import DomainError
from consult.extensions import db
from consult.residency.models import LEVEL_VERIFIED, LEVELS, District, EligibilityRule

BINDING_VOTE_RULE = {"name": "Binding votes: verified residents aged 16 or over", "min_level": LEVEL_VERIFIED,
                     "min_age": 16}


def default_binding_rule() -> EligibilityRule:
    """The default rule for binding votes (verified resident, 16+, any district), created when missing."""
    rule = db.session.scalar(sa.select(EligibilityRule)
                             .where(EligibilityRule.name == BINDING_VOTE_RULE["name"]))
    if rule is None:
        rule = EligibilityRule(district_ids=[], **BINDING_VOTE_RULE)
        db.session.add(rule)
        db.session.flush()
    return rule


def save_rule(rule: EligibilityRule | None, *, name: str, min_level: str, min_age: int | None,
              district_ids: list[int], by: User,
              accept_declared_birth_year: bool | None = None) -> EligibilityRule:
    """Create or change an eligibility rule. Only residence facts can be set: level, age, districts, and
    whether a birth year the resident states meets the age limit for proposing and supporting (None: as it
    was; a new rule accepts it)."""
    if min_level not in LEVELS:
        raise DomainError(_l("Unknown level."), field="min_level")
    if min_age is not None and not 0 <= min_age <= 120:
        raise DomainError(_l("The minimum age is between 0 and 120."), field="min_age")
    known = set(db.session.scalars(sa.select(District.id).where(District.id.in_(district_ids or [0]))))
    if set(district_ids) - known:
        raise DomainError(_l("Unknown district."), field="district_ids")
    creating = rule is None
    if creating:
        rule = EligibilityRule()
        db.session.add(rule)
    rule.name, rule.min_level, rule.min_age = name.strip(), min_level, min_age
    rule.district_ids = sorted(known)
    if accept_declared_birth_year is not None or creating:
        rule.accept_declared_birth_year = accept_declared_birth_year is not False
    db.session.flush()
    audit.record("residency.rule_created" if creating else "residency.rule_changed", actor=by, subject=rule)
    db.session.flush()
    return rule
