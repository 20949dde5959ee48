"""Polls, and the results of closed polls (aggregate counts only: never a ballot linked to anyone)."""

from __future__ import annotations

import functools

import sqlalchemy as sa

from consult.api.machinery import Field, Resource, builder, columns, prefetched
from consult.extensions import db
from consult.votes.models import STATUS_DRAFT, Poll, PollOption

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
    return {str(k): v for k, v in (counts or {}).items() if isinstance(v, int | float)
            and not isinstance(v, bool)}


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
        "channels": [{"name": str(c.get("name")), "ballots": c.get("ballots"),
                      "counts": _numbers(c.get("counts"))}
                     for c in result.get("channels") or []],
    }


#: the published columns (and what ``_results`` reads)
_COLUMNS = ("id", "question", "method", "mode", "status", "owner_type", "owner_id", "opens_at", "closes_at",
            "closed_at", "result")


@functools.cache
def _query() -> sa.Select:
    """Open and closed polls, newest opening first, as rows of their columns (built once)."""
    poll = Poll.__table__
    return (sa.select(*(poll.c[name] for name in _COLUMNS)).where(poll.c.status != STATUS_DRAFT)
            .order_by(poll.c.opens_at.desc().nulls_last(), poll.c.id.desc()))


@functools.cache
def _options_statement() -> sa.Select:
    option = PollOption.__table__
    return (sa.select(option.c.poll_id, option.c.id, option.c.label)
            .where(option.c.poll_id.in_(sa.bindparam("ids", expanding=True)))
            .order_by(option.c.poll_id, option.c.position, option.c.id))


def _all_options(rows) -> dict[int, list[dict]]:
    """The options of a page of polls, from one query."""
    options: dict[int, list[dict]] = {row.id: [] for row in rows}
    for poll_id, option_id, label in db.session.execute(_options_statement(), {"ids": list(options)}):
        options[poll_id].append({"id": option_id, "label": label})
    return options


def _options(row) -> list[dict]:
    return prefetched("polls").get(row.id, [])


@builder
def polls() -> Resource:
    return Resource(
        name="polls", title="Poll", model=Poll,
        description="Polls that are open or closed; results only once closed.",
        query=_query, rows=True, prefetch=_all_options,
        date_column=lambda: Poll.opens_at, date_description="opening",
        fields=[
            *columns(id="integer", question="string", method="string"),
            Field("mode", "string", description="secret, named or open"),
            Field("status", "string"),
            *columns(owner_type="string", owner_id="integer", opens_at="date-time", closes_at="date-time",
                     closed_at="date-time", nullable=True),
            Field("options", "array", schema=OPTIONS_SCHEMA,
                  getter=_options),
            Field("results", "object", getter=_results, schema=RESULTS_SCHEMA),
        ],
    )
