"""Participatory budgets and their projects.

* A budget belongs to a process; a process may hold several (one for the whole city, one per district). A
  district budget's voters are the residents of that district: its ``eligibility_rule`` names the district.
* The calendar is stored in naive UTC and typed on the city's clock (``consult.core.forms``' local datetime
  field). ``status`` is the step the organisers took: ``draft`` → ``proposing`` → ``reviewing`` → ``voting``
  → ``counted`` → ``closed``; the dates say when residents may act inside a step.
* The ballots are those of a secret poll of ``consult.votes`` owned by the budget (``poll_id``, owner type
  ``budget``): its options are the accepted projects (``vote_option.target_type = "budget_project"``).
* Money is counted in whole units of ``currency`` (no cents): ``total`` for the budget, ``cost`` for a
  project.
* A project's ``cost`` is what the voter sees: the proposer's estimate at first (``proposed_cost`` keeps it),
  the staff's estimate once reviewed. A project set aside carries its published ``review_reason``;
  ``review_note`` is the staff's internal note, never shown to the public.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.models import TimestampMixin, parent_key, utcnow
from consult.extensions import db

# -- budget status
DRAFT, PROPOSING, REVIEWING, VOTING, COUNTED, CLOSED = (
    "draft", "proposing", "reviewing", "voting", "counted", "closed")
STATUSES = (DRAFT, PROPOSING, REVIEWING, VOTING, COUNTED, CLOSED)
STATUS_LABELS = {
    DRAFT: lazy_pgettext("budget status", "Draft"),
    PROPOSING: lazy_pgettext("budget status", "Projects proposed"),
    REVIEWING: lazy_pgettext("budget status", "Technical review"),
    VOTING: lazy_pgettext("budget status", "Voting"),
    COUNTED: lazy_pgettext("budget status", "Counted"),
    CLOSED: lazy_pgettext("budget status", "Closed"),
}

# -- ballot kinds and the voting methods (``consult.votes.methods``) that take them
KNAPSACK, APPROVAL, CUMULATIVE = "knapsack", "approval", "cumulative"
BALLOT_KINDS = (KNAPSACK, APPROVAL, CUMULATIVE)
BALLOT_KIND_LABELS = {
    KNAPSACK: lazy_pgettext("ballot kind", "Choose projects whose costs fit the budget"),
    APPROVAL: lazy_pgettext("ballot kind", "Approve up to a number of projects"),
    CUMULATIVE: lazy_pgettext("ballot kind", "Share points among projects"),
}
METHOD_OF_KIND = {KNAPSACK: "pb_knapsack", APPROVAL: "pb_approval", CUMULATIVE: "pb_cumulative"}

# -- which rule decides what is funded (both are always shown)
GREEDY, EQUAL_SHARES = "greedy", "equal_shares"
RULES = (GREEDY, EQUAL_SHARES)
RULE_LABELS = {
    GREEDY: lazy_pgettext("budget rule", "Most votes first"),
    EQUAL_SHARES: lazy_pgettext("budget rule", "Method of equal shares"),
}

# -- project status
SUBMITTED, ACCEPTED, SET_ASIDE, FUNDED, NOT_FUNDED, WITHDRAWN = (
    "submitted", "accepted", "set_aside", "funded", "not_funded", "withdrawn")
PROJECT_STATUSES = (SUBMITTED, ACCEPTED, SET_ASIDE, FUNDED, NOT_FUNDED, WITHDRAWN)
PROJECT_STATUS_LABELS = {
    SUBMITTED: lazy_pgettext("project status", "Waiting for review"),
    ACCEPTED: lazy_pgettext("project status", "On the ballot"),
    SET_ASIDE: lazy_pgettext("project status", "Set aside"),
    FUNDED: lazy_pgettext("project status", "Funded"),
    NOT_FUNDED: lazy_pgettext("project status", "Not funded"),
    WITHDRAWN: lazy_pgettext("project status", "Withdrawn by its proposer"),
}

#: ``vote_poll.owner_type`` of a budget's poll and ``vote_option.target_type`` of its options
OWNER_TYPE, OPTION_TARGET = "budget", "budget_project"


class Budget(TimestampMixin, db.Model):
    __tablename__ = "budget"
    __table_args__ = (
        sa.CheckConstraint("total >= 1", name="total_positive"),
        sa.CheckConstraint("status in ('draft', 'proposing', 'reviewing', 'voting', 'counted', 'closed')",
                           name="status_known"),
        sa.CheckConstraint("ballot_kind in ('knapsack', 'approval', 'cumulative')", name="ballot_kind_known"),
        sa.CheckConstraint("rule in ('greedy', 'equal_shares')", name="rule_known"),
        sa.CheckConstraint("max_choices is null or max_choices >= 1", name="max_choices_positive"),
        sa.CheckConstraint("points is null or points >= 1", name="points_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = parent_key("process.id")
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    #: Markdown
    description: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: the district whose residents vote (null: the whole city)
    district_id: Mapped[int | None] = mapped_column(sa.ForeignKey("district.id", ondelete="RESTRICT"),
                                                    index=True)
    #: the money to share, in whole units of ``currency``
    total: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    currency: Mapped[str] = mapped_column(sa.String(3), nullable=False, default="EUR")
    ballot_kind: Mapped[str] = mapped_column(sa.String(12), nullable=False, default=KNAPSACK)
    #: approval ballots: how many projects a voter may approve (null: any number)
    max_choices: Mapped[int | None] = mapped_column(sa.Integer)
    #: cumulative ballots: the points each voter shares
    points: Mapped[int | None] = mapped_column(sa.Integer)
    rule: Mapped[str] = mapped_column(sa.String(12), nullable=False, default=GREEDY)
    status: Mapped[str] = mapped_column(sa.String(10), nullable=False, default=DRAFT, index=True)
    # -- the calendar (naive UTC, typed on the city's clock)
    proposing_opens_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    proposing_closes_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    review_ends_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    voting_opens_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    voting_closes_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    #: the poll of ``consult.votes`` (made when voting opens)
    poll_id: Mapped[int | None] = mapped_column(sa.ForeignKey("vote_poll.id", ondelete="SET NULL"))
    #: who votes (and proposes): a district budget's rule names its district
    eligibility_rule_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("eligibility_rule.id", ondelete="RESTRICT"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    counted_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime)

    process = relationship("Process", lazy="joined")
    district = relationship("District", lazy="joined")
    eligibility_rule = relationship("EligibilityRule", lazy="joined")
    poll = relationship("Poll", foreign_keys=[poll_id])
    projects: Mapped[list[BudgetProject]] = relationship(
        back_populates="budget", cascade="all, delete-orphan",
        order_by="BudgetProject.position, BudgetProject.id")

    @property
    def url(self) -> str:
        return f"/budgets/{self.id}"

    @property
    def status_label(self):
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def ballot_kind_label(self):
        return BALLOT_KIND_LABELS.get(self.ballot_kind, self.ballot_kind)

    @property
    def rule_label(self):
        return RULE_LABELS.get(self.rule, self.rule)

    @property
    def method(self) -> str:
        return METHOD_OF_KIND[self.ballot_kind]

    def proposing_open(self, now: datetime | None = None) -> bool:
        """Whether residents may submit projects now: the step, and the dates when set."""
        now = now or utcnow()
        if self.status != PROPOSING:
            return False
        if self.proposing_opens_at and now < self.proposing_opens_at:
            return False
        return not (self.proposing_closes_at and now >= self.proposing_closes_at)

    def __repr__(self) -> str:
        return f"<Budget {self.id} {self.status}>"


class BudgetProject(TimestampMixin, db.Model):
    __tablename__ = "budget_project"
    __table_args__ = (
        sa.CheckConstraint("cost >= 1", name="cost_positive"),
        sa.CheckConstraint("status in ('submitted', 'accepted', 'set_aside', 'funded', 'not_funded', "
                           "'withdrawn')", name="status_known"),
        sa.CheckConstraint("latitude is null or (latitude >= -90 and latitude <= 90)", name="latitude_range"),
        sa.CheckConstraint("longitude is null or (longitude >= -180 and longitude <= 180)",
                           name="longitude_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = parent_key("budget.id")
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    #: Markdown
    description: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: what the voter sees: the proposer's estimate, then the staff's once reviewed
    cost: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    #: the proposer's own estimate, kept when the staff change ``cost``
    proposed_cost: Mapped[int | None] = mapped_column(sa.Integer)
    proposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"),
                                                       index=True)
    #: the proposal it was promoted from (plain id: the proposal may go, the project stays)
    proposal_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    district_id: Mapped[int | None] = mapped_column(sa.ForeignKey("district.id", ondelete="SET NULL"))
    latitude: Mapped[float | None] = mapped_column(sa.Float)
    longitude: Mapped[float | None] = mapped_column(sa.Float)
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False, default=SUBMITTED, index=True)
    # -- the technical review
    #: whether the staff found it feasible (null: not reviewed yet)
    feasible: Mapped[bool | None] = mapped_column(sa.Boolean)
    #: published with a project set aside (and shown with an accepted one when given)
    review_reason: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: the staff's internal note (never public)
    review_note: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    #: the outcome it became once funded (plain id)
    outcome_id: Mapped[int | None] = mapped_column(sa.Integer)
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)

    budget: Mapped[Budget] = relationship(back_populates="projects")
    district = relationship("District", lazy="joined")
    proposed_by = relationship("User", foreign_keys=[proposed_by_id])

    @property
    def url(self) -> str:
        return f"/budget-projects/{self.id}"

    @property
    def status_label(self):
        return PROJECT_STATUS_LABELS.get(self.status, self.status)

    def __repr__(self) -> str:
        return f"<BudgetProject {self.id} {self.status}>"
