"""The proposals an agenda item can be linked to: the picker of the item form.

The secretary checks proposals in a list instead of typing their numbers. The list holds the proposals already
chosen, then either the proposals found by a search (words from the title or text, through the proposals'
full-text search service, or a number such as ``12`` or ``#12``) or, without a search, the proposals that
qualified in the processes feeding the council (what is waiting for a session). Only published proposals that
are not hidden can be chosen; a link made earlier stays valid even if its proposal was hidden since.

Each function runs one query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa

from consult.core.routing import row_id
from consult.extensions import db
from consult.processes.models import Process
from consult.proposals import search
from consult.proposals.models import STATE_LABELS, Proposal

#: at most this many proposals found or suggested at a time
LIMIT = 20
_NUMBER = re.compile(r"#?\s*(\d+)")


@dataclass(frozen=True, slots=True)
class ProposalRow:
    id: int
    title: str
    state: str

    @property
    def state_label(self) -> str:
        if not self.state:
            return ""
        label = STATE_LABELS.get(self.state)
        return str(label) if label is not None else self.state


def _rows(where, order=None, limit=None) -> list[ProposalRow]:
    query = sa.select(Proposal.id, Proposal.title, Proposal.state).where(*where)
    if order is not None:
        query = query.order_by(*order)
    if limit is not None:
        query = query.limit(limit)
    return [ProposalRow(*row) for row in db.session.execute(query)]


def _linkable() -> list:
    return [Proposal.state != "draft", Proposal.hidden_at.is_(None)]


def chosen(ids, *, already_linked=()) -> tuple[list[ProposalRow], list[int]]:
    """(the proposals among ``ids`` that may be linked, in the order given; the ids that may not). The ids in
    ``already_linked`` may always stay."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return [], []
    kept = set(already_linked)
    linkable = sa.case((sa.and_(*_linkable()), 1), else_=0)
    rows = db.session.execute(sa.select(Proposal.id, Proposal.title, Proposal.state, linkable)
                              .where(Proposal.id.in_(ids)))
    found = {pid: (ProposalRow(pid, title, state), bool(ok) or pid in kept) for pid, title, state, ok in rows}
    return ([found[i][0] for i in ids if i in found and found[i][1]],
            [i for i in ids if i not in found or not found[i][1]])


def number_in(query: str | None) -> int | None:
    """The proposal number a search is, when it is one (``12``, ``#12``)."""
    match = _NUMBER.fullmatch((query or "").strip())
    return row_id(match.group(1)) if match else None


def find(query: str | None, council_id: int, *, exclude=()) -> list[ProposalRow]:
    """Proposals to offer: found by ``query``, or the council's qualified proposals without one."""
    exclude = list(exclude)
    where = [*_linkable()]
    if exclude:
        where.append(Proposal.id.not_in(exclude))
    number = number_in(query)
    if number is not None:
        return _rows([Proposal.id == number, *where])
    condition = search.matching(query)
    if condition is not None:
        return _rows([condition, *where], order=[Proposal.published_at.desc(), Proposal.id.desc()],
                     limit=LIMIT)
    if (query or "").strip():
        return []  # nothing searchable in it (punctuation only)
    feeding = sa.select(Process.id).where(Process.council_id == council_id).scalar_subquery()
    return _rows([Proposal.state == "qualified", Proposal.process_id.in_(feeding), *where],
                 order=[Proposal.published_at.desc(), Proposal.id.desc()], limit=LIMIT)
