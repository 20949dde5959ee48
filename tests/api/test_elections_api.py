"""Open data of elections: the call, the candidacies as their public pages show them, the results (elected,
substitutes, rounds, turnout, provenance with paper ballots, the BLT file); all as the OpenAPI document says,
no draft, no refused nomination, no account data."""

from __future__ import annotations

import jsonschema
import pytest

from consult.elections import services as elections
from consult.votes import paper_ballots as paper
from consult.votes import services as engine
from tests.elections.conftest import (  # noqa: F401 - fixtures
    calendar,
    called,
    close_nominations,
    close_voting,
    residents,
    stand,
    world,
)


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


@pytest.fixture
def counted(world, called, residents, make_user, db):  # noqa: F811 - fixtures
    """Four accepted candidates (one refused), ballots online and a polling station's paper slips, counted."""
    people = []
    for n in range(5):
        candidacy = stand(called, residents[n], statement=f"Statement {n}", language="fr" if n % 2 else "en")
        elections.support(candidacy, residents[(n + 1) % len(residents)])
        people.append(candidacy)
    elections.translate(people[0], residents[0], language="ar", statement="بيان")
    for candidacy in people[:4]:
        elections.review(candidacy, world.secretary, accept=True)
    elections.review(people[4], world.secretary, accept=False, reason="Not a resident of the city.")
    close_nominations(called, db)
    poll = elections.open_voting(called, by=world.secretary)
    option = {o.target_id: o.id for o in poll.options}
    for voter, first in zip(residents[5:], (0, 0, 1, 3, 3), strict=True):
        engine.cast_ballot(poll, voter, [option[people[first].id], option[people[2].id]])
    a, b = make_user(roles=("registrar",)), make_user(roles=("registrar",))
    batch = paper.open_batch(poll, station="Town hall", slips=2, by=a)
    for who in (a, b):
        paper.enter_slip(batch, slip=1, raw=[option[people[2].id]], by=who)
        paper.enter_slip(batch, slip=2, kind="blank", by=who)
    paper.count_batch(batch, a)
    close_voting(called, db)
    elections.count_and_publish(called, by=world.secretary)
    # a draft election is never listed
    elections.create_election(world.council, title="Next election (draft)", seats=3, term_months=24,
                              calendar=calendar(), by=world.secretary)
    db.session.commit()
    return called, people


def test_elections_list_the_call_and_link_results_and_ballots(client, counted):
    election, _people = counted
    body = _validate(client, "/api/v1/elections")
    assert [e["title"] for e in body["data"]] == [election.title]
    item = body["data"][0]
    assert item["seats"] == 3 and item["council"] == "Council of Cultures" and item["status"] == "results"
    assert item["reserved_seats"] == [{"district": "Zisa", "seats": 1}] and item["tie_seed"]
    assert item["blt_url"].endswith(f"/elections/{election.id}/ballots.blt")
    assert item["results"].endswith(f"/api/v1/election-results/{election.id}")
    assert _validate(client, f"/api/v1/elections/{election.id}")["data"]["id"] == election.id


def test_candidacies_show_the_public_page_and_nothing_of_the_account(client, counted, residents):  # noqa: F811
    _election, people = counted
    body = _validate(client, "/api/v1/candidacies?per_page=50")
    ids = {c["id"] for c in body["data"]}
    assert ids == {c.id for c in people[:4]}  # the refused nomination is not public
    first = next(c for c in body["data"] if c["id"] == people[0].id)
    assert first["statement"] == "Statement 0" and first["translations"] == [
        {"language": "ar", "statement": "بيان"}]
    assert first["result"] in ("elected", "substitute") and first["rank"] >= 1
    text = client.get("/api/v1/candidacies?per_page=50").get_data(as_text=True)
    assert residents[0].username not in text and "user_id" not in text and "Not a resident" not in text


def test_results_give_elected_substitutes_rounds_turnout_and_provenance(client, counted):
    election, people = counted
    body = _validate(client, "/api/v1/election-results")
    result = body["data"][0]
    assert result["id"] == election.id and result["method"] == "stv"
    assert [p["candidacy_id"] for p in result["elected"]] == election.outcome["elected"]
    assert [p["candidacy_id"] for p in result["substitutes"]] == election.outcome["substitutes"]
    assert len(result["elected"]) == 3 and len(result["substitutes"]) == 1
    assert result["voters"] == 7 and result["ballots"] == 6  # 5 online, 2 paper slips (one blank)
    channels = {c["name"]: c for c in result["channels"]}
    assert channels["online"]["ballots"] == 5 and not channels["online"]["paper"]
    assert channels["Town hall"] == {"name": "Town hall", "ballots": 2, "blank": 1, "invalid": 0,
                                     "paper": True}
    assert {c["candidacy_id"] for c in result["candidates"]} == {c.id for c in people[:4]}
    assert result["blt_url"].endswith(f"/elections/{election.id}/ballots.blt")
    assert _validate(client, f"/api/v1/election-results/{election.id}")["data"] == result


def test_the_document_lists_the_election_resources(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    for name in ("elections", "candidacies", "election-results"):
        assert f"/api/v1/{name}" in paths and f"/api/v1/{name}/{{id}}" in paths
