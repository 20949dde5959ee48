"""The demo debates load through the services and every page of them renders."""

from consult.debates.models import Debate
from consult.debates.record import debate_record


def test_demo_debates(app, db, client):
    from consult.demo import _accounts
    from consult.demo import debates as demo

    _accounts()
    demo.load()
    db.session.commit()
    past, upcoming = db.session.query(Debate).order_by(Debate.id).all()
    assert past.status == "ended" and upcoming.status == "scheduled"
    record = debate_record(past)
    assert record["title"] == "Telling a different story about migration"
    assert [s["planned_minutes"] for s in record["segments"]] == [10, 30, 40, 20]
    assert len(record["speakers"]) >= 4 and len(record["questions"]) == 5
    for debate in (past, upcoming):
        for url in (f"/debates/{debate.id}", f"/debates/{debate.id}/projector"):
            assert client.get(url).status_code == 200
    client.sign_in("moderator", "consult-demo")
    assert client.get(f"/debates/{upcoming.id}/console").status_code == 200
