"""The demo's lotteries: the welcome debate's citizens' panel of 24 from 300 volunteers, seated with one
replacement and on the debate's panel; its kept draws are what the draw gives from the published open data."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from consult.demo import load_demo
from consult.extensions import db as _db
from consult.lotteries import draw as drawing
from consult.lotteries.models import Lottery


def _panel(db):
    load_demo(progress=False)
    db.session.commit()
    return _db.session.scalar(sa.select(Lottery).where(Lottery.status == "final"))


def test_the_demo_seats_24_from_300_with_one_replacement(db):
    from consult.debates.models import Panelist

    lottery = _panel(db)
    assert lottery.seats == 24 and len(lottery.draw_input["pool"]) == 300
    assert [d["seats"] for d in lottery.draws] == [24, 1]
    features = {row["id"]: row["features"] for row in lottery.draw_input["pool"]}
    panel = [r for d in lottery.draws for r in d["selected"] if r not in set(lottery.draws[1]["excluded"])
             or r in lottery.draws[1]["kept"]]
    assert len(panel) == 24
    for category in lottery.draw_input["categories"]:
        for value in category["values"]:
            n = sum(1 for r in panel if features[r][category["key"]] == value["key"])
            assert value["min"] <= n <= value["max"]
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(Panelist).where(
        Panelist.debate_id == lottery.owner_id, Panelist.role == "public")) == 24
    assert _db.session.scalar(sa.select(Lottery).where(Lottery.status == "open")).owner_type == "council"


@pytest.mark.slow
def test_the_demo_draws_re_run_from_the_open_data(db, client):
    lottery = _panel(db)
    published = client.get(f"/api/v1/lotteries/{lottery.id}").get_json()
    assert [r["ok"] for r in drawing.redraw(published)] == [True, True]
