"""Counting: the online count at close, paper tallies entered or corrected later, turnout and the verdict.

Rules kept here:

* Counting happens once, at close, and is stored on the poll. Paper tallies entered or corrected later are
  combined with the stored online count (never a recount); every paper change is in the audit log.
* Only methods whose result is a count per option take paper counts (yes/no/abstain, single, approval), and a
  channel's counts must add up (votes plus blank and invalid ballots).
* Whole paper ballots (ranked and approval-based methods) typed twice and matched
  (``consult.votes.paper_ballots``; ``paper_counts`` reads them) are counted with the online ballots, one
  channel per polling station.
* The verdict follows the poll's quorum and majority rule.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from consult.core import audit
from consult.core.errors import DomainError
from consult.core.models import utcnow
from consult.extensions import db
from consult.residency.models import LEVEL_VERIFIED, ResidentStatus
from consult.votes import methods
from consult.votes.casting import spec_for
from consult.votes.methods import decode_all
from consult.votes.models import Ballot, PaperTally, Participation, Poll
from consult.votes.owners import owner
from consult.votes.paper_counts import counted_channels, takes_paper_ballots


def ballot_groups(poll: Poll):
    """The poll's ballots as (choice, how many ballots made it), one row per different choice."""
    rows = db.session.execute(
        sa.select(Ballot.choice, sa.func.count()).where(Ballot.poll_id == poll.id).group_by(Ballot.choice)
    ).all()
    return list(zip(decode_all([choice for choice, _weight in rows]), [weight for _choice, weight in rows],
                    strict=True))


def count_online(poll: Poll) -> dict:
    """The method's count of the ballots cast online (what ``close_poll`` stores)."""
    return methods.get(poll.method).tally(ballot_groups(poll), spec_for(poll))


def participants(poll: Poll) -> int:
    """How many took part online (participations, not ballots)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Participation)
                             .where(Participation.poll_id == poll.id))


def eligible_count(poll: Poll) -> int | None:
    """How many people may vote, when it is known (owner hook, or the residents matching the poll's rule)."""
    hooks = owner(poll)
    if hooks and hooks.eligible_count:
        return hooks.eligible_count(poll)
    rule = poll.rule
    if rule is None or rule.min_level != LEVEL_VERIFIED:
        return None
    now = utcnow()
    q = sa.select(sa.func.count()).select_from(ResidentStatus).where(
        ResidentStatus.revoked_at.is_(None),
        sa.or_(ResidentStatus.expires_at.is_(None), ResidentStatus.expires_at > now))
    if rule.min_age:  # a vote needs a recorded birth year: one the person stated does not count (check_rule)
        q = q.where(ResidentStatus.birth_year <= now.year - rule.min_age,
                    ResidentStatus.birth_year_declared.is_(False))
    if rule.district_ids:
        q = q.where(ResidentStatus.district_id.in_(rule.district_ids))
    return db.session.scalar(q)


def compose_result(poll: Poll, online: dict, voters: int) -> dict:
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
    if takes_paper_ballots(poll):  # whole paper ballots typed twice, one channel per polling station
        groups, stations, slips = counted_channels(poll, spec)
        if stations:
            tally = method.tally(ballot_groups(poll) + groups, spec)
            channels.extend(stations)
            paper_ballots += slips
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
    if len(winners) > 1 and not methods.get(poll.method).elects_several:
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
        raise DomainError(_l("The number of paper ballots must equal the votes plus blank and invalid "
                             "ballots."), field="ballots")
    if ballots < blank + invalid or (poll.method == "approval" and
                                     max(clean.values(), default=0) > ballots - blank - invalid):
        raise DomainError(_l("An option cannot have more votes than there are valid ballots."),
                          field="ballots")
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
    audit.record("votes.paper_tally_corrected" if before else "votes.paper_tally_entered", actor=by,
                 subject=poll, channel=channel, before=before,
                 after={"counts": clean, "blank": blank, "invalid": invalid, "ballots": ballots})
    if poll.is_closed and poll.result:
        poll.result = compose_result(poll, poll.result["online"], participants(poll))
        db.session.flush()
    return tally


def paper_tallies(poll: Poll) -> list[PaperTally]:
    return db.session.scalars(sa.select(PaperTally).where(PaperTally.poll_id == poll.id)
                              .order_by(PaperTally.id)).all()
