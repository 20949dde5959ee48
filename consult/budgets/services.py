"""Budget services: creating and editing a budget, its steps and calendar, reading a process's budgets.

Rules kept here (views, the demo and tests all come through these functions; they flush, never commit):

* A budget is created as a draft, seen by its organisers only. Its steps follow one another: draft →
  proposing (residents submit projects between the calendar's dates) → reviewing (the staff's technical
  review) → voting (the budget's poll is open) → counted (the poll is closed and counted) → closed (results
  published, in ``results``). Each step is the organisers' act, recorded in the audit log.
* The calendar (all optional, on the city's clock in the forms, stored in UTC) must come in order: proposing
  opens < proposing closes <= review ends <= voting opens < voting closes. Voting needs its closing date.
* Who proposes and votes: a city-wide budget takes the rule of binding votes (verified residents aged 16 or
  over); a district budget a rule of the same facts restricted to its district, made once per district.
  Residence facts only: never nationality.
* The budget, its currency and its amounts: whole units (no cents); the currency is three capital letters.
"""

from __future__ import annotations

import re
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from consult.budgets.models import (
    BALLOT_KINDS,
    CUMULATIVE,
    DRAFT,
    PROPOSING,
    REVIEWING,
    RULES,
    SUBMITTED,
    Budget,
    BudgetProject,
)
from consult.core import audit
from consult.core.errors import Conflict, DomainError
from consult.core.models import utcnow
from consult.core.policy import enforce
from consult.extensions import db
from consult.residency.models import District, EligibilityRule

#: the calendar's fields, in the order they must come
CALENDAR = ("proposing_opens_at", "proposing_closes_at", "review_ends_at", "voting_opens_at",
            "voting_closes_at")
#: pairs that must be strictly in order (the others may fall on the same minute)
STRICT = {"proposing_closes_at", "voting_closes_at"}
TOTAL_MAX = 2_000_000_000
DEFAULT_POINTS = 10
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")


def check_calendar(dates: dict) -> dict:
    """The calendar in order (missing dates are skipped), or a refusal on the first date out of order."""
    previous = None
    for name in CALENDAR:
        value = dates.get(name)
        if value is None:
            continue
        if previous is not None and (value < previous or (name in STRICT and value == previous)):
            raise DomainError(_l("This date must come after the one before it in the calendar."), field=name)
        previous = value
    return {name: dates.get(name) for name in CALENDAR}


def district_rule(district: District | None) -> EligibilityRule:
    """Who proposes and votes in a budget of ``district`` (None: the whole city): the facts of binding votes
    (verified residents aged 16 or over), restricted to the district's residents; made once per district."""
    from consult.votes.services import default_binding_rule

    base = default_binding_rule()
    if district is None:
        return base
    name = f"Budget voters: verified residents of district {district.id}, aged 16 or over"[:120]
    rule = db.session.scalar(sa.select(EligibilityRule).where(EligibilityRule.name == name))
    if rule is None:
        rule = EligibilityRule(name=name, min_level=base.min_level, min_age=base.min_age,
                               district_ids=[district.id], accept_declared_birth_year=True)
        db.session.add(rule)
        db.session.flush()
    return rule


def _settings(*, title, description, district, total, currency, ballot_kind, max_choices, points, rule,
              calendar) -> dict:
    title = " ".join((title or "").split())
    if not title:
        raise DomainError(_l("Please give the budget a title."), field="title")
    if total is None or not 1 <= total <= TOTAL_MAX:
        raise DomainError(_l("The budget must be a whole amount between 1 and 2,000,000,000."), field="total")
    currency = (currency or "EUR").strip().upper()
    if not CURRENCY_RE.match(currency):
        raise DomainError(_l("Please give the currency as its three-letter code, such as EUR."),
                          field="currency")
    if ballot_kind not in BALLOT_KINDS:
        raise DomainError(_l("Unknown ballot kind."), field="ballot_kind")
    if rule not in RULES:
        raise DomainError(_l("Unknown rule."), field="rule")
    if max_choices is not None and max_choices < 1:
        raise DomainError(_l("Please give a number of at least 1."), field="max_choices")
    if points is not None and points < 1:
        raise DomainError(_l("Please give a number of at least 1."), field="points")
    return {"title": title[:200], "description": description or "",
            "district_id": getattr(district, "id", None),
            "total": total, "currency": currency, "ballot_kind": ballot_kind,
            "max_choices": max_choices if ballot_kind == "approval" else None,
            "points": (points or DEFAULT_POINTS) if ballot_kind == CUMULATIVE else None, "rule": rule,
            **check_calendar(calendar or {})}


def create_budget(process, *, by=None, title: str, total: int, description: str = "", district=None,
                  currency: str = "EUR", ballot_kind: str = "knapsack", max_choices: int | None = None,
                  points: int | None = None, rule: str = "greedy", calendar: dict | None = None) -> Budget:
    """A new budget of ``process``, as a draft."""
    if by is not None:
        enforce("budget.manage", by, process)
    values = _settings(title=title, description=description, district=district, total=total,
                       currency=currency, ballot_kind=ballot_kind, max_choices=max_choices, points=points,
                       rule=rule, calendar=calendar)
    budget = Budget(process_id=process.id, status=DRAFT, created_by_id=getattr(by, "id", None),
                    eligibility_rule_id=district_rule(district).id, **values)
    db.session.add(budget)
    db.session.flush()
    audit.record("budgets.created", actor=by, subject=budget, process_id=process.id, total=budget.total,
                 district_id=budget.district_id)
    return budget


def update_budget(budget: Budget, *, by=None, title: str, total: int, description: str = "", district=None,
                  currency: str = "EUR", ballot_kind: str = "knapsack", max_choices: int | None = None,
                  points: int | None = None, rule: str = "greedy", calendar: dict | None = None) -> Budget:
    """Change a budget before voting starts (its district, and so who votes, too)."""
    if by is not None:
        enforce("budget.edit", by, budget)
    if budget.status not in (DRAFT, PROPOSING, REVIEWING):
        raise Conflict(_l("This budget can no longer be changed: voting has started."))
    values = _settings(title=title, description=description, district=district, total=total,
                       currency=currency, ballot_kind=ballot_kind, max_choices=max_choices, points=points,
                       rule=rule, calendar=calendar)
    for name, value in values.items():
        setattr(budget, name, value)
    budget.eligibility_rule_id = district_rule(district).id
    db.session.flush()
    audit.record("budgets.updated", actor=by, subject=budget, total=budget.total, rule=budget.rule,
                 ballot_kind=budget.ballot_kind)
    return budget


def start_proposing(budget: Budget, *, by=None) -> Budget:
    """Publish the budget: residents may propose projects (between the calendar's dates, when set)."""
    if by is not None:
        enforce("budget.start_proposing", by, budget)
    if budget.status != DRAFT:
        raise Conflict(_l("This budget is already published."))
    budget.status = PROPOSING
    if budget.proposing_opens_at is None:
        budget.proposing_opens_at = utcnow()
    db.session.flush()
    audit.record("budgets.proposing_started", actor=by, subject=budget)
    return budget


def start_review(budget: Budget, *, by=None) -> Budget:
    """End the proposals: the staff review the projects (no new project from residents from now on)."""
    if by is not None:
        enforce("budget.start_review", by, budget)
    if budget.status != PROPOSING:
        raise Conflict(_l("The technical review follows the proposals."))
    now = utcnow()
    budget.status = REVIEWING
    if budget.proposing_closes_at is None or budget.proposing_closes_at > now:
        budget.proposing_closes_at = now
    db.session.flush()
    audit.record("budgets.review_started", actor=by, subject=budget,
                 projects=waiting_count(budget))
    return budget


# ------------------------------------------------------------------------------------------------ reading


def budgets_of(process, *, include_drafts: bool = False) -> list[Budget]:
    """A process's budgets: the city-wide ones first, then by district's name and title."""
    query = (sa.select(Budget).outerjoin(District, District.id == Budget.district_id)
             .where(Budget.process_id == process.id))
    if not include_drafts:
        query = query.where(Budget.status != DRAFT)
    return list(db.session.scalars(query.order_by(Budget.district_id.is_not(None), District.name,
                                                  Budget.title, Budget.id)))


def published_budget_count(process_id: int) -> int:
    """How many budgets of the process are public (the process page links to them when there are some)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Budget).where(
        Budget.process_id == process_id, Budget.status != DRAFT)) or 0


def waiting_count(budget: Budget) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(BudgetProject).where(
        BudgetProject.budget_id == budget.id, BudgetProject.status == SUBMITTED)) or 0


def projects_of(budget: Budget, *statuses: str) -> list[BudgetProject]:
    query = sa.select(BudgetProject).where(BudgetProject.budget_id == budget.id)
    if statuses:
        query = query.where(BudgetProject.status.in_(statuses))
    return list(db.session.scalars(query.order_by(BudgetProject.position, BudgetProject.id)))


PHASES = ("draft", "announced", "proposing", "waiting_review", "reviewing", "voting", "voting_over",
          "counted", "closed")


def phase(budget: Budget, now: datetime | None = None) -> str:
    """Where the budget stands for a reader: its step, refined by the calendar's dates."""
    now = now or utcnow()
    if budget.status == PROPOSING:
        if budget.proposing_opens_at and now < budget.proposing_opens_at:
            return "announced"
        if budget.proposing_closes_at and now >= budget.proposing_closes_at:
            return "waiting_review"
        return "proposing"
    if budget.status == "voting":
        return "voting_over" if budget.voting_closes_at and now >= budget.voting_closes_at else "voting"
    return budget.status
