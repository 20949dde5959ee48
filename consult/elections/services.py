"""Election services: the call, candidacies and their supporters, voting, the count and its reserved seats,
seating the elected and their substitutes.

Rules kept here (views, the CLI, the demo and tests all come through these functions; they flush, never
commit):

* An election is created as a draft; publishing the call fixes it to the public and draws the **tie seed**
  (random, shown on the election's page from then on, and given to the poll: the lots that break ties are
  drawn from it, see ``consult.elections.counting``).
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

import calendar
import secrets
from collections.abc import Iterable
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from consult.core import audit, records, time
from consult.core.db import insert_once
from consult.core.errors import Conflict, DomainError
from consult.core.models import utcnow
from consult.core.policy import enforce
from consult.elections.models import (
    ACCEPTED,
    CALLED,
    DECLINED,
    DRAFT,
    ELECTED,
    METHODS,
    NOT_ELECTED,
    REFUSED,
    RESULTS,
    SEAT_ELECTED,
    SEAT_SUBSTITUTE,
    SUBMITTED,
    SUBSTITUTE,
    VOTING,
    WITHDRAWN,
    Candidacy,
    CandidacySupport,
    CandidacyTranslation,
    Election,
    ElectionSeat,
    ReservedSeats,
)
from consult.extensions import db
from consult.residency.models import LEVEL_VERIFIED, District, EligibilityRule

CANDIDATE_RULE = {"name": "Candidates: verified residents aged 18 or over", "min_level": LEVEL_VERIFIED,
                  "min_age": 18}
TITLE_MAX, DESCRIPTION_MAX, STATEMENT_MAX, NAME_MAX = 200, 20_000, 10_000, 120
PHOTO_MAX_BYTES = 5 * 1024 * 1024
UPLOAD_AREA = "elections"
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


# ------------------------------------------------------------------------------------------------ candidacies


def _languages() -> dict:
    return current_app.config["LANGUAGES"]


def _statement(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(_l("Please write your statement."), field="statement")
    if len(text) > STATEMENT_MAX:
        raise DomainError(_l("At most %(n)s characters.", n=STATEMENT_MAX), field="statement")
    return text


def _store_photo(candidacy: Candidacy, photo) -> None:
    """``photo``: (bytes, file name) of an image; a PDF is refused (a photo is an image)."""
    from consult.core.uploads import remove, store

    data, filename = photo
    stored = store(data, filename, area=UPLOAD_AREA, max_bytes=PHOTO_MAX_BYTES, field="photo")
    if not stored.media_type.startswith("image/"):
        remove(UPLOAD_AREA, stored.stored_name)
        raise DomainError(_l("The photo must be an image (PNG, JPEG, GIF or WebP)."), field="photo")
    if candidacy.photo_name:
        remove(UPLOAD_AREA, candidacy.photo_name)
    candidacy.photo_name, candidacy.photo_type = stored.stored_name, stored.media_type


def stand(election: Election, person, *, name: str, statement: str, language: str, photo=None,
          photo_alt: str = "") -> Candidacy:
    """``person`` stands: a candidacy waiting for supporters and review. The candidate follows the election
    and the candidacy (so they hear of the review, the vote and the result)."""
    from consult.notifications.services import follow
    from consult.residency.policies import current_status

    enforce("election.stand", person, election)
    name = " ".join((name or "").split()) or person.display_name
    if len(name) > NAME_MAX:
        raise DomainError(_l("At most %(n)s characters.", n=NAME_MAX), field="name")
    if language not in _languages():
        raise DomainError(_l("Please choose the language of your statement."), field="language")
    status = current_status(person)
    candidacy = Candidacy(election_id=election.id, user_id=person.id, name=name,
                          statement=_statement(statement),
                          language=language, district_id=status.district_id if status else None,
                          status=SUBMITTED, photo_alt=(photo_alt or "").strip()[:300])
    if photo is not None:
        _store_photo(candidacy, photo)
    db.session.add(candidacy)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError:
        raise Conflict(_l("You already stand in this election.")) from None
    db.session.expire(election, ["candidacies"])
    audit.record("elections.stood", actor=person, subject=candidacy, election_id=election.id)
    follow(person, election)
    follow(person, candidacy)
    return candidacy


def withdraw(candidacy: Candidacy, person) -> Candidacy:
    """The candidate withdraws, until voting starts (final: they cannot stand again in this election)."""
    enforce("candidacy.withdraw", person, candidacy)
    candidacy.status = WITHDRAWN
    candidacy.withdrawn_at = utcnow()
    db.session.flush()
    audit.record("elections.withdrawn", actor=person, subject=candidacy)
    return candidacy


def support(candidacy: Candidacy, person) -> int:
    """One support per eligible voter; returns the new count (moved in SQL, like a proposal's supports)."""
    enforce("candidacy.support", person, candidacy)
    if not insert_once(CandidacySupport, candidacy_id=candidacy.id, user_id=person.id):
        raise Conflict(_l("You already support this nomination."))
    count = db.session.execute(
        sa.update(Candidacy).where(Candidacy.id == candidacy.id)
        .values(support_count=Candidacy.support_count + 1).returning(Candidacy.support_count)
        .execution_options(synchronize_session=False)).scalar()
    set_committed_value(candidacy, "support_count", count)
    return count


def supports(person, candidacy: Candidacy) -> bool:
    if not getattr(person, "is_authenticated", False):
        return False
    return db.session.scalar(sa.select(sa.exists().where(CandidacySupport.candidacy_id == candidacy.id,
                                                         CandidacySupport.user_id == person.id)))


def review(candidacy: Candidacy, by, *, accept: bool, reason: str = "") -> Candidacy:
    """The organisers accept a nomination (once it has its supporters) or refuse it with a reason."""
    from consult.notifications.services import notify_followers

    enforce("candidacy.review", by, candidacy)
    election = candidacy.election
    reason = (reason or "").strip()
    if accept:
        if candidacy.support_count < election.supporters_needed:
            raise Conflict(_l("This nomination has %(have)s supporters of the %(need)s it needs.",
                              have=candidacy.support_count, need=election.supporters_needed))
    elif not reason:
        raise DomainError(_l("Please give the reason of the refusal."), field="reason")
    candidacy.status = ACCEPTED if accept else REFUSED
    candidacy.review_reason = reason[:5000]
    candidacy.reviewed_by_id, candidacy.reviewed_at = by.id, utcnow()
    db.session.flush()
    audit.record("elections.nomination_accepted" if accept else "elections.nomination_refused", actor=by,
                 subject=candidacy)
    notify_followers(candidacy, "nomination_accepted" if accept else "nomination_refused", actor=by,
                     title=candidacy.election.title)
    return candidacy


def translate(candidacy: Candidacy, actor, *, language: str, statement: str) -> CandidacyTranslation:
    """Add (or correct) a human translation of the statement: the candidate or a translator."""
    enforce("candidacy.translate", actor, candidacy)
    if language not in _languages():
        raise DomainError(_l("Please choose a language."), field="language")
    if language == candidacy.language:
        raise DomainError(_l("The statement is already written in this language."), field="language")
    text = _statement(statement)
    existing = next((t for t in candidacy.translations if t.language == language), None)
    if existing is None:
        existing = CandidacyTranslation(candidacy=candidacy, language=language, statement=text)
        db.session.add(existing)
    existing.statement, existing.translator_id = text, actor.id
    db.session.flush()
    audit.record("elections.translated", actor=actor, subject=candidacy, language=language)
    return existing


def in_language(candidacy: Candidacy, language: str) -> tuple[str, CandidacyTranslation | None]:
    """The statement a reader of ``language`` sees: a human translation when there is one, else the
    original."""
    if language != candidacy.language:
        found = next((t for t in candidacy.translations if t.language == language), None)
        if found is not None:
            return found.statement, found
    return candidacy.statement, None


def accepted(election: Election) -> list[Candidacy]:
    return [c for c in election.candidacies if c.status == ACCEPTED]


# ------------------------------------------------------------------------------------------------ voting


def poll_of(election: Election):
    from consult.votes.models import Poll

    return db.session.get(Poll, election.poll_id) if election.poll_id else None


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


# ------------------------------------------------------------------------------------------------ the count


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


def seat_substitute(election: Election, vacancy: ElectionSeat, *, by=None) -> ElectionSeat:
    """Seat the next substitute (:func:`next_substitute`) in the place of the member who left, for the rest
    of the term; recorded in the audit log and in a minutes draft of the council."""
    from consult.councils import services as councils
    from consult.notifications.services import notify_followers

    if by is not None:
        enforce("election.seat_substitute", by, election)
    if vacancy.election_id != election.id or vacancy not in vacancies(election):
        raise Conflict(_l("This seat is not vacant."))
    candidacy = next_substitute(election, vacancy)
    if candidacy is None:
        raise Conflict(_l("No substitute is left to take this seat."))
    left_on = vacancy.membership.ends_on if vacancy.membership is not None else None
    start = max(utcnow().date(), term_start(election), (left_on + timedelta(days=1)) if left_on else date.min)
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
    if by is not None:
        enforce("election.seat_substitute", by, election)
    if vacancy.election_id != election.id or vacancy not in vacancies(election):
        raise Conflict(_l("This seat is not vacant."))
    candidacy = next_substitute(election, vacancy)
    if candidacy is None:
        raise Conflict(_l("No substitute is left to take this seat."))
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
