"""Open data of participatory budgets: the budgets and their projects as their public pages show them, as the
OpenAPI document says; votes and what each rule funds only once the results are published; no draft."""

from __future__ import annotations

import jsonschema

from consult.budgets import results
from consult.budgets.models import DRAFT, Budget
from tests.budgets.results_helpers import EQUAL_SHARES, GREEDY, counted_budget


def _validate(client, path):
    spec = client.get("/api/openapi.json").get_json()
    response = client.get(path)
    assert response.status_code == 200, path
    template = path.split("?")[0]
    if template.rsplit("/", 1)[1].isdigit():
        template = template.rsplit("/", 1)[0] + "/{id}"
    schema = spec["paths"][template]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    validator = jsonschema.Draft202012Validator({**schema, "components": spec["components"]})
    validator.validate(response.get_json())
    return response.get_json()


def test_budgets_and_projects_before_and_after_the_results(client, db, make_user):
    admin = make_user(roles=("admin",))
    budget = counted_budget(admin)
    db.session.add(Budget(process_id=budget.process_id, title="Draft budget", total=10, status=DRAFT))
    db.session.commit()
    listed = _validate(client, "/api/v1/budgets")["data"]
    assert [b["title"] for b in listed] == ["Welcome budget"]
    assert listed[0]["rules"] is None and listed[0]["pb_url"] is None  # counted, not published
    projects = _validate(client, "/api/v1/budget-projects")["data"]
    assert len(projects) == 5 and all(p["votes"] is None and p["funded_greedy"] is None for p in projects)
    fountain = next(p for p in projects if p["title"] == "Gold fountain")
    assert fountain["status"] == "set_aside"
    assert fountain["review_reason"] == "Costs more than the whole budget."

    results.publish_results(budget, by=admin)
    db.session.commit()
    shown = _validate(client, f"/api/v1/budgets/{budget.id}")["data"]
    assert shown["status"] == "closed" and shown["pb_url"].endswith(f"/budgets/{budget.id}/ballots.pb")
    assert shown["rules"]["greedy"]["spent"] == 900 and shown["rules"]["equal_shares"]["left"] == 0
    projects = {p["title"]: p for p in _validate(client, "/api/v1/budget-projects?per_page=100")["data"]}
    assert {t for t, p in projects.items() if p["funded_greedy"]} == set(GREEDY)
    assert {t for t, p in projects.items() if p["funded_equal_shares"]} == set(EQUAL_SHARES)
    assert projects["Shaded playground"]["votes"] == 10
    assert projects["Shaded playground"]["status"] == "funded"
    assert projects["Shaded playground"]["outcome_id"] is not None
    assert projects["Library in three languages"]["outcome_id"] is None
    assert "proposed_by_id" not in projects["Welcome signs"]
    assert "review_note" not in projects["Welcome signs"]
    csv = client.get("/api/v1/budget-projects.csv")
    assert csv.status_code == 200 and "Shaded playground" in csv.get_data(as_text=True)


def test_the_document_lists_the_budget_resources(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    for name in ("budgets", "budget-projects"):
        assert f"/api/v1/{name}" in paths and f"/api/v1/{name}/{{id}}" in paths
