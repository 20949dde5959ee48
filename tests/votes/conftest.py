"""Factories for vote tests."""

from __future__ import annotations

import pytest

from consult.votes import services as votes


@pytest.fixture
def make_poll(db):
    """``make_poll(method="single", options=[...], open=True, **settings)`` returns a committed poll."""

    def factory(method="single", options=("Library", "Park", "Clinic"), *, open=True, **kwargs):
        kwargs.setdefault("question", f"Question for {method}?")
        poll = votes.create_poll(method=method, options=list(options), **kwargs)
        if open:
            votes.open_poll(poll)
        db.session.commit()
        return poll

    return factory
