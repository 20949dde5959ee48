"""Read model of the council session page and its roll call: plain rows, a constant number of queries.

The page shows the agenda (items, sub-items, speakers, documents, proposals), the motions with their tallies
and named votes, the roll call and the quorum, and, for the person reading, whether and how they may vote.
The rows are the dataclasses of ``page_rows``; the roll call is read by ``roll_queries``. Nothing here loads
ORM objects but the session itself (the policies take it); members come as names and roles, never as accounts
with their role grants. The rules stay where they are kept (who may vote: the policy ``motion.vote``, asked
about a ``Standing`` made from these rows; seats: ``councils.offices``); this module only feeds them rows.

The session's version (``consult.meetings.versions``: database triggers replace it at every change of a row
the live part shows) is read with the session. The rows read for a version are kept by the process
(``PAGE_ROWS``); while the version stays, the next reader reads none of them again, only what is their own
(their voting seat today and, when secret votes are open, which ones they cast).

Queries, whatever the number of items, motions, votes or members (statements built once, see ``_statements``):
the session with its council, its minutes and its version; then, when the rows kept are not of that version:
the items; their speakers, documents and proposals (one statement); the motions with their named votes; the
roll call with the seats of the session's day and the reader's own seats (one); the proposals' titles when
the agenda links some; and, when secret votes are open, the votes engine's participation counts with the
reader's own (one). None of the item queries runs for an empty agenda. When they are: the reader's seats
(one, signed in) and, when secret votes are open, the participation (one, signed in).
"""

from __future__ import annotations

import functools
import hashlib

import sqlalchemy as sa
from flask import g, has_request_context

from consult.accounts.models import User
from consult.core import cache
from consult.core.policy import Decision, policies
from consult.councils.models import Membership
from consult.extensions import db
from consult.meetings import roll_queries, secret_votes
from consult.meetings.agenda import proposal_titles
from consult.meetings.models import (
    IN_PROGRESS,
    ITEM_KIND_LABELS,
    MODE_LABELS,
    MOTION_OPEN,
    RULE_LABELS,
    VERDICT_LABELS,
    AgendaItem,
    AgendaItemProposal,
    Attachment,
    CouncilSession,
    Motion,
    MotionVote,
    SessionVersion,
    Speaker,
)
from consult.meetings.motions import Standing
from consult.meetings.page_rows import (
    AttachmentRow,
    ItemRow,
    Labels,
    MotionRow,
    NamedVote,
    Names,
    PageRows,
    RollRow,
    SessionPage,
)
from consult.minutes.models import ORIGINAL, Minutes

#: the page's live part for readers to whom it shows no form (``views.sessions._live_html``), shared between
#: them, and between processes and hosts when the cache has Redis: depends on the session's version (a change
#: of any row it shows is a new entry) and on a stable digest of what was decided for the reader
#: (``SessionPage.reader``), on the language, the time zone, whether the reader is signed in and where the app
#: is mounted
LIVE_PART = cache.region("session_live", depends_on=("session", "version", "reader"),
                         varies_on=(cache.language, cache.time_zone, cache.signed_in, cache.script_root),
                         max_entries=256, max_size=8_000_000)

#: the rows of the live part of each recently shown session (``PageRows``), in the reader's language (their
#: labels and names are translated): checked against the session's version at every view; the process's own
#: objects, never shared
PAGE_ROWS = cache.region("session_rows", depends_on=("session",), varies_on=(cache.language,),
                         max_entries=128, local=True)


# ------------------------------------------------------------------------------------------------ agenda


@functools.cache
def _statements() -> dict[str, sa.Select]:
    """The agenda's statements, built once (building a statement costs more than running it on SQLite); they
    take ``session_id``."""
    item, speaker, attachment, link = (AgendaItem.__table__, Speaker.__table__, Attachment.__table__,
                                       AgendaItemProposal.__table__)
    motion, vote, membership, user = (Motion.__table__, MotionVote.__table__, Membership.__table__,
                                      User.__table__)
    session_id = sa.bindparam("session_id")
    in_session = sa.select(item.c.id).where(item.c.session_id == session_id).scalar_subquery()
    return {
        "items": sa.select(item.c.id, item.c.parent_id, item.c.position, item.c.title, item.c.description,
                           item.c.duration_minutes, item.c.presenter, item.c.kind, item.c.notes,
                           item.c.started_at, item.c.ended_at)
        .where(item.c.session_id == session_id).order_by(item.c.position, item.c.id),
        # speakers (in order), documents and proposals of every item, in one statement
        "extras": sa.union_all(
            sa.select(sa.literal_column("'s'").label("kind"), speaker.c.item_id, speaker.c.id.label("ref"),
                      speaker.c.name.label("name"), speaker.c.position.label("number"),
                      speaker.c.position.label("sort")).where(speaker.c.item_id.in_(in_session)),
            sa.select(sa.literal_column("'a'"), attachment.c.item_id, attachment.c.id, attachment.c.filename,
                      attachment.c.size, attachment.c.id).where(attachment.c.item_id.in_(in_session)),
            sa.select(sa.literal_column("'p'"), link.c.item_id, link.c.proposal_id, sa.null(), sa.null(),
                      link.c.proposal_id).where(link.c.item_id.in_(in_session)),
        ).order_by(sa.literal_column("kind"), sa.literal_column("sort"), sa.literal_column("ref")),
        # the motions, each with its named votes (one row per vote; a motion without any comes once)
        "motions": sa.select(motion.c.id, motion.c.item_id, motion.c.text, motion.c.rule, motion.c.mode,
                             motion.c.status, motion.c.poll_id, motion.c.yes, motion.c.no, motion.c.abstain,
                             motion.c.members_count, motion.c.present_count, motion.c.quorum_required,
                             motion.c.verdict, vote.c.membership_id, vote.c.choice, user.c.display_name,
                             user.c.deleted_at)
        .select_from(motion.outerjoin(vote,
                                      sa.and_(vote.c.motion_id == motion.c.id, motion.c.mode == "named"))
                     .outerjoin(membership, membership.c.id == vote.c.membership_id)
                     .outerjoin(user, user.c.id == membership.c.user_id))
        .where(motion.c.item_id.in_(in_session)).order_by(motion.c.id, vote.c.id),
    }


def _items(session_id: int, names: Names, labels: Labels) -> list[ItemRow]:
    """The agenda's items with their speakers, documents, proposals and motions."""
    run, params = _statements(), {"session_id": session_id}
    rows = db.session.execute(run["items"], params).all()
    items = [ItemRow(*row) for row in rows]
    if not items:
        return items
    for item in items:
        item.kind_label = labels(ITEM_KIND_LABELS, item.kind)
    by_id = {i.id: i for i in items}
    extras = db.session.execute(run["extras"], params).all()
    for kind, item_id, ref, name, number, _sort in extras:
        if kind == "s":
            by_id[item_id].speakers.append(name)
        elif kind == "a":
            by_id[item_id].attachments.append(AttachmentRow(ref, name, number))
        else:
            by_id[item_id].proposal_ids.append(ref)
    motions: dict[int, MotionRow] = {}
    motion_rows = db.session.execute(run["motions"], params).all()
    for row in motion_rows:
        motion = motions.get(row[0])
        if motion is None:
            motions[row[0]] = motion = MotionRow(*row[:14])
            motion.rule_label = labels(RULE_LABELS, motion.rule)
            motion.mode_label = labels(MODE_LABELS, motion.mode)
            motion.verdict_label = labels(VERDICT_LABELS, motion.verdict, "") if motion.verdict else ""
            by_id[motion.item_id].motions.append(motion)
        membership_id, choice, display_name, deleted_at = row[14:]
        if membership_id is not None:
            motion.named_votes.append(NamedVote(membership_id, names(display_name, deleted_at), choice))
    return items


def _agenda(items: list[ItemRow]):
    """Numbered agenda: ("1", item, [("1.1", sub-item), ...]), as ``services.numbered_items``."""
    agenda = []
    for n, top in enumerate((i for i in items if i.parent_id is None), 1):
        subs = [(f"{n}.{m}", sub) for m, sub in enumerate((i for i in items if i.parent_id == top.id), 1)]
        agenda.append((str(n), top, subs))
    return agenda


# ------------------------------------------------------------------------------------------------ the page


@functools.cache
def _session_statement() -> sa.Select:
    """The session (its council joined), its minutes (``session_minutes``) and its version
    (``session_version``), in one statement built once."""
    return (sa.select(CouncilSession, Minutes, SessionVersion.version)
            .where(CouncilSession.id == sa.bindparam("session_id"))
            .outerjoin(Minutes, sa.and_(Minutes.source_type == "council_session",
                                        Minutes.source_id == CouncilSession.id, Minutes.kind == ORIGINAL))
            .outerjoin(SessionVersion, SessionVersion.session_id == CouncilSession.id)
            .options(sa.orm.defer(Minutes.record), sa.orm.defer(Minutes.body),
                     sa.orm.lazyload(Minutes.approved_by)))


#: where ``load_session`` leaves the minutes it read with the session, for ``session_minutes`` (in ``g``)
_MINUTES = "consult_session_minutes"
#: where it leaves the session's version, for ``session_version`` (in ``g``; taken once)
_VERSION = "consult_session_version"


def load_session(session_id: int) -> CouncilSession | None:
    """The session (its council joined), with its minutes and its version read in the same statement."""
    row = db.session.execute(_session_statement(), {"session_id": session_id}).first()
    if row is None:
        return None
    if has_request_context():
        g.setdefault(_MINUTES, {})[session_id] = row[1]
        g.setdefault(_VERSION, {})[session_id] = row[2]
    return row[0]


def session_version(session: CouncilSession) -> int | None:
    """The session's version (None: a database without the triggers): read with the session by
    ``load_session`` (taken once: a later question in the request, after a change, asks again), else in one
    query."""
    read = g.get(_VERSION, {}) if has_request_context() else {}
    if session.id in read:
        return read.pop(session.id)
    return db.session.scalar(_version_statement(), {"session_id": session.id})


@functools.cache
def _version_statement() -> sa.Select:
    return sa.select(SessionVersion.version).where(SessionVersion.session_id == sa.bindparam("session_id"))


def session_minutes(session: CouncilSession):
    """The minutes drafted from this session (the original document, in whatever state), or None: read with
    the session by ``load_session``, else in one query.

    The policy ``minutes.view`` decides who sees them: the text and the record's snapshot are not loaded (the
    page only links to them), nor the approver."""
    read = g.get(_MINUTES, {}) if has_request_context() else {}
    if session.id in read:
        return read[session.id]
    return db.session.scalar(_minutes_statement(), {"source_id": session.id})


@functools.cache
def _minutes_statement() -> sa.Select:
    return sa.select(Minutes).where(Minutes.source_type == "council_session",
                                    Minutes.source_id == sa.bindparam("source_id"),
                                    Minutes.kind == ORIGINAL).options(
        sa.orm.defer(Minutes.record), sa.orm.defer(Minutes.body), sa.orm.lazyload(Minutes.approved_by))


def _secret_polls(open_motions: list[MotionRow]) -> list[int]:
    return [m.poll_id for m in open_motions if m.mode == "secret" and m.poll_id]


def _votes_of_reader(session: CouncilSession, open_motions: list[MotionRow], roll: list[RollRow], person,
                     seat: int | None, counts: dict[int, int], secret_voted: set[int]):
    """(voted, decisions, votes cast) of the open motions for this reader: the rule ``motion.vote`` asked
    about the :class:`Standing` these rows give, and the secret votes' participation (``counts``, and the
    polls the reader voted in: ``secret_voted``)."""
    decisions: dict[int, Decision] = {}
    voted: dict[int, bool] = {}
    votes_cast = {m.id: (counts.get(m.poll_id, 0) if m.mode == "secret" else len(m.named_votes))
                  for m in open_motions}
    signed_in = bool(getattr(person, "is_authenticated", False))

    def has_voted(motion: MotionRow) -> bool:
        if motion.mode == "secret":
            return motion.poll_id in secret_voted
        return seat is not None and any(v.membership_id == seat for v in motion.named_votes)

    in_room = seat is not None and any(r.membership_id == seat and r.is_in_room for r in roll)
    for motion in open_motions:
        if signed_in and motion.mode != "hands":
            voted[motion.id] = has_voted(motion)
        facts = Standing(is_open=session.status == IN_PROGRESS, mode=motion.mode, seat_id=seat,
                         in_room=in_room, voted=voted.get(motion.id, False))
        decisions[motion.id] = policies.decide("motion.vote", person, facts)
    return voted, decisions, votes_cast


def _read_rows(session: CouncilSession, version: int | None, person, reader_id: int | None, labels: Labels):
    """(the live part's rows, the reader's voting seat, the polls they voted in), read from the database."""
    names = Names()
    items = _items(session.id, names, labels)
    roll, seat = roll_queries.roll_and_seats(session, names, labels, reader_id)
    polls = _secret_polls([m for item in items for m in item.motions if m.status == MOTION_OPEN])
    counts, secret_voted = secret_votes.participation(polls, person) if polls else ({}, set())
    proposal_ids = [pid for item in items for pid in item.proposal_ids]
    titles = proposal_titles(proposal_ids) if proposal_ids else {}
    return PageRows(version, items, roll, titles, counts), seat, secret_voted


def _reader_digest(voted: dict[int, bool], decisions: dict[int, Decision]) -> str:
    """What was decided for the reader, as a digest that is the same in every process (never ``hash``)."""
    facts = (sorted(voted.items()), [(k, d.kind, str(d.reason)) for k, d in sorted(decisions.items())])
    return hashlib.blake2b(repr(facts).encode(), digest_size=16).hexdigest()


def session_page(session: CouncilSession, person) -> SessionPage:
    """Everything the session page shows, for ``person`` (the reader, signed in or not).

    The rows kept for the session's version serve when they are current: then only the reader's own facts
    are read (their voting seat today; the secret polls they voted in, when some are open)."""
    labels = Labels()
    reader_id = person.id if getattr(person, "is_authenticated", False) else None
    version = session_version(session)
    rows = PAGE_ROWS.get(session=session.id)
    if rows is not None and version is not None and rows.version == version:
        seat = roll_queries.reader_seat(session, reader_id) if reader_id is not None else None
        counts, secret_voted = rows.counts, set()
        polls = _secret_polls([m for item in rows.items for m in item.motions if m.status == MOTION_OPEN])
        if reader_id is not None and polls:
            counts, secret_voted = secret_votes.participation(polls, person)
    else:
        rows, seat, secret_voted = _read_rows(session, version, person, reader_id, labels)
        counts = rows.counts
        if version is not None:
            PAGE_ROWS.put(rows, session=session.id)
    items, roll_lines = rows.items, rows.roll
    roll = [r for r in roll_lines if r.id is not None]
    open_motions = [m for item in items for m in item.motions if m.status == MOTION_OPEN]
    voted, decisions, votes_cast = _votes_of_reader(session, open_motions, roll, person, seat, counts,
                                                    secret_voted)
    return SessionPage(
        session=session, agenda=_agenda(items), items=items, roll=roll,
        quorum=roll_queries.quorum_of(session, roll_lines) if roll else None,
        quorum_terms=roll_queries.quorum_of(session, roll_lines), titles=rows.titles,
        voted=voted, vote_decisions=decisions, votes_cast=votes_cast, labels=labels, version=version,
        reader=_reader_digest(voted, decisions))
