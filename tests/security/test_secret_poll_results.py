"""A secret ballot's results show only once it closes: live exact counts would let anyone who reads them
before and after a vote (or who votes in between) work out how someone voted. Named (roll-call) polls and
quick live polls keep their live count."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from consult.core.errors import DomainError, NotAllowed
from consult.votes import services as votes
from consult.votes.models import Poll
from tests.helpers import count, text_of


@pytest.fixture
def admin(db, make_user):
    return make_user("staff", roles=("admin",))


def _poll(admin, db, **settings):
    poll = votes.create_poll(question="Where should the new bench go?", method="single",
                             options=["Park", "Square"], created_by=admin, **settings)
    votes.open_poll(poll, by=admin)
    votes.record_paper_tally(poll, channel="Town hall", counts={str(poll.options[0].id): 1}, by=admin)
    db.session.commit()
    return poll


def test_the_service_refuses_live_results_for_a_secret_ballot(admin, db):
    with pytest.raises(DomainError) as refused:
        votes.create_poll(question="Q?", method="single", options=["A", "B"], mode="secret",
                          results_before_close=True, created_by=admin)
    assert refused.value.field == "results_before_close"
    db.session.rollback()
    assert count(Poll) == 0


def test_the_form_says_why_and_creates_nothing(client, admin, db):
    client.sign_in("staff")
    response = client.post_form("/polls/new",
                                {"question": "Where should the new bench go?", "method": "single",
                                 "mode": "secret", "majority": "simple",
                                 "options": "Park\nSquare", "results_before_close": "y"})
    assert response.status_code == 422
    assert "A secret ballot shows its results only when it closes" in text_of(response)
    assert count(Poll) == 0
    named = client.post_form("/polls/new", {"question": "Roll call on the bench", "method": "single",
                                            "mode": "named", "majority": "simple", "options": "Park\nSquare",
                                            "results_before_close": "y"})
    assert named.status_code == 303


def test_a_stored_secret_poll_asking_for_live_results_still_hides_them(client, admin, db):
    """A secret poll saved with the setting before it was refused: the rule that shows results ignores it."""
    poll = _poll(admin, db)
    db.session.execute(sa.update(Poll).where(Poll.id == poll.id).values(results_before_close=True))
    db.session.commit()
    db.session.refresh(poll)
    assert poll.results_before_close and not votes.results_visible(poll)
    with pytest.raises(NotAllowed):
        votes.live_counts(poll)
    assert client.get(f"/polls/{poll.id}/results").status_code == 403
    assert client.get(f"/polls/{poll.id}/results.csv").status_code == 403
    page = client.get(f"/polls/{poll.id}")
    assert "Results are shown only when the poll closes" in text_of(page)
    assert "Current count" not in text_of(page)
    assert client.get(f"/api/v1/polls/{poll.id}").get_json()["data"]["results"] is None
    votes.close_poll(db.session.get(Poll, poll.id), by=admin)
    db.session.commit()
    assert client.get(f"/polls/{poll.id}/results").status_code == 200
    assert client.get(f"/api/v1/polls/{poll.id}").get_json()["data"]["results"] is not None


def test_named_and_quick_polls_keep_their_live_count(client, admin, db):
    named = _poll(admin, db, mode="named", results_before_close=True)
    assert client.get(f"/polls/{named.id}/results").status_code == 200
    quick = _poll(admin, db, mode="open")
    assert votes.results_visible(quick)
    named_without = _poll(admin, db, mode="named")
    assert client.get(f"/polls/{named_without.id}/results").status_code == 403
