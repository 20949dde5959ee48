"""Nobody learns from the site whether an email address has an account: sign-up and the profile answer the
same for a new address and for one already in use; a message to the address does the rest (a confirmation
link, or a word to its owner)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from consult.accounts.models import User
from tests.helpers import text_of

TAKEN = "amina@example.org"
FREE = "nadia@example.org"


def _sign_up(client, username, email):
    return client.post_form("/sign-up", {"username": username, "display_name": "Nadia", "email": email,
                                         "language": "en", "password": "a long enough password"})


def _landing(client, response, email):
    """The page the person lands on, with what differs by design (the address they typed) taken out."""
    page = client.get(response.headers["Location"])
    html = re.sub(r'value="[^"]+"|"X-CSRFToken": "[^"]+"', "CSRF", page.get_data(as_text=True))
    return page.status_code, html.replace(email, "EMAIL")


@pytest.fixture
def owner(make_user):
    return make_user("amina", email=TAKEN, language="fr")


def test_sign_up_answers_the_same_for_a_taken_and_a_free_address(app, owner, outbox, db):
    first, second = app.test_client(), app.test_client()
    taken = _sign_up(first, "nadia1", TAKEN)
    free = _sign_up(second, "nadia2", FREE)
    assert taken.status_code == free.status_code == 303
    assert taken.headers["Location"] == free.headers["Location"]
    landed_taken, landed_free = _landing(first, taken, TAKEN), _landing(second, free, FREE)
    assert landed_taken == landed_free
    assert "already" not in landed_taken[1]
    # neither account has the address yet
    for username in ("nadia1", "nadia2"):
        assert db.session.scalar(db.select(User.email).where(User.username == username)) is None
    # each address got one message
    assert len(outbox.to(TAKEN)) == len(outbox.to(FREE)) == 1


def test_the_owner_of_a_taken_address_is_told_and_pointed_to_the_reset_page(client, owner, outbox):
    _sign_up(client, "nadia1", TAKEN)
    [message] = outbox.to(TAKEN)
    body = outbox.body(message)
    assert "amina" in body  # their own username, sent only to their own address
    [link] = outbox.links(message)
    assert link == "http://localhost/reset"
    assert message["Subject"] != "Confirm your email address on Consult" and "/profile/email/" not in body


def test_a_free_address_is_added_once_its_link_is_confirmed(client, outbox, db):
    _sign_up(client, "nadia", FREE)
    [message] = outbox.to(FREE)
    [link] = outbox.links(message)
    path = urlsplit(link).path
    assert link.startswith("http://localhost/profile/email/")
    page = client.get(path)  # opening the link (or a mail scanner doing so) changes nothing
    assert page.status_code == 200 and FREE in text_of(page)
    assert page.headers["Cache-Control"] == "no-store"
    user = db.session.scalar(db.select(User).where(User.username == "nadia"))
    assert user.email is None
    response = client.post_form(path)
    assert response.status_code == 303
    db.session.refresh(user)
    assert user.email == FREE


def test_a_confirmation_link_stops_working_once_the_address_changed(client, outbox, db, make_user):
    _sign_up(client, "nadia", FREE)
    [link] = outbox.links(outbox.to(FREE)[0])
    user = db.session.scalar(db.select(User).where(User.username == "nadia"))
    user.email = "other@example.org"
    db.session.commit()
    assert client.get(urlsplit(link).path).status_code == 400
    assert client.get("/profile/email/not-a-token").status_code == 400


def test_if_the_address_was_taken_meanwhile_confirming_says_so_to_the_mailbox(client, outbox, db, make_user):
    _sign_up(client, "nadia", FREE)
    [link] = outbox.links(outbox.to(FREE)[0])
    make_user("quick", email=FREE)
    response = client.post_form(urlsplit(link).path)
    assert response.status_code == 409
    assert db.session.scalar(db.select(User.email).where(User.username == "nadia")) is None


def test_the_profile_answers_the_same_for_a_taken_and_a_free_address(client, owner, make_user, outbox, db):
    make_user("nadia")
    client.sign_in("nadia")
    answers = []
    for email in (TAKEN, FREE):
        response = client.post_form("/profile", {"display_name": "Nadia", "language": "en", "email": email})
        answers.append((response.status_code, response.headers.get("Location"),
                        _landing(client, response, email)))
    assert answers[0] == answers[1]
    assert answers[0][0] == 303
    assert db.session.scalar(db.select(User.email).where(User.username == "nadia")) is None
    assert len(outbox.to(TAKEN)) == len(outbox.to(FREE)) == 1
