"""Debate factories."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from consult.extensions import db as _db


@pytest.fixture
def make_debate(db):
    """``make_debate(moderator=user, segments=[("Opening", 5)], **fields)`` returns a committed Debate."""
    from consult.debates import services

    def factory(moderator=None, *, segments=(("Opening", 5), ("Questions from the public", 30)), **fields):
        values = dict(title="Telling a different story", description="A debate.",
                      starts_at=datetime(2030, 5, 4, 17, 0), place="Biblioteca civica",
                      languages="Italian, French", allow_anonymous=True)
        values.update(fields)
        debate = services.create_debate(moderator, **values)
        for title, minutes in segments:
            services.add_segment(debate, title, minutes)
        _db.session.commit()
        return debate

    return factory


def participant(key="a:browser-1", user=None, name=None):
    from consult.debates.services import Participant

    return Participant(key, user, name)


def later(seconds):
    return timedelta(seconds=seconds)
