"""Budget pages: who sees what, the organisers' forms and steps (422 with nothing lost, 303 after), proposing
a project without JavaScript, the review console, the process page's link, the money in each language."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from consult.budgets import services as budgets
from consult.budgets.models import ACCEPTED, SET_ASIDE, SUBMITTED, Budget, BudgetProject
from consult.core.models import utcnow

ROME = ZoneInfo("Europe/Rome")


def local(moment) -> str:
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(ROME).strftime("%Y-%m-%dT%H:%M")


def budget_form(**changes) -> dict:
    now = utcnow()
    data = {"title": "Welcome budget", "description": "For **newcomers**.", "district_id": "0",
            "total": "500000", "currency": "EUR", "ballot_kind": "knapsack", "max_choices": "",
            "points": "10",
            "rule": "equal_shares", "proposing_opens_at": local(now - timedelta(days=1)),
            "proposing_closes_at": local(now + timedelta(days=5)), "review_ends_at": "",
            "voting_opens_at": local(now + timedelta(days=10)),
            "voting_closes_at": local(now + timedelta(days=20))}
    data.update(changes)
    return data


def test_organisers_prepare_a_budget_and_publish_it(client, world, db):
    url = f"/processes/{world.process.id}/budgets/new"
    client.sign_in("r0")
    assert client.get(url).status_code == 403
    client.sign_out()
    client.sign_in("organiser")
    assert client.get(url).status_code == 200
    page = client.post_form(url, budget_form(total="0", title="Kept title"))
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "Kept title" in text and 'aria-invalid="true"' in text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Budget)) == 0
    page = client.post_form(url, budget_form(proposing_closes_at=local(utcnow() - timedelta(days=3))))
    assert page.status_code == 422 and "after the one before it" in page.get_data(as_text=True)
    page = client.post_form(url, budget_form(district_id=str(world.districts["kalsa"].id)))
    assert page.status_code == 303
    budget = db.session.scalar(sa.select(Budget))
    assert page.headers["Location"].endswith(f"/budgets/{budget.id}/manage")
    assert (budget.total, budget.rule) == (500_000, "equal_shares")
    assert budget.district_id == world.districts["kalsa"].id
    manage = client.get(f"/budgets/{budget.id}/manage").get_data(as_text=True)
    assert "Publish and open to proposals" in manage and "€500,000" in manage
    client.sign_out()
    assert client.get(f"/budgets/{budget.id}").status_code == 303  # a draft: sign in first
    client.sign_in("organiser")
    assert client.post_form(f"/budgets/{budget.id}/start-proposing").status_code == 303
    client.sign_out()
    page = client.get(f"/budgets/{budget.id}")
    assert page.status_code == 200 and "Kalsa" in page.get_data(as_text=True)


def test_a_resident_proposes_a_project_without_javascript(client, world, budget, db):
    url = f"/budgets/{budget.id}/projects/new"
    assert client.get(url).status_code in (302, 303)  # sign in first
    client.sign_in("r0")
    show = client.get(f"/budgets/{budget.id}").get_data(as_text=True)
    assert f'href="{url}"' in show
    assert client.get(url).status_code == 200
    page = client.post_form(url, {"title": "Language café", "description": "", "cost": "abc",
                                  "district_id": "0", "place-latitude": "", "place-longitude": ""})
    assert page.status_code == 422 and "Language café" in page.get_data(as_text=True)
    page = client.post_form(url, {"title": "Language café", "description": "Weekly, with volunteers.",
                                  "cost": "12000", "district_id": str(world.districts["zisa"].id),
                                  "place-latitude": "38.1157", "place-longitude": ""})
    assert page.status_code == 422 and "both the latitude and the longitude" in page.get_data(as_text=True)
    page = client.post_form(url, {"title": "Language café", "description": "Weekly, with volunteers.",
                                  "cost": "12000", "district_id": str(world.districts["zisa"].id),
                                  "place-latitude": "38.1157", "place-longitude": "13.3615"})
    assert page.status_code == 303
    project = db.session.scalar(sa.select(BudgetProject))
    assert (project.status, project.cost, project.latitude) == (SUBMITTED, 12_000, 38.1157)
    text = client.get(f"/budget-projects/{project.id}").get_data(as_text=True)
    assert "Waiting for review" in text and "Technical review" not in text  # no review form for residents
    assert "Where this project would be" in text and "Language café" in text  # the map and its list
    assert "Where the projects would be" in client.get(f"/budgets/{budget.id}").get_data(as_text=True)
    review = client.post_form(f"/budget-projects/{project.id}/review", {"decision": "accept"})
    assert review.status_code == 403


def test_an_unverified_person_is_told_to_verify(client, world, budget, make_user, db):
    make_user("visitor1")
    client.sign_in("visitor1")
    text = client.get(f"/budgets/{budget.id}").get_data(as_text=True)
    assert "Propose a project" in text
    assert client.get(f"/budgets/{budget.id}/projects/new").status_code == 403


def test_the_review_console_and_a_reason_published(client, world, budget, db):
    from consult.budgets import projects

    project = projects.submit_project(budget, world.residents[0], title="Bike school", description="x",
                                      cost=9_000)
    db.session.commit()
    client.sign_in("organiser")
    manage = client.get(f"/budgets/{budget.id}/manage").get_data(as_text=True)
    assert "Bike school" in manage and "1 project waits for review." in manage
    page = client.get(f"/budget-projects/{project.id}").get_data(as_text=True)
    assert "Save the review" in page
    url = f"/budget-projects/{project.id}/review"
    answer = client.post_form(url, {"decision": "set_aside", "feasible": "no", "cost": "", "reason": "",
                                    "note": "internal"})
    assert answer.status_code == 422 and "published with the project" in answer.get_data(as_text=True)
    answer = client.post_form(url, {"decision": "set_aside", "feasible": "no", "cost": "",
                                    "reason": "The sports office already runs one.", "note": "internal"})
    assert answer.status_code == 303
    db.session.refresh(project)
    assert project.status == SET_ASIDE
    client.sign_out()
    page = client.get(f"/budget-projects/{project.id}").get_data(as_text=True)
    assert "The sports office already runs one." in page and "internal" not in page
    assert "The sports office already runs one." in client.get(f"/budgets/{budget.id}").get_data(as_text=True)
    client.sign_in("organiser")
    answer = client.post_form(url, {"decision": "accept", "feasible": "yes", "cost": "11000", "reason": "",
                                    "note": ""})
    assert answer.status_code == 303
    db.session.refresh(project)
    assert (project.status, project.cost, project.proposed_cost) == (ACCEPTED, 11_000, 9_000)


def test_promoting_a_proposal_from_the_console(client, world, budget, db):
    from consult.proposals.models import Proposal

    proposal = Proposal(process_id=world.process.id, author_id=world.residents[1].id, title="Free bus passes",
                        body="For newcomers.", language="en", state="qualified")
    db.session.add(proposal)
    db.session.commit()
    client.sign_in("organiser")
    manage = client.get(f"/budgets/{budget.id}/manage").get_data(as_text=True)
    assert "Free bus passes" in manage
    url = f"/budgets/{budget.id}/promote"
    assert client.post_form(url, {"proposal_id": str(proposal.id), "cost": ""}).status_code == 422
    assert client.post_form(url, {"proposal_id": "999999", "cost": "10"}).status_code == 422
    answer = client.post_form(url, {"proposal_id": str(proposal.id), "cost": "30000"})
    assert answer.status_code == 303
    project = db.session.scalar(sa.select(BudgetProject).where(BudgetProject.proposal_id == proposal.id))
    page = client.get(f"/budget-projects/{project.id}").get_data(as_text=True)
    assert "Free bus passes" in page and f"/proposals/{proposal.id}" in page


def test_the_process_page_lists_its_budgets_and_the_money_reads_in_each_language(client, world, budget, db):
    page = client.get(f"/processes/{world.process.id}").get_data(as_text=True)
    assert f"/budgets/{budget.id}" in page and "€100,000" in page
    page = client.get(f"/processes/{world.process.id}/budgets?lang=fr").get_data(as_text=True)
    assert "100\u202f000\xa0€" in page or "100 000 €" in page or "100\xa0000\xa0€" in page
    listing = client.get(f"/processes/{world.process.id}/budgets").get_data(as_text=True)
    assert "Welcome budget" in listing


def test_steps_are_refused_out_of_order(client, world, budget, db):
    client.sign_in("organiser")
    assert client.post_form(f"/budgets/{budget.id}/open-voting").status_code == 403
    assert client.post_form(f"/budgets/{budget.id}/start-review").status_code == 303
    assert budgets.waiting_count(budget) == 0
    answer = client.post_form(f"/budgets/{budget.id}/open-voting", follow_redirects=True)
    assert "At least two projects" in answer.get_data(as_text=True)
    db.session.refresh(budget)
    assert budget.status == "reviewing"


def test_edit_keeps_what_was_typed_and_stops_once_voting_starts(client, world, budget, db):
    client.sign_in("organiser")
    url = f"/budgets/{budget.id}/edit"
    form = client.get(url).get_data(as_text=True)
    assert 'value="Welcome budget"' in form
    answer = client.post_form(url, budget_form(title="Renamed", total="250000", rule="greedy"))
    assert answer.status_code == 303
    db.session.refresh(budget)
    assert (budget.title, budget.total) == ("Renamed", 250_000)
    budget.status = "voting"
    db.session.commit()
    assert client.get(url).status_code == 403


def test_unknown_ids_are_not_found(client, world, db):
    for url in ("/budgets/0", "/budgets/99999999999", "/budget-projects/123456789",
                f"/processes/{world.process.id}0/budgets"):
        assert client.get(url).status_code == 404, url


def test_a_click_on_the_map_chooses_the_place_and_saves_nothing(client, world, budget, db):
    zisa = world.districts["zisa"]
    zisa.geometry = {"type": "Polygon", "coordinates": [[[13.30, 38.10], [13.40, 38.10], [13.40, 38.15],
                                                          [13.30, 38.15], [13.30, 38.10]]]}
    db.session.commit()
    client.sign_in("r0")
    url = f"/budgets/{budget.id}/projects/new"
    page = client.post_form(url, {"title": "Language café", "description": "Kept.", "cost": "12000",
                                  "district_id": "0", "place-map.x": "240", "place-map.y": "60",
                                  "place-latitude": "", "place-longitude": ""})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Place chosen on the map" in text and "Kept." in text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BudgetProject)) == 0
    latitude = text.split('name="place-latitude"')[1].split('value="')[1].split('"')[0]
    longitude = text.split('name="place-longitude"')[1].split('value="')[1].split('"')[0]
    sent = client.post_form(url, {"title": "Language café", "description": "Kept.", "cost": "12000",
                                  "district_id": "0", "place-latitude": latitude,
                                  "place-longitude": longitude})
    assert sent.status_code == 303
    project = db.session.scalar(sa.select(BudgetProject))
    assert 38.10 <= project.latitude <= 38.15 and 13.30 <= project.longitude <= 13.40


def test_the_proposer_changes_the_project_while_it_waits_for_review(client, world, budget, db):
    from consult.budgets import projects

    project = projects.submit_project(budget, world.residents[0], title="Desk", description="Old.",
                                      cost=5_000, latitude=38.12, longitude=13.35)
    db.session.commit()
    url = f"/budget-projects/{project.id}/edit"
    client.sign_in("r1")
    assert client.get(url).status_code == 403
    client.sign_out()
    client.sign_in("r0")
    assert f'href="{url}"' in client.get(f"/budget-projects/{project.id}").get_data(as_text=True)
    form = client.get(url).get_data(as_text=True)
    assert 'value="Desk"' in form and 'value="38.12"' in form
    answer = client.post_form(url, {"title": "", "description": "New.", "cost": "6000", "district_id": "0",
                                    "place-latitude": "", "place-longitude": ""})
    assert answer.status_code == 422 and "New." in answer.get_data(as_text=True)
    answer = client.post_form(url, {"title": "Welcome desk", "description": "New.", "cost": "6000",
                                    "district_id": "0", "place-latitude": "", "place-longitude": ""})
    assert answer.status_code == 303
    db.session.refresh(project)
    assert (project.title, project.cost, project.proposed_cost, project.latitude) == ("Welcome desk", 6_000,
                                                                                     6_000, None)
    from consult.budgets import projects as budget_projects

    budget_projects.review_project(project, by=world.admin, accept=True)
    db.session.commit()
    assert client.get(url).status_code == 403  # reviewed: no longer the proposer's to change


def test_the_proposer_withdraws_a_project_waiting_for_review(client, world, budget, db):
    from consult.budgets import projects, services
    from consult.budgets import voting as budget_voting
    from consult.budgets.models import WITHDRAWN
    from consult.core.audit import AuditEntry

    mine = projects.submit_project(budget, world.residents[0], title="Desk", description="Desk.", cost=5_000)
    others = [projects.submit_project(budget, world.residents[1], title=f"Bench {n}", description="Benches.",
                                      cost=1_000) for n in range(2)]
    db.session.commit()
    url = f"/budget-projects/{mine.id}/withdraw"
    client.sign_in("r1")
    assert client.post_form(url).status_code == 403  # not theirs
    client.sign_out()
    client.sign_in("r0")
    assert f'action="{url}"' in client.get(f"/budget-projects/{mine.id}").get_data(as_text=True)
    assert client.post_form(url).status_code == 303
    db.session.refresh(mine)
    assert mine.status == WITHDRAWN
    page = client.get(f"/budget-projects/{mine.id}").get_data(as_text=True)
    assert "Withdrawn by its proposer" in page and f'action="{url}"' not in page
    assert client.post_form(url).status_code == 403  # once
    assert db.session.query(AuditEntry).filter_by(action="budgets.project_withdrawn").count() == 1
    # the review need not decide it: voting opens with the others, and it is not on the ballot
    services.start_review(budget, by=world.admin)
    for project in others:
        projects.review_project(project, by=world.admin, accept=True)
    poll = budget_voting.open_voting(budget, by=world.admin)
    db.session.commit()
    assert {o.target_id for o in poll.options} == {p.id for p in others}
