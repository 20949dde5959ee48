"""Proposals: public fields only (published, not hidden); authors by their public display name.

The list's total comes from ``proposal_tally`` (constant cost whatever the number of proposals) unless
``since``/``until`` restrict it, when the matching rows are counted."""

from __future__ import annotations

import functools

import sqlalchemy as sa
from flask_babel import gettext

from consult.accounts.models import User
from consult.api.machinery import Field, Resource, builder, columns
from consult.proposals import tally
from consult.proposals.models import DRAFT, PUBLIC_STATES, Proposal


@functools.cache
def _query() -> sa.Select:
    """The published proposals, newest first, as rows of the published columns and the author's name (built
    once; no proposal or account object is made for a page)."""
    return (
        sa.select(Proposal.id, Proposal.process_id, Proposal.title, Proposal.body, Proposal.language,
                  Proposal.state, Proposal.published_at, Proposal.support_count, Proposal.comment_count,
                  Proposal.latitude, Proposal.longitude,
                  Proposal.author_id, User.display_name.label("author_name"),
                  User.deleted_at.label("author_deleted_at"))
        .outerjoin(User, User.id == Proposal.author_id)
        # every state but draft (PUBLIC_STATES), written != so that SQLite reads the order's index
        .where(Proposal.state != DRAFT, Proposal.hidden_at.is_(None), Proposal.published_at.is_not(None))
        .order_by(Proposal.published_at.desc(), Proposal.id.desc())
    )


def _author(row) -> str | None:
    """The author's public name, as ``User.public_name`` gives it."""
    if row.author_id is None:
        return None
    return gettext("Former participant") if row.author_deleted_at is not None else row.author_name


@builder
def proposals() -> Resource:
    def count(args) -> int | None:
        if args.since is not None or args.until is not None:
            return None
        return tally.total(states=PUBLIC_STATES, published_only=True)

    return Resource(
        name="proposals", title="Proposal", model=Proposal,
        description="Published proposals (public fields only).",
        query=_query, rows=True,
        date_column=lambda: Proposal.published_at, date_description="publication date", count=count,
        fields=[
            *columns(id="integer", process_id="integer", title="string"),
            Field("body", "string", description="Markdown."),
            *columns(language="string", state="string"),
            Field("author", "string", nullable=True, description="Public display name.",
                  getter=_author),
            Field("published_at", "date-time", nullable=True),
            *columns(support_count="integer", comment_count="integer"),
            Field("latitude", "number", nullable=True, description="The place, if any (WGS 84 degrees)."),
            Field("longitude", "number", nullable=True, description="The place, if any (WGS 84 degrees)."),
        ],
    )
