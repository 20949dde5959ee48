"""Maps in a real browser: a resident with JavaScript OFF chooses a proposal's place by clicking the district
map (an image button: the click's x and y come back with the form), sees the place chosen, previews and
publishes; another types the coordinates (the keyboard's way). The proposal's page and its process's list show
the map with the list beside it, in English and in Arabic (right to left); axe on each."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from consult.demo.geo import GEOJSON
from consult.extensions import db as _db
from consult.geo.forms import picker_projection
from consult.geo.importing import import_geojson
from consult.proposals.models import Proposal
from tests.browser.conftest import axe_check, sign_in
from tests.proposals.conftest import admin, make_process  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture
def scene(db, make_user, make_process):  # noqa: F811
    import_geojson(GEOJSON.read_bytes())
    _db.session.commit()
    process = make_process()
    make_user("ana", display_name="Ana", verified=True, birth_year=1990)
    make_user("bo", display_name="Bo", verified=True, birth_year=1985)
    return process


def _latest():
    _db.session.rollback()  # what the server committed
    return _db.session.scalar(sa.select(Proposal).order_by(Proposal.id.desc()))


def test_choosing_a_place_without_javascript_then_typing_one(live_server, new_context, scene):
    process = scene
    base = live_server
    x, y = picker_projection().xy(42.01, 14.03)  # in Porto
    _db.session.rollback()  # the test holds no transaction while the server writes

    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, base, "ana")
    page.goto(f"{base}/processes/{process.id}/proposals/new")
    page.get_by_label("Title").fill("Benches by the harbour")
    page.get_by_label("Your proposal").fill("Shade and benches where the ferries stop.")
    picker = page.get_by_role("button", name="Map of the districts: click on it to choose the place")
    expect(picker).to_be_visible()
    picker.click(position={"x": x, "y": y})
    expect(page.get_by_role("status").filter(has_text="Place chosen on the map")).to_be_visible()
    assert _latest() is None  # the click saved nothing
    expect(page.get_by_label("Title")).to_have_value("Benches by the harbour")
    assert abs(float(page.get_by_label("Latitude").input_value()) - 42.01) < 0.0005
    assert abs(float(page.get_by_label("Longitude").input_value()) - 14.03) < 0.0005
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("button", name="Publish")).to_be_visible()
    proposal = _latest()
    assert abs(proposal.latitude - 42.01) < 0.0005 and abs(proposal.longitude - 14.03) < 0.0005
    page.get_by_role("button", name="Publish").click()

    page.goto(f"{base}/proposals/{proposal.id}")
    figure = page.locator("figure.geo-figure")
    expect(figure.locator("svg")).to_be_visible()
    expect(figure).to_contain_text("Benches by the harbour")

    typist = new_context().new_page()
    sign_in(typist, base, "bo")
    typist.goto(f"{base}/processes/{process.id}/proposals/new")
    axe_check(typist)  # (axe needs JavaScript: the pages seen without it are checked here)
    typist.get_by_label("Title").fill("A fountain in the old town")
    typist.get_by_label("Your proposal").fill("Water for everyone in the square.")
    typist.get_by_label("Latitude").fill("42.008")
    typist.get_by_label("Longitude").fill("14,0")
    typist.get_by_label("Title").press("Tab")
    typist.get_by_role("button", name="Preview").click()
    expect(typist.get_by_role("button", name="Publish")).to_be_visible()
    typist.get_by_role("button", name="Publish").click()
    assert (_latest().latitude, _latest().longitude) == (42.008, 14.0)
    typist.goto(f"{base}/proposals/{proposal.id}")
    expect(typist.locator("figure.geo-figure svg")).to_be_visible()
    axe_check(typist)

    listing = new_context().new_page()
    listing.goto(f"{base}/proposals?process_id={process.id}")
    figure = listing.locator("figure.geo-figure")
    beside = figure.locator(".geo-figure__list")
    expect(beside.get_by_role("link", name="Benches by the harbour")).to_have_count(1)
    expect(beside.get_by_role("link", name="A fountain in the old town")).to_have_count(1)
    assert figure.locator("svg a").count() == 2
    axe_check(listing)
    listing.goto(f"{base}/proposals?process_id={process.id}&lang=ar")
    expect(listing.locator("html")).to_have_attribute("dir", "rtl")
    map_box = listing.locator(".geo-figure__map").bounding_box()
    list_box = listing.locator(".geo-figure__list").bounding_box()
    assert list_box["x"] < map_box["x"]  # right to left: the list sits at the inline end, on the left
    axe_check(listing)


def test_the_districts_page_for_admins(live_server, new_context, scene, make_user):
    make_user("boss", display_name="Boss", roles=("admin",))
    page = new_context().new_page()
    sign_in(page, live_server, "boss")
    for language in ("en", "ar"):
        page.goto(f"{live_server}/admin/districts?lang={language}")
        expect(page.locator("figure.geo-figure svg")).to_be_visible()
        axe_check(page)
    page.goto(f"{live_server}/admin/districts?lang=en")
    page.get_by_label("Districts file (GeoJSON)").set_input_files(
        files=[{"name": "d.geojson", "mimeType": "application/geo+json", "buffer": b'{"type": "Feature"}'}])
    page.get_by_role("button", name="Import the shapes").click()
    expect(page.get_by_role("alert")).to_contain_text("The file must hold a GeoJSON FeatureCollection.")
    axe_check(page)
