"""Process services: create and edit processes and their phases (admins). They flush and never commit."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from consult.core import audit
from consult.core.errors import DomainError
from consult.extensions import db
from consult.processes.models import CAPABILITIES, DEFAULT_CAPABILITIES, PHASE_KINDS, Phase, Process, Theme
from consult.residency.models import District, EligibilityRule

MAX_THEMES = 30


def _clean_themes(names) -> list[str]:
    seen, result = set(), []
    for name in names or []:
        name = " ".join(str(name).split())
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            result.append(name[:200])
    if len(result) > MAX_THEMES:
        raise DomainError(_l("A process can have at most %(n)s themes.", n=MAX_THEMES), field="themes")
    return result


def _apply(process: Process, *, title, description, themes, district_ids, rule, support_threshold,
           council_id):
    title = " ".join((title or "").split())
    if not title:
        raise DomainError(_l("Please give the process a title."), field="title")
    if support_threshold is None or support_threshold < 1:
        raise DomainError(_l("The support threshold must be 1 or more."), field="support_threshold")
    process.title = title
    process.description = description or ""
    process.eligibility_rule = rule
    process.support_threshold = support_threshold
    process.council_id = council_id
    ids = list(district_ids or [])
    process.districts = (list(db.session.scalars(sa.select(District).where(District.id.in_(ids)))) if ids
                         else [])
    names = _clean_themes(themes)
    existing = {t.name.casefold(): t for t in process.themes}
    kept = []
    for position, name in enumerate(names):
        theme = existing.pop(name.casefold(), None) or Theme(name=name)
        theme.name, theme.position = name, position
        kept.append(theme)
    # a theme removed from the list disappears; proposals that used it keep no theme (SET NULL)
    process.themes = kept


def create_process(*, actor, title: str, description: str = "", themes=(), district_ids=(),
                   rule: EligibilityRule | None = None, support_threshold: int = 50,
                   council_id: int | None = None) -> Process:
    """Create a process. Rule: only admins call this (policy ``process.manage``); audit-logged."""
    process = Process()
    _apply(process, title=title, description=description, themes=themes, district_ids=district_ids, rule=rule,
           support_threshold=support_threshold, council_id=council_id)
    db.session.add(process)
    db.session.flush()
    audit.record("processes.created", actor=actor, subject=process)
    return process


def update_process(process: Process, *, actor, **values) -> Process:
    """Change a process's settings; themes are matched by name so proposals keep theirs."""
    _apply(process, **values)
    db.session.flush()
    audit.record("processes.updated", actor=actor, subject=process)
    return process


def _check_phase(process: Process, kind: str, starts_at: datetime, ends_at: datetime, capabilities,
                 phase: Phase | None = None):
    if kind not in PHASE_KINDS:
        raise DomainError(_l("Please choose a kind of phase."), field="kind")
    if not starts_at or not ends_at or ends_at <= starts_at:
        raise DomainError(_l("The phase must end after it starts."), field="ends_at")
    for other in process.phases:
        if other is phase:
            continue
        if other.starts_at < ends_at and starts_at < other.ends_at:
            raise DomainError(_l("These dates overlap the phase “%(phase)s”. Phases follow each other.",
                                 phase=other.label), field="starts_at")
    unknown = set(capabilities or []) - set(CAPABILITIES)
    if unknown:
        raise DomainError(_l("Unknown action in the phase."), field="capabilities")


def add_phase(process: Process, *, actor, kind: str, starts_at: datetime, ends_at: datetime,
              capabilities=None) -> Phase:
    """Add a phase. Phases never overlap, so at most one is active at any moment."""
    if capabilities is None:
        capabilities = DEFAULT_CAPABILITIES.get(kind, [])
    _check_phase(process, kind, starts_at, ends_at, capabilities)
    phase = Phase(kind=kind, starts_at=starts_at, ends_at=ends_at,
                  capabilities=[c for c in CAPABILITIES if c in capabilities])
    process.phases.append(phase)
    db.session.flush()
    audit.record("processes.phase_added", actor=actor, subject=process, phase=kind)
    return phase


def update_phase(phase: Phase, *, actor, kind: str, starts_at: datetime, ends_at: datetime,
                 capabilities) -> Phase:
    """Change a phase's kind, dates or actions (the same no-overlap rule)."""
    _check_phase(phase.process, kind, starts_at, ends_at, capabilities, phase=phase)
    phase.kind, phase.starts_at, phase.ends_at = kind, starts_at, ends_at
    phase.capabilities = [c for c in CAPABILITIES if c in (capabilities or [])]
    db.session.flush()
    audit.record("processes.phase_updated", actor=actor, subject=phase.process, phase=kind)
    return phase


def delete_phase(phase: Phase, *, actor) -> None:
    process = phase.process
    process.phases.remove(phase)
    db.session.flush()
    audit.record("processes.phase_deleted", actor=actor, subject=process, phase=phase.kind)
