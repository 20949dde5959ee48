"""The demo tells the Council of Cultures' story: seats, a held and closed session, an upcoming one."""

import sqlalchemy as sa

from consult.accounts.models import User
from consult.core.models import utcnow
from consult.councils.models import Council
from consult.meetings.models import CouncilSession
from consult.meetings.record import session_record


def test_demo_council_and_sessions(db):
    from consult.demo import _accounts
    from consult.demo import councils as demo_councils
    from consult.demo import elections as demo_elections
    from consult.demo import meetings as demo_meetings

    _accounts()
    demo_councils.load()
    demo_elections.load()  # the members' seats come from the council's 2025 election
    demo_meetings.load()
    db.session.commit()
    council = db.session.scalar(sa.select(Council))
    today = utcnow().date()
    roles = {m.user.username: m.role for m in council.memberships
             if m.starts_on <= today and (m.ends_on is None or m.ends_on >= today)}
    assert roles["president"] == "president" and roles["secretary"] == "secretary"
    assert roles["member"] == "member" and roles["observer"] == "observer"
    assert db.session.scalar(sa.select(User).where(User.username == "samir")) is not None  # a former member
    held, upcoming = db.session.scalars(sa.select(CouncilSession).order_by(CouncilSession.starts_at)).all()
    assert held.status == "closed" and upcoming.status == "convened"
    record = session_record(held)
    verdicts = [m["verdict"] for item in record["items"] for m in item["motions"]]
    assert verdicts == ["adopted", "adopted", "rejected"]
    assert any("monitoring tool" in item["description"] for item in record["items"])
    assert record["attendance"]["excused"] and record["quorum"]["reached"]
