"""Your data: the export (JSON and page) and account deletion."""

from __future__ import annotations

import json

import sqlalchemy as sa

from consult.accounts.erasure import erase_account
from consult.accounts.models import RoleGrant, User, UserSession
from consult.core import personal_data
from consult.residency import services as residency
from consult.residency.models import RegisterEntry, ResidentStatus
from consult.residency.register import import_register
from tests.helpers import count, text_of

REGISTER = b"document_type,document_number,birth_date\npassport,YA4417732,1990-03-25\n"
FORM = {"document_type": "passport", "document_number": "YA4417732", "birth_date": "1990-03-25"}


def test_json_export_has_account_and_verification_but_no_register_hash(client, make_user, db):
    import_register(REGISTER)
    person = make_user("amina", email="amina@example.org", roles=("translator",))
    residency.verify_with_register(person, *FORM.values())
    db.session.commit()
    client.sign_in("amina")
    response = client.get("/profile/my-data.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    account = data["sections"]["account"]
    assert (account["username"], account["email"]) == ("amina", "amina@example.org")
    assert account["roles"] == [{"role": "translator", "scope_type": None, "scope_id": None}]
    assert data["sections"]["residency"]["level"] == "verified"
    assert data["sections"]["residency"]["method"] == "register"
    digest = db.session.scalar(sa.select(RegisterEntry.digest))
    body = response.get_data(as_text=True)
    assert digest.hex() not in body and "password" not in body and "YA4417732" not in body


def test_readable_export_page(client, make_user, db):
    make_user("amina", display_name="Amina B.")
    client.sign_in("amina")
    response = client.get("/profile/my-data")
    assert response.status_code == 200
    text = text_of(response)
    assert "Your account" in text and "Amina B." in text and "Your verification" in text
    assert "Delete my account" in text


def test_other_domains_add_their_sections(client, make_user, db):
    personal_data.register_exporter("zz_test", lambda user: {"follows": ["Proposal 1"]})
    try:
        make_user("amina")
        client.sign_in("amina")
        data = json.loads(client.get("/profile/my-data.json").get_data(as_text=True))
        assert data["sections"]["zz_test"] == {"follows": ["Proposal 1"]}
    finally:
        personal_data._exporters.pop("zz_test")


def test_export_needs_sign_in(client, db):
    assert client.get("/profile/my-data.json").status_code == 303


def test_profile_shows_the_data_sections(client, make_user):
    make_user("amina")
    client.sign_in("amina")
    text = text_of(client.get("/profile"))
    for words in ("Residence verification", "Not verified yet", "Code for a registrar", "Your data",
                  "Delete my account"):
        assert words in text


def test_delete_needs_password_and_confirmation(client, make_user, db):
    make_user("amina")
    client.sign_in("amina")
    response = client.post_form("/profile/delete", {"password": "wrong password", "understood": "y"})
    assert response.status_code == 422 and "not correct" in text_of(response)
    response = client.post_form("/profile/delete", {"password": "correct horse battery"})
    assert response.status_code == 422 and "tick the box" in text_of(response)
    assert count(User, User.deleted_at.is_not(None)) == 0


def test_delete_erases_personal_data_and_ends_sessions(client, make_user, db, app):
    import_register(REGISTER)
    person = make_user("amina", email="amina@example.org", roles=("moderator",))
    residency.verify_with_register(person, *FORM.values())
    db.session.commit()
    other_browser = app.test_client()
    other_browser.sign_in("amina")
    client.sign_in("amina")
    response = client.post_form("/profile/delete", {"password": "correct horse battery", "understood": "y"})
    assert response.status_code == 303
    db.session.expire_all()
    user = db.session.get(User, person.id)
    assert user.deleted_at is not None
    assert (user.username, user.email, user.password_hash) == (f"former-{user.id}", None, None)
    assert user.display_name != "amina" and user.public_name == "Former participant"
    assert count(UserSession, UserSession.user_id == user.id) == 0
    assert count(RoleGrant, RoleGrant.user_id == user.id) == 0
    assert count(ResidentStatus) == 0
    # both browsers are signed out
    assert "Sign in" in text_of(client.get("/"))
    assert other_browser.get("/profile").status_code == 303
    # the same person can verify a new account with the same document
    newcomer = make_user("amina-again")
    residency.verify_with_register(newcomer, *FORM.values())
    db.session.commit()
    assert db.session.get(ResidentStatus, newcomer.id).is_current()


def test_erase_account_is_idempotent_and_audited(db, make_user):
    from consult.core.audit import AuditEntry

    person = make_user("amina")
    erase_account(person)
    erase_account(person)
    db.session.commit()
    assert count(AuditEntry, AuditEntry.action == "accounts.deleted") == 1
