"""Proposals: public fields only (published, not hidden); authors by their public display name.

The list's total comes from ``proposal_tally`` (constant cost whatever the number of proposals) unless
``since``/``until`` restrict it, when the matching rows are counted."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from consult.api.machinery import Field, Resource, builder
from consult.api.resources import installed


@builder
def proposals() -> Resource | None:
    if not installed("consult.proposals.models"):
        return None
    from consult.proposals import tally
    from consult.proposals.models import DRAFT, PUBLIC_STATES, Proposal

    def count(args) -> int | None:
        if args.since is not None or args.until is not None:
            return None
        return tally.total(states=PUBLIC_STATES, published_only=True)

    return Resource(
        name="proposals", title="Proposal", model=Proposal,
        description="Published proposals (public fields only).",
        query=lambda: sa.select(Proposal).where(
            # every state but draft (PUBLIC_STATES), written != so that SQLite reads the order's index
            Proposal.state != DRAFT, Proposal.hidden_at.is_(None), Proposal.published_at.is_not(None),
        ).order_by(Proposal.published_at.desc(), Proposal.id.desc()).options(selectinload(Proposal.author)),
        date_column=lambda: Proposal.published_at, date_description="publication date", count=count,
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
