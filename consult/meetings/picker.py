"""The proposals an agenda item can be linked to: the picker of the item form.

The secretary checks proposals in a list instead of typing their numbers. The list holds the proposals already
chosen, then either the proposals found by a search (words from the title or text, through the proposals'
full-text search service, or a number such as ``12`` or ``#12``) or, without a search, the proposals that
qualified in the processes feeding the council (what is waiting for a session). Only published proposals that
are not hidden can be chosen; a link made earlier stays valid even if its proposal was hidden since.

Like the rest of meetings, this works without the proposals module: then nothing is offered and numbers are
not checked (``available()`` is false). Each function runs one query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa

from consult.core.routing import row_id
from consult.extensions import db
from consult.meetings import services as meetings

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
        from consult.proposals.models import STATE_LABELS

        label = STATE_LABELS.get(self.state)
        return str(label) if label is not None else self.state


def available() -> bool:
    return meetings._proposal_model() is not None


def _rows(where, order=None, limit=None) -> list[ProposalRow]:
    model = meetings._proposal_model()
    query = sa.select(model.id, model.title, model.state).where(*where)
    if order is not None:
        query = query.order_by(*order)
    if limit is not None:
        query = query.limit(limit)
    return [ProposalRow(*row) for row in db.session.execute(query)]


def _linkable(model) -> list:
    return [model.state != "draft", model.hidden_at.is_(None)]


def chosen(ids, *, already_linked=()) -> tuple[list[ProposalRow], list[int]]:
    """(the proposals among ``ids`` that may be linked, in the order given; the ids that may not). The ids in
    ``already_linked`` may always stay. Without the proposals module every number is taken as it is."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return [], []
    if not available():
        return [ProposalRow(i, "", "") for i in ids], []
    model = meetings._proposal_model()
    kept = set(already_linked)
    linkable = sa.case((sa.and_(*_linkable(model)), 1), else_=0)
    found = {pid: (ProposalRow(pid, title, state), bool(ok) or pid in kept) for pid, title, state, ok in
             db.session.execute(sa.select(model.id, model.title, model.state, linkable).where(model.id.in_(ids)))}
    return ([found[i][0] for i in ids if i in found and found[i][1]],
            [i for i in ids if i not in found or not found[i][1]])


def number_in(query: str | None) -> int | None:
    """The proposal number a search is, when it is one (``12``, ``#12``)."""
    match = _NUMBER.fullmatch((query or "").strip())
    return row_id(match.group(1)) if match else None


def find(query: str | None, council_id: int, *, exclude=()) -> list[ProposalRow]:
    """Proposals to offer: found by ``query``, or the council's qualified proposals without one."""
    if not available():
        return []
    model = meetings._proposal_model()
    exclude = list(exclude)
    where = [*_linkable(model)]
    if exclude:
        where.append(model.id.not_in(exclude))
    number = number_in(query)
    if number is not None:
        return _rows([model.id == number, *where])
    from consult.proposals import search

    condition = search.matching(query)
    if condition is not None:
        return _rows([condition, *where], order=[model.published_at.desc(), model.id.desc()], limit=LIMIT)
    if (query or "").strip():
        return []  # nothing searchable in it (punctuation only)
    from consult.processes.models import Process

    feeding = sa.select(Process.id).where(Process.council_id == council_id).scalar_subquery()
    return _rows([model.state == "qualified", model.process_id.in_(feeding), *where],
                 order=[model.published_at.desc(), model.id.desc()], limit=LIMIT)
