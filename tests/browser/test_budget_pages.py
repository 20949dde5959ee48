"""A participatory budget's own pages in a real browser: the organiser prepares and publishes it, a resident
proposes a project with JavaScript off, the organiser reviews it in the console; axe (WCAG 2.2 AA) on each
page type, in English and in Arabic (right to left)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from consult.budgets.models import Budget, BudgetProject
from consult.extensions import db as _db
from consult.processes import services as processes
from consult.residency.models import District
from tests.browser.conftest import axe_check, sign_in

pytestmark = pytest.mark.browser

SHOTS = None  # a folder to keep screenshots in while working on the pages (None: none taken)


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.fixture
def scene(db, make_user):
    district = District(code="kalsa", name="Kalsa")
    _db.session.add(district)
    _db.session.commit()
    admin = make_user("organiser", roles=("admin",))
    process = processes.create_process(actor=admin, title="Welcoming city 2027")
    _db.session.commit()
    resident = make_user("amina", display_name="Amina", verified=True, birth_year=1990,
                         district_id=district.id)
    return process, admin, resident


def _fetch(model):
    _db.session.rollback()  # what the server committed
    return _db.session.scalar(sa.select(model))


def test_a_budget_from_draft_to_review_in_english_and_arabic(live_server, new_context, scene):
    process, _admin, _resident = scene
    base = live_server
    organiser = new_context().new_page()
    sign_in(organiser, base, "organiser")
    organiser.goto(f"{base}/processes/{process.id}/budgets")
    organiser.get_by_role("link", name="Prepare a budget").click()
    axe_check(organiser)
    organiser.get_by_label("Title").fill("Welcome budget")
    organiser.get_by_label("Amount to share").fill("500000")
    organiser.get_by_label("Voting closes").fill("2030-01-02T09:00")
    organiser.get_by_role("button", name="Save the budget").click()
    expect(organiser.get_by_role("heading", level=1)).to_contain_text("Manage: Welcome budget")
    organiser.get_by_role("button", name="Publish and open to proposals").click()
    expect(organiser.get_by_text("The budget is published: residents can propose projects.")).to_be_visible()
    budget = _fetch(Budget)
    assert budget.status == "proposing"

    reader = new_context().new_page()  # axe runs in pages with JavaScript
    sign_in(reader, base, "amina")
    reader.goto(f"{base}/budgets/{budget.id}")
    axe_check(reader)
    _shot(reader, "budget-en")
    resident = new_context(java_script_enabled=False).new_page()
    sign_in(resident, base, "amina")
    resident.goto(f"{base}/budgets/{budget.id}")
    resident.get_by_role("main").get_by_role("link", name="Propose a project").click()
    resident.get_by_label("Title of the project").fill("Language café")
    resident.get_by_label("What the project does, and for whom").fill("Weekly evenings with volunteers.")
    resident.get_by_label("Your estimate of its cost").fill("0")
    resident.get_by_role("button", name="Propose the project").click()
    expect(resident.locator(".field__error").first).to_be_visible()  # the server's check, the text kept
    expect(resident.get_by_label("Title of the project")).to_have_value("Language café")
    _shot(resident, "propose-error-nojs")
    resident.get_by_label("Your estimate of its cost").fill("12000")
    resident.get_by_role("button", name="Propose the project").click()
    expect(resident.get_by_role("heading", level=1)).to_have_text("Language café")
    project = _fetch(BudgetProject)
    reader.goto(f"{base}/budgets/{budget.id}/projects/new")
    axe_check(reader)
    reader.goto(f"{base}/budget-projects/{project.id}")
    axe_check(reader)

    organiser.goto(f"{base}/budgets/{budget.id}/manage")
    axe_check(organiser)
    _shot(organiser, "manage-en")
    organiser.goto(f"{base}/budget-projects/{project.id}")
    organiser.get_by_label("Set it aside").check()
    organiser.get_by_label("Reason (published)").fill("The library already runs one on Thursdays.")
    organiser.get_by_role("button", name="Save the review").click()
    expect(organiser.get_by_text("The review is saved and the proposer is told.")).to_be_visible()

    for path in (f"/budgets/{budget.id}", f"/budget-projects/{project.id}",
                 f"/processes/{process.id}/budgets"):
        reader.goto(f"{base}{path}?lang=ar")
        expect(reader.locator("html")).to_have_attribute("dir", "rtl")
        axe_check(reader)
    resident.goto(f"{base}/budget-projects/{project.id}?lang=ar")
    expect(resident.get_by_text("The library already runs one on Thursdays.")).to_be_visible()
    _shot(resident, "project-ar-nojs")
    organiser.goto(f"{base}/budgets/{budget.id}/edit?lang=ar")
    axe_check(organiser)
    _shot(organiser, "edit-ar")
