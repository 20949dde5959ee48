"""Amendments to proposals: the public ones (not hidden, on a published proposal that is not hidden), with the
text proposed, its explanation, the decision and its reason, the supports; authors by their public name."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload

from consult.api.machinery import Field, Resource, builder, columns
from consult.proposals.amendments_models import STATES, Amendment
from consult.proposals.models import DRAFT, Proposal


def _query() -> sa.Select:
    return (sa.select(Amendment).join(Proposal, Proposal.id == Amendment.proposal_id)
            .where(Amendment.hidden_at.is_(None), Proposal.state != DRAFT, Proposal.hidden_at.is_(None))
            .options(contains_eager(Amendment.proposal), joinedload(Amendment.author))
            .order_by(Amendment.created_at.desc(), Amendment.id.desc()))


def _author(amendment) -> str | None:
    return amendment.author.public_name if amendment.author is not None else None


@builder
def amendments() -> Resource:
    return Resource(
        name="amendments", title="Amendment", model=Amendment,
        description="Amendments residents proposed to proposals: the whole new text, why, and the decision "
                    "of the proposal's author.",
        query=_query, date_column=lambda: Amendment.created_at, date_description="date it was proposed",
        fields=[
            *columns(id="integer", proposal_id="integer", title="string"),
            Field("body", "string", description="Markdown: the whole text as amended."),
            Field("explanation", "string"),
            Field("state", "string", schema={"type": "string", "enum": list(STATES)}),
            Field("reason", "string", nullable=True, description="Why the proposal's author rejected it."),
            Field("author", "string", nullable=True, description="Public display name.", getter=_author),
            Field("base_version", "integer", description="The version of the proposal's text it amends."),
            Field("out_of_date", "boolean", getter=lambda a: a.is_out_of_date,
                  description="Pending or rejected, and the proposal's text has changed since."),
            *columns(support_count="integer", created_at="date-time"),
            *columns(decided_at="date-time", promoted_to_id="integer", nullable=True),
        ],
    )
