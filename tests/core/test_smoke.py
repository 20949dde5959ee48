"""Every page of the demo answers every kind of person without a server error.

The demo data is loaded, then each GET route of the URL map is visited by a visitor, a verified resident and
an administrator, with its arguments taken from the first demo object of the matching kind. A new route is
covered automatically; a route whose arguments cannot be filled is listed (and must stay a short list).
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from consult.core import targets
from consult.demo import load_demo
from consult.extensions import db as _db

SKIP_ENDPOINTS = {"static"}
#: rules whose arguments cannot be derived from the demo (tokens and codes that are shown once)
UNFILLABLE_OK = {"token", "code", "tracker", "filename", "stored_name", "key", "join_code", "lang"}


def _first_id(model):
    return _db.session.scalar(sa.select(model.id).order_by(model.id).limit(1))


def _value_for(argument: str):
    name = argument[:-3] if argument.endswith("_id") else argument
    candidates = [name, name.replace("_", ""), f"council_{name}" if name == "session" else name]
    for candidate in candidates:
        model = targets.model_for(candidate)
        if model is not None and hasattr(model, "id"):
            return _first_id(model)
    if argument == "slug":
        return None
    return None


def _urls(app):
    urls, unfilled = [], []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP_ENDPOINTS or "GET" not in rule.methods:
            continue
        values = {}
        for argument in rule.arguments:
            value = _value_for(argument)
            if value is None and argument == "slug":
                model = next((targets.model_for(t) for t in targets.known_types()
                              if hasattr(targets.model_for(t), "slug")), None)
                value = _db.session.scalar(sa.select(model.slug).limit(1)) if model is not None else None
            if value is None:
                break
            values[argument] = value
        else:
            with app.test_request_context():
                from flask import url_for

                urls.append((rule.endpoint, url_for(rule.endpoint, **values)))
            continue
        unfilled.append(rule.rule)
    return urls, unfilled


@pytest.mark.parametrize("who", ["visitor", "resident", "admin"])
def test_every_page_answers_without_server_error(app, client, db, who):
    load_demo(progress=False)
    db.session.commit()
    if who != "visitor":
        client.sign_in(who, "consult-demo")
    urls, unfilled = _urls(app)
    assert len(urls) > 10
    errors = []
    for endpoint, url in urls:
        if re.search(r"/(sign-out|stream|events)\b", url):
            continue
        response = client.get(url)
        if response.status_code >= 500:
            errors.append((endpoint, url, response.status_code))
    assert errors == []
    strange = [rule for rule in unfilled if not any(f"<{arg}>" in rule or f":{arg}>" in rule for arg in UNFILLABLE_OK)]
    assert len(strange) < 15, strange
