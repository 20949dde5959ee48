"""Civic lotteries: calendar, quotas, and once the pool closed the anonymised pool as drawn (random row ids
and the value of each category, no names), its digest, the revealed public value, the seed and every draw, so
that anyone re-runs the draw (``consult/lotteries/draw.py``). Selection probabilities only in aggregate."""

from __future__ import annotations

import sqlalchemy as sa

from consult.api.machinery import Field, Resource, builder, columns
from consult.lotteries.models import Lottery

VALUE = {
    "type": "object",
    "required": ["key", "label", "min", "max"],
    "properties": {
        "key": {"type": "string"},
        "label": {"type": "string"},
        "min": {"type": "integer", "minimum": 0},
        "max": {"type": "integer", "minimum": 0},
    },
}
CATEGORY = {
    "type": "object",
    "required": ["key", "kind", "name", "values"],
    "properties": {
        "key": {"type": "string"},
        "kind": {"type": "string", "enum": ["district", "age_band", "custom"]},
        "name": {"type": "string"},
        "values": {"type": "array", "items": VALUE},
    },
}
DRAW_INPUT = {
    "type": ["object", "null"],
    "description": "Frozen when the pool closed; pool_digest is the SHA-256 of this object written "
    "as compact JSON with sorted keys (UTF-8).",
    "required": ["seats", "categories", "pool", "algorithm", "library"],
    "properties": {
        "seats": {"type": "integer"},
        "categories": {"type": "array", "items": CATEGORY},
        "pool": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "features"],
                "properties": {
                    "id": {"type": "string", "description": "A random row id."},
                    "features": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            },
        },
        "algorithm": {"type": "string"},
        "library": {"type": "string"},
    },
}
DRAWS = {
    "type": "array",
    "description": "The first draw (number 0) and the replacements, with what each was drawn from.",
    "items": {
        "type": "object",
        "required": ["number", "seats", "seed", "excluded", "kept", "selected"],
        "properties": {
            "number": {"type": "integer"},
            "seats": {"type": "integer"},
            "seed": {"type": "string"},
            "excluded": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Row ids drawn before (not in this draw's pool).",
            },
            "kept": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Row ids kept on the panel: the quotas are less their seats.",
            },
            "selected": {"type": "array", "items": {"type": "string"}},
            "at": {"type": "string"},
        },
    },
}


def _categories(lottery):
    return [
        {
            "key": c.key,
            "kind": c.kind,
            "name": c.name if c.kind == "custom" else c.kind,
            "values": [
                {"key": v.key, "label": v.label, "min": v.min_seats, "max": v.max_seats} for v in c.values
            ],
        }
        for c in lottery.categories
    ]


@builder
def lotteries() -> Resource:
    return Resource(
        name="lotteries",
        title="Lottery",
        model=Lottery,
        description="Civic lotteries: panels drawn by lot among volunteers, with quotas, re-runnable "
        "from this data.",
        query=lambda: sa.select(Lottery).order_by(Lottery.pool_closes_at.desc(), Lottery.id.desc()),
        date_column=lambda: Lottery.pool_closes_at,
        date_description="closing of the pool",
        fields=[
            *columns(
                id="integer",
                title="string",
                owner_type="string",
                owner_id="integer",
                seats="integer",
                status="string",
                pool_opens_at="date-time",
                pool_closes_at="date-time",
                draw_at="date-time",
                random_source="string",
                algorithm="string",
            ),
            *columns(
                commitment="string",
                pool_digest="string",
                revealed_value="string",
                seed="string",
                probability_min="number",
                probability_max="number",
                probability_mean="number",
                nullable=True,
            ),
            Field(
                "categories",
                "array",
                getter=_categories,
                schema={"type": "array", "items": CATEGORY},
                description="The quotas as they are now (frozen in draw_input when the pool closed).",
            ),
            Field("draw_input", "object", getter=lambda lottery: lottery.draw_input, schema=DRAW_INPUT),
            Field("draws", "array", getter=lambda lottery: lottery.draws or [], schema=DRAWS),
        ],
    )
