"""Councils (public pages: name, purpose, mandate)."""

from __future__ import annotations

import sqlalchemy as sa

from consult.api.machinery import Field, Resource, builder, columns
from consult.councils.models import Council


@builder
def councils() -> Resource:
    return Resource(
        name="councils", title="Council", model=Council,
        description="Councils, such as the Council of Cultures.",
        query=lambda: sa.select(Council).order_by(Council.name, Council.id),
        date_column=lambda: Council.created_at, date_description="creation date",
        fields=[
            *columns(id="integer", name="string", slug="string"),
            Field("purpose", "string", getter=lambda c: c.purpose or ""),
            Field("mandate", "string", getter=lambda c: c.mandate or ""),
            Field("created_at", "date-time"),
        ],
    )
