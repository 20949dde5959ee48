"""Participatory processes: a title, themes, districts, an eligibility rule, a support threshold and phases.

The active phase is computed from the phases' dates at each request (no scheduled job): a phase is active
from ``starts_at`` (included) to ``ends_at`` (excluded). Each phase declares its *capabilities* — the actions
it opens (``propose``, ``support``, ``comment``) — and the policies read them.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.models import ListRowMixin, TimestampMixin, parent_key, utcnow
from consult.extensions import db
from consult.residency.models import District, EligibilityRule

PHASE_KINDS = ("information", "proposals", "deliberation", "voting", "outcomes")
PHASE_LABELS = {
    "information": _l("Information"),
    "proposals": _l("Proposals"),
    "deliberation": _l("Deliberation"),
    "voting": _l("Voting"),
    "outcomes": _l("Outcomes"),
}
CAPABILITIES = ("propose", "support", "comment")
CAPABILITY_LABELS = {
    "propose": _l("Residents can send proposals"),
    "support": _l("Residents can support proposals"),
    "comment": _l("Residents can comment"),
}
#: what each kind of phase opens unless the admin chooses otherwise
DEFAULT_CAPABILITIES = {
    "information": [],
    "proposals": ["propose", "support", "comment"],
    "deliberation": ["support", "comment"],
    "voting": ["comment"],
    "outcomes": [],
}

process_district = sa.Table(
    "process_district",
    db.metadata,
    sa.Column("process_id", sa.ForeignKey("process.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("district_id", sa.ForeignKey("district.id", ondelete="CASCADE"), primary_key=True),
)


class Process(TimestampMixin, db.Model):
    """A participatory process such as "Welcoming city 2027"."""

    __tablename__ = "process"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    #: Markdown, rendered with ``consult.core.text``
    description: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: who may propose and support (null: any signed-in person)
    eligibility_rule_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("eligibility_rule.id", ondelete="SET NULL"))
    #: supports a proposal needs to become *qualified*
    support_threshold: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=50)
    #: the council whose list of qualified proposals this process feeds (plain id until councils exist)
    council_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)

    eligibility_rule: Mapped[EligibilityRule | None] = relationship(lazy="joined")
    themes: Mapped[list[Theme]] = relationship(
        back_populates="process", cascade="all, delete-orphan", order_by="Theme.position, Theme.id",
        lazy="selectin")
    phases: Mapped[list[Phase]] = relationship(
        back_populates="process", cascade="all, delete-orphan", order_by="Phase.starts_at, Phase.id",
        lazy="selectin")
    districts: Mapped[list[District]] = relationship(
        secondary=process_district, order_by=District.name, lazy="selectin")

    __table_args__ = (sa.CheckConstraint("support_threshold >= 1", name="support_threshold_positive"),)

    @property
    def url(self) -> str:
        return f"/processes/{self.id}"

    def active_phase(self, now: datetime | None = None) -> Phase | None:
        """The phase whose dates include ``now`` (the latest started one if phases overlap)."""
        now = now or utcnow()
        current = [p for p in self.phases if p.starts_at <= now < p.ends_at]
        return current[-1] if current else None

    def allows(self, capability: str, now: datetime | None = None) -> bool:
        phase = self.active_phase(now)
        return phase is not None and capability in (phase.capabilities or [])

    def __repr__(self) -> str:
        return f"<Process {self.id} {self.title!r}>"


class Theme(ListRowMixin, db.Model):
    """A theme of a process (in the demo: the seed's five workshop areas)."""

    __tablename__ = "process_theme"

    process_id: Mapped[int] = parent_key("process.id")
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)

    process: Mapped[Process] = relationship(back_populates="themes")


class Phase(db.Model):
    """One phase of a process, with dates (UTC) and the actions it opens."""

    __tablename__ = "process_phase"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = parent_key("process.id")
    #: one of ``PHASE_KINDS``
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    #: first moment of the phase (UTC, included)
    starts_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False)
    #: end of the phase (UTC, excluded)
    ends_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False)
    #: the actions the phase opens: a list drawn from ``CAPABILITIES``
    capabilities: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)

    process: Mapped[Process] = relationship(back_populates="phases")

    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="dates_in_order"),
        sa.CheckConstraint("kind in ('information', 'proposals', 'deliberation', 'voting', 'outcomes')",
                           name="kind_known"),
    )

    @property
    def label(self):
        return PHASE_LABELS.get(self.kind, self.kind)

    def is_active(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.starts_at <= now < self.ends_at
