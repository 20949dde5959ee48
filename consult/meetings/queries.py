"""Read model of the council session page and its roll call: plain rows, a constant number of queries.

The page shows the agenda (items, sub-items, speakers, documents, proposals), the motions with their tallies
and named votes, the roll call and the quorum, and, for the person reading, whether and how they may vote.
Nothing here loads ORM objects but the session itself (the policies take it); members come as names and roles,
never as accounts with their role grants. The rules stay where they are kept (who may vote: the policy
``motion.vote``, asked about a ``Standing`` made from these rows; seats: ``councils.offices``); this module
only feeds them rows.

Queries, whatever the number of items, motions, votes or members (statements built once, see ``_statements``):
the session with its council; the items; their speakers, documents and proposals (one statement); the motions
with their named votes; the roll call with the seats of the session's day and the reader's own seats (one);
the proposals' titles when the agenda links some; and, when secret votes are open, the votes engine's
participation counts with the reader's own (one). None of the item queries runs for an empty agenda.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext

from consult.accounts.models import User
from consult.core import cache
from consult.core.models import utcnow
from consult.core.policy import Decision, policies
from consult.core.templating import translations
from consult.councils.models import ROLE_LABELS, ROLES, VOTING_ROLES, Membership
from consult.councils.offices import in_term, term_covers
from consult.extensions import db
from consult.meetings import rules, secret_votes
from consult.meetings.agenda import proposal_titles
from consult.meetings.models import (
    IN_PROGRESS,
    ITEM_KIND_LABELS,
    MODE_LABELS,
    MOTION_OPEN,
    PRESENT,
    RULE_LABELS,
    VERDICT_LABELS,
    AgendaItem,
    AgendaItemProposal,
    Attachment,
    Attendance,
    CouncilSession,
    Motion,
    MotionVote,
    Speaker,
)
from consult.meetings.motions import Standing
from consult.minutes.models import ORIGINAL, Minutes


class Labels:
    """Translated labels of the page. A lazy string looks the catalogue up each time it is shown; here each
    label is translated once per catalogue (kept on the catalogue: the same text for every page in that
    language)."""

    def __init__(self):
        catalogue = translations()
        self._done: dict[tuple[int, str], str] = catalogue.__dict__.setdefault("consult_meetings_labels", {})

    def __call__(self, labels: dict, key, default=None) -> str:
        memo = (id(labels), key)  # the label mappings are module constants
        done = self._done.get(memo)
        if done is None:
            value = labels.get(key)
            fallback = key if default is None else default
            done = self._done[memo] = str(value) if value is not None else fallback
        return done

    def all(self, labels: dict) -> dict[str, str]:
        """The whole mapping, translated."""
        return {key: self(labels, key) for key in labels}


class _Names:
    """Public names of members: the pseudonym, or "Former participant" (translated once per page)."""

    def __init__(self):
        self._former: str | None = None

    def __call__(self, display_name: str, deleted_at: datetime | None) -> str:
        if deleted_at is None:
            return display_name
        if self._former is None:
            self._former = gettext("Former participant")  # as ``User.public_name``
        return self._former


@dataclass(slots=True)
class NamedVote:
    membership_id: int
    name: str
    choice: str


@dataclass(slots=True)
class MotionRow:
    id: int
    item_id: int
    text: str
    rule: str
    mode: str
    status: str
    poll_id: int | None
    yes: int | None
    no: int | None
    abstain: int | None
    members_count: int | None
    present_count: int | None
    quorum_required: int | None
    verdict: str | None
    named_votes: list[NamedVote] = field(default_factory=list)
    #: translated as ``Motion.rule_label``, ``mode_label``, ``verdict_label``
    rule_label: str = ""
    mode_label: str = ""
    verdict_label: str = ""


@dataclass(slots=True)
class AttachmentRow:
    id: int
    filename: str
    size: int


@dataclass(slots=True)
class ItemRow:
    id: int
    parent_id: int | None
    position: int
    title: str
    description: str
    duration_minutes: int | None
    presenter: str
    kind: str
    notes: str
    started_at: datetime | None
    ended_at: datetime | None
    speakers: list[str] = field(default_factory=list)
    attachments: list[AttachmentRow] = field(default_factory=list)
    proposal_ids: list[int] = field(default_factory=list)
    motions: list[MotionRow] = field(default_factory=list)
    #: translated as ``AgendaItem.kind_label``
    kind_label: str = ""


@dataclass(slots=True)
class RollRow:
    """A line of the roll call: an attendance row, or a seat of the session's day not called yet (``id`` None,
    absent)."""

    id: int | None
    membership_id: int
    role: str
    name: str
    status: str
    arrived_at: datetime | None
    left_at: datetime | None
    #: the seat is active on the session's day
    seated: bool
    #: translated as ``Membership.role_label``
    role_label: str = ""

    @property
    def key(self) -> str:
        """What the roll-call form's fields are named after: the attendance row, else ``m<membership id>``."""
        return str(self.id) if self.id is not None else f"m{self.membership_id}"

    @property
    def is_in_room(self) -> bool:
        return self.id is not None and self.status == PRESENT and self.left_at is None


@dataclass
class SessionPage:
    session: CouncilSession
    #: [(number, item, [(number, sub-item), ...]), ...] in agenda order
    agenda: list[tuple[str, ItemRow, list[tuple[str, ItemRow]]]]
    items: list[ItemRow]
    #: attendance rows, in roll-call order (empty before the roll call)
    roll: list[RollRow]
    quorum: dict | None
    titles: dict[int, str]
    #: open motions: whether the reader voted, may vote (a Decision), and the votes cast so far
    voted: dict[int, bool]
    vote_decisions: dict[int, Decision]
    votes_cast: dict[int, int]
    #: translates the page's other labels once each
    labels: Labels
    #: a digest of every row read and of what was decided for the reader: equal digests, equal live part
    digest: int = 0

    @property
    def top_items(self) -> list[ItemRow]:
        return [item for _, item, _ in self.agenda]

    @property
    def motions(self) -> list[MotionRow]:
        return [m for item in self.items for m in item.motions]


#: the page's live part for readers to whom it shows no form (``views._live_html``), shared between them:
#: depends on the page's digest (a change of any row it shows, or of what was decided for the reader, is a new
#: entry) and on whether the reader is signed in. Local to each process: the digest is this process's ``hash``
LIVE_PART = cache.region("session_live", depends_on=("session", "digest"),
                         varies_on=(cache.language, cache.time_zone, cache.signed_in), max_entries=256,
                         max_size=8_000_000, local=True)


# ------------------------------------------------------------------------------------------------ agenda


@functools.cache
def _statements() -> dict[str, sa.Select]:
    """The page's statements, built once (building a statement costs more than running it on SQLite); they
    take ``session_id`` and, for the roll call, ``council_id`` and ``day``."""
    item, speaker, attachment, link = (AgendaItem.__table__, Speaker.__table__, Attachment.__table__,
                                       AgendaItemProposal.__table__)
    motion, vote, membership, user, attendance = (Motion.__table__, MotionVote.__table__,
                                                  Membership.__table__, User.__table__, Attendance.__table__)
    session_id = sa.bindparam("session_id")
    in_session = sa.select(item.c.id).where(item.c.session_id == session_id).scalar_subquery()
    day = sa.bindparam("day")
    seated = sa.and_(membership.c.council_id == sa.bindparam("council_id"), in_term(day, membership.c))
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
        # every attendance row of the session and every seat of its day (the quorum counts the seats), and the
        # reader's seats in the council (are they a voting member today?)
        "roll": sa.select(attendance.c.id, membership.c.id, membership.c.role, user.c.display_name,
                          user.c.deleted_at, attendance.c.status, attendance.c.arrived_at,
                          attendance.c.left_at, sa.case((seated, 1), else_=0), membership.c.user_id,
                          membership.c.starts_on, membership.c.ends_on)
        .select_from(membership.join(user, user.c.id == membership.c.user_id)
                     .outerjoin(attendance, sa.and_(attendance.c.membership_id == membership.c.id,
                                                    attendance.c.session_id == session_id)))
        .where(sa.or_(attendance.c.id.is_not(None), seated,
                      sa.and_(membership.c.council_id == sa.bindparam("council_id"),
                              membership.c.user_id == sa.bindparam("reader_id")))),
    }


def _items(session_id: int, names: _Names, labels: Labels, seen: list) -> list[ItemRow]:
    """The agenda's items with their speakers, documents, proposals and motions; the rows read are added to
    ``seen`` (what the page's digest is made of)."""
    run, params = _statements(), {"session_id": session_id}
    rows = db.session.execute(run["items"], params).all()
    seen.append(tuple(rows))
    items = [ItemRow(*row) for row in rows]
    if not items:
        return items
    for item in items:
        item.kind_label = labels(ITEM_KIND_LABELS, item.kind)
    by_id = {i.id: i for i in items}
    extras = db.session.execute(run["extras"], params).all()
    seen.append(tuple(extras))
    for kind, item_id, ref, name, number, _sort in extras:
        if kind == "s":
            by_id[item_id].speakers.append(name)
        elif kind == "a":
            by_id[item_id].attachments.append(AttachmentRow(ref, name, number))
        else:
            by_id[item_id].proposal_ids.append(ref)
    motions: dict[int, MotionRow] = {}
    motion_rows = db.session.execute(run["motions"], params).all()
    seen.append(tuple(motion_rows))
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


# ------------------------------------------------------------------------------------------------ roll call


def _roll_and_seats(session: CouncilSession, names: _Names, labels: Labels, reader_id: int | None,
                    seen: list | None = None):
    """(roll rows, the reader's voting seat today or None), from one query; the rows read are added to
    ``seen`` when given."""
    params = {"session_id": session.id, "council_id": session.council_id, "day": session.starts_at.date(),
              "reader_id": reader_id}
    rows, seat, today = [], None, utcnow().date()
    read = db.session.execute(_statements()["roll"], params).all()
    if seen is not None:
        seen.append(tuple(read))
    for (attendance_id, membership_id, role, display_name, deleted_at, status, arrived_at, left_at, is_seated,
         user_id, starts_on, ends_on) in read:
        if user_id == reader_id and role in VOTING_ROLES and term_covers(starts_on, ends_on, today):
            seat = membership_id
        if attendance_id is not None or is_seated:
            rows.append(RollRow(attendance_id, membership_id, role, names(display_name, deleted_at),
                                status or "absent", arrived_at, left_at, bool(is_seated),
                                labels(ROLE_LABELS, role)))
    return sorted(rows, key=lambda r: (ROLES.index(r.role), r.name.casefold())), seat


def roll_rows(session: CouncilSession) -> list[RollRow]:
    """Every attendance row of the session and every seat of its day, in one query, in roll-call order
    (role, then name). Seats without a row are marked absent and have no ``id``."""
    return _roll_and_seats(session, _Names(), Labels(), None)[0]


def quorum_of(session: CouncilSession, rows: list[RollRow]) -> dict:
    """``services.quorum`` from the roll's rows (no query)."""
    voting_ids = {r.membership_id for r in rows if r.seated and r.role in VOTING_ROLES}
    present = sum(1 for r in rows if r.membership_id in voting_ids and r.is_in_room)
    required = rules.quorum_required(len(voting_ids), session.council.quorum_percent)
    return {"members": len(voting_ids), "present": present, "required": required,
            "reached": bool(voting_ids) and present >= required}


def roll_call_page(session: CouncilSession, *, with_seats: bool) -> tuple[list[RollRow], dict | None]:
    """The roll-call form's lines: the attendance rows, and with ``with_seats`` every seat not called yet."""
    rows = roll_rows(session)
    lines = [r for r in rows if r.id is not None or with_seats]
    return lines, (quorum_of(session, rows) if lines else None)


# ------------------------------------------------------------------------------------------------ the page


@functools.cache
def _session_statement() -> sa.Select:
    return sa.select(CouncilSession).where(CouncilSession.id == sa.bindparam("session_id"))


def load_session(session_id: int) -> CouncilSession | None:
    """The session (its council joined), from a statement built once."""
    return db.session.scalar(_session_statement(), {"session_id": session_id})


def session_minutes(session: CouncilSession):
    """The minutes drafted from this session (the original document, in whatever state), or None; one query.

    The policy ``minutes.view`` decides who sees them: the record's snapshot is not loaded, nor the
    approver."""
    return db.session.scalar(_minutes_statement(), {"source_id": session.id})


@functools.cache
def _minutes_statement() -> sa.Select:
    return sa.select(Minutes).where(Minutes.source_type == "council_session",
                                    Minutes.source_id == sa.bindparam("source_id"),
                                    Minutes.kind == ORIGINAL).options(
        sa.orm.defer(Minutes.record), sa.orm.lazyload(Minutes.approved_by))


def _votes_of_reader(session: CouncilSession, open_motions: list[MotionRow], roll: list[RollRow], person,
                     seat: int | None):
    """(voted, decisions, votes cast) of the open motions for this reader: the rule ``motion.vote`` asked
    about the :class:`Standing` these rows give (no query but the secret votes' participation)."""
    decisions: dict[int, Decision] = {}
    voted: dict[int, bool] = {}
    secret_polls = [m.poll_id for m in open_motions if m.mode == "secret" and m.poll_id]
    counts, secret_voted = secret_votes.participation(secret_polls, person) if secret_polls else ({}, set())
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


def session_page(session: CouncilSession, person) -> SessionPage:
    """Everything the session page shows, for ``person`` (the reader, signed in or not)."""
    names, labels, seen = _Names(), Labels(), []
    items = _items(session.id, names, labels, seen)
    reader_id = person.id if getattr(person, "is_authenticated", False) else None
    rows, seat = _roll_and_seats(session, names, labels, reader_id, seen)
    roll = [r for r in rows if r.id is not None]
    open_motions = [m for item in items for m in item.motions if m.status == MOTION_OPEN]
    voted, decisions, votes_cast = _votes_of_reader(session, open_motions, roll, person, seat)
    proposal_ids = [pid for item in items for pid in item.proposal_ids]
    titles = proposal_titles(proposal_ids) if proposal_ids else {}
    digest = hash((session.id, session.council_id, session.status, session.starts_at,
                   session.council.quorum_percent, tuple(seen), tuple(sorted(titles.items())),
                   tuple(sorted(votes_cast.items())), tuple(sorted(voted.items())),
                   tuple((k, d.kind, str(d.reason)) for k, d in sorted(decisions.items()))))
    return SessionPage(
        session=session, agenda=_agenda(items), items=items, roll=roll,
        quorum=quorum_of(session, rows) if roll else None, titles=titles,
        voted=voted, vote_decisions=decisions, votes_cast=votes_cast, labels=labels, digest=digest)
