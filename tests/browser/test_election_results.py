"""An STV poll's results in a real browser: the elected and the substitutes, the stages' SVG chart and table,
in English and in Arabic (right to left), with and without JavaScript, and no WCAG 2.2 AA violation."""

from __future__ import annotations

import random
import uuid

from playwright.sync_api import expect

from tests.browser.conftest import axe_check

NAMES = ["Ana Ruiz", "Bilal Haddad", "Chen Wei", "Dara Okafor", "Élodie Martin", "Fatima Zahra",
         "Goran Petrović", "Hana Sato", "Ibrahim Diallo", "Jamila Nasser"]


def _closed_stv_poll(db, seats=4, ballots=300):
    from consult.votes import methods
    from consult.votes import services as votes
    from consult.votes.casting import spec_for
    from consult.votes.models import Ballot

    poll = votes.create_poll(question="Council of Cultures 2025", method="stv", options=NAMES, seats=seats,
                             tie_seed="2025-03-01 lotto 12 45 7")
    votes.open_poll(poll)
    db.session.flush()
    rng = random.Random(4)
    ids = [o.id for o in poll.options]
    strength = {i: rng.random() + 0.1 for i in ids}
    method, spec = methods.get("stv"), spec_for(poll)
    for _ in range(ballots):
        pool, ranking = list(ids), []
        for _ in range(rng.randint(1, 6)):
            pick = rng.choices(range(len(pool)), weights=[strength[i] for i in pool])[0]
            ranking.append(pool.pop(pick))
        db.session.add(Ballot(id=str(uuid.uuid4()), poll_id=poll.id,
                              choice=methods.encode(method.validate(ranking, spec)),
                              tracker_hash=uuid.uuid4().hex * 2))
    db.session.flush()
    votes.close_poll(poll)
    db.session.commit()
    return poll


def test_stv_results_show_the_order_the_chart_and_the_stages(live_server, db, page, new_context):
    poll = _closed_stv_poll(db)
    tally = poll.result["tally"]
    first = NAMES[[o.id for o in poll.options].index(tally["winners"][0])]
    page.goto(f"{live_server}/polls/{poll.id}/results")
    expect(page.get_by_role("heading", name="Elected, in order of election")).to_be_visible()
    expect(page.locator(".election-order ol").first.locator("li").first).to_have_text(first)
    expect(page.locator("svg.stages-chart polyline")).to_have_count(len(NAMES))
    expect(page.locator("table.stages-table tbody tr")).to_have_count(len(NAMES))
    page.screenshot(path="/tmp/stv-results-en.png", full_page=True)
    axe_check(page)

    arabic = new_context().new_page()
    arabic.goto(f"{live_server}/polls/{poll.id}/results?lang=ar")
    assert arabic.locator("html").get_attribute("dir") == "rtl"
    expect(arabic.locator("svg.stages-chart")).to_be_visible()
    arabic.screenshot(path="/tmp/stv-results-ar.png", full_page=True)
    axe_check(arabic)

    # without JavaScript (axe needs it, so only what is shown): the same server-rendered chart and table
    plain = new_context(java_script_enabled=False).new_page()
    plain.goto(f"{live_server}/polls/{poll.id}/results")
    expect(plain.locator("svg.stages-chart polyline")).to_have_count(len(NAMES))
    expect(plain.locator("table.stages-table tbody tr")).to_have_count(len(NAMES))
