"""Whole paper ballots entered twice: the polls whose method counts whole ballots (a ranking, a set of
approvals) take the slips of polling stations one by one, each typed by two registrars.

Pages: ``votes.paper_ballots`` (``/polls/<poll_id>/paper-ballots``: the batches and a new one),
``votes.paper_batch`` (``/paper-batches/<paper_batch_id>``: the entry form, slip after slip) and
``votes.paper_mismatches`` (the slips whose two copies differ). A module that owns such polls (an election)
links to the first one from its management page.

Rules kept here:

* Who: the policy ``votes.enter_paper_ballots``: registrars and admins, or the officials the poll's owner
  allows with its own named rule (``register_owner(..., paper_rule=...)``), for published polls whose method
  counts whole ballots (:data:`WHOLE_BALLOT_METHODS`).
* A batch is one polling station's pile of slips: the station's name and the number of slips (numbered 1 to
  n as they are entered). Every slip is typed twice, by two different people: the first to type slip k writes
  copy 1, anyone else copy 2; a registrar who typed a slip can never type its other copy (refused here, and
  UNIQUE (batch, slip, registrar) in the schema). A valid slip is read by the poll's method, as an online
  ballot is (``validate``: the same rules, the same canonical choice); a slip can also be blank or invalid.
* A slip is accepted only when its two copies agree. Slips whose copies differ are listed for the two
  registrars to check against the paper; either of them corrects *their own* copy (audited, with what it
  said before and after). Nobody corrects the other's copy: the two readings stay independent.
* A batch joins the count only when every slip has two copies that agree (a mismatch or a missing copy blocks
  it), once (one guarded UPDATE decides, whatever the concurrency). Its slips are then copied to
  ``vote_paper_ballot`` as anonymous ballots (what they say and the batch they came from: no registrar, no
  slip number, no time) and counted with the online ballots, the result listing each station as a channel
  (provenance: online, and paper per station).
* The entries (who typed what) are the audit trail of the double entry. They are kept while the poll is
  open; when the poll is closed, the entries of its counted batches are deleted, and a batch counted after
  the poll closed loses its entries at once: only the matched choices remain, with the audit log's
  record of who opened, corrected and counted each batch. For a poll no module owns, a batch still being
  entered when the poll closes can be finished and counted afterwards; the stored result is then counted
  again with it (online ballots and every counted batch), as paper tallies are combined again after close. A
  poll a module owns (an election) takes paper ballots only until it is closed: its owner uses the result
  from then on (seats, substitutes), so its polling stations' batches are counted before the election's
  count.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from consult.core import audit, signals
from consult.core.db import insert_once
from consult.core.errors import Conflict, DomainError
from consult.core.models import utcnow
from consult.core.policy import enforce
from consult.extensions import db
from consult.votes import methods
from consult.votes.casting import choice_summary, spec_for
from consult.votes.methods import BallotError, decode, encode
from consult.votes.models import Poll
from consult.votes.paper_counts import WHOLE_BALLOT_METHODS, counted_channels, takes_paper_ballots
from consult.votes.paper_models import (
    BATCH_COUNTED,
    BATCH_ENTERING,
    SLIP_KINDS,
    PaperBallot,
    PaperBatch,
    PaperEntry,
)
from consult.votes.tallies import ballot_groups, compose_result, participants

__all__ = ["WHOLE_BALLOT_METHODS", "all_ballot_groups", "batches", "correct_slip", "count_batch",
           "counted_channels", "describe", "enter_slip", "mismatches", "open_batch", "progress",
           "read_numbers", "read_slip", "takes_paper_ballots"]

#: the most slips one batch may hold
MAX_SLIPS = 20000

RULE = "votes.enter_paper_ballots"


@dataclass
class Progress:
    """Where a batch's double entry stands."""

    slips: int
    #: slips with two copies that agree
    matched: int
    #: slips with two copies that differ
    mismatched: int
    #: slips with one copy only
    waiting: int
    #: the lowest slip number the person has not typed yet (None: they typed every slip)
    next_slip: int | None

    @property
    def missing(self) -> int:
        return self.slips - self.matched - self.mismatched - self.waiting

    @property
    def complete(self) -> bool:
        return self.matched == self.slips


@dataclass
class SlipState:
    slip: int
    #: ``first`` (one copy so far), ``matched`` or ``mismatch``
    status: str


def batches(poll: Poll) -> list[PaperBatch]:
    return db.session.scalars(sa.select(PaperBatch).where(PaperBatch.poll_id == poll.id)
                              .order_by(PaperBatch.id)).all()


def open_batch(poll: Poll, *, station: str, slips, by) -> PaperBatch:
    """Start a batch: one polling station's pile of ``slips`` paper slips."""
    enforce(RULE, by, poll)
    _takes_paper(poll)
    station = (station or "").strip()
    if not station or station.casefold() == "online":
        raise DomainError(_l("Please name the polling station."), field="station")
    if len(station) > 80:
        raise DomainError(_l("This name is too long."), field="station")
    if not isinstance(slips, int) or isinstance(slips, bool) or not 1 <= slips <= MAX_SLIPS:
        raise DomainError(_l("The number of slips must be between 1 and %(most)s.", most=MAX_SLIPS),
                          field="slips")
    taken = db.session.scalar(sa.select(sa.exists().where(PaperBatch.poll_id == poll.id,
                                                          PaperBatch.station == station)))
    if taken:
        raise DomainError(_l("This polling station already has a batch. Give the new pile another name, "
                             "for example with its box number."), field="station")
    batch = PaperBatch(poll_id=poll.id, station=station, slips=slips, status=BATCH_ENTERING,
                       created_by_id=getattr(by, "id", None))
    db.session.add(batch)
    db.session.flush()
    audit.record("votes.paper_batch_opened", actor=by, subject=poll, batch=batch.id, station=station,
                 slips=slips)
    return batch


def read_slip(poll: Poll, kind: str, raw) -> tuple[str, str | None]:
    """What a slip says as (kind, canonical choice text): the poll's method reads a valid slip as it reads
    an online ballot; blank and invalid slips have no choice."""
    if kind not in SLIP_KINDS:
        raise DomainError(_l("Please say whether the slip is valid, blank or invalid."), field="kind")
    if kind != "valid":
        return kind, None
    try:
        return kind, encode(methods.get(poll.method).validate(raw, spec_for(poll)))
    except BallotError as err:
        raise DomainError(err.message) from None


def read_numbers(poll: Poll, text: str) -> list[int]:
    """Quick entry: the options' numbers on the ballot paper (1 for the first listed), in the slip's order
    (a ranking) or in any order (approvals), as the option ids the method reads."""
    ids = [o.id for o in poll.options]
    chosen = []
    for part in (text or "").replace(",", " ").split():
        if not (part.isascii() and part.isdigit()) or not 1 <= int(part) <= len(ids):
            raise DomainError(_l("Type the numbers of the options on the ballot paper, from 1 to %(most)s, "
                                 "separated by spaces.", most=len(ids)), field="numbers")
        chosen.append(ids[int(part) - 1])
    return chosen


def _takes_paper(poll: Poll) -> None:
    """A poll that a module owns (an election) takes paper ballots until it is closed: its owner uses the
    result from then on (seats, substitutes). A poll nobody owns takes late batches, counted again with it."""
    if poll.is_closed and poll.owner_type:
        raise Conflict(_l("The count of this vote has been made: no more paper ballots can be added."))


def _check_slip(batch: PaperBatch, slip) -> int:
    _takes_paper(batch.poll)
    if batch.status != BATCH_ENTERING:
        raise Conflict(_l("This batch has joined the count: its slips cannot be changed."))
    if not isinstance(slip, int) or isinstance(slip, bool) or not 1 <= slip <= batch.slips:
        raise DomainError(_l("The slip number must be between 1 and %(slips)s.", slips=batch.slips),
                          field="slip")
    return slip


def _copies(batch: PaperBatch, slip: int) -> list[PaperEntry]:
    return db.session.scalars(sa.select(PaperEntry).where(PaperEntry.batch_id == batch.id,
                                                          PaperEntry.slip == slip)
                              .order_by(PaperEntry.copy)).all()


def _state(slip: int, copies: list[PaperEntry]) -> SlipState:
    if len(copies) < 2:
        return SlipState(slip, "first")
    return SlipState(slip, "matched" if copies[0].reading == copies[1].reading else "mismatch")


def enter_slip(batch: PaperBatch, *, slip, kind: str = "valid", raw=None, by) -> SlipState:
    """One registrar's copy of one slip. The first copy of a slip waits for the second, typed by someone
    else; the answer says whether the two agree."""
    poll = batch.poll
    enforce(RULE, by, poll)
    slip = _check_slip(batch, slip)
    kind, choice = read_slip(poll, kind, raw)
    copies = _copies(batch, slip)
    if any(c.registrar_id == by.id for c in copies):
        raise Conflict(_l("You have already typed slip %(slip)s. Its other copy must be typed by someone "
                          "else; to correct yours, use the list of mismatches.", slip=slip))
    if len(copies) >= 2:
        raise Conflict(_l("Both copies of slip %(slip)s have been typed already.", slip=slip))
    copy = 2 if copies else 1
    now = utcnow()
    if not insert_once(PaperEntry, batch_id=batch.id, slip=slip, copy=copy, registrar_id=by.id, kind=kind,
                       choice=choice, created_at=now, updated_at=now):
        raise Conflict(_l("Someone typed this slip at the same moment. Please check the slip number and try "
                          "again."))
    _still_entering(batch)
    return _state(slip, _copies(batch, slip))


def _still_entering(batch: PaperBatch) -> None:
    """The batch's state read again once the copy is written: it may have joined the count meanwhile (from
    then on its slips are the counted ones)."""
    db.session.refresh(batch, ["status"])
    if batch.status != BATCH_ENTERING:
        raise Conflict(_l("This batch has joined the count: its slips cannot be changed."))


def correct_slip(batch: PaperBatch, *, slip, kind: str = "valid", raw=None, by) -> SlipState:
    """A registrar corrects their own copy of a slip after checking the paper (audited: before and after)."""
    poll = batch.poll
    enforce(RULE, by, poll)
    slip = _check_slip(batch, slip)
    kind, choice = read_slip(poll, kind, raw)
    copies = _copies(batch, slip)
    mine = next((c for c in copies if c.registrar_id == by.id), None)
    if mine is None:
        raise DomainError(_l("You have not typed slip %(slip)s: only the two people who typed it can correct "
                             "their own copy.", slip=slip), field="slip")
    before = {"kind": mine.kind, "choice": mine.choice}
    mine.kind, mine.choice = kind, choice
    db.session.flush()
    _still_entering(batch)
    audit.record("votes.paper_slip_corrected", actor=by, subject=poll, batch=batch.id, slip=slip,
                 copy=mine.copy, before=before, after={"kind": kind, "choice": choice})
    return _state(slip, copies)


def progress(batch: PaperBatch, person=None) -> Progress:
    """How many slips agree, differ, wait for their second copy; the person's next slip to type."""
    copies: dict[int, list[tuple]] = defaultdict(list)
    typed = set()
    person_id = getattr(person, "id", None)
    for slip, registrar_id, kind, choice in db.session.execute(
            sa.select(PaperEntry.slip, PaperEntry.registrar_id, PaperEntry.kind, PaperEntry.choice)
            .where(PaperEntry.batch_id == batch.id)):
        copies[slip].append((kind, choice))
        if person_id is not None and registrar_id == person_id:
            typed.add(slip)
    matched = sum(1 for c in copies.values() if len(c) == 2 and c[0] == c[1])
    mismatched = sum(1 for c in copies.values() if len(c) == 2 and c[0] != c[1])
    waiting = sum(1 for c in copies.values() if len(c) == 1)
    if batch.is_counted:
        matched, mismatched, waiting = batch.slips, 0, 0
    next_slip = next((n for n in range(1, batch.slips + 1) if n not in typed), None)
    return Progress(batch.slips, matched, mismatched, waiting, next_slip)


@dataclass
class Mismatch:
    slip: int
    #: (copy number, registrar id, what it says in words) for each copy
    copies: list[tuple[int, int | None, list[str]]]


def describe(poll: Poll, kind: str, choice: str | None) -> list[str]:
    """A slip's reading in words."""
    if kind == "blank":
        return [str(_l("Blank slip"))]
    if kind == "invalid":
        return [str(_l("Invalid slip"))]
    return choice_summary(poll, decode(choice))


def mismatches(batch: PaperBatch) -> list[Mismatch]:
    """The slips whose two copies differ, with what each copy says."""
    rows: dict[int, list[PaperEntry]] = defaultdict(list)
    for entry in db.session.scalars(sa.select(PaperEntry).where(PaperEntry.batch_id == batch.id)
                                    .order_by(PaperEntry.slip, PaperEntry.copy)):
        rows[entry.slip].append(entry)
    poll = batch.poll
    return [Mismatch(slip, [(c.copy, c.registrar_id, describe(poll, c.kind, c.choice)) for c in copies])
            for slip, copies in sorted(rows.items())
            if len(copies) == 2 and copies[0].reading != copies[1].reading]


def count_batch(batch: PaperBatch, by) -> PaperBatch:
    """The batch joins the count: every slip must have two copies that agree. Its slips become anonymous
    paper ballots; after the poll closed, its entries go and the stored result is counted again."""
    poll = batch.poll
    enforce(RULE, by, poll)
    _takes_paper(poll)
    if batch.status != BATCH_ENTERING:
        raise Conflict(_l("This batch has joined the count already."))
    state = progress(batch)
    if not state.complete:
        raise DomainError(_l("A batch joins the count only when both copies of every slip agree: "
                             "%(mismatched)s slips differ, %(missing)s still need a copy.",
                             mismatched=state.mismatched,
                             missing=state.slips - state.matched - state.mismatched))
    # one statement decides who counts it: a second request (or a stale page) finds it counted already
    counted_at = utcnow()
    moved = db.session.execute(sa.update(PaperBatch).where(PaperBatch.id == batch.id,
                                                           PaperBatch.status == BATCH_ENTERING)
                               .values(status=BATCH_COUNTED, counted_at=counted_at)).rowcount
    if not moved:
        raise Conflict(_l("This batch has joined the count already."))
    db.session.refresh(batch, ["status", "counted_at"])
    readings = db.session.execute(sa.select(PaperEntry.kind, PaperEntry.choice)
                                  .where(PaperEntry.batch_id == batch.id, PaperEntry.copy == 1)).all()
    db.session.execute(sa.insert(PaperBallot), [
        {"id": str(uuid.uuid4()), "poll_id": poll.id, "batch_id": batch.id, "kind": kind, "choice": choice}
        for kind, choice in readings])
    db.session.flush()
    audit.record("votes.paper_batch_counted", actor=by, subject=poll, batch=batch.id, station=batch.station,
                 slips=batch.slips)
    if poll.is_closed:
        _forget_entries(poll)
        if poll.result:
            poll.result = compose_result(poll, poll.result["online"], participants(poll))
            db.session.flush()
    return batch


def _forget_entries(poll: Poll) -> None:
    """Delete who typed what for the poll's counted batches: only the matched choices remain."""
    counted = sa.select(PaperBatch.id).where(PaperBatch.poll_id == poll.id,
                                             PaperBatch.status == BATCH_COUNTED)
    db.session.execute(sa.delete(PaperEntry).where(PaperEntry.batch_id.in_(counted)))


def _closed(poll, **_):
    if takes_paper_ballots(poll):
        _forget_entries(poll)


signals.poll_closed.connect(_closed)


def all_ballot_groups(poll: Poll) -> list:
    """Every counted ballot of a poll as (choice, weight) groups: the online ballots and the valid slips of
    its counted paper batches (for a ballot file such as BLT, so that a recount sees what the count saw)."""
    rows = db.session.execute(
        sa.select(PaperBallot.choice, sa.func.count())
        .join(PaperBatch, PaperBatch.id == PaperBallot.batch_id)
        .where(PaperBallot.poll_id == poll.id, PaperBatch.status == BATCH_COUNTED,
               PaperBallot.kind == "valid")
        .group_by(PaperBallot.choice))
    return ballot_groups(poll) + [(decode(choice), weight) for choice, weight in rows]
