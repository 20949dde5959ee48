"""A council's quorum is a share of the members entitled to vote on the session's day (more than it, or at
least it rounded up) or a set number of them; the session page says it, the roll call and the motions'
verdicts count by it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from consult.core.errors import DomainError
from consult.core.models import utcnow
from consult.councils import services as councils
from consult.councils.models import Council
from consult.meetings import services as meetings
from tests.helpers import text_of
from tests.meetings.conftest import running_session

VOTERS = ("pres", "secr", "member1", "member2", "member3")


def _settings(council, **changes):
    values = {name: getattr(council, name) for name in (
        "name", "slug", "purpose", "mandate", "composition", "contact", "quorum_rule", "quorum_percent",
        "quorum_number", "convocation_days")}
    return {**values, **changes}


@pytest.fixture
def ten(council_setup, make_user, db):
    """The council with 10 voting members (5 more) and its observer; one more member whose term ended
    yesterday, who does not count."""
    council = council_setup.council
    start = date.today() - timedelta(days=30)
    for n in range(4, 9):
        user = make_user(f"member{n}")
        council_setup.users[user.username] = user
        councils.add_membership(council, user, role="member", starts_on=start)
    gone = make_user("gone")
    councils.add_membership(council, gone, role="member", starts_on=start,
                            ends_on=date.today() - timedelta(days=1))
    db.session.commit()
    return council_setup


def test_half_of_ten_is_six_when_more_than_half_and_five_when_at_least_half(ten, db):
    present = VOTERS  # 5 of 10 voting members
    session, _ = running_session(ten, db, present=present)
    assert meetings.quorum(session) == {"members": 10, "present": 5, "required": 6, "reached": False}
    councils.update_council(ten.council, **_settings(ten.council, quorum_rule="share"))
    assert meetings.quorum(session) == {"members": 10, "present": 5, "required": 5, "reached": True}
    councils.update_council(ten.council, **_settings(ten.council, quorum_rule="number", quorum_number=7))
    assert meetings.quorum(session) == {"members": 10, "present": 5, "required": 7, "reached": False}


def test_a_motion_is_decided_by_the_councils_rule_at_the_moment_of_the_vote(ten, db):
    councils.update_council(ten.council, **_settings(ten.council, quorum_rule="share", quorum_percent=50))
    session, item = running_session(ten, db, present=VOTERS)
    motion = meetings.add_motion(item, text="Half is enough", mode="named")
    meetings.open_motion(motion)
    for username in ("pres", "secr", "member1"):
        meetings.cast_vote(motion, ten.users[username], "yes")
    meetings.close_motion(motion)
    assert (motion.verdict, motion.quorum_required, motion.members_count) == ("adopted", 5, 10)

    councils.update_council(ten.council, **_settings(ten.council, quorum_rule="over_share"))
    second = meetings.add_motion(item, text="More than half needed", mode="named")
    meetings.open_motion(second)
    meetings.cast_vote(second, ten.users["pres"], "yes")
    meetings.close_motion(second)
    assert (second.verdict, second.quorum_required) == ("no_quorum", 6)


def test_the_settings_are_checked(council_setup):
    council = council_setup.council
    for changes, field in (({"quorum_rule": "number", "quorum_number": None}, "quorum_number"),
                           ({"quorum_rule": "number", "quorum_number": 0}, "quorum_number"),
                           ({"quorum_rule": "share", "quorum_percent": None}, "quorum_percent"),
                           ({"quorum_rule": "share", "quorum_percent": 101}, "quorum_percent"),
                           ({"quorum_rule": "majority"}, "quorum_rule")):
        with pytest.raises(DomainError) as refused:
            councils.update_council(council, **_settings(council, **changes))
        assert refused.value.field == field
    # the rule by number keeps the share as it was, for when the council goes back to a share
    councils.update_council(council, **_settings(council, quorum_rule="number", quorum_number=4,
                                                 quorum_percent=None))
    assert (council.quorum_rule, council.quorum_number, council.quorum_percent) == ("number", 4, 50)


def test_the_session_page_says_the_quorum_before_any_roll_call(client, ten, db):
    session = meetings.create_session(ten.council, title="Planned", starts_at=utcnow() + timedelta(days=10),
                                      place="Town hall")
    meetings.add_item(session, title="Welcome")
    meetings.convene_session(session)
    db.session.commit()
    url = f"/sessions/{session.id}"
    assert "Quorum 6 of 10 voting members (more than half)" in text_of(client.get(url))
    for changes, shown in (({"quorum_rule": "share"}, "5 of 10 voting members (at least half, rounded up)"),
                           ({"quorum_rule": "share", "quorum_percent": 34},
                            "4 of 10 voting members (at least 34%, rounded up)"),
                           ({"quorum_rule": "over_share", "quorum_percent": 34},
                            "4 of 10 voting members (more than 34%)"),
                           ({"quorum_rule": "number", "quorum_number": 3},
                            "3 of 10 voting members (a set number)")):
        councils.update_council(ten.council, **_settings(ten.council, **changes))
        db.session.commit()
        assert shown in text_of(client.get(url)), changes


def test_the_live_part_follows_a_change_of_rule(client, ten, db):
    session, _ = running_session(ten, db, present=VOTERS)
    url = f"/sessions/{session.id}"
    assert "Quorum not reached: 5 of 10 voting members in the room; 6 needed." in text_of(client.get(url))
    councils.update_council(ten.council, **_settings(ten.council, quorum_rule="share"))
    db.session.commit()
    assert "Quorum reached: 5 of 10 voting members in the room; 5 needed." in text_of(client.get(url))


def test_the_council_form_sets_the_rule(client, council_setup, make_user, db):
    make_user("boss", roles=("admin",))
    client.sign_in("boss")
    url = "/councils/council-of-cultures/edit"
    form = client.get(url).get_data(as_text=True)
    assert 'name="quorum_rule"' in form and 'name="quorum_number"' in form
    base = {"name": "Council of Cultures", "slug": "council-of-cultures", "convocation_days": "5"}
    response = client.post_form(url, {**base, "quorum_rule": "number", "quorum_percent": ""})
    assert response.status_code == 422
    assert "between 1 and 1000" in text_of(response)
    response = client.post_form(url, {**base, "quorum_rule": "number", "quorum_percent": "",
                                      "quorum_number": "4"})
    assert response.status_code == 303
    council = db.session.get(Council, council_setup.council.id)
    db.session.refresh(council)
    assert (council.quorum_rule, council.quorum_number, council.quorum_percent) == ("number", 4, 50)
    response = client.post_form(url, {**base, "quorum_rule": "share", "quorum_percent": "0"})
    assert response.status_code == 303  # 0 % is a share like any other (at least one person)
    db.session.refresh(council)
    assert (council.quorum_rule, council.quorum_percent) == ("share", 0)
