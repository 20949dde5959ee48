"""Every page of the demo answers an htmx request (its fragment) without a server error.

The full pages are visited by every role in ``test_authorization_matrix.py`` (and counted in
``test_query_budget.py``); this one asks each GET route of the URL map the way htmx does (``HX-Request``),
which renders the page's fragment instead, for a visitor and a verified resident. Arguments come from the demo
objects (``tests/routes.py``), so a new route is covered automatically.
"""

from __future__ import annotations

from consult.demo import load_demo
from tests.core.authz_runner import LAST, STREAMING
from tests.routes import ACCOUNTS, DEMO_PASSWORD, add_missing_objects, route_cases


def test_every_page_fragment_answers_without_server_error(app, db):
    load_demo(progress=False)
    add_missing_objects()
    db.session.commit()
    cases = [case for case in route_cases(app, methods=("GET",))
             if case.url is not None and case.endpoint not in STREAMING | LAST]
    assert len(cases) > 50
    errors = []
    for who in ("visitor", "resident"):
        client = app.test_client()
        if who != "visitor":
            client.sign_in(ACCOUNTS[who], DEMO_PASSWORD)
        client.environ_base["HTTP_HX_REQUEST"] = "true"
        for case in cases:
            response = client.get(case.url)
            if response.status_code >= 500:
                errors.append(f"{case.key} as {who}: {response.status_code}")
    assert errors == []
