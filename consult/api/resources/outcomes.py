"""Outcomes with their actions (status, progress, responsible body, due date)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from consult.api.machinery import Field, Resource, builder, columns
from consult.outcomes.models import Outcome

ACTION_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object", "additionalProperties": False,
        "required": ["id", "title", "status", "progress", "responsible", "due_on"],
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "status": {"type": "string", "enum": ["planned", "in_progress", "done", "dropped"]},
            "progress": {"type": "integer", "minimum": 0, "maximum": 100},
            "responsible": {"type": "string"},
            "due_on": {"type": ["string", "null"], "format": "date"},
        },
    },
}


def _actions(outcome):
    return [{"id": a.id, "title": a.title, "status": a.status, "progress": a.progress,
             "responsible": a.responsible, "due_on": a.due_on.isoformat() if a.due_on else None}
            for a in outcome.actions]


@builder
def outcomes() -> Resource:
    return Resource(
        name="outcomes", title="Outcome", model=Outcome,
        description="Outcomes of decisions and the actions that carry them out.",
        query=lambda: sa.select(Outcome).options(selectinload(Outcome.actions)).order_by(
            Outcome.decided_on.desc().nulls_last(), Outcome.id.desc()),
        date_column=lambda: Outcome.decided_on, date_description="decision date",
        fields=[
            *columns(id="integer", title="string"),
            Field("description", "string", description="Markdown."),
            *columns(council_id="integer", process_id="integer", proposal_id="integer", minutes_id="integer",
                     decided_on="date", nullable=True),
            Field("status", "string",
                  schema={"type": "string", "enum": ["planned", "in_progress", "done", "dropped"]}),
            Field("progress", "integer", nullable=True,
                  schema={"type": "integer", "minimum": 0, "maximum": 100},
                  description="Derived from the actions that are not dropped."),
            Field("actions", "array", getter=_actions, schema=ACTION_SCHEMA),
        ],
    )
