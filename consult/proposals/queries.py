"""Read models for proposal pages: a constant number of queries whatever the data size.

The list page runs: count + page of proposals (author, theme, district, process joined) + the reader's
translations for that page + the reader's supports for that page. The proposal page loads its translations,
answers (with texts), sources (with authors) and "merged into" in a fixed number of select-in queries.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import lru_cache

import sqlalchemy as sa
from flask import session
from sqlalchemy.orm import joinedload, selectinload

from consult.core.text import plain_excerpt
from consult.extensions import db
from consult.processes.models import Process
from consult.proposals import search
from consult.proposals.models import (
    MERGED,
    PUBLIC_STATES,
    WITHDRAWN,
    Proposal,
    ProposalAnswer,
    ProposalTranslation,
)

SORTS = ("newest", "supported", "commented", "random")
SEED_KEY = "proposals_seed"


@dataclass
class Filters:
    process_id: int | None = None
    theme_id: int | None = None
    district_id: int | None = None
    state: str | None = None
    q: str | None = None
    sort: str = "newest"
    extra: dict = field(default_factory=dict)


def random_seed() -> int:
    """A seed kept in the visitor's session: the random order stays the same while they page through it."""
    seed = session.get(SEED_KEY)
    if not isinstance(seed, int):
        seed = random.SystemRandom().randrange(1, 999_983)
        session[SEED_KEY] = seed
    return seed


def list_query(filters: Filters):
    """Published, visible proposals matching the filters, in the chosen order."""
    # the many-to-one rows come joined in the page query (no extra round trips); the pagination count drops
    # the eager joins (``lazyload("*")``), so it stays a lean index scan. A card shows only the author's public
    # name, so the author's own eager relationships (grants, residence) are not loaded with it.
    query = (sa.select(Proposal)
             .options(joinedload(Proposal.author).lazyload("*"), joinedload(Proposal.theme),
                      joinedload(Proposal.district))
             .where(Proposal.hidden_at.is_(None)))
    if filters.process_id:
        query = query.where(Proposal.process_id == filters.process_id)
    if filters.theme_id:
        query = query.where(Proposal.theme_id == filters.theme_id)
    if filters.district_id:
        query = query.where(Proposal.district_id == filters.district_id)
    if filters.state in PUBLIC_STATES:
        query = query.where(Proposal.state == filters.state)
    else:
        # withdrawn and merged proposals stay reachable, but only lists that ask for them show them
        query = query.where(Proposal.state.in_([s for s in PUBLIC_STATES if s not in (WITHDRAWN, MERGED)]))
    condition = search.matching(filters.q)
    if condition is not None:
        query = query.where(condition)
    if filters.sort == "supported":
        query = query.order_by(Proposal.support_count.desc(), Proposal.id.desc())
    elif filters.sort == "commented":
        query = query.order_by(Proposal.comment_count.desc(), Proposal.id.desc())
    elif filters.sort == "random":
        # a stable shuffle: a multiplicative hash of the id with the visitor's seed (portable integer SQL)
        query = query.order_by((Proposal.id * random_seed()) % 1_000_003, Proposal.id)
    else:
        query = query.order_by(Proposal.published_at.desc(), Proposal.id.desc())
    return query


@lru_cache(maxsize=4096)
def card_excerpt(text: str | None) -> str:
    """The plain-text excerpt a proposal card shows (the first 320 characters of the Markdown, cut at 180).
    Rendering Markdown is the costliest step of a card, and the same texts are listed again and again, so the
    result is memoised by text (a pure function of it; a bounded cache)."""
    return plain_excerpt((text or "")[:320], 180)


def translations_for(proposal_ids, language: str) -> dict[int, ProposalTranslation]:
    """The translations into ``language`` of the listed proposals (one query)."""
    if not proposal_ids:
        return {}
    rows = db.session.scalars(sa.select(ProposalTranslation).where(
        ProposalTranslation.proposal_id.in_(list(proposal_ids)), ProposalTranslation.language == language))
    return {t.proposal_id: t for t in rows}


def proposal_page(proposal_id: int) -> Proposal | None:
    """One proposal with everything its page shows."""
    return db.session.scalar(
        sa.select(Proposal).where(Proposal.id == proposal_id).options(
            joinedload(Proposal.author), joinedload(Proposal.theme), joinedload(Proposal.district),
            joinedload(Proposal.process),
            selectinload(Proposal.translations),
            selectinload(Proposal.answers).selectinload(ProposalAnswer.texts),
            selectinload(Proposal.sources).joinedload(Proposal.author),
            joinedload(Proposal.merged_into),
            joinedload(Proposal.merged_by),
        )
    )


def process_counts(process: Process) -> dict[str, int]:
    """Published proposals of a process by state (one aggregate query)."""
    rows = db.session.execute(sa.select(Proposal.state, sa.func.count()).where(
        Proposal.process_id == process.id, Proposal.state.in_(PUBLIC_STATES), Proposal.hidden_at.is_(None))
        .group_by(Proposal.state))
    return dict(rows.all())


def qualified_for_council(council_id: int):
    """Qualified proposals of the processes that feed ``council_id``, oldest qualification first: the list the
    council's secretary draws agenda items from (a select, for the councils module to paginate)."""
    return (sa.select(Proposal).join(Process, Process.id == Proposal.process_id)
            .where(Process.council_id == council_id, Proposal.state == "qualified", Proposal.hidden_at.is_(None))
            .options(selectinload(Proposal.author), selectinload(Proposal.theme))
            .order_by(Proposal.qualified_at, Proposal.id))
