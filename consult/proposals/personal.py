"""What the proposals module holds about a person, for "download my data".

Proposals and translations stay after an account is deleted (shown as by a "former participant"); supports
stay counted but are linked only to the anonymised account.
"""

from __future__ import annotations

import sqlalchemy as sa

from consult.core.personal_data import register_exporter
from consult.extensions import db
from consult.proposals.models import Proposal, ProposalSupport, ProposalTranslation


def export(user) -> dict:
    proposals = db.session.scalars(sa.select(Proposal).where(Proposal.author_id == user.id)
                                   .order_by(Proposal.id))
    supports = db.session.execute(sa.select(ProposalSupport.proposal_id, ProposalSupport.created_at)
                                  .where(ProposalSupport.user_id == user.id).order_by(ProposalSupport.id))
    translations = db.session.scalars(sa.select(ProposalTranslation)
                                      .where(ProposalTranslation.translator_id == user.id))
    return {
        "proposals": [{"id": p.id, "title": p.title, "body": p.body, "language": p.language, "state": p.state,
                       "published_at": p.published_at.isoformat() if p.published_at else None}
                      for p in proposals],
        "supports": [{"proposal_id": pid, "at": at.isoformat()} for pid, at in supports],
        "translations": [{"proposal_id": t.proposal_id, "language": t.language, "title": t.title}
                         for t in translations],
    }


register_exporter("proposals", export)
