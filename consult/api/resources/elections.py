"""Elections of council members: the call (calendar, seats, reserved seats, counting method, status), the
candidacies (what a candidate's public page shows: name, district, statement and its human translations,
supporters, place in the result; never the account), and the results (elected, substitutes, the count's
rounds, quota, turnout, where the ballots come from, the anonymous BLT ballot file's address).

Drafts are never listed; refused nominations are not listed either (their page is not public).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for

from consult.api.machinery import Field, Resource, builder, columns, prefetched
from consult.elections import services as elections
from consult.elections.models import DRAFT, REFUSED, RESULTS, Candidacy, Election
from consult.extensions import db
from consult.votes.models import Poll, PollOption

RESERVED_SCHEMA = {
    "type": "array",
    "description": "Seats reserved for residents of a district.",
    "items": {"type": "object", "additionalProperties": False, "required": ["district", "seats"],
              "properties": {"district": {"type": "string"}, "seats": {"type": "integer", "minimum": 1}}},
}
TRANSLATIONS_SCHEMA = {
    "type": "array",
    "description": "Human translations of the statement (never machine translations).",
    "items": {"type": "object", "additionalProperties": False, "required": ["language", "statement"],
              "properties": {"language": {"type": "string"}, "statement": {"type": "string"}}},
}
PLACE = {"type": "object", "additionalProperties": False,
         "required": ["candidacy_id", "name", "rank", "district"],
         "properties": {"candidacy_id": {"type": "integer"}, "name": {"type": "string"},
                        "rank": {"type": ["integer", "null"]}, "district": {"type": ["string", "null"]}}}
CANDIDATES_SCHEMA = {
    "type": "array",
    "description": "The ballot paper in order: each option id (as used in counts and rounds) and its "
                   "candidacy, with first preferences (STV) or approvals.",
    "items": {"type": "object", "additionalProperties": False,
              "required": ["option_id", "candidacy_id", "name", "votes"],
              "properties": {"option_id": {"type": "integer"}, "candidacy_id": {"type": ["integer", "null"]},
                             "name": {"type": "string"}, "votes": {"type": "number"}}},
}
CHANNELS_SCHEMA = {
    "type": "array",
    "description": "Where the ballots come from: online, and each polling station's paper ballots.",
    "items": {"type": "object", "additionalProperties": False,
              "required": ["name", "ballots", "blank", "invalid", "paper"],
              "properties": {"name": {"type": "string"}, "ballots": {"type": "integer"},
                             "blank": {"type": "integer"}, "invalid": {"type": "integer"},
                             "paper": {"type": "boolean"}}},
}
REPLACEMENTS_SCHEMA = {
    "type": "array",
    "description": "Seats given to a district's reserved place: who took the seat and who gave it up.",
    "items": {"type": "object", "additionalProperties": False, "required": ["seated", "gave_way"],
              "properties": {"seated": {"type": "integer"}, "gave_way": {"type": "integer"}}},
}


def _page_url(endpoint: str, **values) -> str:
    return url_for(endpoint, **values)


# -- elections ----------------------------------------------------------------------------------------------


def _published() -> sa.Select:
    return (sa.select(Election).where(Election.status != DRAFT)
            .order_by(Election.voting_opens_at.desc(), Election.id.desc()))


def _blt_url(election: Election) -> str | None:
    if election.status != RESULTS:
        return None
    return _page_url("elections.ballots_blt", election_id=election.id)


@builder
def elections_resource() -> Resource:
    return Resource(
        name="elections", title="Election", model=Election,
        description="Elections of council members: calendar (UTC), seats, reserved seats, method, status.",
        query=_published,
        date_column=lambda: Election.voting_opens_at, date_description="opening of the vote",
        fields=[
            *columns(id="integer", council_id="integer"),
            Field("council", "string", getter=lambda e: e.council.name),
            *columns(title="string", description="string", seats="integer", term_months="integer"),
            Field("reserved_seats", "array", schema=RESERVED_SCHEMA,
                  getter=lambda e: [{"district": r.district.name, "seats": r.seats} for r in e.reserved]),
            Field("method", "string", description="stv (Scottish STV rules), seq_phragmen or equal_shares"),
            Field("status", "string", description="called, voting or results"),
            Field("phase", "string", getter=lambda e: elections.phase(e),
                  description="announced, nominations, campaign, voting, counting, appeals or seated"),
            Field("supporters_needed", "integer"),
            Field("tie_seed", "string", nullable=True,
                  description="The published seed of the lots that break ties the counting rules leave."),
            *columns(called_at="date-time", nullable=True),
            *columns(nominations_open_at="date-time", nominations_close_at="date-time"),
            *columns(campaign_starts_at="date-time", nullable=True),
            *columns(voting_opens_at="date-time", voting_closes_at="date-time"),
            *columns(results_at="date-time", published_at="date-time", nullable=True),
            Field("appeal_ends_at", "date-time"),
            Field("url", "string", getter=lambda e: _page_url("elections.show", election_id=e.id),
                  description="The election's public page."),
            Field("results", "string", nullable=True,
                  getter=lambda e: (_page_url("api.show_resource", name="election-results", ident=e.id)
                                    if e.status == RESULTS else None),
                  description="The results in this API, once published."),
            Field("blt_url", "string", nullable=True, getter=_blt_url,
                  description="The anonymous ballots as a BLT file, once the results are published."),
        ],
    )


# -- candidacies --------------------------------------------------------------------------------


def _candidacies() -> sa.Select:
    return (sa.select(Candidacy).join(Election, Election.id == Candidacy.election_id)
            .where(Election.status != DRAFT, Candidacy.status != REFUSED)
            .order_by(Candidacy.election_id.desc(), Candidacy.rank.asc().nulls_last(), Candidacy.id))


def _photo_url(candidacy: Candidacy) -> str | None:
    if not candidacy.photo_name:
        return None
    return _page_url("elections.photo", candidacy_id=candidacy.id)


@builder
def candidacies() -> Resource:
    return Resource(
        name="candidacies", title="Candidacy", model=Candidacy,
        description="Candidacies in published elections, as the candidates' public pages show them.",
        query=_candidacies,
        date_column=lambda: Candidacy.created_at, date_description="submission",
        fields=[
            *columns(id="integer", election_id="integer", name="string"),
            Field("district", "string", nullable=True,
                  getter=lambda c: c.district.name if c.district is not None else None,
                  description="The candidate's district when they stood (seats may be reserved per "
                              "district)."),
            Field("language", "string", description="The language of the statement."),
            Field("statement", "string", description="In the candidate's own words (Markdown)."),
            Field("translations", "array", schema=TRANSLATIONS_SCHEMA,
                  getter=lambda c: [{"language": t.language, "statement": t.statement}
                                    for t in c.translations]),
            Field("status", "string", description="submitted, accepted or withdrawn"),
            Field("support_count", "integer"),
            Field("rank", "integer", nullable=True, description="Place in the result (1 = first elected)."),
            Field("result", "string", nullable=True, description="elected, substitute or not_elected"),
            Field("photo_url", "string", nullable=True, getter=_photo_url),
            Field("photo_alt", "string"),
            Field("url", "string", getter=lambda c: _page_url("elections.candidacy", candidacy_id=c.id)),
        ],
    )


# -- results ------------------------------------------------------------------------------------


def _with_results() -> sa.Select:
    return (sa.select(Election).where(Election.status == RESULTS)
            .order_by(Election.published_at.desc(), Election.id.desc()))


def _results_context(rows: list) -> dict:
    """The polls, their options and the candidacies of a page of elections, in three statements."""
    poll_ids = [e.poll_id for e in rows if e.poll_id]
    polls = {p.id: p for p in db.session.scalars(sa.select(Poll).where(Poll.id.in_(poll_ids)))} \
        if poll_ids else {}
    options: dict[int, list] = {pid: [] for pid in polls}
    if polls:
        for option in db.session.scalars(sa.select(PollOption).where(PollOption.poll_id.in_(list(polls)))
                                         .order_by(PollOption.poll_id, PollOption.position, PollOption.id)):
            options[option.poll_id].append(option)
    ids = [e.id for e in rows]
    people: dict[int, Candidacy] = {}
    if ids:
        people = {c.id: c for c in db.session.scalars(sa.select(Candidacy)
                                                      .where(Candidacy.election_id.in_(ids)))}
    return {"polls": polls, "options": options, "candidacies": people}


def _context(election: Election):
    found = prefetched("election-results") or _results_context([election])
    poll = found["polls"].get(election.poll_id)
    stored = (poll.result or {}) if poll is not None else {}
    return found, poll, stored, stored.get("tally") or {}


def _place(found, candidacy_id: int) -> dict:
    c = found["candidacies"].get(candidacy_id)
    return {"candidacy_id": candidacy_id, "name": c.name if c else "", "rank": c.rank if c else None,
            "district": c.district.name if c is not None and c.district is not None else None}


def _places(key: str):
    def get(election):
        found = _context(election)[0]
        return [_place(found, cid) for cid in (election.outcome or {}).get(key) or []]

    return get


def _candidates(election):
    found, poll, _stored, tally = _context(election)
    counts = tally.get("counts") or {}
    return [{"option_id": o.id, "candidacy_id": o.target_id if o.target_type == "candidacy" else None,
             "name": o.label, "votes": _number(counts.get(str(o.id), 0))}
            for o in (found["options"].get(poll.id, []) if poll is not None else [])]


def _number(value):
    if isinstance(value, bool) or value is None:
        return 0
    if isinstance(value, int | float):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0


def _tally_value(key: str, kind=None):
    def get(election):
        value = _context(election)[3].get(key)
        return kind(value) if kind is not None and value is not None else value

    return get


def _stored(key: str):
    return lambda election: _context(election)[2].get(key)


def _turnout(election):
    stored = _context(election)[2]
    voters, eligible = stored.get("voters"), stored.get("eligible")
    return round(voters / eligible, 4) if voters is not None and eligible else None


def _channels(election):
    return [{"name": str(c.get("name")), "ballots": int(c.get("ballots") or 0),
             "blank": int(c.get("blank") or 0), "invalid": int(c.get("invalid") or 0),
             "paper": c.get("name") != "online"}
            for c in _context(election)[2].get("channels") or []]


def _rounds(election):
    rounds = _context(election)[3].get("rounds") or []
    return [r for r in rounds if isinstance(r, dict)]


@builder
def election_results() -> Resource:
    return Resource(
        name="election-results", title="ElectionResult", model=Election,
        description="Published results of elections: elected, substitutes in order, the count's rounds, "
                    "quota, turnout, provenance of the ballots and the BLT ballot file. The id is the "
                    "election's.",
        query=_with_results, prefetch=_results_context,
        date_column=lambda: Election.published_at, date_description="publication of the results",
        fields=[
            Field("id", "integer"),
            Field("election_id", "integer", getter=lambda e: e.id),
            *columns(title="string", seats="integer", method="string"),
            Field("method_rules", "string", nullable=True, getter=_tally_value("method_rules", str),
                  description="The named rule set the count followed."),
            Field("published_at", "date-time", nullable=True),
            Field("term_start", "date", getter=lambda e: elections.term_start(e)),
            Field("term_end", "date", getter=lambda e: elections.term_end(e)),
            Field("elected", "array", schema={"type": "array", "items": PLACE}, getter=_places("elected"),
                  description="The elected, in the order of the result."),
            Field("substitutes", "array", schema={"type": "array", "items": PLACE},
                  getter=_places("substitutes"), description="The next candidates in order, kept as "
                                                             "substitutes."),
            Field("replacements", "array", schema=REPLACEMENTS_SCHEMA,
                  getter=lambda e: [{"seated": a, "gave_way": b}
                                    for a, b in (e.outcome or {}).get("replacements") or []]),
            Field("quota", "number", nullable=True, getter=_tally_value("quota", _number),
                  description="The Droop quota (STV); null for the approval methods."),
            Field("ballots", "integer", getter=lambda e: int(_context(e)[3].get("ballots") or 0)),
            Field("voters", "integer", nullable=True, getter=_stored("voters")),
            Field("eligible", "integer", nullable=True, getter=_stored("eligible")),
            Field("turnout", "number", nullable=True, getter=_turnout,
                  description="voters / eligible, when the number of eligible residents is known."),
            Field("candidates", "array", schema=CANDIDATES_SCHEMA, getter=_candidates),
            Field("rounds", "array", getter=_rounds,
                  schema={"type": "array", "items": {"type": "object"},
                          "description": "The count round by round, as the method wrote it (option ids as "
                                         "in 'candidates')."}),
            Field("tie_breaks", "array", getter=lambda e: list(_context(e)[3].get("tie_breaks") or []),
                  schema={"type": "array", "description": "How each tie was broken (earlier round, then "
                                                          "a lot drawn from the published seed)."}),
            Field("tie_seed", "string", nullable=True),
            Field("channels", "array", schema=CHANNELS_SCHEMA, getter=_channels),
            Field("blt_url", "string", getter=lambda e: _page_url("elections.ballots_blt", election_id=e.id),
                  description="The anonymous ballots, grouped, as a BLT file anyone can recount."),
        ],
    )
