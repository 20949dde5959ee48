"""A civic lottery from pool to panel in real browsers: the debate's moderator creates it, residents join (one
with JavaScript, one without), the pool closes, the public value is revealed, the panel is drawn and invited,
one panelist declines, a replacement is drawn, the panel is seated and listed on the debate page. axe on each
page type of lotteries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from consult.core.models import utcnow
from consult.extensions import db as _db
from consult.lotteries import invitations, pools
from consult.lotteries.models import Lottery, Volunteer
from consult.residency.models import District
from tests.browser.conftest import axe_check, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def scene(db, make_user):
    from consult.debates import services as debates

    districts = [District(code="north", name="North"), District(code="south", name="South")]
    _db.session.add_all(districts)
    _db.session.commit()
    host = make_user("host", display_name="Karim")
    debate = debates.create_debate(host, title="A dignified welcome", place="Town hall",
                                   starts_at=utcnow() + timedelta(days=20))
    _db.session.commit()
    residents = [make_user(f"res{n}", display_name=f"Resident {n}", verified=True, birth_year=1950 + 5 * n,
                           district_id=districts[n % 2].id) for n in range(10)]
    return debate, residents


def _lottery():
    _db.session.rollback()  # what the server committed
    return _db.session.scalar(sa.select(Lottery))


def test_a_lottery_from_pool_to_panel(live_server, new_context, scene):
    debate, residents = scene
    base = live_server
    organiser = new_context().new_page()
    sign_in(organiser, base, "host")
    organiser.goto(f"{base}/debates/{debate.id}")
    organiser.get_by_role("link", name="Draw a citizens' panel by lot").click()
    axe_check(organiser)
    organiser.get_by_label("Title of the panel").fill("Citizens' panel of the welcome debate")
    organiser.get_by_label("Number of seats").fill("3")
    organiser.get_by_label("The pool opens").fill("2020-01-01T09:00")
    organiser.get_by_label("The pool closes").fill("2030-01-01T09:00")
    organiser.get_by_label("Date of the draw").fill("2030-01-02T09:00")
    organiser.get_by_label("The public random value the draw will use").fill(
        "The winning numbers of the regional lottery of 2 January 2030")
    organiser.get_by_role("button", name="Create the lottery").click()
    expect(organiser.locator("#alerts")).to_contain_text("Set its quotas now")
    axe_check(organiser)
    lottery = _lottery()

    # a resident joins with JavaScript (htmx swaps the pool panel), another without
    with_js = new_context().new_page()
    sign_in(with_js, base, "res0")
    with_js.goto(f"{base}/lotteries/{lottery.id}")
    axe_check(with_js)
    with_js.get_by_role("button", name="Join the pool").click()
    expect(with_js.locator("#pool")).to_contain_text("You are in the pool")
    without_js = new_context(java_script_enabled=False).new_page()
    sign_in(without_js, base, "res1")
    without_js.goto(f"{base}/lotteries/{lottery.id}")
    without_js.get_by_role("button", name="Join the pool").click()
    expect(without_js.locator("#alerts")).to_contain_text("You are in the pool")
    lottery = _lottery()
    for person in residents[2:]:
        pools.join(lottery, person, {})
    _db.session.commit()

    organiser.goto(f"{base}/lotteries/{lottery.id}/manage")
    expect(organiser.locator("#step")).to_contain_text("10 residents have volunteered.")
    organiser.get_by_role("button", name="Close the pool and publish its digest").click()
    expect(organiser.locator("#alerts")).to_contain_text("digest is published")
    digest = _lottery().pool_digest
    expect(organiser.locator("#step")).to_contain_text(digest)
    organiser.get_by_label("The public value, as published").fill("8 15 16 23 42")
    organiser.get_by_role("button", name="Draw the panel").click()
    expect(organiser.locator("#alerts")).to_contain_text("invited")
    axe_check(organiser)
    _db.session.rollback()
    drawn = _db.session.scalars(sa.select(Volunteer).where(Volunteer.draw_number == 0)
                                .order_by(Volunteer.row_id)).all()
    assert len(drawn) == 3
    names = {p.id: p.username for p in residents}

    # the first drawn declines in the browser, the others accept
    decliner = new_context().new_page()
    sign_in(decliner, base, names[drawn[0].user_id])
    decliner.goto(f"{base}/lotteries/{lottery.id}")
    expect(decliner.locator("#pool")).to_contain_text("You were drawn by lot for this panel.")
    decliner.get_by_role("button", name="I decline").click()
    expect(decliner.locator("#alerts")).to_contain_text("your seat goes to another volunteer")
    acceptor = new_context(java_script_enabled=False).new_page()
    sign_in(acceptor, base, names[drawn[1].user_id])
    acceptor.goto(f"{base}/lotteries/{lottery.id}")
    acceptor.get_by_role("button", name="I accept the seat").click()
    expect(acceptor.locator("#alerts")).to_contain_text("you accepted the seat")
    invitations.reply(_lottery(), drawn[2].user, accept=True)
    _db.session.commit()

    organiser.goto(f"{base}/lotteries/{lottery.id}/manage")
    organiser.get_by_role("button", name="Draw 1 replacement").click()
    expect(organiser.locator("#alerts")).to_contain_text("The replacements are being drawn")
    expect(organiser.locator("#step")).to_contain_text("replacement 1")
    _db.session.rollback()
    replacement = _db.session.scalar(sa.select(Volunteer).where(Volunteer.draw_number == 1))
    invitations.reply(_lottery(), replacement.user, accept=True)
    _db.session.commit()
    organiser.reload()
    organiser.get_by_role("button", name="Seat the panel").click()
    expect(organiser.locator("#alerts")).to_contain_text("The panel is seated.")
    expect(organiser.get_by_role("heading", name="The panel", exact=True)).to_be_visible()
    expect(organiser.locator("main")).to_contain_text(re.compile("lowest .*, highest .*, mean"))
    axe_check(organiser)

    organiser.goto(f"{base}/debates/{debate.id}")
    panel = {names[drawn[1].user_id], names[drawn[2].user_id], names[replacement.user_id]}
    for username in panel:
        expect(organiser.locator("main")).to_contain_text(f"Resident {username.removeprefix('res')}")
