"""Election services: the call, candidacies and their supporters, voting, the count and its reserved seats,
seating the elected and their substitutes.

Rules kept here (views, the CLI, the demo and tests all come through these functions; they flush, never
commit):

* An election is created as a draft; publishing the call fixes it to the public and draws the **tie seed**
  (random, shown on the election's page from then on, and given to the poll: the lots that break ties are
  drawn from it, see ``consult.votes.counting``).
* The calendar is checked in order: nominations open < nominations close <= campaign <= voting opens < voting
  closes <= results <= end of the appeal window. It can change until voting starts.
* A candidacy needs the candidacy rule (residence facts only) while nominations are open; the candidate's
  district is taken from their residence record when they stand. Minimum months of residence are **not** a
  rule: the residence record knows when residence was verified, not since when the person lives in the city.
* A nomination that needs N supporters can be accepted once N eligible voters support it (one support per
  person, the unique constraint decides). Organisers accept or refuse with a reason (a refusal needs one);
  the candidate hears of it ("nomination accepted").
* Withdrawal: by the candidate, until voting starts.
* Voting: the election's poll (``consult.votes``, secret) has the accepted candidacies as options
  (``target_type="candidacy"``); the votes' ballot page, trackers and close flow are used as they are.
* **Reserved seats** (:func:`apply_reservations`): the count gives the full order of the candidates (the
  elected in order of election, then the rest in the order they would take a seat). The first ``seats`` are
  elected. Then, as long as a district with reserved seats has fewer elected than reserved, its
  highest-placed candidate not elected replaces the lowest-placed elected candidate whose seat no reservation
  needs (a candidate of a district that keeps at least its reserved number without them, or of a district
  with none reserved). A district without (enough) candidates leaves its reservation unfilled: the seat goes
  by the order. The elected are listed in the count's order; all the others are substitutes, in the count's
  order (a candidate who lost a seat to a reservation is the first substitute of those after them).
* Results: the elected get memberships of the council (role member) from the day after the appeal window
  ends, for ``term_months`` (so they start by themselves); the minutes of the council get a draft that states
  the results (``consult.core.records``, ``source_type="election"``).
* Substitutes: when an elected member's term ends before its end (the member left), the secretary seats the
  first available substitute in order — from the same district when the member's leaving puts a district
  under its reservation and that district has a substitute left — for the rest of the term; recorded in the
  audit log and in a minutes draft of the council (``source_type="election_seat"``).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from consult.core import audit
from consult.core.errors import Conflict, DomainError
from consult.core.models import utcnow
from consult.core.policy import enforce
from consult.elections.appeals import appeals_of, decide_appeal, lodge_appeal  # noqa: F401 - named here
from consult.elections.candidacies import (  # noqa: F401 - the services of elections are named here
    PHOTO_MAX_BYTES,
    UPLOAD_AREA,
    accepted,
    in_language,
    review,
    stand,
    support,
    supports,
    translate,
    withdraw,
)
from consult.elections.models import CALLED, DRAFT, METHODS, VOTING, Election, ReservedSeats
from consult.elections.results import (  # noqa: F401 - the services of elections are named here
    add_months,
    apply_reservations,
    count_and_publish,
    election_record,
    next_substitute,
    pass_over_substitute,
    poll_of,
    seat_record,
    seat_substitute,
    seats_of,
    term_end,
    term_start,
    vacancies,
)
from consult.extensions import db
from consult.residency.models import LEVEL_VERIFIED, District, EligibilityRule

CANDIDATE_RULE = {"name": "Candidates: verified residents aged 18 or over", "min_level": LEVEL_VERIFIED,
                  "min_age": 18}
TITLE_MAX, DESCRIPTION_MAX = 200, 20_000
#: the calendar's fields, in the order they must come
CALENDAR = ("nominations_open_at", "nominations_close_at", "campaign_starts_at", "voting_opens_at",
            "voting_closes_at", "results_at", "appeal_ends_at")
REQUIRED_DATES = ("nominations_open_at", "nominations_close_at", "voting_opens_at", "voting_closes_at",
                  "appeal_ends_at")


# ------------------------------------------------------------------------------------------------ the call


def default_voter_rule() -> EligibilityRule:
    """Verified residents aged 16 or over, any nationality (the rule of binding votes)."""
    from consult.votes.services import default_binding_rule

    return default_binding_rule()


def default_candidate_rule() -> EligibilityRule:
    """Verified residents aged 18 or over, any nationality (created once)."""
    rule = db.session.scalar(sa.select(EligibilityRule).where(EligibilityRule.name == CANDIDATE_RULE["name"]))
    if rule is None:
        rule = EligibilityRule(district_ids=[], accept_declared_birth_year=False, **CANDIDATE_RULE)
        db.session.add(rule)
        db.session.flush()
    return rule


def _check_calendar(dates: dict) -> dict:
    for name in REQUIRED_DATES:
        if dates.get(name) is None:
            raise DomainError(_l("Please give this date."), field=name)
    previous = None
    for name in CALENDAR:
        value = dates.get(name)
        if value is None:
            continue
        if previous is not None:
            earlier_name, earlier = previous
            strict = name in ("nominations_close_at", "voting_closes_at")
            if value < earlier or (strict and value == earlier):
                raise DomainError(_l("This date must come after the one before it in the calendar."),
                                  field=name)
        previous = (name, value)
    return {name: dates.get(name) for name in CALENDAR}


def _check_settings(*, title, seats, term_months, method, supporters_needed) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise DomainError(_l("Please give the election a title."), field="title")
    if len(title) > TITLE_MAX:
        raise DomainError(_l("At most %(n)s characters.", n=TITLE_MAX), field="title")
    if seats is None or not 1 <= int(seats) <= 200:
        raise DomainError(_l("Between 1 and 200 seats."), field="seats")
    if term_months is None or not 1 <= int(term_months) <= 120:
        raise DomainError(_l("A term of 1 to 120 months."), field="term_months")
    if method not in METHODS:
        raise DomainError(_l("Choose a counting method from the list."), field="method")
    if supporters_needed is None or not 0 <= int(supporters_needed) <= 10_000:
        raise DomainError(_l("Between 0 and 10,000 supporters."), field="supporters_needed")
    return title


def _reserved_rows(election: Election, reserved: dict[int, int] | Iterable[int] | None) -> None:
    """``reserved``: district id -> seats (or district ids, one seat each)."""
    if reserved is None:
        return
    wanted = dict(reserved) if isinstance(reserved, dict) else {int(d): 1 for d in reserved}
    wanted = {int(d): int(n) for d, n in wanted.items() if n}
    if any(not 0 < d <= 2**31 - 1 for d in wanted):  # no such id (and none the database could compare)
        raise DomainError(_l("Unknown district."), field="reserved")
    known = set(db.session.scalars(sa.select(District.id).where(District.id.in_(list(wanted) or [0]))))
    if set(wanted) - known:
        raise DomainError(_l("Unknown district."), field="reserved")
    if any(n < 1 for n in wanted.values()):
        raise DomainError(_l("This number is too small."), field="reserved")
    if sum(wanted.values()) > election.seats:
        raise DomainError(_l("More seats are reserved than the election fills."), field="reserved")
    election.reserved = [ReservedSeats(district_id=d, seats=n) for d, n in sorted(wanted.items())]


def create_election(council, *, title: str, seats: int, term_months: int, calendar: dict,
                    method: str = "stv", description: str = "", supporters_needed: int = 0,
                    reserved=None, voter_rule: EligibilityRule | None = None,
                    candidate_rule: EligibilityRule | None = None, by=None) -> Election:
    """An election of ``council`` as a draft (organisers only: ``election.manage``). ``calendar`` holds the
    dates of :data:`CALENDAR` (naive UTC); ``reserved`` maps district ids to reserved seats."""
    if by is not None:
        enforce("election.manage", by, council)
    title = _check_settings(title=title, seats=seats, term_months=term_months, method=method,
                            supporters_needed=supporters_needed)
    dates = _check_calendar(calendar)
    election = Election(council_id=council.id, title=title, description=(description or "")[:DESCRIPTION_MAX],
                        seats=int(seats), term_months=int(term_months), method=method,
                        supporters_needed=int(supporters_needed), status=DRAFT,
                        voter_rule_id=(voter_rule or default_voter_rule()).id,
                        candidate_rule_id=(candidate_rule or default_candidate_rule()).id,
                        created_by_id=getattr(by, "id", None), **dates)
    _reserved_rows(election, reserved)
    db.session.add(election)
    db.session.flush()
    audit.record("elections.created", actor=by, subject=election, council_id=council.id)
    return election


def update_election(election: Election, *, by=None, title: str, seats: int, term_months: int,
                    calendar: dict, method: str, description: str = "", supporters_needed: int = 0,
                    reserved=None, voter_rule: EligibilityRule | None = None,
                    candidate_rule: EligibilityRule | None = None) -> Election:
    """Change the call until voting starts (the tie seed, once drawn, never changes)."""
    if by is not None:
        enforce("election.edit", by, election)
    if election.status not in (DRAFT, CALLED):
        raise Conflict(_l("This election can no longer be changed: voting has started."))
    title = _check_settings(title=title, seats=seats, term_months=term_months, method=method,
                            supporters_needed=supporters_needed)
    dates = _check_calendar(calendar)
    election.title, election.description = title, (description or "")[:DESCRIPTION_MAX]
    election.seats, election.term_months = int(seats), int(term_months)
    election.method, election.supporters_needed = method, int(supporters_needed)
    election.voter_rule_id = (voter_rule or default_voter_rule()).id
    election.candidate_rule_id = (candidate_rule or default_candidate_rule()).id
    for name, value in dates.items():
        setattr(election, name, value)
    _reserved_rows(election, reserved if reserved is not None else {})
    db.session.flush()
    audit.record("elections.updated", actor=by, subject=election)
    return election


def publish_call(election: Election, *, by=None) -> Election:
    """Publish the call: the election becomes public and its tie seed is drawn and shown."""
    if by is not None:
        enforce("election.publish_call", by, election)
    if election.status != DRAFT:
        raise Conflict(_l("The call of this election is already published."))
    election.status = CALLED
    election.called_at = utcnow()
    election.tie_seed = secrets.token_hex(16)
    db.session.flush()
    audit.record("elections.called", actor=by, subject=election, tie_seed=election.tie_seed)
    return election


# ------------------------------------------------------------------------------------------------ voting


def open_voting(election: Election, *, by=None):
    """Make (or open) the election's poll: the accepted candidacies are its options, the voter rule its rule,
    the election its owner; the followers of the election hear that voting is open."""
    from consult.notifications.services import notify_followers
    from consult.votes import services as engine

    if by is not None:
        enforce("election.open_voting", by, election)
    if election.status != CALLED:
        raise Conflict(_l("Voting can be opened only once, after the call."))
    candidates = accepted(election)
    if len(candidates) < 2:
        raise Conflict(_l("At least two accepted candidacies are needed to open voting."))
    now = utcnow()
    if election.voting_closes_at <= now:
        raise DomainError(_l("The voting period is already over: change the calendar first."),
                          field="voting_closes_at")
    poll = poll_of(election)
    if poll is None:
        poll = engine.create_poll(
            question=election.title[:500], method=election.method, mode="secret", rule=election.voter_rule,
            options=[{"label": c.name, "target_type": "candidacy", "target_id": c.id} for c in candidates],
            owner_type="election", owner_id=election.id, opens_at=now, closes_at=election.voting_closes_at,
            description=election.description, created_by=by, seats=election.seats,
            tie_seed=election.tie_seed)
        election.poll_id = poll.id
    engine.open_poll(poll, by=by)
    election.status = VOTING
    if election.voting_opens_at > now:
        election.voting_opens_at = now
    db.session.flush()
    audit.record("elections.voting_opened", actor=by, subject=election, poll_id=poll.id)
    notify_followers(election, "election_voting_open", actor=by)
    return poll


# ------------------------------------------------------------------------------------------------ reading


def elections_of(council, *, include_drafts: bool = False) -> list[Election]:
    query = (sa.select(Election).options(sa.orm.lazyload(Election.reserved))
             .where(Election.council_id == council.id))
    if not include_drafts:
        query = query.where(Election.status != DRAFT)
    return list(db.session.scalars(query.order_by(Election.nominations_open_at.desc(), Election.id.desc())))


def phase(election: Election, now: datetime | None = None) -> str:
    """Where the election stands: draft, announced, nominations, campaign, waiting for voting, voting,
    counting, appeals, seated."""
    now = now or utcnow()
    if election.status == DRAFT:
        return "draft"
    if election.status == CALLED:
        if now < election.nominations_open_at:
            return "announced"
        if now < election.nominations_close_at:
            return "nominations"
        return "campaign"
    if election.status == VOTING:
        return "voting" if now < election.voting_closes_at else "counting"
    return "appeals" if now < election.appeal_ends_at else "seated"
