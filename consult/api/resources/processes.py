"""Participatory processes."""

from __future__ import annotations

import sqlalchemy as sa

from consult.api.machinery import Field, Resource, builder, columns
from consult.processes.models import Process


@builder
def processes() -> Resource:
    return Resource(
        name="processes", title="Process", model=Process,
        description="Participatory processes.",
        query=lambda: sa.select(Process).order_by(Process.created_at.desc(), Process.id.desc()),
        date_column=lambda: Process.created_at, date_description="creation date",
        fields=[
            *columns(id="integer", title="string"),
            Field("description", "string", description="Markdown."),
            Field("council_id", "integer", nullable=True),
            Field("created_at", "date-time"),
        ],
    )
