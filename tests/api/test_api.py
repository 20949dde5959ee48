"""Open-data API: responses match the OpenAPI document; bad parameters get a 400 JSON error; no personal
data."""

from __future__ import annotations

import csv
import io

import jsonschema
import pytest

from consult.accounts import services as accounts
from consult.extensions import db as _db
from consult.minutes import services as minutes_services
from consult.outcomes import services as outcome_services
from tests.meetings.conftest import council_setup, running_session  # noqa: F401 - fixture
from tests.minutes.fixtures import record
from tests.proposals.conftest import admin, make_process, make_proposal  # noqa: F401 - fixtures
from tests.votes.conftest import make_poll  # noqa: F401 - fixture


@pytest.fixture
def data(db, make_user):
    secretary = make_user("secretary-login", display_name="Mariam", email="mariam@example.org")
    accounts.grant_role(secretary, "secretary", scope_type="council", scope_id=1)
    published = minutes_services.create_draft(record(), council_id=1)
    minutes_services.submit(published, actor=secretary)
    minutes_services.approve(published, actor=secretary)
    minutes_services.publish(published, actor=secretary)
    minutes_services.create_draft(record(id=8, title="Secret draft"), council_id=1)
    outcomes = outcome_services.outcomes_from_record(record(), council_id=1, minutes_id=published.id)
    outcome_services.update_action(outcomes[0].actions[0], status="in_progress", progress=30)
    outcome_services.create_outcome("=HYPERLINK(\"http://evil\")", council_id=1)
    _db.session.commit()
    return published


@pytest.fixture
def spec(client):
    return client.get("/api/openapi.json").get_json()


def validate(spec, instance, schema_name):
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}
    jsonschema.Draft202012Validator(schema).validate(instance)


def _schema(spec, path) -> dict:
    """The JSON schema of a GET's 200 answer in the OpenAPI document."""
    return spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]


def test_openapi_document_is_valid(spec):
    from openapi_spec_validator import validate as validate_spec

    validate_spec(spec)
    assert "/api/v1/minutes" in spec["paths"] and "/api/v1/outcomes/{id}" in spec["paths"]


def test_every_list_and_item_validates_against_the_document(client, data, spec):
    for path in spec["paths"]:
        if path.endswith(".csv") or "{id}" in path:
            continue
        name = path.rsplit("/", 1)[1]
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.get_json()
        list_ref = _schema(spec, path)["$ref"]
        validate(spec, body, list_ref.rsplit("/", 1)[1])
        for item in body["data"][:3]:
            one = client.get(f"/api/v1/{name}/{item['id']}")
            assert one.status_code == 200
            schema = _schema(spec, f"/api/v1/{name}/{{id}}")
            jsonschema.Draft202012Validator({**schema,
                                             "components": spec["components"]}).validate(one.get_json())


def test_only_published_minutes_are_listed(client, data):
    body = client.get("/api/v1/minutes").get_json()
    assert [m["id"] for m in body["data"]] == [data.id]
    draft = minutes_services.original_for("council_session", 8)
    assert client.get(f"/api/v1/minutes/{draft.id}").status_code == 404


def test_no_personal_data(client, data):
    text = (client.get("/api/v1/minutes").get_data(as_text=True) + client.get("/api/v1/outcomes")
            .get_data(as_text=True))
    assert "mariam@example.org" not in text and "secretary-login" not in text


def test_outcomes_show_actions_and_progress(client, data):
    body = client.get("/api/v1/outcomes?per_page=10").get_json()
    cards = next(o for o in body["data"] if o["title"].startswith("Ask the mayor"))
    assert cards["progress"] == 30 and cards["actions"][0]["status"] == "in_progress"
    assert cards["minutes_id"] == data.id and cards["proposal_id"] == 5


@pytest.mark.parametrize("query, parameter", [
    ("per_page=abc", "per_page"), ("page=0", "page"), ("page=-1", "page"), ("since=yesterday", "since"),
    ("until=2026-13-45", "until"), ("colour=blue", "colour"), ("page=1&page=2", "page"),
    ("page=99999999999999999999", "page"), ("page=%C2%B2", "page"), ("per_page=%E2%91%A0", "per_page"),
])
def test_malformed_parameters_get_a_json_400(client, data, spec, query, parameter):
    response = client.get(f"/api/v1/outcomes?{query}")
    assert response.status_code == 400 and response.is_json
    body = response.get_json()
    validate(spec, body, "Error")
    assert body["error"]["parameter"] == parameter


def test_enormous_page_sizes_are_capped(client, data):
    body = client.get("/api/v1/outcomes?per_page=100000000").get_json()
    assert body["meta"]["per_page"] == 100


def test_pagination_links(client, data):
    body = client.get("/api/v1/outcomes?per_page=1").get_json()
    assert body["meta"] == {"page": 1, "per_page": 1, "total": 3, "pages": 3}
    assert body["links"]["prev"] is None and "page=2" in body["links"]["next"]
    far = client.get("/api/v1/outcomes?per_page=1&page=50").get_json()
    assert far["data"] == [] and far["links"]["next"] is None


def test_date_filters(client, data):
    assert len(client.get("/api/v1/outcomes?since=2026-03-12&until=2026-03-12").get_json()["data"]) == 2
    assert client.get("/api/v1/outcomes?since=2026-03-13").get_json()["data"] == []
    assert len(client.get("/api/v1/minutes?since=2000-01-01T00:00:00Z").get_json()["data"]) == 1
    assert client.get("/api/v1/minutes?until=2000-01-01").get_json()["data"] == []


def test_csv_has_the_same_columns_and_no_formulas(client, data, spec):
    response = client.get("/api/v1/outcomes.csv?per_page=10")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == spec["components"]["schemas"]["Outcome"]["required"]
    assert len(rows) == 4
    assert not any(cell.startswith("=") for row in rows[1:] for cell in row)
    assert client.get("/api/v1/outcomes.csv?per_page=x").status_code == 400


def test_unknown_resource_and_item_are_json_404(client, data):
    for path in ("/api/v1/ballots", "/api/v1/outcomes/999999"):
        response = client.get(path)
        assert response.status_code == 404 and response.is_json


def test_writes_are_not_possible(client, data):
    response = client.post("/api/v1/outcomes")
    assert response.status_code in (400, 405)


def test_open_data_page_for_people(client, data):
    from tests.helpers import text_of

    response = client.get("/api/")
    assert response.status_code == 200 and "text/html" in response.content_type
    page = text_of(response)
    assert "minutes" in page and "outcomes" in page and "OpenAPI" in page


def test_sessions_give_agenda_and_attendance_counts(client, council_setup, db):  # noqa: F811 - the fixture
    """The list counts the roll call in the query and reads all agendas in one query: same figures as the
    rows."""
    from consult.api.resources.sessions import _agenda
    from consult.meetings import services as meetings

    session, item = running_session(council_setup, db, present=("pres", "member1"))
    meetings.add_item(session, title="Sub-item", parent=item)
    meetings.add_item(session, title="Library hours", kind="information")
    db.session.commit()
    expected = _agenda(session)  # from the items themselves (no request: nothing prefetched)
    assert [a["title"] for a in expected] == ["Resident cards", "Library hours"]
    listed = next(s for s in client.get("/api/v1/sessions").get_json()["data"] if s["id"] == session.id)
    one = client.get(f"/api/v1/sessions/{session.id}").get_json()["data"]
    for body in (listed, one):
        assert body["attendance"] == {"present": 2, "excused": 0, "absent": 4}
        assert body["agenda"] == expected


def test_proposals_give_the_authors_public_name_and_nothing_of_the_account(
        client, db, make_process, make_user, make_proposal):  # noqa: F811 - fixtures
    from consult.accounts.erasure import erase_account

    process = make_process()
    amal = make_user("amal-login", display_name="Amal", email="amal@example.org", verified=True,
                     birth_year=1990)
    kept = make_proposal(process, amal, title="Evening classes")
    gone_author = make_user("gone-login", display_name="Gone", verified=True, birth_year=1990)
    gone = make_proposal(process, gone_author, title="Market stalls")
    make_proposal(process, amal, title="Still a draft", publish=False)
    erase_account(gone_author)
    db.session.commit()

    response = client.get("/api/v1/proposals")
    body = response.get_json()
    by_id = {p["id"]: p for p in body["data"]}
    assert set(by_id) == {kept.id, gone.id} and body["meta"]["total"] == 2
    assert by_id[kept.id]["author"] == "Amal" and by_id[kept.id]["title"] == "Evening classes"
    assert by_id[gone.id]["author"] == "Former participant"
    assert client.get(f"/api/v1/proposals/{gone.id}").get_json()["data"]["author"] == "Former participant"
    text = response.get_data(as_text=True)
    assert "amal-login" not in text and "amal@example.org" not in text and "Gone" not in text


def test_polls_list_their_options_in_order_and_no_drafts(client, db, make_poll):  # noqa: F811 - fixture
    from consult.votes import services as votes

    first = make_poll(options=("Library", "Park", "Clinic"), question="Where first?")
    second = make_poll(options=("Yes", "No"), question="Second?")
    make_poll(open=False, question="Not yet open?")
    votes.close_poll(second)
    db.session.commit()

    body = client.get("/api/v1/polls").get_json()
    by_id = {p["id"]: p for p in body["data"]}
    assert set(by_id) == {first.id, second.id} and body["meta"]["total"] == 2
    assert [o["label"] for o in by_id[first.id]["options"]] == ["Library", "Park", "Clinic"]
    assert [o["id"] for o in by_id[first.id]["options"]] == [o.id for o in first.options]
    assert by_id[first.id]["results"] is None and by_id[second.id]["results"] is not None
    one = client.get(f"/api/v1/polls/{second.id}").get_json()["data"]
    assert [o["label"] for o in one["options"]] == ["Yes", "No"]
