"""Property-based check of the API against its own OpenAPI document (in the spirit of schemathesis, whose
3.x release does not work with the installed Hypothesis): for every documented list operation, generated query
strings — valid, out of range and malformed — always get a documented status, and the body matches the schema
documented for that status."""

from __future__ import annotations

from urllib.parse import urlencode

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.test_api import data  # noqa: F401 - the fixture with published minutes and outcomes

numbers = st.one_of(st.integers(-3, 10**12).map(str), st.text(max_size=6), st.just(""))
moments = st.one_of(st.dates().map(lambda d: d.isoformat()),
                    st.datetimes().map(lambda d: d.isoformat()),
                    st.text(max_size=20))
queries = st.fixed_dictionaries({}, optional={"page": numbers, "per_page": numbers, "since": moments,
                                               "until": moments})


@pytest.fixture
def spec(client, data):  # noqa: F811
    return client.get("/api/openapi.json").get_json()


def _check(client, spec, path, operation, query):
    url = f"{path}?{urlencode(query)}" if query else path
    response = client.get(url)
    documented = operation["responses"]
    assert str(response.status_code) in documented, (url, response.status_code)
    content = documented[str(response.status_code)]["content"]
    if "text/csv" in content:
        assert response.mimetype == "text/csv"
        return
    assert response.is_json, url
    schema = {**content["application/json"]["schema"], "components": spec["components"]}
    jsonschema.Draft202012Validator(schema).validate(response.get_json())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=queries)
def test_every_list_operation_answers_as_documented(client, spec, query):
    for path, item in spec["paths"].items():
        if "{id}" in path:
            continue
        _check(client, spec, path, item["get"], query)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ident=st.integers(min_value=1, max_value=2**31))
def test_every_item_operation_answers_as_documented(client, spec, ident):
    for path, item in spec["paths"].items():
        if "{id}" in path:
            _check(client, spec, path.replace("{id}", str(ident)), item["get"], {})
