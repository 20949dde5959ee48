"""The site's icon: ``/favicon.ico`` answers with an image (browsers ask for it whatever the page says), and
every page names the ICO and the SVG icon."""

from __future__ import annotations

import re
import struct


def test_favicon_ico_is_an_image(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    data = response.get_data()
    reserved, kind, count = struct.unpack_from("<HHH", data)  # an ICO file's header, then one entry per size
    assert (reserved, kind) == (0, 1) and count >= 2
    sizes = {data[6 + 16 * n] or 256 for n in range(count)}
    assert {16, 32} <= sizes


def test_pages_name_the_icons(client, db):
    html = client.get("/").get_data(as_text=True)
    assert '<link rel="icon" href="/favicon.ico"' in html
    icon = r'<link rel="icon" href="/static/img/icon\.svg\?v=[0-9a-f]+" type="image/svg\+xml">'
    assert re.search(icon, html)  # the address names the file's content
    svg = client.get("/static/img/icon.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
