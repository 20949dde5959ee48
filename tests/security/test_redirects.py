"""``next``: a redirect never leaves the site, and no target crashes the answer (one check, ``safe_next``)."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest

from consult.core.rendering import safe_next

#: targets that browsers (or a lenient server on the way) may take for another site or a script; written as
#: the decoded value the application reads from the query string or the form
TRICKY = [
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "\t//evil.example",
    " //evil.example",
    "/ /evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/\x00/evil.example",
    "/\x0b/evil.example",
    "/\x7f/evil.example",
    "/%2F%2Fevil.example",
    "/%2f/evil.example",
    "/%5Cevil.example",
    "/%09/evil.example",
    "/.//evil.example",
    "/./evil.example",
    "/../evil.example",
    "/a/../../evil.example",
    "/%2e%2e/evil.example",
    "https://evil.example",
    "https:evil.example",
    "https:/evil.example",
    "HTTP://evil.example",
    "javascript:alert(1)",
    "java\nscript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "@evil.example",
    "/\u3000/evil.example",         # ideographic space
    "/\u2028/evil.example",         # line separator
    "/\u200b/evil.example",         # zero-width space
    "/\ufeff/evil.example",         # byte order mark
    "\u2215\u2215evil.example",     # division slashes
    "/\uff0f/evil.example",         # fullwidth solidus: stays a path, but is never ours
    "//evil.example/%2F..",
    "/" * 3000,
]

#: paths of this site that must still work as ``next``
OURS = ["/", "/proposals", "/proposals?q=bike%20lane+plan", "/proposals?sort=newest&page=2",
        "/polls/3/results#chart", "/councils/culture/"]


def _is_on_site(location: str) -> bool:
    parts = urlsplit(location)
    return (not parts.scheme and not parts.netloc and parts.path.startswith("/")
            and not parts.path.startswith("//") and "\\" not in location)


@pytest.mark.parametrize("target", TRICKY, ids=repr)
def test_safe_next_refuses_every_target_off_this_site(target):
    assert safe_next(target, "/home") == "/home"


@pytest.mark.parametrize("target", OURS)
def test_safe_next_keeps_paths_of_this_site(target):
    assert safe_next(target, "/home") == target


@pytest.mark.parametrize("target", TRICKY, ids=repr)
def test_language_switch_never_redirects_off_site(client, target):
    response = client.get("/language/en?next=" + quote(target, safe=""))
    assert response.status_code == 303
    assert _is_on_site(response.headers["Location"]), response.headers["Location"]


@pytest.mark.parametrize("raw", ["/%09/evil.example", "/%0D%0ASet-Cookie:%20x=1", "/%0Aevil", "%0D%0A//evil"])
def test_a_control_character_in_next_is_ignored_not_a_server_error(client, raw):
    response = client.get(f"/language/en?next={raw}")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "Set-Cookie" not in response.headers or "x=1" not in response.headers["Set-Cookie"]


@pytest.mark.parametrize("target",
                         ["/\t/evil.example", "//evil.example", "/\\evil.example", "/.//evil.example"],
                         ids=repr)
def test_sign_in_with_a_tricky_next_stays_on_site(client, make_user, target):
    make_user("amina")
    response = client.post_form("/sign-in?next=" + quote(target, safe=""),
                                {"username": "amina", "password": "correct horse battery"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_sign_in_keeps_a_next_of_this_site(client, make_user):
    make_user("amina")
    response = client.post_form("/sign-in?next=" + quote("/proposals?page=2", safe=""),
                                {"username": "amina", "password": "correct horse battery"})
    assert response.headers["Location"] == "/proposals?page=2"


def test_htmx_redirect_header_is_checked_too(htmx_client, make_user):
    make_user("amina")
    token = htmx_client.csrf_token()
    response = htmx_client.post("/sign-in?next=" + quote("/\t/evil.example", safe=""),
                                data={"username": "amina", "password": "correct horse battery",
                                      "csrf_token": token})
    assert response.status_code == 204
    assert response.headers["HX-Location"] == "/"
