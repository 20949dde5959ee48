"""Proposals: public fields only (published, not hidden); authors by their public display name."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from consult.api.machinery import Field, Resource, builder
from consult.api.resources import installed


@builder
def proposals() -> Resource | None:
    if not installed("consult.proposals.models"):
        return None
    from consult.proposals.models import PUBLIC_STATES, Proposal

    return Resource(
        name="proposals", title="Proposal", model=Proposal,
        description="Published proposals (public fields only).",
        query=lambda: sa.select(Proposal).where(
            Proposal.state.in_(PUBLIC_STATES), Proposal.hidden_at.is_(None), Proposal.published_at.is_not(None),
        ).order_by(Proposal.published_at.desc(), Proposal.id.desc()).options(selectinload(Proposal.author)),
        date_column=lambda: Proposal.published_at, date_description="publication date",
        fields=[
            Field("id", "integer"),
            Field("process_id", "integer"),
            Field("title", "string"),
            Field("body", "string", description="Markdown."),
            Field("language", "string"),
            Field("state", "string"),
            Field("author", "string", nullable=True, description="Public display name.",
                  getter=lambda p: p.author.public_name if p.author is not None else None),
            Field("published_at", "date-time", nullable=True),
            Field("support_count", "integer"),
            Field("comment_count", "integer"),
        ],
    )
