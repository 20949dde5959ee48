"""An election walked in a real browser, from the call to the seated members: the secretary calls it,
residents stand and support, the secretary accepts the nominations and opens voting, several residents vote
on the votes' ballot page (secret, with trackers), the secretary counts, the results page shows the elected,
the substitutes and the count's chart, and the elected sit in the council."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from consult.core.models import utcnow
from consult.councils import services as councils
from consult.elections import services as elections
from consult.elections.models import Election
from consult.extensions import db
from tests.browser.conftest import sign_in

ROME = ZoneInfo("Europe/Rome")


def local(moment) -> str:
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(ROME).strftime("%Y-%m-%dT%H:%M")


def _as(new_context, base, username, *, javascript=True):
    page = new_context(java_script_enabled=javascript).new_page()
    sign_in(page, base, username)
    return page


def _stand(page, base, election_id, name, statement):
    page.goto(f"{base}/elections/{election_id}")
    page.get_by_role("link", name="Stand as a candidate").click()
    page.get_by_label("Your name on the ballot").fill(name)
    page.get_by_label("Your statement", exact=True).fill(statement)
    page.get_by_role("button", name="Stand as a candidate").click()
    expect(page.get_by_text("Your candidacy is registered.")).to_be_visible()
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def _vote(page, base, election_id, ranking):
    page.goto(f"{base}/elections/{election_id}")
    page.get_by_role("link", name="Go to the ballot").click()
    for rank, name in enumerate(ranking, start=1):
        page.get_by_label(name).select_option(str(rank))
    page.get_by_role("button", name="Check my ballot").click()
    expect(page.get_by_text(f"1. {ranking[0]}")).to_be_visible()
    page.get_by_role("button", name="Cast my vote").click()
    expect(page.locator("#tracker")).to_be_visible()


@pytest.mark.browser
def test_an_election_from_the_call_to_the_seated_members(live_server, new_context, make_user):
    council = councils.create_council(name="Council of Cultures", purpose="Residents of every origin.")
    secretary = make_user("secr", display_name="Mariam", verified=True, birth_year=1980)
    councils.add_membership(council, secretary, role="secretary",
                            starts_on=date.today() - timedelta(days=100))
    names = {"amina": "Amina Diallo", "chen": "Chen Wei", "rosa": "Rosa Quispe"}
    for username in ("amina", "chen", "rosa", "yusuf", "olga", "femi"):
        make_user(username, display_name=names.get(username, username.title()), verified=True,
                  birth_year=1990)
    db.session.commit()
    base = live_server

    # the call, typed on the city's clock, then published with its tie seed (JavaScript off)
    officer = _as(new_context, base, "secr", javascript=False)
    officer.goto(f"{base}/councils/{council.slug}/")
    officer.get_by_role("link", name="Elections").click()
    officer.get_by_role("link", name="Prepare an election").click()
    now = utcnow()
    officer.get_by_label("Title").fill("Council of Cultures 2027")
    officer.get_by_label("Seats").fill("2")
    officer.get_by_label("Term (months)").fill("24")
    officer.get_by_label("Supporters a nomination needs").fill("1")
    officer.get_by_label("Nominations open").fill(local(now - timedelta(hours=1)))
    officer.get_by_label("Nominations close").fill(local(now + timedelta(days=5)))
    officer.get_by_label("Voting opens").fill(local(now + timedelta(days=10)))
    officer.get_by_label("Voting closes").fill(local(now + timedelta(days=12)))
    officer.get_by_label("End of the appeal window").fill(local(now + timedelta(days=20)))
    officer.get_by_role("button", name="Save the election").click()
    expect(officer.get_by_text("The election is saved as a draft.")).to_be_visible()
    officer.get_by_role("button", name="Publish the call").click()
    expect(officer.get_by_text("The call is published, with its tie seed.")).to_be_visible()
    db.session.commit()  # a new transaction sees what the server wrote
    election_id = db.session.scalar(sa.select(Election.id))

    # three residents stand; others support their nominations (htmx, JavaScript on)
    candidacies = {}
    for username, supporter in (("amina", "yusuf"), ("chen", "olga"), ("rosa", "femi")):
        page = _as(new_context, base, username)
        candidacies[username] = _stand(page, base, election_id, names[username], f"I am {names[username]}.")
        page = _as(new_context, base, supporter)
        page.goto(f"{base}/candidacies/{candidacies[username]}")
        page.get_by_role("button", name="Support this nomination").click()
        expect(page.locator("#support-box").get_by_text("You support this nomination.")).to_be_visible()

    # the secretary accepts the three nominations
    for candidacy_id in candidacies.values():
        officer.goto(f"{base}/candidacies/{candidacy_id}")
        officer.get_by_label("Accept the nomination").check()
        officer.get_by_role("button", name="Save the decision").click()
        expect(officer.get_by_text("The decision is saved and the candidate is told.")).to_be_visible()

    # time passes: nominations close; the secretary opens voting
    db.session.commit()
    db.session.expire_all()
    election = db.session.get(Election, election_id)
    election.nominations_close_at = utcnow() - timedelta(minutes=1)
    election.campaign_starts_at = None
    db.session.commit()
    officer.goto(f"{base}/elections/{election_id}/manage")
    officer.get_by_role("button", name="Open voting").click()
    expect(officer.get_by_text("Voting is open.")).to_be_visible()

    # several residents vote on the secret ballot page
    for username, ranking in (("yusuf", ["Amina Diallo", "Chen Wei"]), ("olga", ["Chen Wei", "Amina Diallo"]),
                              ("femi", ["Amina Diallo", "Rosa Quispe"]), ("amina", ["Amina Diallo"]),
                              ("chen", ["Chen Wei"])):
        _vote(_as(new_context, base, username, javascript=username != "femi"), base, election_id, ranking)

    # time passes: voting closed and the appeal window ended; the secretary counts and publishes
    db.session.commit()
    db.session.expire_all()
    election = db.session.get(Election, election_id)
    poll = elections.poll_of(election)
    election.voting_closes_at = poll.closes_at = utcnow() - timedelta(days=3)
    election.results_at = None
    election.appeal_ends_at = utcnow() - timedelta(days=1)
    db.session.commit()
    officer.goto(f"{base}/elections/{election_id}/manage")
    officer.get_by_role("button", name="Close voting, count and publish the results").click()
    expect(officer.get_by_role("heading", name="Results: Council of Cultures 2027")).to_be_visible()

    # the results page: elected, substitutes, the count's chart and rounds, the ballot file
    visitor = new_context().new_page()
    visitor.goto(f"{base}/elections/{election_id}/results")
    elected = visitor.locator(".elected-list")
    expect(elected).to_contain_text("Amina Diallo")
    expect(elected).to_contain_text("Chen Wei")
    expect(visitor.locator(".substitute-list")).to_contain_text("Rosa Quispe")
    expect(visitor.locator("#results svg").first).to_be_visible()
    expect(visitor.get_by_text("5 people voted.")).to_be_visible()
    blt = visitor.request.get(f"{base}/elections/{election_id}/ballots.blt")
    assert blt.ok and "attachment" in blt.headers["content-disposition"]
    assert '"Amina Diallo"' in blt.text()

    # the elected sit in the council from the day after the appeal window
    visitor.goto(f"{base}/councils/{council.slug}/")
    members = visitor.locator("#members-h").locator("xpath=..")
    expect(members).to_contain_text("Amina Diallo")
    expect(members).to_contain_text("Chen Wei")
    expect(members).not_to_contain_text("Rosa Quispe")
