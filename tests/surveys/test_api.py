"""Open data of surveys: the questionnaire as the OpenAPI document says, the number of responses, figures only
once the organisers publish the results, never a response or who answered, no draft; CSV too."""

from __future__ import annotations

import jsonschema

from consult.surveys import services as surveys
from tests.surveys.conftest import build


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


def test_surveys_in_the_api(client, world, survey, db):
    s, q = survey
    build(world, publish=False)  # a draft: not listed
    surveys.respond(s, world.residents[0], {q["used"].field: ["1"], q["more"].field: ["Private words"]})
    db.session.commit()
    data = _validate(client, "/api/v1/surveys")
    assert [item["id"] for item in data["data"]] == [s.id]
    item = data["data"][0]
    assert item["responses"] == 1 and item["results"] is None and item["anonymous"] is True
    assert [x["kind"] for x in item["questions"]][:2] == ["single", "short_text"]
    assert item["questions"][1]["condition_option_ids"] == [2]
    surveys.set_results_public(s, world.organiser, True)
    db.session.commit()
    item = _validate(client, f"/api/v1/surveys/{s.id}")["data"]
    used = next(r for r in item["results"] if r["question_id"] == q["used"].id)
    assert used["figures"] == [{"label": "Yes", "value": 1}, {"label": "No", "value": 0}]
    text = client.get(f"/api/v1/surveys/{s.id}").get_data(as_text=True)
    assert "Private words" not in text and "Resident 0" not in text
    csv = client.get("/api/v1/surveys.csv")
    assert csv.status_code == 200 and "The welcome desk" in csv.get_data(as_text=True)
