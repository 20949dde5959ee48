"""Sign-up, sign-in, sign-out, profile, passwords, reset codes, roles: as a person would use them."""

from __future__ import annotations

import pytest

from consult.accounts import services as accounts
from consult.accounts.models import ResetCode, User, UserSession
from consult.core.audit import AuditEntry
from tests.helpers import count, text_of


def sign_up(client, **overrides):
    data = {"username": "amina", "display_name": "Amina", "email": "", "language": "en",
            "password": "a long enough password"}
    data.update(overrides)
    return client.post_form("/sign-up", data)


def test_sign_up_creates_a_pseudonymous_account_and_signs_in(client, db):
    response = sign_up(client)
    assert response.status_code == 303
    user = db.session.scalar(db.select(User))
    assert user.username == "amina" and user.display_name == "Amina" and user.email is None
    assert user.password_hash.startswith("$argon2id$")
    page = client.get("/")
    assert "Amina" in text_of(page) and "Sign out" in text_of(page)


def test_sign_up_form_never_asks_nationality(client):
    html = client.get("/sign-up").get_data(as_text=True).lower()
    html = html.split("<form", 1)[1].split("</form>", 1)[0]
    for word in ("nationality", "citizenship", "country of birth", "legal status", "passport"):
        assert word not in html


def test_duplicate_username_is_refused_and_nothing_saved(client, make_user, db):
    make_user("amina")
    response = sign_up(client, username="Amina ")
    assert response.status_code == 422
    assert "already taken" in text_of(response)
    assert count(User) == 1


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("username", "", "Please choose a username"),
        ("username", "ab", "between 3 and 40"),
        ("username", "x" * 41, "between 3 and 40"),
        ("username", "no spaces", "Use letters"),
        ("display_name", "", "Please choose a display name"),
        ("display_name", "y" * 61, "at most 60"),
        ("password", "short", "between 8 and 128"),
        ("password", "p" * 129, "between 8 and 128"),
        ("email", "not-an-email", "does not look like an email"),
        ("display_name", "bad \x00 byte", "cannot be read"),
    ],
)
def test_bad_sign_up_input_gets_clear_message(client, db, field, value, message):
    response = sign_up(client, **{field: value})
    assert response.status_code == 422
    assert message in text_of(response)
    assert count(User) == 0


def test_invalid_utf8_is_refused_not_crashing(client, db):
    token = client.csrf_token()
    body = (b"csrf_token=" + token.encode() + b"&username=ok_name&display_name=%FF%FE&language=en"
            b"&password=a+long+enough+password")
    response = client.post("/sign-up", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 422
    assert "cannot be read" in text_of(response)
    assert count(User) == 0


def test_csrf_token_is_required(client, db):
    response = client.post("/sign-up", data={"username": "amina", "display_name": "A", "language": "en",
                                             "password": "a long enough password"})
    assert response.status_code == 400
    assert "Nothing was saved" in text_of(response)
    assert count(User) == 0


def test_wrong_csrf_token_is_refused(client, db):
    response = client.post_form("/sign-up", {"csrf_token": "forged", "username": "amina", "display_name": "A",
                                             "language": "en", "password": "a long enough password"})
    assert response.status_code == 400
    assert count(User) == 0


def test_sign_in_wrong_password_says_nothing_about_which_part(client, make_user):
    make_user("amina")
    response = client.post_form("/sign-in", {"username": "amina", "password": "wrong password!"})
    assert response.status_code == 422
    assert "username or password is not correct" in text_of(response)
    response = client.post_form("/sign-in", {"username": "nobody", "password": "wrong password!"})
    assert "username or password is not correct" in text_of(response)


def test_sign_in_follows_only_local_next(client, make_user):
    make_user("amina")
    token = client.csrf_token()
    response = client.post("/sign-in?next=//evil.example/x", data={
        "csrf_token": token, "username": "amina", "password": "correct horse battery"})
    assert response.headers["Location"] == "/"
    client.sign_out()
    token = client.csrf_token()
    response = client.post("/sign-in?next=/privacy", data={
        "csrf_token": token, "username": "amina", "password": "correct horse battery"})
    assert response.headers["Location"] == "/privacy"


def test_sign_in_says_so_in_the_persons_own_language(client, make_user):
    make_user("amina", language="fr")
    client.sign_in("amina")
    assert "Vous êtes connecté·e." in text_of(client.get("/"))


def test_sign_in_rotates_the_session(client, make_user, db):
    make_user("amina")
    client.get("/")
    before = client.get_cookie("consult_session").value
    client.sign_in("amina")
    after = client.get_cookie("consult_session").value
    assert before != after
    assert count(UserSession) == 1


def test_sign_out_invalidates_a_copied_cookie(app, client, make_user, db):
    make_user("amina")
    client.sign_in("amina")
    stolen = client.get_cookie("consult_session").value
    assert client.get("/profile").status_code == 200
    client.sign_out()
    assert count(UserSession) == 0
    thief = app.test_client()
    thief.set_cookie("consult_session", stolen)
    response = thief.get("/profile")
    assert response.status_code == 303 and "/sign-in" in response.headers["Location"]


def test_profile_changes(client, make_user, db):
    user = make_user("amina")
    client.sign_in("amina")
    response = client.post_form("/profile", {"display_name": "Amina B.", "language": "ar",
                                             "email": "amina@example.org"})
    assert response.status_code == 303
    db.session.refresh(user)
    assert (user.display_name, user.language) == ("Amina B.", "ar")
    # added once the link mailed to it is opened (tests/security/test_email_privacy.py)
    assert user.email is None
    page = client.get("/profile")
    assert 'dir="rtl"' in page.get_data(as_text=True)


def test_profile_email_taken_is_not_attached_nor_revealed(client, make_user, db):
    make_user("other", email="taken@example.org")
    user = make_user("amina")
    client.sign_in("amina")
    response = client.post_form("/profile",
                                {"display_name": "A", "language": "en", "email": "taken@example.org"})
    assert response.status_code == 303
    assert "already used" not in text_of(client.get(response.headers["Location"]))
    db.session.refresh(user)
    assert user.email is None


def test_password_change_needs_current_password_and_ends_other_sessions(app, client, make_user, db):
    make_user("amina")
    other = app.test_client()
    other.sign_in("amina")
    client.sign_in("amina")
    response = client.post_form("/profile/password", {"pw-current_password": "nope nope nope",
                                                      "pw-new_password": "brand new secret",
                                                      "pw-confirm": "brand new secret"})
    assert response.status_code == 422 and "current password is not correct" in text_of(response)
    response = client.post_form("/profile/password", {"pw-current_password": "correct horse battery",
                                                      "pw-new_password": "brand new secret",
                                                      "pw-confirm": "brand new secret"})
    assert response.status_code == 303
    assert client.get("/profile").status_code == 200
    assert other.get("/profile").status_code == 303
    client.sign_out()
    client.sign_in("amina", "brand new secret")


def test_staff_reset_code_works_once(client, make_user, db):
    make_user("registrar", roles=("registrar",))
    person = make_user("amina")
    client.sign_in("registrar")
    response = client.post_form(f"/admin/users/{person.id}/reset-code")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    code = response.get_data(as_text=True).split('class="code-slip__code" dir="ltr">')[1].split("<")[0]
    assert count(ResetCode) == 1
    assert code not in str(db.session.scalar(db.select(ResetCode.code_hash)))
    client.sign_out()
    data = {"username": "amina", "code": code.lower(), "new_password": "fresh password 1",
            "confirm": "fresh password 1"}
    assert client.post_form("/reset-code", data).status_code == 303
    client.sign_in("amina", "fresh password 1")
    client.sign_out()
    again = client.post_form("/reset-code",
                             dict(data, new_password="another one 22", confirm="another one 22"))
    assert again.status_code == 422 and "not valid" in text_of(again)
    assert "accounts.reset_code_issued" in set(db.session.scalars(db.select(AuditEntry.action)))


def test_reset_code_refused_for_ordinary_resident(client, make_user):
    make_user("resident1")
    person = make_user("amina")
    client.sign_in("resident1")
    assert client.post_form(f"/admin/users/{person.id}/reset-code").status_code == 403


def test_email_reset_link(app, client, make_user, db):
    user = make_user("amina", email="amina@example.org")
    with app.test_request_context():
        token = accounts.password_reset_token(user)
        db.session.commit()
    opened = client.get(f"/reset/{token}")
    assert opened.status_code == 303 and opened.headers["Location"] == "/reset/new-password"
    response = client.post_form("/reset/new-password",
                                {"new_password": "via email link", "confirm": "via email link"})
    assert response.status_code == 303
    again = client.get(f"/reset/{token}", follow_redirects=True)
    assert "not valid any more" in text_of(again)
    client.sign_in("amina", "via email link")


def test_reset_request_answers_the_same_for_unknown_address(client, make_user):
    make_user("amina", email="amina@example.org")
    known = client.post_form("/reset", {"email": "amina@example.org"})
    unknown = client.post_form("/reset", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 303


def test_admin_grants_and_revokes_roles(client, make_user, db):
    make_user("boss", roles=("admin",))
    person = make_user("amina")
    client.sign_in("boss")
    assert client.post_form(f"/admin/users/{person.id}/roles", {"role": "moderator"}).status_code == 303
    db.session.refresh(person)
    assert person.has_role("moderator")
    assert client.post_form(f"/admin/users/{person.id}/roles", {"role": "emperor"}).status_code == 422
    client.post_form(f"/admin/users/{person.id}/roles/moderator/revoke")
    db.session.refresh(person)
    assert not person.has_role("moderator")


def test_admin_pages_are_closed_to_others(client, make_user):
    make_user("amina")
    assert client.get("/admin/users").status_code == 303  # visitor: sign in first
    client.sign_in("amina")
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert "administrators" in text_of(response) or "role" in text_of(response)


def test_rate_limit_on_sign_in_gives_translated_429(app, client, make_user):
    make_user("amina")
    app.config["RATELIMIT_SIGN_IN"] = "3 per minute"
    try:
        statuses = [client.post_form("/sign-in", {"username": "amina", "password": "wrong wrong"},
                                     headers={"Accept-Language": "es"}).status_code for _ in range(4)]
        assert statuses[:3] == [422, 422, 422]
        assert statuses[3] == 429
        response = client.post_form("/sign-in", {"username": "amina", "password": "wrong wrong"},
                                    headers={"Accept-Language": "es"})
        assert response.status_code == 429
        assert 'lang="es"' in response.get_data(as_text=True)
        assert "Demasiados intentos" in text_of(response)
    finally:
        app.config["RATELIMIT_SIGN_IN"] = "1000 per minute"


def test_cli_creates_first_admin(runner, db):
    result = runner.invoke(args=["users", "create", "chief", "--role", "admin", "--password",
                                 "very secret pw"])
    assert result.exit_code == 0, result.output
    user = accounts.get_user_by_username("chief")
    assert user.has_role("admin")
    again = runner.invoke(args=["users", "create", "chief", "--password", "very secret pw"])
    assert again.exit_code != 0 and "already taken" in again.output


def test_cli_help_texts(runner):
    for args in (["users", "--help"], ["demo", "--help"], ["users", "create", "--help"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0 and "Usage" in result.output


@pytest.mark.committed_db  # a second SQLite connection holds the write lock
def test_password_check_does_not_wait_for_the_write_lock(app, make_user, db):
    """On SQLite, a wrong password is answered while another request holds the write lock."""
    import sqlite3
    import time

    from sqlalchemy.engine import make_url

    from consult.core.errors import DomainError

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite locking")
    make_user("amina")
    blocker = sqlite3.connect(make_url(str(db.engine.url)).database, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with app.test_request_context("/sign-in", method="POST"):
            started = time.monotonic()
            with pytest.raises(DomainError):
                accounts.authenticate("amina", "not the password")
            assert time.monotonic() - started < 2
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
