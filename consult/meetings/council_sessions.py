"""A council's sessions for its page: upcoming sessions, the latest past ones, and the archive of past
sessions.

A council holds about ten sessions a year, so its page shows a bounded part of them (constant query count and
size); the rest is in the paginated archive. "Upcoming" is the rule of ``meetings.services.sessions_of``: not
closed and not over yet (start + planned length), or in progress; every other session is past.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from consult.core.models import utcnow
from consult.core.pagination import paginate
from consult.councils.models import Council
from consult.extensions import db
from consult.meetings.models import CLOSED, DRAFT, IN_PROGRESS, CouncilSession

#: upcoming sessions shown on the council page (more are in the calendar feed)
UPCOMING_SHOWN = 20
#: latest past sessions shown on the council page (all are in the archive)
RECENT_SHOWN = 5
#: past sessions per page of the archive
ARCHIVE_PER_PAGE = 20


class _PlannedEnd(FunctionElement):
    """``starts_at`` plus ``planned_minutes`` minutes, in SQL (PostgreSQL and SQLite)."""

    type = sa.DateTime()
    name = "planned_end"
    inherit_cache = True


@compiles(_PlannedEnd)
def _planned_end(element, compiler, **kw):
    start, minutes = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({start} + {minutes} * interval '1 minute')"


@compiles(_PlannedEnd, "sqlite")
def _planned_end_sqlite(element, compiler, **kw):
    start, minutes = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"strftime('%Y-%m-%d %H:%M:%f000', {start}, '+' || {minutes} || ' minutes')"


def _upcoming(now: datetime):
    ends = _PlannedEnd(CouncilSession.starts_at, CouncilSession.planned_minutes)
    return sa.or_(sa.and_(CouncilSession.status != CLOSED, ends >= now), CouncilSession.status == IN_PROGRESS)


def _sessions(council: Council, include_drafts: bool):
    query = sa.select(CouncilSession).where(CouncilSession.council_id == council.id)
    return query if include_drafts else query.where(CouncilSession.status != DRAFT)


@dataclass
class Overview:
    upcoming: list[CouncilSession]
    #: there are more upcoming sessions than shown
    more_upcoming: bool
    recent: list[CouncilSession]
    #: there are more past sessions than shown (in the archive)
    more_past: bool


def overview(council: Council, *, include_drafts: bool = False, now: datetime | None = None) -> Overview:
    """The council page's sessions, in two queries whatever their number."""
    now = now or utcnow()
    upcoming = list(db.session.scalars(
        _sessions(council, include_drafts).where(_upcoming(now))
        .order_by(CouncilSession.starts_at, CouncilSession.id).limit(UPCOMING_SHOWN + 1)))
    recent = list(db.session.scalars(
        _sessions(council, include_drafts).where(sa.not_(_upcoming(now)))
        .order_by(CouncilSession.starts_at.desc(), CouncilSession.id.desc()).limit(RECENT_SHOWN + 1)))
    return Overview(upcoming=upcoming[:UPCOMING_SHOWN], more_upcoming=len(upcoming) > UPCOMING_SHOWN,
                    recent=recent[:RECENT_SHOWN], more_past=len(recent) > RECENT_SHOWN)


def past_page(council: Council, *, include_drafts: bool = False, now: datetime | None = None):
    """One page (``?page=``) of the council's past sessions, most recent first."""
    now = now or utcnow()
    return paginate(_sessions(council, include_drafts).where(sa.not_(_upcoming(now)))
                    .order_by(CouncilSession.starts_at.desc(), CouncilSession.id.desc()),
                    per_page=ARCHIVE_PER_PAGE)
