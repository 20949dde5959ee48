"""Generated participatory processes: the seed's five workshop areas as themes, dated phases (most processes
are over, some open now, some not started), the whole city's or a few districts' eligibility rule."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import sqlalchemy as sa

from consult.demo.generate.participation_texts import PHASE_DAYS, PROCESS_TITLES
from consult.demo.generate.rows import DAY, HOUR, at_offset
from consult.extensions import db
from consult.residency.models import District, EligibilityRule


@dataclass
class ProcessPlan:
    id: int
    theme_ids: list[int]
    district_ids: list[int]              # the process's districts (empty: the whole city)
    # who may propose and support: residents of these districts (None: all)
    rule_districts: frozenset | None
    propose: tuple[float, float]         # window of the proposals phase (offsets from now)
    support_end: float                   # supports close (end of deliberation)
    comment_end: float                   # comments close (end of voting)
    threshold: int = 50
    proposals: list[int] = field(default_factory=list)  # indexes into the proposal plans

    @property
    def supports_open(self) -> bool:
        return self.propose[0] <= 0 < self.support_end


def _rule(name: str, district_ids: list[int]) -> EligibilityRule:
    found = db.session.scalar(sa.select(EligibilityRule).where(EligibilityRule.name == name))
    if found is None:
        found = EligibilityRule(name=name, min_level="verified", min_age=16, district_ids=list(district_ids))
        db.session.add(found)
        db.session.flush()
    return found


def make_processes(ctx, n: int, *, span_days: float) -> list[ProcessPlan]:
    """``n`` processes with the seed's five workshop areas as themes and dated phases: most are over, some are
    open now (proposals, deliberation or voting phase), some have not started."""
    from consult.demo.processes import DESCRIPTION, RULE_NAME, THEMES
    from consult.processes import services as processes

    rng = ctx.rng
    names = dict(db.session.execute(sa.select(District.id, District.name)).all())
    city_rule = _rule(RULE_NAME, [])
    n_future = max(1, n * 15 // 100) if n >= 3 else 0
    n_current = max(1, n * 25 // 100) if n >= 2 else 0
    n_past = n - n_future - n_current
    total_days = sum(days for _, days in PHASE_DAYS[:4])
    plans = []
    for i in range(n):
        if i < n_past:  # started between span_days ago and the end of a whole cycle before now
            latest = total_days + 5
            start = (-(latest + (max(span_days - latest, 30)) * (1 - (i + rng.random()) / max(n_past, 1)))
                     * DAY)
        elif i < n_past + n_current:
            kind = (i - n_past) % 3  # 0: proposals open, 1: deliberation, 2: voting
            start = -(21 + [rng.uniform(3, 50), 60 + rng.uniform(1, 25), 90 + rng.uniform(1, 10)][kind]) * DAY
        else:
            start = (-rng.uniform(1, 15) if rng.random() < 0.5 else rng.uniform(5, 60)) * DAY
        start = math.floor(start / HOUR) * HOUR
        district_ids = []
        rule = city_rule
        if len(ctx.district_ids) > 2 and rng.random() < 0.3:
            district_ids = sorted(rng.sample(ctx.district_ids,
                                             rng.randint(2, min(3, len(ctx.district_ids) - 1))))
            rule = _rule("Verified residents of " + ", ".join(names[d] for d in district_ids) + " aged 16 or "
                                                                                                "over",
                         district_ids)
        year = at_offset(ctx, start).year
        title = f"{PROCESS_TITLES[i % len(PROCESS_TITLES)]} {year}"
        if i >= len(PROCESS_TITLES):
            title += f" ({i // len(PROCESS_TITLES) + 1})"
        process = processes.create_process(actor=None, title=title, description=DESCRIPTION, themes=THEMES,
                                           district_ids=district_ids, rule=rule, support_threshold=50)
        edges, at = {}, start
        for kind, days in PHASE_DAYS:
            processes.add_phase(process, actor=None, kind=kind, starts_at=at_offset(ctx, at),
                                ends_at=at_offset(ctx, at + days * DAY))
            edges[kind] = (at, at + days * DAY)
            at += days * DAY
        plans.append(ProcessPlan(
            id=process.id, theme_ids=[t.id for t in process.themes], district_ids=district_ids,
            rule_districts=frozenset(district_ids) if district_ids else None, propose=edges["proposals"],
            support_end=edges["deliberation"][1], comment_end=edges["voting"][1]))
    db.session.flush()
    return plans
