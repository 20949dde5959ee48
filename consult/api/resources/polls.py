"""Polls, and the results of closed polls (aggregate counts only: never a ballot linked to anyone)."""

from __future__ import annotations

import sqlalchemy as sa

from consult.api.machinery import Field, Resource, builder
from consult.api.resources import installed

OPTIONS_SCHEMA = {
    "type": "array",
    "items": {"type": "object", "additionalProperties": False, "required": ["id", "label"],
              "properties": {"id": {"type": "integer"}, "label": {"type": "string"}}},
}
RESULTS_SCHEMA = {
    "type": ["object", "null"],
    "description": "Only for closed polls: counts per option id, voters, eligible, verdict, per channel.",
    "additionalProperties": False,
    "required": ["counts", "voters", "eligible", "verdict", "channels"],
    "properties": {
        "counts": {"type": "object", "additionalProperties": {"type": "number"}},
        "voters": {"type": ["integer", "null"]},
        "eligible": {"type": ["integer", "null"]},
        "verdict": {"type": ["string", "null"]},
        "channels": {"type": "array", "items": {
            "type": "object", "additionalProperties": False, "required": ["name", "ballots", "counts"],
            "properties": {"name": {"type": "string"}, "ballots": {"type": ["integer", "null"]},
                           "counts": {"type": "object", "additionalProperties": {"type": "number"}}}}},
    },
}


def _numbers(counts) -> dict:
    return {str(k): v for k, v in (counts or {}).items() if isinstance(v, int | float) and not isinstance(v, bool)}


def _results(poll):
    if poll.status != "closed" or not poll.result:
        return None
    result = poll.result
    tally = result.get("tally") or {}
    return {
        "counts": _numbers(tally.get("counts")),
        "voters": result.get("voters"),
        "eligible": result.get("eligible"),
        "verdict": result.get("verdict"),
        "channels": [{"name": str(c.get("name")), "ballots": c.get("ballots"), "counts": _numbers(c.get("counts"))}
                     for c in result.get("channels") or []],
    }


@builder
def polls() -> Resource | None:
    if not installed("consult.votes.models"):
        return None
    from consult.votes.models import STATUS_DRAFT, Poll

    return Resource(
        name="polls", title="Poll", model=Poll,
        description="Polls that are open or closed; results only once closed.",
        query=lambda: sa.select(Poll).where(Poll.status != STATUS_DRAFT).order_by(
            Poll.opens_at.desc().nulls_last(), Poll.id.desc()),
        date_column=lambda: Poll.opens_at, date_description="opening",
        fields=[
            Field("id", "integer"),
            Field("question", "string"),
            Field("method", "string"),
            Field("mode", "string", description="secret, named or open"),
            Field("status", "string"),
            Field("owner_type", "string", nullable=True),
            Field("owner_id", "integer", nullable=True),
            Field("opens_at", "date-time", nullable=True),
            Field("closes_at", "date-time", nullable=True),
            Field("closed_at", "date-time", nullable=True),
            Field("options", "array", schema=OPTIONS_SCHEMA,
                  getter=lambda p: [{"id": o.id, "label": o.label} for o in p.options]),
            Field("results", "object", getter=_results, schema=RESULTS_SCHEMA),
        ],
    )
