"""Read models of the election pages (a fixed number of statements per page), and the BLT ballot file."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from consult.core.policy import can
from consult.elections import services as elections
from consult.elections.models import ACCEPTED, REFUSED, SUBMITTED, WITHDRAWN

PHASE_LABELS = {
    "draft": _l("Draft: not published yet"),
    "announced": _l("Called: nominations open soon"),
    "nominations": _l("Nominations are open"),
    "campaign": _l("Campaign: nominations are closed"),
    "voting": _l("Voting is open"),
    "counting": _l("Voting has closed: counting"),
    "appeals": _l("Results published: appeal window"),
    "seated": _l("Results published: the elected members are seated"),
}
CALENDAR_LABELS = {
    "called_at": _l("Call published"),
    "nominations_open_at": _l("Nominations open"),
    "nominations_close_at": _l("Nominations close"),
    "campaign_starts_at": _l("Campaign starts"),
    "voting_opens_at": _l("Voting opens"),
    "voting_closes_at": _l("Voting closes"),
    "results_at": _l("Results"),
    "appeal_ends_at": _l("End of the appeal window"),
}


def calendar_rows(election) -> list[tuple]:
    rows = []
    for name, label in CALENDAR_LABELS.items():
        value = getattr(election, name)
        if value is not None:
            rows.append((name, label, value))
    if election.published_at is not None:
        rows.append(("published_at", _l("Results published"), election.published_at))
    return rows


def election_page(election, person) -> dict:
    organiser = bool(can("election.manage", election))
    shown = [c for c in election.candidacies
             if c.status in (ACCEPTED, SUBMITTED, WITHDRAWN) or (c.status == REFUSED and organiser)
             or (c.status == REFUSED and getattr(person, "id", None) == c.user_id)]
    ordered = sorted(shown, key=lambda c: (c.rank or 10**6, {ACCEPTED: 0, SUBMITTED: 1, WITHDRAWN: 2}.get(
        c.status, 3), c.name.casefold()))
    mine = next((c for c in election.candidacies if c.user_id == getattr(person, "id", None)), None)
    poll = elections.poll_of(election)
    return {"election": election, "phase": elections.phase(election),
            "phase_labels": PHASE_LABELS, "calendar": calendar_rows(election), "candidacies": ordered,
            "mine": mine, "organiser": organiser, "poll": poll,
            "vote_decision": can("votes.vote", poll) if poll is not None and poll.is_open else None,
            "stand_decision": can("election.stand", election),
            "term_start": elections.term_start(election), "term_end": elections.term_end(election)}


def manage_page(election) -> dict:
    candidacies = sorted(election.candidacies, key=lambda c: (
        {SUBMITTED: 0, ACCEPTED: 1, REFUSED: 2, WITHDRAWN: 3}.get(c.status, 4), c.id))
    vacancies = elections.vacancies(election)
    return {"election": election, "phase": elections.phase(election), "phase_labels": PHASE_LABELS,
            "calendar": calendar_rows(election), "candidacies": candidacies,
            "poll": elections.poll_of(election), "vacancies": vacancies,
            "next_substitutes": {s.id: elections.next_substitute(election, s) for s in vacancies},
            "seats": elections.seats_of(election) if election.status == "results" else [],
            "unseated": [c for c in election.candidacies
                         if c.id in set((election.outcome or {}).get("unseated") or [])],
            "paper_link": _paper_link(election)}


def _paper_link(election) -> str | None:
    """The page where two registrars enter paper ballots one by one."""
    from consult.votes.paper_counts import entry_url

    return entry_url(elections.poll_of(election))


def results_page(election) -> dict:
    from consult.votes import methods
    from consult.votes import services as engine

    poll = elections.poll_of(election)
    by_id = {c.id: c for c in election.candidacies}
    outcome = election.outcome or {}
    result = engine.results(poll)
    return {"election": election, "poll": poll, "result": result, "method": methods.get(poll.method),
            "verdicts": engine.VERDICTS, "live": False, "named_votes": [],
            "elected": [by_id[c] for c in outcome.get("elected") or [] if c in by_id],
            "substitutes": [by_id[c] for c in outcome.get("substitutes") or [] if c in by_id],
            "replacements": [(by_id[a], by_id[b]) for a, b in outcome.get("replacements") or []
                             if a in by_id and b in by_id],
            "unseated": [by_id[c] for c in outcome.get("unseated") or [] if c in by_id],
            "term_start": elections.term_start(election), "term_end": elections.term_end(election),
            "blt": blt_available() and poll.method == "stv", "open_data": _open_data_link(election),
            "seats": elections.seats_of(election)}


def _open_data_link(election) -> str | None:
    """The election's results in the open-data API, when the API serves them (``election-results``)."""
    try:
        return url_for("api.show_resource", name="election-results", ident=election.id)
    except Exception:  # noqa: BLE001 - no open-data API in this installation
        return None


def blt_available() -> bool:
    try:
        from consult.votes.counting import blt  # noqa: F401
    except ImportError:
        return False
    return True


def blt_text(election) -> str | None:
    """The ballots of an STV election as a BLT file (``consult.votes.counting.blt``): candidates numbered
    in ballot-paper order, each different ranking once with its weight (``GROUP BY choice``), the
    candidates' names and the election's title. Withdrawn candidates are not on the ballot paper at all."""
    if not blt_available():
        return None
    from consult.votes.counting import blt

    poll = elections.poll_of(election)
    if poll is None or not poll.is_closed or poll.method != "stv":
        return None
    try:  # online ballots and the counted paper ballots typed twice, as the count saw them
        from consult.votes.paper_ballots import all_ballot_groups as groups_of
    except ImportError:  # pragma: no cover - a tree without paper ballots
        from consult.votes.tallies import ballot_groups as groups_of
    groups = [(tuple(choice), weight) for choice, weight in groups_of(poll)]
    candidates = [o.id for o in poll.options]
    return blt.write(groups, candidates, {o.id: o.label for o in poll.options}, election.seats,
                     election.title)
