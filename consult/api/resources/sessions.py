"""Council sessions: agenda and attendance counts (never who attended or how anyone voted)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from consult.api.machinery import Field, Resource, builder
from consult.api.resources import installed

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
    return [{"position": i, "title": item.title, "kind": item.kind}
            for i, item in enumerate(sorted(session.items, key=lambda it: (it.position, it.id)), start=1)
            if getattr(item, "parent_id", None) is None]


def _attendance(session):
    counts = {"present": 0, "excused": 0, "absent": 0}
    for row in session.attendance:
        if row.status in counts:
            counts[row.status] += 1
    return counts


@builder
def sessions() -> Resource | None:
    if not installed("consult.meetings.models"):
        return None
    from consult.meetings.models import DRAFT, CouncilSession

    return Resource(
        name="sessions", title="Session", model=CouncilSession,
        description="Council sessions (convened, held or closed), with their agenda and attendance counts.",
        query=lambda: sa.select(CouncilSession).options(
            selectinload(CouncilSession.items), selectinload(CouncilSession.attendance)).where(
            CouncilSession.status != DRAFT).order_by(CouncilSession.starts_at.desc(), CouncilSession.id.desc()),
        date_column=lambda: CouncilSession.starts_at, date_description="start",
        fields=[
            Field("id", "integer"),
            Field("council_id", "integer"),
            Field("title", "string"),
            Field("starts_at", "date-time"),
            Field("place", "string", getter=lambda s: s.place or ""),
            Field("status", "string"),
            Field("agenda", "array", getter=_agenda, schema=AGENDA_SCHEMA),
            Field("attendance", "object", getter=_attendance, schema=ATTENDANCE_SCHEMA),
        ],
    )
