"""The demo's Council of Cultures elected in 2025: 12 seats (3 reserved for districts), nominations with
supporters, statements in several languages with human translations, ballots online and on paper, results,
the elected seated as the council's members (the demo's president, secretary and member among them) and the
substitutes kept."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from consult.councils.models import Council
from consult.elections import services as elections
from consult.elections.models import Election
from consult.minutes.models import Minutes
from consult.votes import services as votes


def test_the_council_of_cultures_elected_in_2025(db):
    from consult.demo import _accounts
    from consult.demo import councils as demo_councils
    from consult.demo import elections as demo_elections

    _accounts()
    demo_councils.load()
    demo_elections.load()
    db.session.commit()
    election = db.session.scalar(sa.select(Election))
    assert election.status == "results" and election.seats == 12 and election.reserved_total == 3
    assert election.voting_closes_at.year == 2025 and election.published_at.year == 2025
    by_id = {c.id: c for c in election.candidacies}
    elected = [by_id[c] for c in election.outcome["elected"]]
    substitutes = [by_id[c] for c in election.outcome["substitutes"]]
    assert len(elected) == 12 and len(substitutes) == 6 and election.outcome["unseated"] == []
    names = {c.user.username for c in elected}
    assert {"president", "secretary", "member", "fatou", "rahel", "dmytro", "maria"} <= names
    assert not names & {"resident", "observer", "moderator", "translator", "newcomer"}
    reserved = {r.district.code for r in election.reserved}
    assert reserved <= {c.district.code for c in elected}
    # nominations had their supporters; statements in several languages, some translated by a person
    assert all(c.support_count >= election.supporters_needed for c in election.candidacies)
    assert len({c.language for c in election.candidacies}) >= 5
    translated = [t for c in election.candidacies for t in c.translations]
    assert len(translated) >= 3 and all(t.translator.username == "translator" for t in translated)
    # the count: online and a polling station's paper slips typed twice
    result = votes.results(elections.poll_of(election))
    assert [c["name"] for c in result.channels] == ["online", "Town hall (Sala Gialla)"]
    assert result.voters == demo_elections.VOTERS + len(demo_elections.PAPER)
    # the elected are the council's members for 2025-2028, with the officers' roles
    council = db.session.scalar(sa.select(Council))
    today = date(2026, 1, 15)
    roles = {m.user.username: m.role for m in council.memberships
             if m.starts_on <= today and (m.ends_on is None or m.ends_on >= today)}
    assert roles["president"] == "president" and roles["secretary"] == "secretary"
    assert roles["member"] == "member" and roles["maria"] == "vice_president"
    assert roles["observer"] == "observer"
    seats = elections.seats_of(election)
    assert len(seats) == 12 and {s.membership.starts_on for s in seats} == {date(2025, 3, 1)}
    assert {s.membership.ends_on for s in seats} == {date(2028, 2, 29)}
    # the council's minutes record the results
    minutes = db.session.scalar(sa.select(Minutes).where(Minutes.source_type == "election"))
    assert minutes.status == "published"
