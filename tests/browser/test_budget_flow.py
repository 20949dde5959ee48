"""A participatory budget walked in a real browser, from the projects to the outcomes: residents propose
projects (JavaScript off), the city's staff review them (one set aside with its published reason) and
open voting, a resident fills the knapsack ballot with JavaScript (the total adds up as she ticks, and
warns when it goes over the budget), another without JavaScript (the server refuses a ballot over the
budget with a clear message, and keeps what was ticked), the staff close the vote, the results page shows
both rules side by side with the money per district, and publishing them turns the funded projects into
outcomes with actions."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from consult.budgets import services as budgets
from consult.budgets.models import Budget, BudgetProject
from consult.core.models import utcnow
from consult.extensions import db
from consult.processes import services as processes
from consult.residency.models import District
from consult.votes import services as votes
from tests.browser.conftest import sign_in

#: (resident, title, cost the proposer gives, the staff's cost, district code)
PROJECTS = [
    ("amina", "Shaded playground", 650, 600, "centro"),
    ("chen", "Library in three languages", 500, 500, "porto"),
    ("rosa", "Bike racks at the station", 300, 300, "stazione"),
    ("yusuf", "Gold fountain", 5000, None, "centro"),
]
TOTAL = 1000


def _as(new_context, base, username, *, javascript=True):
    page = new_context(java_script_enabled=javascript).new_page()
    sign_in(page, base, username)
    return page


def _propose(page, base, budget_id, title, cost, district):
    page.goto(f"{base}/budgets/{budget_id}")
    page.get_by_role("link", name="Propose a project").click()
    page.get_by_label("Title of the project").fill(title)
    page.get_by_label("What the project does, and for whom").fill(f"{title}, for every family.")
    page.get_by_label("Your estimate of its cost").fill(str(cost))
    page.get_by_label("District (optional)").select_option(label=district)
    page.get_by_role("button", name="Propose the project").click()
    expect(page.get_by_text("Your project is submitted.")).to_be_visible()


def _review(page, base, project_id, *, cost=None, reason=None):
    page.goto(f"{base}/budget-projects/{project_id}")
    if reason is None:
        page.get_by_label("Put it on the ballot").check()
        page.get_by_label("The staff's cost estimate").fill(str(cost))
    else:
        page.get_by_label("Set it aside").check()
        page.get_by_label("Reason (published)").fill(reason)
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_text("The review is saved")).to_be_visible()


def _step(page, base, budget_id, button, message):
    page.goto(f"{base}/budgets/{budget_id}/manage")
    page.get_by_role("button", name=button).click()
    expect(page.get_by_text(message)).to_be_visible()


@pytest.mark.browser
def test_a_budget_from_the_projects_to_the_outcomes(live_server, new_context, make_user):
    base = live_server
    admin = make_user("cityadmin", display_name="City staff", roles=("admin",))
    districts = {}
    for code, name in (("centro", "Centro Storico"), ("porto", "Porto"), ("stazione", "Stazione")):
        districts[code] = District(code=code, name=name)
        db.session.add(districts[code])
    db.session.flush()
    for username, *_rest, code in PROJECTS:
        make_user(username, display_name=username.title(), verified=True, birth_year=1990,
                  district_id=districts[code].id)
    for n in range(3):
        make_user(f"voter{n}", verified=True, birth_year=1985, district_id=districts["porto"].id)
    process = processes.create_process(actor=admin, title="Welcoming Porto Aperto")
    budget = budgets.create_budget(process, by=admin, title="Welcome budget", total=TOTAL,
                                   ballot_kind="knapsack", rule="equal_shares",
                                   calendar={"voting_closes_at": utcnow() + timedelta(days=7)})
    budgets.start_proposing(budget, by=admin)
    db.session.commit()
    budget_id = budget.id

    # residents propose their projects (JavaScript off: plain forms)
    for username, title, cost, _staff_cost, code in PROJECTS:
        page = _as(new_context, base, username, javascript=False)
        _propose(page, base, budget_id, title, cost, districts[code].name)
        page.context.close()

    # the staff close the proposals, review every project (one set aside, its reason published), open voting
    staff = _as(new_context, base, "cityadmin")
    _step(staff, base, budget_id, "Close proposals and start the review", "the technical review starts")
    db.session.commit()  # a new transaction sees what the server wrote
    ids = {p.title: p.id for p in db.session.scalars(sa.select(BudgetProject)
                                                      .where(BudgetProject.budget_id == budget_id))}
    for _username, title, _cost, staff_cost, _code in PROJECTS:
        if staff_cost is None:
            _review(staff, base, ids[title], reason="It costs five times the whole budget.")
        else:
            _review(staff, base, ids[title], cost=staff_cost)
    visitor = new_context().new_page()  # the reason is published with the project
    visitor.goto(f"{base}/budget-projects/{ids['Gold fountain']}")
    expect(visitor.get_by_text("It costs five times the whole budget.")).to_be_visible()
    _step(staff, base, budget_id, "Open voting", "Voting is open.")
    db.session.commit()
    db.session.expire_all()
    poll_id = db.session.get(Budget, budget_id).poll_id

    # with JavaScript: the total adds up as she ticks, and says when the choice goes over the budget
    amina = _as(new_context, base, "amina")
    amina.goto(f"{base}/budgets/{budget_id}")
    amina.get_by_role("link", name="Go to the ballot").click()
    total = amina.locator("[data-pb-sum]")
    amina.get_by_label(re.compile("Shaded playground")).check()
    expect(total).to_contain_text("600")
    amina.get_by_label(re.compile("Library in three languages")).check()
    expect(total).to_contain_text("1,100")
    expect(amina.locator("[data-pb-over]")).to_be_visible()
    amina.get_by_label(re.compile("Library in three languages")).uncheck()
    amina.get_by_label(re.compile("Bike racks at the station")).check()
    expect(total).to_contain_text("900")
    expect(amina.locator("[data-pb-over]")).to_be_hidden()
    amina.get_by_role("button", name="Check my ballot").click()
    amina.get_by_role("button", name="Cast my vote").click()
    expect(amina.locator("#tracker")).to_be_visible()

    # without JavaScript: the server refuses a ballot over the budget, says why, and keeps the ticks
    chen = _as(new_context, base, "chen", javascript=False)
    chen.goto(f"{base}/polls/{poll_id}")
    chen.get_by_label(re.compile("Shaded playground")).check()
    chen.get_by_label(re.compile("Library in three languages")).check()
    chen.get_by_role("button", name="Check my ballot").click()
    expect(chen.get_by_text("more than the budget of 1,000")).to_be_visible()
    expect(chen.get_by_label(re.compile("Library in three languages"))).to_be_checked()
    chen.get_by_label(re.compile("Shaded playground")).uncheck()
    chen.get_by_label(re.compile("Bike racks at the station")).check()
    chen.get_by_role("button", name="Check my ballot").click()
    chen.get_by_role("button", name="Cast my vote").click()
    expect(chen.locator("#tracker")).to_be_visible()

    # three more residents vote (through the service: the pages are the same)
    db.session.commit()
    db.session.expire_all()
    from consult.votes.models import Poll

    poll = db.session.get(Poll, poll_id)
    option = {o.label: o.id for o in poll.options}
    from consult.accounts.services import get_user_by_username

    for n in range(3):
        votes.cast_ballot(poll, get_user_by_username(f"voter{n}"),
                          [str(option["Library in three languages"]),
                           str(option["Bike racks at the station"])])
    db.session.commit()

    # the staff close the vote; the results show both rules side by side and the money per district
    _step(staff, base, budget_id, "Close voting and count", "Voting is closed and the ballots are counted.")
    staff.goto(f"{base}/budgets/{budget_id}")
    staff.get_by_role("link", name="Results").first.click()
    count = staff.locator("section[aria-labelledby=count-h]")
    expect(count.get_by_text("Most votes first").first).to_be_visible()
    expect(count.get_by_text("Method of equal shares").first).to_be_visible()
    expect(count.get_by_text("Funded in round 1").first).to_be_visible()  # why each project won or lost
    expect(staff.get_by_role("heading", name="Money per district")).to_be_visible()
    expect(staff.locator("svg.district-chart")).to_be_visible()
    staff.get_by_label("Responsible body").fill("Public works office")
    staff.get_by_role("button", name="Publish the results and create the outcomes").click()
    expect(staff.get_by_text("each funded project is now an outcome to follow")).to_be_visible()

    # everyone sees them; each funded project is an outcome with its actions
    visitor.goto(f"{base}/budgets/{budget_id}/results")
    rows = visitor.locator("section[aria-labelledby=funded-h] tbody tr")
    expect(rows).to_have_count(2)
    visitor.get_by_role("link", name=re.compile("Outcome:")).first.click()
    expect(visitor.get_by_text("Detailed design and cost")).to_be_visible()
    expect(visitor.get_by_text("Public works office").first).to_be_visible()
    db.session.commit()
    db.session.expire_all()
    funded = db.session.scalars(sa.select(BudgetProject.title).where(BudgetProject.budget_id == budget_id,
                                                                    BudgetProject.status == "funded")).all()
    assert set(funded) == {"Library in three languages", "Bike racks at the station"}
