"""Participatory processes."""

from __future__ import annotations

import sqlalchemy as sa

from consult.api.machinery import Field, Resource, builder
from consult.api.resources import installed


@builder
def processes() -> Resource | None:
    if not installed("consult.processes.models"):
        return None
    from consult.processes.models import Process

    return Resource(
        name="processes", title="Process", model=Process,
        description="Participatory processes.",
        query=lambda: sa.select(Process).order_by(Process.created_at.desc(), Process.id.desc()),
        date_column=lambda: Process.created_at, date_description="creation date",
        fields=[
            Field("id", "integer"),
            Field("title", "string"),
            Field("description", "string", description="Markdown."),
            Field("council_id", "integer", nullable=True, getter=lambda p: getattr(p, "council_id", None)),
            Field("created_at", "date-time"),
        ],
    )
