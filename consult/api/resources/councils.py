"""Councils (public pages: name, purpose, mandate)."""

from __future__ import annotations

import sqlalchemy as sa

from consult.api.machinery import Field, Resource, builder
from consult.api.resources import installed


@builder
def councils() -> Resource | None:
    if not installed("consult.councils.models"):
        return None
    from consult.councils.models import Council

    return Resource(
        name="councils", title="Council", model=Council,
        description="Councils, such as the Council of Cultures.",
        query=lambda: sa.select(Council).order_by(Council.name, Council.id),
        date_column=lambda: Council.created_at, date_description="creation date",
        fields=[
            Field("id", "integer"),
            Field("name", "string"),
            Field("slug", "string"),
            Field("purpose", "string", getter=lambda c: getattr(c, "purpose", "") or ""),
            Field("mandate", "string", getter=lambda c: getattr(c, "mandate", "") or ""),
            Field("created_at", "date-time"),
        ],
    )
