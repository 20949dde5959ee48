"""Published minutes (corrections and translations included), with their structured record."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import defer, lazyload

from consult.api.machinery import Field, Resource, builder, columns
from consult.minutes.models import PUBLISHED, Minutes

RECORD_SCHEMA = {"type": "object", "description": "The structured record of the session or debate "
                                                   "(see the minutes' JSON export)."}


@builder
def minutes() -> Resource:
    return Resource(
        name="minutes", title="Minutes", model=Minutes,
        description="Published minutes of council sessions and debates.",
        # the fields never read the record snapshot (a JSON document per row) nor who approved
        query=lambda: sa.select(Minutes).options(defer(Minutes.record), lazyload(Minutes.approved_by)).where(
            Minutes.status == PUBLISHED).order_by(
            Minutes.published_at.desc(), Minutes.id.desc()),
        date_column=lambda: Minutes.published_at, date_description="publication date",
        fields=[
            *columns(id="integer", title="string"),
            Field("language", "string", description="Language code of the text."),
            Field("kind", "string", description="original, correction or translation",
                  schema={"type": "string", "enum": ["original", "correction", "translation"]}),
            Field("source_type", "string", description="council_session or debate"),
            Field("source_id", "integer"),
            Field("council_id", "integer", nullable=True),
            Field("corrects_id", "integer", nullable=True, description="The minutes this document corrects."),
            *columns(translation_of_id="integer", held_at="date-time", nullable=True),
            Field("approval_mode", "string", schema={"type": "string", "enum": ["president", "motion"]}),
            *columns(approved_at="date-time", published_at="date-time", nullable=True),
            Field("text_markdown", "string", getter=lambda m: m.body),
        ],
    )
