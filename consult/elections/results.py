"""The count and what follows it: the reserved-seats rule on the count's full order, the elected seated from
the end of the appeal window, substitutes seated in order, and the council's record of both (minutes drafts).
The rules are listed in ``consult.elections.services``."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consult.core import audit, records, time
from consult.core.errors import Conflict, DomainError
from consult.core.models import utcnow
from consult.core.policy import enforce
from consult.elections.models import (
    ACCEPTED,
    DECLINED,
    ELECTED,
    NOT_ELECTED,
    RESULTS,
    SEAT_ELECTED,
    SEAT_SUBSTITUTE,
    SUBSTITUTE,
    VOTING,
    Candidacy,
    Election,
    ElectionSeat,
)
from consult.extensions import db


def poll_of(election: Election):
    from consult.votes.models import Poll

    return db.session.get(Poll, election.poll_id) if election.poll_id else None


def apply_reservations(order: list[int], seats: int, district_of: dict[int, int | None],
                       reserved: dict[int, int]) -> tuple[list[int], list[int], list[tuple[int, int]]]:
    """The reserved-seats rule (see the module docstring) on the count's full ``order`` of candidate ids.

    Returns ``(elected, substitutes, replacements)``: the elected and the substitutes in the count's order,
    and each replacement as ``(candidate who takes the seat, candidate who gives it up)``.
    """
    position = {cid: i for i, cid in enumerate(order)}
    elected = list(order[:seats])
    replacements: list[tuple[int, int]] = []

    def held(district) -> int:
        return sum(1 for c in elected if district_of.get(c) == district)

    while True:
        short = [d for d, n in reserved.items() if held(d) < n]
        waiting = [c for c in order if c not in elected and district_of.get(c) in short]
        if not waiting:
            break
        incoming = waiting[0]  # the highest-placed candidate of a district short of its reservation
        needed = {d for d, n in reserved.items() if held(d) <= n}
        free = [c for c in elected if district_of.get(c) not in needed]
        if not free:
            break
        outgoing = max(free, key=position.__getitem__)  # the lowest-placed elected whose seat is not needed
        elected.remove(outgoing)
        elected.append(incoming)
        replacements.append((incoming, outgoing))
    elected.sort(key=position.__getitem__)
    substitutes = [c for c in order if c not in elected]
    return elected, substitutes, replacements


def _full_order(poll, candidacies: dict[int, Candidacy]) -> list[int]:
    """The candidacy ids in the count's full order (``order`` of the stored tally: the elected in order of
    election, then the others in the order they would take a seat); a tally without it is ordered by its
    winners, then by first preferences / approvals."""
    tally = (poll.result or {}).get("tally") or {}
    option_to_candidacy = {o.id: o.target_id for o in poll.options if o.target_type == "candidacy"}
    order = [int(o) for o in tally.get("order") or []]
    if not order:
        winners = [int(o) for o in tally.get("winners") or []]
        counts = tally.get("counts") or {}
        rest = sorted((o.id for o in poll.options if o.id not in winners),
                      key=lambda oid: (-float(counts.get(str(oid), 0)), oid))
        order = winners + rest
    seen = [option_to_candidacy[o] for o in order if o in option_to_candidacy]
    missing = [o.target_id for o in poll.options if o.target_id not in seen and o.target_type == "candidacy"]
    return [c for c in seen + missing if c in candidacies]


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def term_start(election: Election) -> date:
    """The first day of the elected members' term: the day after the appeal window's last day, in the
    platform's time zone (a window that ends at midnight ends the day before)."""
    local = time.to_local(election.appeal_ends_at, time.platform_zone())
    return (local - timedelta(microseconds=1)).date() + timedelta(days=1)


def term_end(election: Election) -> date:
    return add_months(term_start(election), election.term_months) - timedelta(days=1)


def count_and_publish(election: Election, *, by=None) -> dict:
    """Close the poll through the votes' close flow (counted once), apply the reserved seats, store the
    elected and the substitutes in order, seat the elected (memberships from the end of the appeal window),
    draft the council's minutes of the results and tell the elected."""
    from consult.notifications.services import notify_followers
    from consult.votes import services as engine
    from consult.votes.models import STATUS_CLOSED

    if by is not None:
        enforce("election.count", by, election)
    if election.status != VOTING:
        raise Conflict(_l("Only an election whose voting is open can be counted."))
    poll = poll_of(election)
    if poll.status != STATUS_CLOSED:
        engine.close_poll(poll, by=by)
    candidacies = {c.id: c for c in election.candidacies}
    order = _full_order(poll, candidacies)
    elected, substitutes, replacements = apply_reservations(
        order, election.seats, {cid: candidacies[cid].district_id for cid in order},
        {r.district_id: r.seats for r in election.reserved})
    for rank, cid in enumerate(elected + substitutes, start=1):
        candidacies[cid].rank = rank
        candidacies[cid].result = ELECTED if cid in elected else SUBSTITUTE
    for candidacy in candidacies.values():
        if candidacy.rank is None:
            candidacy.result = NOT_ELECTED if candidacy.status == ACCEPTED else None
    election.outcome = {"order": order, "elected": elected, "substitutes": substitutes,
                        "replacements": [list(pair) for pair in replacements], "unseated": []}
    election.status, election.published_at = RESULTS, utcnow()
    db.session.flush()
    _seat_elected(election, [candidacies[cid] for cid in elected], by=by)
    audit.record("elections.results_published", actor=by, subject=election, elected=elected,
                 substitutes=substitutes, replacements=[list(p) for p in replacements])
    _draft_minutes(election_record(election), source_type="election", source_id=election.id,
                   council_id=election.council_id, by=by)
    for cid in elected:
        notify_followers(candidacies[cid], "elected", actor=by, title=election.title)
    notify_followers(election, "election_results", actor=by)
    return election.outcome


def _seat_elected(election: Election, elected: list[Candidacy], *, by=None) -> None:
    from consult.councils import services as councils

    start, end = term_start(election), term_end(election)
    unseated = []
    for candidacy in elected:
        membership = None
        try:
            membership = councils.add_membership(election.council, candidacy.user, role="member",
                                                 starts_on=start, ends_on=end, by=by)
        except DomainError:  # already holds a seat for part of the term: the secretary settles it
            unseated.append(candidacy.id)
        db.session.add(ElectionSeat(election_id=election.id, candidacy_id=candidacy.id,
                                    membership_id=membership.id if membership else None, kind=SEAT_ELECTED,
                                    seated_by_id=getattr(by, "id", None)))
    election.outcome = dict(election.outcome, unseated=unseated)
    db.session.flush()


# ------------------------------------------------------------------------------------------------ substitutes


def seats_of(election: Election) -> list[ElectionSeat]:
    return list(db.session.scalars(sa.select(ElectionSeat).where(ElectionSeat.election_id == election.id)
                                   .order_by(ElectionSeat.id)))


def vacancies(election: Election, *, on: date | None = None) -> list[ElectionSeat]:
    """The seats of this election whose member left before the end of the term (or whose membership is gone)
    and that no substitute has taken yet."""
    if election.status != RESULTS:
        return []
    rows = seats_of(election)
    replaced = {s.replaces_id for s in rows if s.replaces_id}
    end = term_end(election)
    unseated = set((election.outcome or {}).get("unseated") or [])
    return [s for s in rows if s.id not in replaced and s.candidacy_id not in unseated
            and (s.membership is None or (s.membership.ends_on is not None and s.membership.ends_on < end))]


def next_substitute(election: Election, vacancy: ElectionSeat) -> Candidacy | None:
    """The first available substitute in order (not seated yet, not withdrawn, not a deleted account); from
    the vacancy's district first when the member's leaving puts that district under its reservation."""
    seated = {s.candidacy_id for s in seats_of(election)}
    by_id = {c.id: c for c in election.candidacies}
    available = [by_id[cid] for cid in (election.outcome or {}).get("substitutes") or []
                 if cid in by_id and cid not in seated and by_id[cid].status == ACCEPTED
                 and by_id[cid].result != DECLINED
                 and not getattr(by_id[cid].user, "is_deleted", False)]
    if not available:
        return None
    district = vacancy.candidacy.district_id
    reserved = {r.district_id: r.seats for r in election.reserved}
    if district in reserved:
        open_seats = [s for s in seats_of(election) if s not in vacancies(election)]
        held = sum(1 for s in open_seats if s.candidacy.district_id == district)
        if held < reserved[district]:
            same = [c for c in available if c.district_id == district]
            if same:
                return same[0]
    return available[0]


def _substitute_for(election: Election, vacancy: ElectionSeat, by) -> Candidacy:
    """The next substitute for a vacant seat of this election, once the person may act on it."""
    if by is not None:
        enforce("election.seat_substitute", by, election)
    if vacancy.election_id != election.id or vacancy not in vacancies(election):
        raise Conflict(_l("This seat is not vacant."))
    candidacy = next_substitute(election, vacancy)
    if candidacy is None:
        raise Conflict(_l("No substitute is left to take this seat."))
    return candidacy


def seat_substitute(election: Election, vacancy: ElectionSeat, *, by=None) -> ElectionSeat:
    """Seat the next substitute (:func:`next_substitute`) in the place of the member who left, for the rest
    of the term; recorded in the audit log and in a minutes draft of the council."""
    from consult.councils import services as councils
    from consult.notifications.services import notify_followers

    candidacy = _substitute_for(election, vacancy, by)
    left_on = vacancy.membership.ends_on if vacancy.membership is not None else None
    start = max(time.today(), term_start(election), (left_on + timedelta(days=1)) if left_on else date.min)
    end = term_end(election)
    if start > end:
        raise Conflict(_l("The term of this seat is over."))
    membership = councils.add_membership(election.council, candidacy.user, role="member", starts_on=start,
                                         ends_on=end, by=by)
    seat = ElectionSeat(election_id=election.id, candidacy_id=candidacy.id, membership_id=membership.id,
                        kind=SEAT_SUBSTITUTE, replaces_id=vacancy.id, seated_by_id=getattr(by, "id", None))
    db.session.add(seat)
    db.session.flush()
    audit.record("elections.substitute_seated", actor=by, subject=election, candidacy_id=candidacy.id,
                 replaces_candidacy_id=vacancy.candidacy_id, membership_id=membership.id)
    _draft_minutes(seat_record(seat), source_type="election_seat", source_id=seat.id,
                   council_id=election.council_id, by=by)
    notify_followers(candidacy, "substitute_seated", actor=by, title=election.title)
    return seat


def pass_over_substitute(election: Election, vacancy: ElectionSeat, *, by=None) -> Candidacy:
    """The next substitute for this vacancy declines the seat (told the secretary): they are passed over, for
    this seat and the next ones, and the one after them becomes the next substitute (audited)."""
    candidacy = _substitute_for(election, vacancy, by)
    candidacy.result = DECLINED
    db.session.flush()
    audit.record("elections.substitute_declined", actor=by, subject=election, candidacy_id=candidacy.id)
    return candidacy


# ------------------------------------------------------------------------------------------------ records


def _draft_minutes(record: dict, *, source_type: str, source_id: int, council_id: int, by=None) -> None:
    from consult.minutes import services as minutes

    minutes.create_draft(record, source_type=source_type, source_id=source_id, council_id=council_id,
                         actor=by)


def _names(ids, by_id) -> str:
    return ", ".join(f"{n}. {by_id[c].name}" for n, c in enumerate(ids, start=1)) or _("nobody")


def election_record(election: Election) -> dict:
    """The record of an election's results (what the council's minutes are drafted from)."""
    language = current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    by_id = {c.id: c for c in election.candidacies}
    outcome = election.outcome or {}
    poll = poll_of(election)
    stored = (poll.result or {}) if poll is not None else {}
    with force_locale(language):
        decisions = [_("Elected, in order: %(names)s.", names=_names(outcome.get("elected") or [], by_id)),
                     _("Substitutes, in order: %(names)s.",
                       names=_names(outcome.get("substitutes") or [], by_id))]
        for incoming, outgoing in outcome.get("replacements") or []:
            decisions.append(_("%(incoming)s takes a seat reserved for their district in the place of "
                               "%(outgoing)s.", incoming=by_id[incoming].name, outgoing=by_id[outgoing].name))
        decisions.append(_("Their term runs from %(start)s to %(end)s.",
                           start=term_start(election).isoformat(), end=term_end(election).isoformat()))
        description = _("%(seats)s seats, counted by: %(method)s. Ballots: %(ballots)s; voters: %(voters)s.",
                        seats=election.seats, method=str(election.method_label),
                        ballots=(stored.get("tally") or {}).get("ballots", 0), voters=stored.get("voters", 0))
        title = _("Results of the election: %(title)s", title=election.title)
    return {"kind": "election", "id": election.id, "title": title, "language": language,
            "body": election.council.name, "starts_at": (election.published_at or utcnow()).isoformat(),
            "items": [{"number": 1, "title": title, "description": description, "decisions": decisions}]}


def seat_record(seat: ElectionSeat) -> dict:
    """The record of a substitute's seating."""
    election = db.session.get(Election, seat.election_id)
    language = current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    left = seat.replaces
    with force_locale(language):
        title = _("A substitute takes a seat: %(title)s", title=election.title)
        decision = _("%(incoming)s, the next substitute of the election, takes the seat of %(outgoing)s from "
                     "%(start)s to %(end)s.", incoming=seat.candidacy.name,
                     outgoing=left.candidacy.name if left else "—",
                     start=seat.membership.starts_on.isoformat() if seat.membership else "",
                     end=seat.membership.ends_on.isoformat() if seat.membership and seat.membership.ends_on
                     else "")
    return {"kind": "election_seat", "id": seat.id, "title": title, "language": language,
            "body": election.council.name, "starts_at": seat.seated_at.isoformat(),
            "items": [{"number": 1, "title": title, "decisions": [decision]}]}


records.register("election", election_record)
records.register("election_seat", seat_record)


