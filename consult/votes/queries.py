"""Read models of the poll pages that grow with the data: the list of polls and the list of counted ballots.

Both are shown a page at a time (``?page=``, ``consult.core.pagination``), in a constant number of queries.
"""

from __future__ import annotations

import sqlalchemy as sa

from consult.core.pagination import paginate
from consult.extensions import db
from consult.votes.models import STATUS_DRAFT, Ballot, Poll
from consult.votes.services import fingerprint, tracker_hash

POLLS_PER_PAGE = 20
#: fingerprints are short (12 characters): a page of the list of counted ballots holds many
TRACKERS_PER_PAGE = 200
TRACKERS_MAX_PER_PAGE = 1000


def poll_page(*, include_drafts: bool = False):
    """One page of the polls: open first, then drafts (for those who manage them), then closed; newest
    first."""
    query = sa.select(Poll).order_by(Poll.status.desc(), Poll.id.desc())
    if not include_drafts:
        query = query.where(Poll.status != STATUS_DRAFT)
    return paginate(query, per_page=POLLS_PER_PAGE)


def all_fingerprints(poll: Poll) -> list[str] | None:
    """Every counted ballot's fingerprint of a closed poll, in the list's order (one query); ``None``
    before."""
    if not poll.is_closed:
        return None
    return [fingerprint(h) for h in db.session.scalars(_counted(poll))]


class _Fingerprints:
    """A page of tracker hashes shown as fingerprints (the page object of ``paginate``, items mapped)."""

    def __init__(self, page):
        self._page = page
        self.items = [fingerprint(h) for h in page.items]

    def __getattr__(self, name):
        return getattr(self._page, name)


def _counted(poll: Poll):
    """The tracker hashes of a poll's counted ballots, in the list's order (of the hashes: it says nothing
    about who voted or when)."""
    return sa.select(Ballot.tracker_hash).where(Ballot.poll_id == poll.id).order_by(Ballot.tracker_hash)


def tracker_page(poll: Poll):
    """One page of the fingerprints of a closed poll's counted ballots, in the order of their hashes (an order
    that says nothing about who voted or when); ``None`` while the poll is not closed."""
    if not poll.is_closed:
        return None
    return _Fingerprints(paginate(_counted(poll), per_page=TRACKERS_PER_PAGE,
                                  max_per_page=TRACKERS_MAX_PER_PAGE))


def tracker_list_page(poll: Poll, tracker: str, per_page: int) -> int | None:
    """The page of the list of counted ballots that shows this tracker's fingerprint, or ``None`` when no
    counted ballot of the closed poll has this tracker (one query). It says no more than the public list
    does."""
    if not poll.is_closed:
        return None
    wanted = tracker_hash(tracker)
    found, before = db.session.execute(sa.select(
        sa.func.count().filter(Ballot.tracker_hash == wanted),
        sa.func.count().filter(Ballot.tracker_hash < wanted)).where(Ballot.poll_id == poll.id)).one()
    return before // per_page + 1 if found else None
