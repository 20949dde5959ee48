"""Casting ballots: who voted and what was voted, kept apart; inclusion trackers; choices in words.

Rules kept here:

* :func:`cast_ballot` asks the policy ``votes.vote`` once (the poll is open and inside its time window, the
  person is not blocked, the owner's rule or the poll's eligibility rule allows them), then writes. Owners
  that have asked their own rule (a council motion: ``motion.vote``) write with :func:`write_ballot`.
* A ballot is written only when the method finds it valid. Participation and ballot are written in one
  transaction; the UNIQUE participation constraint is what stops a second vote, whatever the concurrency
  (``INSERT ... ON CONFLICT DO NOTHING``: one statement). A second attempt is refused (``Conflict``), unless
  the poll allows changing a vote: then the old ballot is found by its replace key and replaced in the same
  transaction.
* The ballot carries no voter, no time and no sequence; the voter gets a tracker whose hash is stored with it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from consult.core.db import insert_once
from consult.core.errors import Conflict, NotAllowed
from consult.core.models import utcnow
from consult.core.policy import enforce
from consult.extensions import db
from consult.votes import methods
from consult.votes.methods import Spec, decode, encode, spec_of
from consult.votes.models import STATUS_OPEN, Ballot, NamedVote, Participation, Poll
from consult.votes.owners import spec_extras

TRACKER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
#: what a tracker looks like (four groups of four letters or digits)
TRACKER_PATTERN = re.compile(r"^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$")


def spec_for(poll: Poll) -> Spec:
    """What the poll's method needs to read and count its ballots (options, limits, budgets); the poll's
    owner may add fields (``spec_extras``: a budget's costs, total and rule)."""
    return spec_of(poll, spec_extras(poll))


def _key_for(poll: Poll, voter, anon_key: str | None) -> tuple[int | None, str | None]:
    """Who voted, as the participation records it: the account, or the hash of an open poll's browser key."""
    if getattr(voter, "is_authenticated", False):
        return voter.id, None
    if anon_key:
        return None, hashlib.sha256(f"{poll.id}:{anon_key}".encode()).hexdigest()
    if poll.mode == "open":
        raise NotAllowed(_l("Your browser must accept cookies to vote in this poll."))
    raise NotAllowed(_l("Please sign in first."))


def _replace_key(poll: Poll, voter_id, anon_hash) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = f"vote-replace:{poll.id}:{voter_id}:{anon_hash}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def new_tracker() -> str:
    raw = "".join(secrets.choice(TRACKER_ALPHABET) for _ in range(16))
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def tracker_hash(tracker: str) -> str:
    normal = "".join(ch for ch in (tracker or "").upper() if ch.isalnum())
    return hashlib.sha256(normal.encode()).hexdigest()


def fingerprint(hash_hex: str) -> str:
    """The short public form of a tracker's hash shown in the list of counted ballots."""
    return hash_hex[:12]

def cast_ballot(poll: Poll, voter, choice, *, anon_key: str | None = None) -> str:
    """Record one ballot and the fact that this person voted, in one transaction; return the inclusion
    tracker.

    ``choice`` is what the method's ``parse_form`` returns, or the method's canonical choice. Refusals raise
    ``NotAllowed`` (the policy ``votes.vote``: who and when), ``BallotError`` (the ballot's content) or
    ``Conflict`` (already voted), and leave nothing recorded.
    """
    enforce("votes.vote", voter, poll)
    return write_ballot(poll, voter, choice, anon_key=anon_key)


def write_ballot(poll: Poll, voter, choice, *, anon_key: str | None = None) -> str:
    """Write a ballot whose voter the caller has already allowed (:func:`cast_ballot`, or an owner that asked
    its own rule): participation and ballot in one transaction; returns the inclusion tracker."""
    voter_id, anon_hash = _key_for(poll, voter, anon_key)
    text = encode(methods.get(poll.method).validate(choice, spec_for(poll)))
    replacing = not insert_once(Participation, id=str(uuid.uuid4()), poll_id=poll.id, voter_id=voter_id,
                                anon_key=anon_hash)
    if replacing and not poll.allow_change:
        raise Conflict(_l("You have already voted in this poll. A vote cannot be cast twice."))
    _still_taking_votes(poll)
    replace_key = _replace_key(poll, voter_id, anon_hash) if poll.allow_change else None
    tracker = new_tracker()
    ballot = Ballot(id=str(uuid.uuid4()), poll_id=poll.id, choice=text, tracker_hash=tracker_hash(tracker),
                    replace_key=replace_key)
    if not replacing:  # a first ballot: nothing to race with (its id is new)
        _add_ballot(poll, voter_id, ballot, text)
        db.session.flush()
        return tracker
    try:
        with db.session.begin_nested():
            db.session.execute(sa.delete(Ballot).where(Ballot.poll_id == poll.id,
                                                       Ballot.replace_key == replace_key))
            _add_ballot(poll, voter_id, ballot, text)
    except IntegrityError:
        raise Conflict(_l("Your vote was being changed at the same moment. Please try again.")) from None
    db.session.flush()
    return tracker


def _add_ballot(poll: Poll, voter_id: int | None, ballot: Ballot, text: str) -> None:
    db.session.add(ballot)
    if poll.mode == "named" and voter_id is not None:
        db.session.merge(NamedVote(poll_id=poll.id, voter_id=voter_id, choice=text))


def _still_taking_votes(poll: Poll) -> None:
    """The poll's state read again once the participation is written: the request may have read it before
    another one closed the poll (a short write on SQLite takes the write lock only at the participation;
    PostgreSQL reads what is committed at each statement). A closed poll takes no more ballots."""
    db.session.refresh(poll, ["status", "opens_at", "closes_at"])
    now = utcnow()
    if poll.status != STATUS_OPEN or (poll.opens_at is not None and now < poll.opens_at):
        raise NotAllowed(_l("This poll is closed."))
    if poll.closes_at is not None and now >= poll.closes_at:
        raise NotAllowed(_l("Voting time is over for this poll."))


def has_voted(poll: Poll, voter=None, anon_key: str | None = None) -> bool:
    if getattr(voter, "is_authenticated", False):
        where = Participation.voter_id == voter.id
    elif anon_key:
        where = Participation.anon_key == _key_for(poll, None, anon_key)[1]
    else:
        return False
    return db.session.scalar(sa.select(sa.exists().where(Participation.poll_id == poll.id, where)))


def choice_summary(poll: Poll, canonical) -> list[str]:
    """The choice in words, for the confirmation step (and named votes)."""
    label = {o.id: o.label for o in poll.options}
    if poll.method in ("single", "yes_no_abstain"):
        return [label[canonical]]
    if poll.method in ("approval", "seq_phragmen", "equal_shares", "pb_knapsack", "pb_approval"):
        return [label[o] for o in canonical]
    if poll.method in ("ranked_irv", "schulze", "stv"):
        return [f"{i}. {label[o]}" for i, o in enumerate(canonical, 1)]
    ordered = sorted(canonical.items(), key=lambda kv: spec_index(poll, kv[0]))
    if poll.method == "score":
        return [f"{label[int(k)]}: {v} / 5" for k, v in ordered]
    return [f"{label[int(k)]}: {v}" for k, v in ordered]


def spec_index(poll: Poll, key) -> int:
    ids = [o.id for o in poll.options]
    return ids.index(int(key)) if int(key) in ids else len(ids)


def validate_choice(poll: Poll, raw):
    """The canonical choice for a raw ballot, or ``BallotError`` (for the confirmation step)."""
    return methods.get(poll.method).validate(raw, spec_for(poll))


def named_votes(poll: Poll) -> list[tuple[str, list[str]]]:
    rows = db.session.scalars(sa.select(NamedVote).where(NamedVote.poll_id == poll.id)).all()
    return sorted(((r.voter.display_name, choice_summary(poll, decode(r.choice))) for r in rows),
                  key=lambda pair: pair[0].casefold())
