"""A resident verified with a resident-card code (no birth year) is never at a dead end under an age rule.

Proposing and supporting: the refusal asks them to state their birth year and links to the page where they do;
once stated (on their honour, recorded as self-declared) they take part. A rule that does not accept a stated
year, and every vote, say plainly to see a registrar in person, with the link to the one-time code. The card
step says up front that an age limit may ask for the birth year.
"""

from __future__ import annotations

import json
import re
from urllib.parse import unquote

import sqlalchemy as sa

from consult.core.models import utcnow
from consult.core.policy import REFUSED
from consult.extensions import db as _db
from consult.proposals.models import Proposal
from consult.residency import services as residency
from consult.residency.models import EligibilityRule, ResidentStatus
from consult.residency.policies import check_rule
from tests.helpers import count, text_of
from tests.proposals.conftest import admin, make_process  # noqa: F401 - shared fixtures


def card_resident(make_user, username="amina"):
    """A person verified the way a card holder is: by redeeming a code, which records no birth year."""
    registrar = make_user(f"desk-{username}", roles=("registrar",))
    person = make_user(username, display_name="Amina")
    _batch, codes = residency.issue_card_codes(registrar, count=1, valid_days=30, label="Desk")
    residency.redeem_card_code(person, codes[0])
    _db.session.commit()
    assert person.resident_status.birth_year is None
    return person


def links_of(response) -> list[str]:
    return [unquote(href).replace("&amp;", "&")
            for href in re.findall(r'href="([^"]+)"', response.get_data(as_text=True))]


def test_a_card_resident_states_the_birth_year_then_proposes(client, make_user, make_process):  # noqa: F811
    process = make_process()  # verified residents aged 16 or over, proposals phase open
    card_resident(make_user)
    client.sign_in("amina")
    new = f"/processes/{process.id}/proposals/new"

    refused = client.get(new)
    assert refused.status_code == 403
    text = text_of(refused)
    assert "aged 16 or over" in text and "state your birth year" in text
    assert f"/verify/birth-year?next={new}" in links_of(refused)
    assert "State my birth year" in text
    # the process page says the same, with the same link
    page = client.get(f"/processes/{process.id}")
    assert "state your birth year" in text_of(page)
    assert f"/verify/birth-year?next=/processes/{process.id}" in links_of(page)

    form = client.get(f"/verify/birth-year?next={new}")
    assert form.status_code == 200
    assert "on my honour" in text_of(form) and 'name="birth_year"' in form.get_data(as_text=True)
    # the honour box must be ticked
    unticked = client.post_form(f"/verify/birth-year?next={new}", {"birth_year": "1994"})
    assert unticked.status_code == 422
    response = client.post_form(f"/verify/birth-year?next={new}", {"birth_year": "1994", "honour": "y"})
    assert response.status_code == 303 and response.headers["Location"] == new
    status = _db.session.get(ResidentStatus, _db.session.scalar(sa.select(ResidentStatus.user_id)))
    _db.session.refresh(status)
    assert (status.birth_year, status.birth_year_declared) == (1994, True)

    assert client.get(new).status_code == 200
    created = client.post_form(new, {"title": "Evening classes", "body": "Language classes after work.",
                                     "language": "en", "theme": str(process.themes[0].id), "district": "0"})
    assert created.status_code == 303, text_of(created)
    assert count(Proposal) == 1


def test_a_stated_birth_year_cannot_be_changed_nor_replace_a_recorded_one(client, make_user):
    card_resident(make_user)
    make_user("recorded", verified=True, birth_year=1980)
    client.sign_in("amina")
    assert client.post_form("/verify/birth-year", {"birth_year": "1994", "honour": "y"}).status_code == 303
    again = client.post_form("/verify/birth-year", {"birth_year": "2001", "honour": "y"})
    assert again.status_code == 422 and "registrar" in text_of(again)
    assert "You stated that you were born in 1994" in text_of(client.get("/verify/birth-year"))
    client.sign_out()
    client.sign_in("recorded")
    refused = client.post_form("/verify/birth-year", {"birth_year": "2001", "honour": "y"})
    assert refused.status_code == 422
    rows = {s.birth_year: s.birth_year_declared for s in _db.session.scalars(sa.select(ResidentStatus))}
    assert rows == {1994: True, 1980: False}
    for year in ("1850", str(utcnow().year + 1)):
        _db.session.execute(sa.update(ResidentStatus).values(birth_year=None, birth_year_declared=False))
        _db.session.commit()
        assert client.post_form("/verify/birth-year", {"birth_year": year, "honour": "y"}).status_code == 422


def test_only_verified_residents_state_a_birth_year(client, make_user):
    make_user("new")
    assert client.get("/verify/birth-year").status_code == 303  # visitors sign in first
    client.sign_in("new")
    refused = client.post_form("/verify/birth-year", {"birth_year": "1990", "honour": "y"})
    assert refused.status_code == 403 and "/verify" in links_of(refused)
    assert count(ResidentStatus) == 0


def test_a_rule_that_does_not_accept_a_stated_year_says_to_see_a_registrar(client, make_user, make_process,  # noqa: F811
                                                                            db):
    process = make_process()
    process.eligibility_rule.accept_declared_birth_year = False
    db.session.commit()
    person = card_resident(make_user)
    client.sign_in("amina")
    refused = client.get(f"/processes/{process.id}/proposals/new")
    assert refused.status_code == 403
    text = text_of(refused)
    assert "registrar" in text and "in person" in text and "one-time code" in text
    assert "state your birth year" not in text
    links = links_of(refused)
    assert any(link.startswith("/verify/in-person") for link in links)
    assert not any(link.startswith("/verify/birth-year") for link in links)
    # a stated year does not help there either, and the reason says so
    residency.declare_birth_year(person, 1990)
    db.session.commit()
    again = text_of(client.get(f"/processes/{process.id}/proposals/new"))
    assert "a birth year you stated yourself is not enough" in again and "registrar" in again


def test_votes_never_count_a_stated_birth_year(app, make_user, db):
    person = card_resident(make_user)
    rule = EligibilityRule(name="Binding", min_level="verified", min_age=16, district_ids=[])
    db.session.add(rule)
    db.session.commit()
    with app.test_request_context("/polls/1"):
        vote = check_rule(person, rule)  # what votes ask (binding)
        assert vote.kind == REFUSED and vote.link.startswith("/verify/in-person")
        assert "registrar" in vote.message
        propose = check_rule(person, rule, binding=False)
        assert propose.link.startswith("/verify/birth-year") and propose.link_label == "State my birth year"
    residency.declare_birth_year(person, 1990)
    with app.test_request_context("/polls/1"):
        assert check_rule(person, rule, binding=False)
        vote = check_rule(person, rule)
        assert not vote and "stated yourself is not enough" in vote.message
    # a registrar who records the year in person makes it count everywhere
    registrar = make_user("desk2", roles=("registrar",))
    code = residency.issue_in_person_code(person)
    residency.confirm_in_person(registrar, code, birth_year=1991)
    assert (person.resident_status.birth_year, person.resident_status.birth_year_declared) == (1991, False)
    with app.test_request_context("/polls/1"):
        assert check_rule(person, rule)


def test_the_card_step_says_an_age_limit_may_ask_for_the_birth_year(client, make_user):
    make_user("new")
    assert "you will be asked to state your birth year" in text_of(client.get("/verify"))
    client.sign_in("new")
    page = client.get("/verify")
    card_section = page.get_data(as_text=True).split('id="code-title"', 1)[1].split("</section>", 1)[0]
    assert "A card does not record your age" in card_section
    assert "state your birth year" in card_section and "registrar" in card_section


def accept_box(response) -> str:
    return (re.search(r'<input[^>]*id="accept_declared_birth_year"[^>]*>', response.get_data(as_text=True))
            .group(0))


def test_admins_choose_whether_a_rule_accepts_a_stated_birth_year(client, make_user, db):
    make_user("root", roles=("admin",))
    client.sign_in("root")
    assert " checked " in accept_box(client.get("/admin/eligibility/new"))  # on by default
    assert client.post_form("/admin/eligibility/new",
                            {"name": "Votes", "min_level": "verified", "min_age": "16",
                             "accept_declared_birth_year": "y"}).status_code == 303
    rule = db.session.scalar(sa.select(EligibilityRule))
    assert rule.accept_declared_birth_year is True
    assert client.post_form(f"/admin/eligibility/{rule.id}", {"name": "Votes", "min_level": "verified",
                                                             "min_age": "16"}).status_code == 303
    db.session.refresh(rule)
    assert rule.accept_declared_birth_year is False
    assert " checked " not in accept_box(client.get(f"/admin/eligibility/{rule.id}"))


def test_the_stated_flag_is_in_my_data_and_erased_with_the_account(client, make_user, db):
    from consult.accounts.erasure import erase_account
    from consult.core import personal_data

    person = card_resident(make_user)
    assert personal_data.export_sections(person)["residency"]["birth_year_self_declared"] is False
    residency.declare_birth_year(person, 1994)
    db.session.commit()
    data = personal_data.export_sections(person)["residency"]
    assert data["birth_year"] == 1994 and data["birth_year_self_declared"] is True
    client.sign_in("amina")
    downloaded = json.loads(client.get("/profile/my-data.json").get_data(as_text=True))
    assert downloaded["sections"]["residency"]["birth_year_self_declared"] is True
    erase_account(db.session.get(type(person), person.id))
    db.session.commit()
    assert count(ResidentStatus, ResidentStatus.user_id == person.id) == 0


def test_registrars_see_that_a_birth_year_was_stated(client, make_user, db):
    person = card_resident(make_user)
    residency.declare_birth_year(person, 1994)
    db.session.commit()
    make_user("desk", roles=("registrar",))
    client.sign_in("desk")
    text = text_of(client.get(f"/registrar/accounts/{person.id}"))
    assert "1994 (stated by the person)" in text


def test_the_date_examples_of_the_register_form_stay_whole_in_arabic(client, make_user):
    make_user("new", language="ar")
    client.sign_in("new")
    html = client.get("/verify").get_data(as_text=True)
    assert '<bdi dir="ltr" class="nowrap">1990-03-25</bdi>' in html
    assert '<bdi dir="ltr" class="nowrap">25/03/1990</bdi>' in html
    help_text = html.split('id="birth_date-help"', 1)[1].split("</p>", 1)[0]
    assert "&lt;bdi" not in help_text  # markup, not escaped text
