"""Publishing a budget's results: both rules side by side, the money per district, the funded projects
becoming outcomes with actions, who may see and publish, the pabulib file."""

from __future__ import annotations

import sqlalchemy as sa

from consult.budgets import results
from consult.budgets.models import CLOSED, FUNDED, NOT_FUNDED, SET_ASIDE, BudgetProject
from consult.core.errors import Conflict, DomainError
from consult.extensions import db
from consult.outcomes.models import Outcome
from tests.budgets.results_helpers import EQUAL_SHARES, GREEDY, counted_budget


def _projects(budget):
    return {p.title: p for p in db.session.scalars(sa.select(BudgetProject)
                                                   .where(BudgetProject.budget_id == budget.id))}


def test_both_rules_and_the_money_per_district(db, make_user):
    budget = counted_budget(make_user(roles=("admin",)))
    found = results.compute(budget)
    assert [r.project.title for r in found.funded("greedy")] == GREEDY
    assert [r.project.title for r in found.funded("equal_shares")] == EQUAL_SHARES
    assert found.totals["greedy"] == {"spent": 900, "left": 100, "funded": 2}
    assert found.totals["equal_shares"] == {"spent": 1000, "left": 0, "funded": 3}
    assert "Gold fountain" not in [r.project.title for r in found.projects]  # set aside: not on the ballot
    money = {d.name: (d.money["greedy"], d.money["equal_shares"]) for d in found.districts}
    assert money == {"Centro": (600, 0), "Kalsa": (0, 500), "Zisa": (300, 300), "Whole city": (0, 200)}
    assert [d.name for d in found.districts][-1] == "Whole city"
    chart = results.district_chart(found)
    assert len(chart["rows"]) == 4 and max(b["width"] for r in chart["rows"] for b in r["bars"]) > 0


def test_publishing_funds_under_the_budgets_rule_and_creates_outcomes(db, make_user):
    admin = make_user(roles=("admin",))
    budget = counted_budget(admin, rule="equal_shares")
    created = results.publish_results(budget, by=admin, responsible="Public works")
    db.session.commit()
    projects = _projects(budget)
    assert budget.status == CLOSED and budget.closed_at is not None
    assert {t for t, p in projects.items() if p.status == FUNDED} == set(EQUAL_SHARES)
    assert projects["Shaded playground"].status == NOT_FUNDED
    assert projects["Gold fountain"].status == SET_ASIDE
    assert [o.title for o in created] == EQUAL_SHARES
    for title in EQUAL_SHARES:
        outcome = db.session.get(Outcome, projects[title].outcome_id)
        assert outcome.process_id == budget.process_id
        assert outcome.source_key == f"budget_project:{projects[title].id}"
        assert len(outcome.actions) == 3 and outcome.actions[0].responsible == "Public works"
    assert projects["Shaded playground"].outcome_id is None
    try:
        results.publish_results(budget, by=admin)
    except DomainError:  # refused: the results are published already
        pass
    else:
        raise AssertionError("published twice")
    try:
        results.publish_results(budget, by=None)
    except Conflict:  # the service itself checks the step
        pass
    else:
        raise AssertionError("published twice")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Outcome)
                             .where(Outcome.source_type == "budget_project")) == 3


def test_results_page_for_managers_then_everyone(client, db, make_user):
    admin = make_user("boss", roles=("admin",))
    budget = counted_budget(admin)
    url = f"/budgets/{budget.id}/results"
    assert client.get(url).status_code in (303, 403)  # counted, not published: not for the public
    client.sign_in("boss")
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Shaded playground" in html and "Money per district" in html and "<svg" in html
    assert "Publish the results" in html
    answer = client.post_form(f"/budgets/{budget.id}/results/publish", {"responsible": "Public works"})
    assert answer.status_code == 303
    client.sign_out()
    html = client.get(url).get_data(as_text=True)
    assert "Outcome:" in html and "Publish the results" not in html
    assert client.post_form(f"/budgets/{budget.id}/results/publish").status_code in (303, 403)


def test_publishing_twice_is_refused_by_the_policy(client, db, make_user):
    admin = make_user("boss2", roles=("admin",))
    budget = counted_budget(admin)
    client.sign_in("boss2")
    assert client.post_form(f"/budgets/{budget.id}/results/publish").status_code == 303
    assert client.post_form(f"/budgets/{budget.id}/results/publish").status_code == 403


def test_a_bad_due_date_is_refused_with_the_form_again(client, db, make_user):
    admin = make_user("boss3", roles=("admin",))
    budget = counted_budget(admin)
    client.sign_in("boss3")
    answer = client.post_form(f"/budgets/{budget.id}/results/publish",
                              {"responsible": "Parks office", "due_on": "not a date"})
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert "Parks office" in html
    assert db.session.get(type(budget), budget.id).status != CLOSED



def test_the_map_shows_the_projects_with_a_place_and_lists_them(client, db, make_user):
    from consult.residency.models import District

    admin = make_user("boss4", roles=("admin",))
    budget = counted_budget(admin)
    square = {"type": "Polygon", "coordinates": [[[13.3, 38.0], [13.45, 38.0], [13.45, 38.2], [13.3, 38.2],
                                                  [13.3, 38.0]]]}
    for district in db.session.scalars(sa.select(District)):
        district.geometry = square
    results.publish_results(budget, by=admin)
    db.session.commit()
    html = client.get(f"/budgets/{budget.id}/results").get_data(as_text=True)
    assert "geo-figure" in html and "geo-item--funded" in html and "geo-item--not_funded" in html
    assert html.count("geo-item geo-item--") == 3  # the bike racks have no place


def test_the_results_page_stays_within_the_query_budget(client, db, make_user):
    from tests.helpers import QueryCounter

    admin = make_user(roles=("admin",))
    budget = counted_budget(admin)
    results.publish_results(budget, by=admin)
    db.session.commit()
    url = f"/budgets/{budget.id}/results"
    client.get(url)
    with QueryCounter() as queries:
        assert client.get(url).status_code == 200
    assert queries.count <= 12, "\n".join(queries.statements)
    make_user("reader", verified=True)
    client.sign_in("reader")  # a person signed in costs their account, roles and notifications
    with QueryCounter() as queries:
        assert client.get(url).status_code == 200
    assert queries.count <= 12, "\n".join(queries.statements)
    with QueryCounter() as queries:
        assert client.get("/api/v1/budget-projects?per_page=100").status_code == 200
    assert queries.count <= 12, "\n".join(queries.statements)


def test_publishing_tells_the_followers_and_is_in_the_audit_log(db, make_user, monkeypatch):
    from consult.core.audit import AuditEntry
    from consult.notifications import services as notifications
    from consult.notifications.models import Notification

    told = []
    monkeypatch.setattr(notifications, "notify_followers",
                        lambda target, event, actor=None, **params: told.append((target.title, event)))
    admin = make_user(roles=("admin",))
    budget = counted_budget(admin)
    results.publish_results(budget, by=admin)
    assert ("Welcome budget", "budget_results_published") in told
    assert ("Shaded playground", "budget_project_funded") in told
    assert ("Library in three languages", "budget_project_not_funded") in told
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "budgets.results_published"))
    assert entry.details["rule"] == "greedy" and entry.details["spent"] == 900
    note = Notification(user_id=admin.id, event="budget_project_funded", target_type="budget_project",
                        target_id=1, params={"title": "Shaded playground", "budget": "Welcome budget"})
    assert "is funded by the budget" in notifications.message_for(note)


def test_only_the_people_who_run_the_budget_publish_its_results(client, db, make_user):
    from consult.core.errors import NotAllowed

    admin = make_user(roles=("admin",))
    resident = make_user("someone", verified=True)
    budget = counted_budget(admin)
    try:
        results.publish_results(budget, by=resident)
    except NotAllowed:
        pass
    else:
        raise AssertionError("a resident published the results")
    client.sign_in("someone")
    assert client.get(f"/budgets/{budget.id}/results").status_code == 403
    assert client.post_form(f"/budgets/{budget.id}/results/publish").status_code == 403
    assert client.get(f"/budgets/{budget.id}/ballots.pb").status_code == 403
    assert db.session.get(type(budget), budget.id).status == "counted"
