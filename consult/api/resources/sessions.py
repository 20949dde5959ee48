"""Council sessions: agenda and attendance counts (never who attended or how anyone voted)."""

from __future__ import annotations

import functools

import sqlalchemy as sa
from sqlalchemy.orm import lazyload

from consult.api.machinery import Field, Resource, builder, columns, prefetched
from consult.extensions import db
from consult.meetings.models import DRAFT, AgendaItem, CouncilSession, attendance_counts_expressions

AGENDA_SCHEMA = {
    "type": "array",
    "items": {"type": "object", "additionalProperties": False, "required": ["position", "title", "kind"],
              "properties": {"position": {"type": "integer"}, "title": {"type": "string"},
                             "kind": {"type": "string"}}},
}
ATTENDANCE_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["present", "excused", "absent"],
    "properties": {k: {"type": "integer", "minimum": 0} for k in ("present", "excused", "absent")},
}


def _agenda(session):
    agendas = prefetched("sessions")
    if agendas is not None:
        return agendas.get(session.id, [])
    return [{"position": i, "title": item.title, "kind": item.kind}
            for i, item in enumerate(sorted(session.items, key=lambda it: (it.position, it.id)), start=1)
            if item.parent_id is None]


def _agendas(sessions) -> dict[int, list[dict]]:
    """What ``_agenda`` gives for each of these sessions (main items, numbered by their place among all the
    items), from one query and no item objects."""
    agendas: dict[int, list[dict]] = {s.id: [] for s in sessions}
    seen: dict[int, int] = dict.fromkeys(agendas, 0)
    rows = db.session.execute(_agenda_statement(), {"ids": list(agendas)})
    for session_id, parent_id, title, kind in rows:
        seen[session_id] += 1
        if parent_id is None:
            agendas[session_id].append({"position": seen[session_id], "title": title, "kind": kind})
    return agendas


@functools.cache
def _agenda_statement() -> sa.Select:
    """The items of a page of sessions (built once: building costs more than running it)."""
    item = AgendaItem.__table__
    return (sa.select(item.c.session_id, item.c.parent_id, item.c.title, item.c.kind)
            .where(item.c.session_id.in_(sa.bindparam("ids", expanding=True)))
            .order_by(item.c.session_id, item.c.position, item.c.id))


@functools.cache
def _sessions_query() -> sa.Select:
    """The published sessions, newest first, with their attendance counts (built once)."""
    # only what the fields read: no member (nor their account) behind the attendance counts
    return sa.select(CouncilSession).options(
        lazyload(CouncilSession.items), *attendance_counts_expressions(),
        lazyload(CouncilSession.council)).where(
        CouncilSession.status != DRAFT).order_by(CouncilSession.starts_at.desc(), CouncilSession.id.desc())


def _attendance(session):
    if session.present_total is not None:  # counted by the query (attendance_counts_expressions)
        return {"present": session.present_total, "excused": session.excused_total,
                "absent": session.absent_total}
    counts = {"present": 0, "excused": 0, "absent": 0}
    for row in session.attendance:
        if row.status in counts:
            counts[row.status] += 1
    return counts


@builder
def sessions() -> Resource:
    return Resource(
        name="sessions", title="Session", model=CouncilSession,
        description="Council sessions (convened, held or closed), with their agenda and attendance counts.",
        query=_sessions_query,
        date_column=lambda: CouncilSession.starts_at, date_description="start", prefetch=_agendas,
        fields=[
            *columns(id="integer", council_id="integer", title="string", starts_at="date-time"),
            Field("place", "string", getter=lambda s: s.place or ""),
            Field("status", "string"),
            Field("agenda", "array", getter=_agenda, schema=AGENDA_SCHEMA),
            Field("attendance", "object", getter=_attendance, schema=ATTENDANCE_SCHEMA),
        ],
    )
