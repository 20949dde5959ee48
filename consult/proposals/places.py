"""Proposals on the map: the placed proposals of a process (for the map beside its list) and a proposal's own
point (for its page). Plain rows, one query each; the districts' shapes come from ``consult.geo``."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for

from consult.extensions import db
from consult.proposals.models import OFFICIAL_STATES, Proposal

#: at most this many proposals on a process's map (the newest)
MAP_LIMIT = 300


def process_points(process_id: int) -> list[dict]:
    """The visible proposals of the process that have a place, open or answered (not withdrawn or merged:
    as the list by default), newest first."""
    rows = db.session.execute(
        sa.select(Proposal.id, Proposal.title, Proposal.latitude, Proposal.longitude)
        .where(Proposal.process_id == process_id, Proposal.latitude.is_not(None),
               Proposal.longitude.is_not(None), Proposal.hidden_at.is_(None),
               Proposal.state.in_(OFFICIAL_STATES))
        .order_by(Proposal.published_at.desc(), Proposal.id.desc()).limit(MAP_LIMIT))
    return [{"latitude": r.latitude, "longitude": r.longitude, "label": r.title, "kind": "proposal",
             "url": url_for("proposals.show", proposal_id=r.id)} for r in rows]


def own_point(proposal: Proposal, title: str) -> list[dict]:
    if proposal.latitude is None or proposal.longitude is None:
        return []
    return [{"latitude": proposal.latitude, "longitude": proposal.longitude, "label": title,
             "kind": "proposal"}]


def location(proposal: Proposal) -> tuple[float, float] | None:
    if proposal.latitude is None or proposal.longitude is None:
        return None
    return proposal.latitude, proposal.longitude
