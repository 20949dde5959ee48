"""Self-verification, resident-card codes, in-person verification, expiry, renewal and revocation."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.accounts.models import User
from consult.core.audit import AuditEntry
from consult.core.db import write_transaction
from consult.core.errors import DomainError
from consult.core.models import utcnow
from consult.residency import services
from consult.residency.models import CardCode, InPersonCode, RegisterClaim, RegisterEntry, ResidentStatus
from consult.residency.policies import current_status
from consult.residency.register import import_register
from tests.helpers import count, text_of

NUMBER = "YA4417732"
FORM = {"document_type": "passport", "document_number": "ya 441-7732", "birth_date": "25/03/1990"}


@pytest.fixture
def register(db):
    import_register(f"document_type,document_number,birth_date\npassport,{NUMBER},1990-03-25\n".encode())
    db.session.commit()


@pytest.fixture
def registrar(make_user):
    return make_user("giulia", roles=("registrar",))


def status_of(db, user):
    db.session.expire_all()
    return db.session.get(ResidentStatus, user.id)


# -- the register
# ---------------------------------------------------------------------------------------------


def test_resident_verifies_with_the_register_and_sees_it_on_profile(client, make_user, db, register):
    person = make_user("amina")
    client.sign_in("amina")
    response = client.post_form("/verify/register", FORM)
    assert response.status_code == 303 and response.headers["Location"].endswith("/profile")
    status = status_of(db, person)
    assert status.method == "register" and status.is_current() and status.birth_year == 1990
    assert status.expires_at.date() == (utcnow() + timedelta(days=730)).date()
    assert "Verified resident" in text_of(client.get("/profile"))
    audit = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "residency.verified"))
    assert audit.subject_id == person.id and audit.details == {"method": "register"}


def test_no_match_is_a_clear_422_and_saves_nothing(client, make_user, db, register):
    make_user("amina")
    client.sign_in("amina")
    response = client.post_form("/verify/register", {**FORM, "birth_date": "26/03/1990"})
    assert response.status_code == 422
    assert "could not find this document" in text_of(response)
    assert NUMBER not in response.get_data(as_text=True)
    assert count(ResidentStatus) == 0


def test_bad_date_is_explained(client, make_user, register):
    make_user("amina")
    client.sign_in("amina")
    response = client.post_form("/verify/register", {**FORM, "birth_date": "March 1990"})
    assert response.status_code == 422 and "YYYY-MM-DD, DD/MM/YYYY" in text_of(response)


def test_htmx_gets_the_form_fragment(client, make_user, register):
    make_user("amina")
    client.sign_in("amina")
    response = client.post_form("/verify/register", {**FORM, "document_number": "x"}, htmx=True)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith("<form") and "<html" not in html


def test_visitors_are_sent_to_sign_in(client, db):
    response = client.post_form("/verify/register", FORM)
    assert response.status_code == 303 and "/sign-in" in response.headers["Location"]


def test_one_register_entry_verifies_one_account_and_registrar_resolves(client, make_user, db, register,
                                                                        registrar):
    first = make_user("amina")
    second = make_user("amina2")
    client.sign_in("amina")
    assert client.post_form("/verify/register", FORM).status_code == 303
    client.sign_out()
    client.sign_in("amina2")
    response = client.post_form("/verify/register", FORM, follow_redirects=True)
    assert "already verified another account" in text_of(response)
    assert status_of(db, second) is None
    claim = db.session.scalar(sa.select(RegisterClaim))
    assert claim.user_id == second.id and claim.resolved_at is None
    # asking again does not pile up requests
    client.post_form("/verify/register", FORM)
    assert count(RegisterClaim) == 1
    client.sign_out()

    client.sign_in("giulia")
    page = text_of(client.get("/registrar"))
    assert "amina2" in page
    assert client.post_form(f"/registrar/claims/{claim.id}/move").status_code == 303
    assert status_of(db, second).is_current()
    assert not status_of(db, first).is_current()
    assert status_of(db, first).register_entry_id is None
    assert "No open request" in text_of(client.get("/registrar"))


def test_database_constraint_stops_two_accounts_sharing_an_entry(db, make_user, register):
    entry = db.session.scalar(sa.select(RegisterEntry))
    a, b = make_user(), make_user()
    db.session.add(ResidentStatus(user_id=a.id, method="register", register_entry_id=entry.id))
    db.session.commit()
    db.session.add(ResidentStatus(user_id=b.id, method="register", register_entry_id=entry.id))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_self_verification_is_rate_limited(client, make_user, register, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_VERIFY", "3 per minute")
    make_user("amina")
    client.sign_in("amina")
    codes = [client.post_form("/verify/register", {**FORM, "birth_date": "01/01/2000"}).status_code
             for _ in range(4)]
    assert codes == [422, 422, 422, 429]
    assert "too many times" in text_of(client.post_form("/verify/code", {"code": "AAAA"}))


# -- resident-card codes
# --------------------------------------------------------------------------------------


def test_registrar_prints_a_batch_with_server_made_qr_codes(client, registrar, db):
    client.sign_in("giulia")
    response = client.post_form("/registrar/cards", {"label": "Help desk", "count": 3, "valid_days": 30})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    codes = re.findall(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}\b", html)
    assert len(set(codes)) == 3
    assert html.count("<svg") == 3 and "http" not in html.split("<main", 1)[1].split("<svg", 1)[0]
    assert not re.search(r"<(script|img|link)[^>]+https?://", html)
    hashes = set(db.session.scalars(sa.select(CardCode.code_hash)))
    assert len(hashes) == 3 and not any(c in h or c.replace("-", "") in h for c in codes for h in hashes)
    assert "Help desk" in text_of(client.get("/registrar/cards"))


def _issue(db, registrar, n=1, days=30):
    batch, codes = services.issue_card_codes(registrar, count=n, valid_days=days, label="test")
    db.session.commit()
    return batch, codes


def test_resident_redeems_a_code_once(client, make_user, db, registrar):
    _, (code,) = _issue(db, registrar)
    person = make_user("amina")
    client.sign_in("amina")
    response = client.post_form("/verify/code", {"code": code.lower().replace("-", " ")})
    assert response.status_code == 303
    status = status_of(db, person)
    assert status.method == "card_code" and status.verified_by_id == registrar.id
    make_user("bob")
    client.sign_out()
    client.sign_in("bob")
    response = client.post_form("/verify/code", {"code": code})
    assert response.status_code == 422 and "already been used" in text_of(response)


@pytest.mark.parametrize("case,message", [("expired", "expired"), ("revoked", "cancelled"),
                                          ("unknown", "not valid")])
def test_expired_revoked_or_unknown_codes_are_refused(db, make_user, registrar, case, message, app):
    batch, (code,) = _issue(db, registrar)
    if case == "expired":
        db.session.execute(sa.update(CardCode).values(expires_at=utcnow() - timedelta(minutes=1)))
    elif case == "revoked":
        services.revoke_batch(batch, registrar)
    else:
        code = "ABCD-EFGH-JKLM"
    person = make_user()
    with app.test_request_context(), pytest.raises(DomainError) as err:
        services.redeem_card_code(person, code)
    assert message in str(err.value.message)
    assert current_status(person) is None


def test_registrar_cancels_one_code(client, db, registrar, make_user):
    _, (code, other) = _issue(db, registrar, n=2)
    client.sign_in("giulia")
    assert client.post_form("/registrar/cards/revoke-code", {"code": code}).status_code == 303
    assert client.post_form("/registrar/cards/revoke-code", {"code": code}).status_code == 422
    assert count(CardCode, CardCode.revoked_at.is_not(None)) == 1


@pytest.mark.committed_db  # two threads, each with its own connection
def test_two_redemptions_at_once_give_one_success(app, db, make_user, registrar):
    _, (code,) = _issue(db, registrar)
    people = [make_user().id, make_user().id]
    barrier = threading.Barrier(2)
    results = []

    def redeem(user_id):
        with app.app_context():
            with write_transaction():
                barrier.wait()
                try:
                    services.redeem_card_code(db.session.get(User, user_id), code)
                    db.session.commit()
                    results.append("ok")
                except DomainError:
                    db.session.rollback()
                    results.append("refused")
                finally:
                    db.session.remove()

    threads = [threading.Thread(target=redeem, args=(uid,)) for uid in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == ["ok", "refused"]
    db.session.rollback()  # end the test's own read snapshot
    assert count(CardCode, CardCode.used_at.is_not(None)) == 1
    assert count(ResidentStatus) == 1


# -- in person
# ------------------------------------------------------------------------------------------------


def test_in_person_flow(client, make_user, db, registrar):
    from consult.residency.models import District

    district = District(code="porto", name="Porto")
    db.session.add(district)
    db.session.commit()
    person = make_user("amina")
    client.sign_in("amina")
    assert "Show my one-time code" in text_of(client.get("/profile"))
    response = client.post_form("/verify/in-person")
    assert response.headers["Cache-Control"] == "no-store"
    code = re.search(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}\b", text_of(response)).group(0)
    assert count(InPersonCode) == 1
    client.sign_out()

    client.sign_in("giulia")
    page = client.post_form("/registrar/in-person", {"code": code.lower()})
    assert page.status_code == 200 and "amina" in text_of(page)
    refused = client.post_form("/registrar/in-person/confirm", {"code": code, "birth_year": "1990"})
    assert refused.status_code == 422 and "confirm that you checked" in text_of(refused)
    ok = client.post_form("/registrar/in-person/confirm", {"code": code, "birth_year": "1990",
                                                           "district_id": str(district.id), "confirm": "y"})
    assert ok.status_code == 303
    status = status_of(db, person)
    assert (status.method, status.birth_year, status.district_id) == ("in_person", 1990, district.id)
    assert status.verified_by_id == registrar.id
    assert count(InPersonCode) == 0
    again = client.post_form("/registrar/in-person", {"code": code})
    assert again.status_code == 422 and "not valid or has expired" in text_of(again)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "residency.verified"))
    assert entry.actor_id == registrar.id and entry.details == {"method": "in_person"}


def test_in_person_code_expires(db, make_user, app, registrar):
    person = make_user()
    code = services.issue_in_person_code(person)
    db.session.execute(sa.update(InPersonCode).values(expires_at=utcnow() - timedelta(seconds=1)))
    with app.test_request_context(), pytest.raises(DomainError):
        services.confirm_in_person(registrar, code)


def test_registrar_cannot_verify_themself(db, app, registrar):
    code = services.issue_in_person_code(registrar)
    with app.test_request_context(), pytest.raises(DomainError):
        services.confirm_in_person(registrar, code)


def test_in_person_pages_are_for_registrars(client, make_user):
    make_user("amina")
    client.sign_in("amina")
    assert client.get("/registrar/in-person").status_code == 403
    assert client.get("/registrar").status_code == 403


# -- expiry, renewal, revocation
# ------------------------------------------------------------------------------


def test_verification_expires_and_is_renewed(db, make_user, registrar, app):
    person = make_user(verified=True)
    status = status_of(db, person)
    status.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    assert current_status(person) is None
    services.renew_verification(person, registrar)
    assert current_status(person) is not None
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.action == "residency.verified"))


def test_no_expiry_when_configured(db, make_user, app, monkeypatch):
    monkeypatch.setitem(app.config, "VERIFICATION_VALID_DAYS", 0)
    person = make_user()
    assert services.verify_account(person, "in_person").expires_at is None


def test_registrar_revokes_and_renews_from_the_account_page(client, make_user, db, registrar):
    person = make_user("amina", verified=True)
    client.sign_in("giulia")
    assert "Verified resident" in text_of(client.get(f"/registrar/accounts/{person.id}"))
    assert client.post_form(f"/registrar/accounts/{person.id}/revoke").status_code == 303
    assert not status_of(db, person).is_current()
    page = text_of(client.get(f"/registrar/accounts/{person.id}"))
    assert "Revoked" in page and "revoked" in page
    # a revoked verification cannot be renewed by the button: the person verifies again
    client.post_form(f"/registrar/accounts/{person.id}/renew", follow_redirects=True)
    assert not status_of(db, person).is_current()


def test_registrar_finds_an_account(client, make_user, registrar):
    make_user("amina", display_name="Amina B.", verified=True)
    client.sign_in("giulia")
    page = text_of(client.get("/registrar?q=amin"))
    assert "Amina B." in page and "Verified resident" in page
    assert "No account matches" in text_of(client.get("/registrar?q=zzz"))


def test_in_person_code_fragment_for_htmx(client, make_user):
    make_user("amina")
    client.sign_in("amina")
    response = client.post_form("/verify/in-person", htmx=True)
    html = response.get_data(as_text=True)
    assert (response.status_code == 200 and html.startswith('<div id="in-person-code">')
            and "<html" not in html)


@pytest.mark.parametrize("data", [
    {"document_type": "passport", "document_number": "\x00\x01", "birth_date": "1990-01-01"},
    {"document_type": "nationality", "document_number": "AB12345", "birth_date": "1990-01-01"},
    {"document_type": "passport", "document_number": "A" * 200, "birth_date": "1990-01-01"},
    {"document_type": "passport", "document_number": "AB12345", "birth_date": "99999-99-99"},
    {"document_type": "passport", "document_number": "AB 12345 ☃", "birth_date": "1990-01-01"},
    {},
])
def test_bad_self_verification_input_is_a_clear_422(client, make_user, register, data):
    make_user("amina")
    client.sign_in("amina")
    response = client.post_form("/verify/register", data)
    assert response.status_code == 422
    assert count(ResidentStatus) == 0


def test_demo_data_loads(app, db):
    from consult.demo import _accounts
    from consult.demo import residency as demo

    _accounts()
    demo.load()
    db.session.commit()
    assert count(RegisterEntry) == len(demo.REGISTER)
    assert count(ResidentStatus, ResidentStatus.method == "card_code") == 1
    newcomer = db.session.scalar(sa.select(User).where(User.username == "newcomer"))
    services.redeem_card_code(newcomer, demo.CARD_CODES[0])
    assert current_status(newcomer) is not None


def test_profile_asks_to_renew_a_verification_ending_soon(client, make_user, db):
    person = make_user("amina", verified=True)
    status = status_of(db, person)
    status.expires_at = utcnow() + timedelta(days=10)
    db.session.commit()
    client.sign_in("amina")
    assert "ends soon" in text_of(client.get("/profile"))
    status = status_of(db, person)
    status.expires_at = utcnow() + timedelta(days=100)
    db.session.commit()
    assert "ends soon" not in text_of(client.get("/profile"))
