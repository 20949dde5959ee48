"""The vote engine: create, open, cast, close and count polls; paper tallies; results.

Rules kept here (views, CLI, other modules and tests all come through these functions):

* A ballot is accepted only while the poll is open and inside its time window, from a person the poll's owner
  hook or eligibility rule allows, and only when the method finds it valid. Nothing is written otherwise.
* Participation and ballot are written in one transaction; the UNIQUE participation constraint is what stops
  a second vote, whatever the concurrency. A second attempt is refused (``Conflict``), unless the poll allows
  changing a vote: then the old ballot is found by its replace key and replaced in the same transaction.
* Counting happens once, at close, and is stored on the poll; a closed poll cannot be reopened. Paper
  tallies entered or corrected later are combined with the stored online count (never a recount).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from consult.core import audit, signals
from consult.core.csv_export import write_csv
from consult.core.errors import Conflict, DomainError, NotAllowed
from consult.core.models import utcnow
from consult.core.policy import YES, Decision
from consult.extensions import db
from consult.residency.models import LEVEL_VERIFIED, EligibilityRule
from consult.votes import methods
from consult.votes.methods import BallotError, Spec, decode, encode
from consult.votes.methods.points import DEFAULT_BUDGET as DEFAULT_POINTS
from consult.votes.methods.yes_no_abstain import CODES
from consult.votes.models import (
    MAJORITIES,
    MODES,
    STATUS_CLOSED,
    STATUS_DRAFT,
    STATUS_OPEN,
    Ballot,
    NamedVote,
    PaperTally,
    Participation,
    Poll,
    PollOption,
)

DEFAULT_RULE_NAME = "Verified residents aged 16 or over"
TRACKER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
#: what a tracker looks like (four groups of four letters or digits)
TRACKER_PATTERN = re.compile(r"^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$")

# ---------------------------------------------------------------------------------------------------- owners


@dataclass
class OwnerHooks:
    can_vote: Callable | None = None
    describe: Callable | None = None
    eligible_count: Callable | None = None


_owners: dict[str, OwnerHooks] = {}


def register_owner(owner_type: str, *, can_vote=None, describe=None, eligible_count=None) -> None:
    """Let a module that owns polls decide who may vote (``can_vote(poll, person) -> Decision``), how a poll
    names its owner (``describe(poll) -> (label, url)``) and, optionally, how many people may vote."""
    _owners[owner_type] = OwnerHooks(can_vote, describe, eligible_count)


def owner_of(poll: Poll) -> tuple[str, str] | None:
    hooks = _owners.get(poll.owner_type or "")
    if hooks and hooks.describe:
        return hooks.describe(poll)
    return None


# ---------------------------------------------------------------------------------------------------- polls


def default_binding_rule() -> EligibilityRule:
    """The rule for binding votes: verified residents aged 16 or over, any nationality (created once)."""
    rule = db.session.scalar(sa.select(EligibilityRule).where(EligibilityRule.name == DEFAULT_RULE_NAME))
    if rule is None:
        rule = EligibilityRule(name=DEFAULT_RULE_NAME, min_level=LEVEL_VERIFIED, min_age=16, district_ids=[])
        db.session.add(rule)
        db.session.flush()
    return rule


def get_poll(poll_id: int) -> Poll | None:
    return db.session.get(Poll, poll_id)


def spec_for(poll: Poll) -> Spec:
    return Spec(option_ids=tuple(o.id for o in poll.options), max_choices=poll.max_choices,
                points_budget=poll.points_budget, codes={o.id: o.code for o in poll.options if o.code})


def create_poll(*, question, method, options, owner_type=None, owner_id=None, mode="secret", rule=None,
                opens_at=None, closes_at=None, quorum=None, majority=None, max_choices=None, points_budget=None,
                results_before_close=False, allow_change=False, description="", created_by=None) -> Poll:
    """Create a poll in draft. Its mode, method and options are fixed from here on (declared before opening).

    ``options`` is a list of labels, or of dicts ``{"label", "target_type", "target_id"}``; yes/no/abstain
    polls get their three options automatically.
    """
    question = (question or "").strip()
    if not question:
        raise DomainError(_l("Please write the question."), field="question")
    try:
        method_impl = methods.get(method)
    except BallotError:
        raise DomainError(_l("Unknown voting method."), field="method") from None
    if mode not in MODES:
        raise DomainError(_l("Unknown poll mode."), field="mode")
    majority = majority or "simple"
    if majority not in MAJORITIES:
        raise DomainError(_l("Unknown majority rule."), field="majority")
    if method == "yes_no_abstain":
        labels = [{"label": str(lbl), "code": code}
                  for lbl, code in zip((_l("Yes"), _l("No"), _l("Abstain")), CODES, strict=True)]
    else:
        labels = [o if isinstance(o, dict) else {"label": str(o)} for o in (options or [])]
        labels = [dict(o, label=str(o["label"]).strip()) for o in labels if str(o.get("label", "")).strip()]
        if len(labels) < 2:
            raise DomainError(_l("A poll needs at least two options."), field="options")
        if len({o["label"].casefold() for o in labels}) != len(labels):
            raise DomainError(_l("Two options have the same text."), field="options")
    if opens_at and closes_at and closes_at <= opens_at:
        raise DomainError(_l("The poll must close after it opens."), field="closes_at")
    for name, value in (("quorum", quorum), ("max_choices", max_choices), ("points_budget", points_budget)):
        if value is not None and value < (0 if name == "quorum" else 1):
            raise DomainError(_l("This number is too small."), field=name)
    if results_before_close and mode == "secret":
        raise DomainError(_l("A secret ballot shows its results only when it closes: counts that change as people "
                             "vote could reveal how someone voted. Choose a named vote for live results."),
                          field="results_before_close")
    if rule is None and mode in ("secret", "named"):
        rule = default_binding_rule()
    poll = Poll(question=question, description=description or "", method=method_impl.name, mode=mode,
                owner_type=owner_type, owner_id=owner_id, rule_id=rule.id if rule is not None else None,
                opens_at=opens_at, closes_at=closes_at, quorum=quorum, majority=majority,
                max_choices=max_choices if method == "approval" else None,
                points_budget=(points_budget or DEFAULT_POINTS) if method == "points" else None,
                results_before_close=bool(results_before_close), allow_change=bool(allow_change),
                created_by_id=getattr(created_by, "id", None), status=STATUS_DRAFT)
    poll.options = [PollOption(position=i, label=o["label"][:200], code=o.get("code"),
                               target_type=o.get("target_type"), target_id=o.get("target_id"))
                    for i, o in enumerate(labels)]
    db.session.add(poll)
    db.session.flush()
    if created_by is not None:
        audit.record("votes.poll_created", actor=created_by, subject=poll, method=poll.method, mode=poll.mode)
    return poll


def open_poll(poll: Poll, by=None) -> Poll:
    """Open a draft poll for voting. A closed poll can never be reopened."""
    if poll.status == STATUS_CLOSED:
        raise Conflict(_l("This poll is closed and cannot be opened again."))
    if poll.status == STATUS_OPEN:
        raise Conflict(_l("This poll is already open."))
    poll.status = STATUS_OPEN
    if poll.opens_at is None or poll.opens_at > utcnow():
        poll.opens_at = utcnow()
    db.session.flush()
    audit.record("votes.poll_opened", actor=by, subject=poll)
    return poll


def close_poll(poll: Poll, by=None) -> Poll:
    """Close the poll and count it, once: the result is stored and ``poll_closed`` is sent."""
    if poll.status == STATUS_CLOSED:
        raise Conflict(_l("This poll is already closed."))
    online = _count_online(poll)
    poll.status = STATUS_CLOSED
    poll.closed_at = utcnow()
    poll.result = _compose(poll, online, _participations(poll))
    db.session.flush()
    audit.record("votes.poll_closed", actor=by, subject=poll, ballots=online["ballots"])
    signals.poll_closed.send(poll, result=results(poll), actor=by)
    return poll


def is_within_window(poll: Poll, now=None) -> bool:
    now = now or utcnow()
    return (poll.status == STATUS_OPEN and (poll.opens_at is None or poll.opens_at <= now)
            and (poll.closes_at is None or now < poll.closes_at))


# ---------------------------------------------------------------------------------------------------- voting


def voter_decision(poll: Poll, person, anon_key: str | None = None) -> Decision:
    """May this person (or anonymous browser, in open polls) vote in this poll? With the reason if not."""
    if poll.status == STATUS_DRAFT:
        return Decision("refused", _l("This poll is not open yet."))
    if poll.status == STATUS_CLOSED:
        return Decision("refused", _l("This poll is closed."))
    if not is_within_window(poll):
        if poll.closes_at is not None and utcnow() >= poll.closes_at:
            return Decision("refused", _l("Voting time is over for this poll."))
        return Decision("refused", _l("Voting has not started yet."))
    if getattr(person, "is_blocked", False):
        return Decision("refused", _l("Your account has been blocked by the moderators."))
    hooks = _owners.get(poll.owner_type or "")
    if hooks and hooks.can_vote:
        answer = hooks.can_vote(poll, person)
        if isinstance(answer, Decision):
            return answer
        return YES if answer else Decision("refused", _l("You cannot vote in this poll."))
    signed_in = bool(getattr(person, "is_authenticated", False))
    if poll.mode == "open" and poll.rule is None:
        if signed_in or anon_key:
            return YES
        return Decision("refused", _l("Your browser must accept cookies to vote in this poll."))
    from consult.residency.policies import check_rule

    return check_rule(person, poll.rule)


def _key_for(poll: Poll, voter, anon_key: str | None) -> tuple[int | None, str | None]:
    if getattr(voter, "is_authenticated", False):
        return voter.id, None
    if anon_key:
        return None, hashlib.sha256(f"{poll.id}:{anon_key}".encode()).hexdigest()
    raise NotAllowed(_l("Please sign in first."))


def _replace_key(poll: Poll, voter_id, anon_hash) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"vote-replace:{poll.id}:{voter_id}:{anon_hash}".encode(), hashlib.sha256).hexdigest()


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
    """Record one ballot and the fact that this person voted, in one transaction; return the inclusion tracker.

    ``choice`` is what the method's ``parse_form`` returns, or the method's canonical choice. Refusals raise
    ``NotAllowed`` (who/when), ``BallotError`` (the ballot's content) or ``Conflict`` (already voted), and
    leave nothing recorded.
    """
    decision = voter_decision(poll, voter, anon_key)
    if not decision:
        raise NotAllowed(decision.reason)
    spec = spec_for(poll)
    method = methods.get(poll.method)
    canonical = method.validate(choice, spec)
    text = encode(canonical)
    voter_id, anon_hash = _key_for(poll, voter, anon_key)
    replacing = False
    try:
        with db.session.begin_nested():
            db.session.add(Participation(id=str(uuid.uuid4()), poll_id=poll.id, voter_id=voter_id,
                                         anon_key=anon_hash))
    except IntegrityError:
        if not poll.allow_change:
            raise Conflict(_l("You have already voted in this poll. A vote cannot be cast twice.")) from None
        replacing = True
    replace_key = _replace_key(poll, voter_id, anon_hash) if poll.allow_change else None
    tracker = new_tracker()
    try:
        with db.session.begin_nested():
            if replacing:
                db.session.execute(sa.delete(Ballot).where(Ballot.poll_id == poll.id,
                                                           Ballot.replace_key == replace_key))
            db.session.add(Ballot(id=str(uuid.uuid4()), poll_id=poll.id, choice=text,
                                  tracker_hash=tracker_hash(tracker), replace_key=replace_key))
            if poll.mode == "named" and voter_id is not None:
                db.session.merge(NamedVote(poll_id=poll.id, voter_id=voter_id, choice=text))
    except IntegrityError:
        raise Conflict(_l("Your vote was being changed at the same moment. Please try again.")) from None
    db.session.flush()
    return tracker


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
    if poll.method == "approval":
        return [label[o] for o in canonical]
    if poll.method in ("ranked_irv", "schulze"):
        return [f"{i}. {label[o]}" for i, o in enumerate(canonical, 1)]
    if poll.method == "score":
        return [f"{label[int(k)]}: {v} / 5" for k, v in sorted(canonical.items(), key=lambda kv: spec_index(poll, kv[0]))]
    return [f"{label[int(k)]}: {v}" for k, v in sorted(canonical.items(), key=lambda kv: spec_index(poll, kv[0]))]


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


# ---------------------------------------------------------------------------------------------------- counting


def _groups(poll: Poll):
    rows = db.session.execute(
        sa.select(Ballot.choice, sa.func.count()).where(Ballot.poll_id == poll.id).group_by(Ballot.choice)
    )
    return [(decode(choice), weight) for choice, weight in rows]


def _count_online(poll: Poll) -> dict:
    return methods.get(poll.method).tally(_groups(poll), spec_for(poll))


def _participations(poll: Poll) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Participation)
                             .where(Participation.poll_id == poll.id))


def eligible_count(poll: Poll) -> int | None:
    """How many people may vote, when it is known (owner hook, or the residents matching the poll's rule)."""
    hooks = _owners.get(poll.owner_type or "")
    if hooks and hooks.eligible_count:
        return hooks.eligible_count(poll)
    rule = poll.rule
    if rule is None or rule.min_level != LEVEL_VERIFIED:
        return None
    from consult.residency.models import ResidentStatus

    now = utcnow()
    q = sa.select(sa.func.count()).select_from(ResidentStatus).where(
        ResidentStatus.revoked_at.is_(None),
        sa.or_(ResidentStatus.expires_at.is_(None), ResidentStatus.expires_at > now))
    if rule.min_age:
        q = q.where(ResidentStatus.birth_year <= now.year - rule.min_age)
    if rule.district_ids:
        q = q.where(ResidentStatus.district_id.in_(rule.district_ids))
    return db.session.scalar(q)


def _compose(poll: Poll, online: dict, voters: int) -> dict:
    """The stored result: the online count, the paper channels, their combination, turnout and verdict."""
    spec = spec_for(poll)
    method = methods.get(poll.method)
    tallies = db.session.scalars(sa.select(PaperTally).where(PaperTally.poll_id == poll.id)
                                 .order_by(PaperTally.id)).all() if method.paper else []
    combined = {k: v for k, v in online["counts"].items()}
    channels = [{"name": "online", "ballots": online["ballots"], "blank": 0, "invalid": 0,
                 "counts": dict(online["counts"])}]
    paper_ballots = 0
    for t in tallies:
        for key, value in t.counts.items():
            combined[key] = combined.get(key, 0) + value
        channels.append({"name": t.channel, "ballots": t.ballots, "blank": t.blank, "invalid": t.invalid,
                         "counts": dict(t.counts)})
        paper_ballots += t.ballots
    tally = dict(online)
    if tallies:
        tally["counts"] = combined
        groups = [(int(k), v) for k, v in combined.items()] if poll.method != "approval" else None
        if groups is not None:
            tally = method.tally(groups, spec)
        else:
            tally["winners"] = methods.top(combined, spec)
        tally["ballots"] = online["ballots"] + sum(t.ballots - t.blank - t.invalid for t in tallies)
    total_voters = voters + paper_ballots
    eligible = eligible_count(poll)
    return {
        "method": poll.method,
        "online": online,
        "tally": tally,
        "channels": channels,
        "voters": total_voters,
        "eligible": eligible,
        "verdict": _verdict(poll, tally, total_voters),
        "counted_at": utcnow().isoformat(timespec="seconds"),
    }


def _verdict(poll: Poll, tally: dict, voters: int) -> str:
    if poll.quorum and voters < poll.quorum:
        return "no_quorum"
    if poll.method == "yes_no_abstain":
        yes, no = tally.get("yes", 0), tally.get("no", 0)
        abstain = tally.get("abstain", 0)
        if poll.majority == "absolute":
            return "adopted" if yes * 2 > yes + no + abstain else "rejected"
        if poll.majority == "two_thirds":
            return "adopted" if yes and yes * 3 >= 2 * (yes + no) else "rejected"
        return "adopted" if yes > no else "rejected"
    winners = tally.get("winners") or []
    if not winners:
        return "no_result"
    if len(winners) > 1:
        return "tie"
    if poll.majority in ("absolute", "two_thirds") and poll.method in ("single", "approval"):
        need = 2 if poll.majority == "absolute" else 3
        share = tally["counts"].get(str(winners[0]), 0)
        ok = share * need > tally["ballots"] if need == 2 else share * 3 >= 2 * tally["ballots"]
        if not ok:
            return "no_majority"
    return "decided"


def record_paper_tally(poll: Poll, *, channel: str, counts: dict, blank: int = 0, invalid: int = 0,
                       ballots: int | None = None, by=None) -> PaperTally:
    """Enter or correct the counts of a paper/booth channel; every change is in the audit log.

    Only methods whose result is a count per option accept paper counts (yes/no/abstain, single, approval).
    After close the stored result is combined again with the new paper counts (the online count is kept).
    """
    method = methods.get(poll.method)
    if not method.paper:
        raise DomainError(_l("Paper counts can be added only to yes/no, single-choice and approval polls."))
    channel = (channel or "").strip()
    if not channel or channel.casefold() == "online":
        raise DomainError(_l("Please name the channel, for example the polling place."), field="channel")
    clean: dict[str, int] = {}
    for option in poll.options:
        value = counts.get(str(option.id), counts.get(option.id, 0)) or 0
        if not isinstance(value, int) or value < 0:
            raise DomainError(_l("Counts must be whole numbers, 0 or more."), field="counts")
        clean[str(option.id)] = value
    unknown = set(map(str, counts)) - set(clean)
    if unknown:
        raise DomainError(_l("This choice is not one of the options of this poll."), field="counts")
    if blank < 0 or invalid < 0:
        raise DomainError(_l("Counts must be whole numbers, 0 or more."), field="blank")
    if ballots is None:
        ballots = sum(clean.values()) + blank + invalid
    if poll.method != "approval" and ballots != sum(clean.values()) + blank + invalid:
        raise DomainError(_l("The number of paper ballots must equal the votes plus blank and invalid ballots."),
                          field="ballots")
    if ballots < blank + invalid or (poll.method == "approval" and
                                     max(clean.values(), default=0) > ballots - blank - invalid):
        raise DomainError(_l("An option cannot have more votes than there are valid ballots."), field="ballots")
    tally = db.session.scalar(sa.select(PaperTally).where(PaperTally.poll_id == poll.id,
                                                          PaperTally.channel == channel))
    before = None
    if tally is None:
        tally = PaperTally(poll_id=poll.id, channel=channel)
        db.session.add(tally)
    else:
        before = {"counts": dict(tally.counts), "blank": tally.blank, "invalid": tally.invalid,
                  "ballots": tally.ballots}
    tally.counts, tally.blank, tally.invalid, tally.ballots = clean, blank, invalid, ballots
    tally.entered_by_id = getattr(by, "id", None)
    db.session.flush()
    audit.record("votes.paper_tally_corrected" if before else "votes.paper_tally_entered", actor=by, subject=poll,
                 channel=channel, before=before,
                 after={"counts": clean, "blank": blank, "invalid": invalid, "ballots": ballots})
    if poll.is_closed and poll.result:
        poll.result = _compose(poll, poll.result["online"], _participations(poll))
        db.session.flush()
    return tally


def paper_tallies(poll: Poll) -> list[PaperTally]:
    return db.session.scalars(sa.select(PaperTally).where(PaperTally.poll_id == poll.id)
                              .order_by(PaperTally.id)).all()


# ---------------------------------------------------------------------------------------------------- results


@dataclass
class OptionResult:
    id: int
    label: str
    count: float
    share: float  # 0..1 of the total shown for the method
    average: float | None = None
    distribution: list[int] | None = None
    winner: bool = False
    by_channel: dict = field(default_factory=dict)


@dataclass
class Result:
    """A poll's result as pages, CSV, minutes and other modules read it."""

    poll_id: int
    method: str
    options: list[OptionResult]
    ballots: int
    voters: int
    eligible: int | None
    verdict: str
    rounds: list[dict]
    channels: list[dict]
    final: bool
    counted_at: str | None = None
    schulze_ranking: list[str] = field(default_factory=list)

    @property
    def turnout(self) -> float | None:
        return self.voters / self.eligible if self.eligible else None

    @property
    def winners(self) -> list[OptionResult]:
        return [o for o in self.options if o.winner]

    def as_rows(self) -> list[dict]:
        return [{"label": o.label, "count": o.count} for o in self.options]


def results_visible(poll: Poll) -> bool:
    """Results stay hidden until the poll closes, except the live count of a quick poll or of a named poll that
    asks for it (:attr:`Poll.live_results`); a secret ballot's results never show before it closes."""
    return poll.is_closed or (poll.status == STATUS_OPEN and poll.live_results)


def results(poll: Poll) -> Result:
    """The stored count of a closed poll; for a poll still open, the current count (callers check
    :func:`results_visible` before showing it)."""
    stored = poll.result if poll.is_closed and poll.result else _compose(poll, _count_online(poll),
                                                                       _participations(poll))
    tally = stored["tally"]
    label = {o.id: o.label for o in poll.options}
    winners = set(tally.get("winners") or [])
    counts = tally.get("counts", {})
    if poll.method == "score":
        values = tally.get("averages", {})
        whole = 5
    else:
        values = counts
        whole = sum(counts.values()) if poll.method in ("points",) else (tally.get("ballots") or 0)
    options = []
    for o in poll.options:
        count = counts.get(str(o.id), 0)
        value = values.get(str(o.id), 0)
        options.append(OptionResult(
            id=o.id, label=o.label, count=count, share=(value / whole) if whole else 0.0,
            average=tally.get("averages", {}).get(str(o.id)) if poll.method == "score" else None,
            distribution=tally.get("distribution", {}).get(str(o.id)) if poll.method == "score" else None,
            winner=o.id in winners,
            by_channel={c["name"]: c["counts"].get(str(o.id), 0) for c in stored["channels"]}))
    rounds = []
    for number, row in enumerate(tally.get("rounds", []), 1):
        rounds.append({"number": number,
                       "counts": [(label[int(k)], v) for k, v in row["counts"].items()],
                       "continuing": row["continuing"], "exhausted": row["exhausted"],
                       "eliminated": [label[o] for o in row["eliminated"]]})
    return Result(poll_id=poll.id, method=poll.method, options=options, ballots=tally.get("ballots", 0),
                  voters=stored["voters"], eligible=stored.get("eligible"), verdict=stored["verdict"],
                  rounds=rounds, channels=stored["channels"], final=poll.is_closed,
                  counted_at=stored.get("counted_at"),
                  schulze_ranking=[label[o] for o in tally.get("ranking", [])])


def live_counts(poll: Poll) -> Result:
    """The current count of an open (live) poll, for live screens; refused when results are hidden."""
    if not results_visible(poll):
        raise NotAllowed(_l("The results of this poll are shown when it closes."))
    return results(poll)


def counted_trackers(poll: Poll) -> list[str]:
    """Fingerprints of the trackers of the counted ballots of a closed poll, in an order that says nothing."""
    if not poll.is_closed:
        return []
    hashes = db.session.scalars(sa.select(Ballot.tracker_hash).where(Ballot.poll_id == poll.id)
                                .order_by(Ballot.tracker_hash)).all()
    return [fingerprint(h) for h in hashes]


def is_counted(poll: Poll, tracker: str) -> bool:
    return poll.is_closed and db.session.scalar(sa.select(sa.exists().where(
        Ballot.poll_id == poll.id, Ballot.tracker_hash == tracker_hash(tracker))))


VERDICTS = {
    "adopted": _l("Adopted"),
    "rejected": _l("Rejected"),
    "no_quorum": _l("Not valid: too few people voted (quorum not reached)"),
    "no_result": _l("No result: no votes were counted"),
    "tie": _l("Tie"),
    "no_majority": _l("No option reached the required majority"),
    "decided": _l("Decided"),
}


def result_csv(poll: Poll) -> str:
    """The result as CSV: one row per option with each channel's count (and IRV rounds after)."""
    result = results(poll)
    names = [c["name"] for c in result.channels]
    rows = [["option", "total", *names, "winner"]]
    for o in result.options:
        rows.append([o.label, o.average if poll.method == "score" else o.count,
                     *[o.by_channel.get(n, 0) for n in names], "yes" if o.winner else ""])
    rows.append([])
    rows.append(["ballots", result.ballots])
    rows.append(["voters", result.voters])
    rows.append(["eligible", result.eligible if result.eligible is not None else ""])
    rows.append(["verdict", result.verdict])
    for r in result.rounds:
        rows.append([f"round {r['number']}", *[f"{lbl}={v}" for lbl, v in r["counts"]],
                     f"exhausted={r['exhausted']}", "eliminated=" + ";".join(r["eliminated"])])
    return write_csv(rows)  # option labels and channel names are residents' text: no cell starts a formula


def list_polls(*, include_drafts: bool = False) -> list[Poll]:
    q = sa.select(Poll).order_by(Poll.status.desc(), Poll.id.desc())
    if not include_drafts:
        q = q.where(Poll.status != STATUS_DRAFT)
    return db.session.scalars(q).all()


def export_personal_data(user) -> dict:
    """For "download my data": the polls the person took part in (never what they chose in a secret poll);
    their public named votes are listed with the choice, as they are public anyway."""
    polls = db.session.scalars(sa.select(Poll).join(Participation, Participation.poll_id == Poll.id)
                               .where(Participation.voter_id == user.id).order_by(Poll.id)).all()
    named = {row.poll_id: row for row in db.session.scalars(sa.select(NamedVote).where(NamedVote.voter_id == user.id))}
    return {"voted_in": [{"poll_id": p.id, "question": p.question, "mode": p.mode,
                          "named_choice": choice_summary(p, decode(named[p.id].choice)) if p.id in named else None}
                         for p in polls]}
