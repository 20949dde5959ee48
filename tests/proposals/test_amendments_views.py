"""Amendment pages through the Flask client: the window form, proposing (with errors kept), the diff, the
author's decision, supports (htmx and plain), withdrawal, promotion, credits on the proposal page, hiding."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.core.models import utcnow
from consult.core.time import to_local
from consult.extensions import db
from consult.proposals import amendments
from consult.proposals.amendments_models import Amendment
from consult.proposals.models import Proposal
from tests.helpers import text_of


@pytest.fixture
def proposal(process, resident, make_proposal):
    return make_proposal(process, resident, title="Resident cards", body="A card.\nFor every resident.")


@pytest.fixture
def amender(make_resident):
    return make_resident(username="amina", display_name="Amina")


@pytest.fixture
def open_window(proposal, resident):
    amendments.set_window(proposal, resident, utcnow() + timedelta(days=7))
    db.session.commit()
    return proposal


def _amendment(proposal, who, body="A card.\nFor every resident, free of charge."):
    amendment = amendments.propose(proposal, who, title=proposal.title, body=body,
                                   explanation="Cost should not keep anyone out.")
    db.session.commit()
    return amendment


def test_the_author_opens_the_window_with_a_local_time(client, proposal, resident):
    client.sign_in("yusuf")
    page = client.get(f"/proposals/{proposal.id}/amendments")
    assert page.status_code == 200 and "Open for amendment" in text_of(page)
    when = to_local(utcnow() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post_form(f"/proposals/{proposal.id}/amendments/window", {"closes_at": when})
    assert response.status_code == 303
    assert amendments.window_of(proposal).is_open()
    past = to_local(utcnow() - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    refused = client.post_form(f"/proposals/{proposal.id}/amendments/window", {"closes_at": past})
    assert refused.status_code == 422 and "future" in text_of(refused)
    closed = client.post_form(f"/proposals/{proposal.id}/amendments/window", {"closes_at": ""})
    assert closed.status_code == 303 and not amendments.window_of(proposal).is_open()


def test_others_cannot_open_the_window(client, proposal, amender):
    client.sign_in("amina")
    assert client.post_form(f"/proposals/{proposal.id}/amendments/window",
                            {"closes_at": "2099-01-01T10:00"}).status_code == 403


def test_propose_see_the_diff_and_accept(client, open_window, amender, resident):
    client.sign_in("amina")
    form = client.get(f"/proposals/{open_window.id}/amendments/new")
    assert form.status_code == 200 and "For every resident." in form.get_data(as_text=True)
    # an error keeps what was typed
    refused = client.post_form(f"/proposals/{open_window.id}/amendments/new", {
        "title": "Resident cards", "body": "A card.\nFor everyone living here.", "explanation": ""})
    assert refused.status_code == 422 and "For everyone living here." in refused.get_data(as_text=True)
    response = client.post_form(f"/proposals/{open_window.id}/amendments/new", {
        "title": "Resident cards", "body": "A card.\nFor everyone living here.",
        "explanation": "Residents, not citizens."})
    assert response.status_code == 303
    amendment = db.session.scalars(sa.select(Amendment)).one()
    page = client.get(f"/amendments/{amendment.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<del>" in html and "For every resident." in html and "<ins>" in html
    assert "Residents, not citizens." in text_of(page)
    assert "Accept the amendment" not in text_of(page)  # only the proposal's author decides
    client.sign_out()
    client.sign_in("yusuf")
    page = client.get(f"/amendments/{amendment.id}")
    assert "Accept the amendment" in text_of(page)
    response = client.post_form(f"/amendments/{amendment.id}/accept")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/proposals/{open_window.id}")
    assert db.session.get(Proposal, open_window.id).body == "A card.\nFor everyone living here."
    shown = client.get(f"/proposals/{open_window.id}")
    assert "Amended by Amina" in text_of(shown) and "For everyone living here." in text_of(shown)
    versions = client.get(f"/proposals/{open_window.id}/amendments")
    assert "Versions of the text" in text_of(versions) and "from an amendment" in text_of(versions)


def test_reject_with_a_reason_then_support_and_promote(client, open_window, amender, resident, make_resident):
    amendment = _amendment(open_window, amender)
    client.sign_in("yusuf")
    refused = client.post_form(f"/amendments/{amendment.id}/reject", {"reason": ""})
    assert refused.status_code == 422
    assert client.post_form(f"/amendments/{amendment.id}/reject",
                            {"reason": "Not this year."}).status_code == 303
    client.sign_out()
    make_resident(username="chen")
    client.sign_in("chen")
    assert "Not this year." in text_of(client.get(f"/amendments/{amendment.id}"))
    fragment = client.post_form(f"/amendments/{amendment.id}/support", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "1 support" in text_of(fragment)
    assert client.post_form(f"/amendments/{amendment.id}/promote").status_code == 403
    client.sign_out()
    client.sign_in("amina")
    response = client.post_form(f"/amendments/{amendment.id}/promote")
    assert response.status_code == 303
    new = db.session.scalars(sa.select(Proposal).where(Proposal.author_id == amender.id)).one()
    assert "started as an amendment" in text_of(client.get(f"/proposals/{new.id}"))


def test_an_out_of_date_amendment_says_against_what(client, open_window, amender, make_resident, resident):
    first = _amendment(open_window, amender)
    second = _amendment(open_window, make_resident(username="bo"), body="A card.\nFor all.")
    amendments.accept(first, resident)
    db.session.commit()
    page = client.get(f"/amendments/{second.id}")
    assert "Out of date" in text_of(page) and "version 1" in text_of(page)
    assert "Against the current text" in text_of(page)


def test_withdraw_and_plain_support(client, open_window, amender, make_resident):
    amendment = _amendment(open_window, amender)
    make_resident(username="dana")
    client.sign_in("dana")
    assert client.post_form(f"/amendments/{amendment.id}/support").status_code == 303
    assert client.post_form(f"/amendments/{amendment.id}/withdraw").status_code == 403
    client.sign_out()
    client.sign_in("amina")
    assert client.post_form(f"/amendments/{amendment.id}/withdraw").status_code == 303
    db.session.refresh(amendment)
    assert amendment.state == "withdrawn" and amendment.support_count == 1


def test_a_hidden_amendment_shows_its_reason_not_its_text(client, open_window, amender, make_resident):
    from consult.moderation import services as moderation

    amendment = _amendment(open_window, amender, body="A card.\nSOMETHING RUDE")
    moderation.hide(amendment, make_resident(username="mod", roles=("moderator",)), "Insults")
    db.session.commit()
    page = client.get(f"/amendments/{amendment.id}")
    assert "hidden by the moderators" in text_of(page) and "SOMETHING RUDE" not in page.get_data(as_text=True)


def test_a_draft_has_no_amendment_pages(client, process, resident, make_proposal):
    draft = make_proposal(process, resident, publish=False)
    client.sign_in("yusuf")
    assert client.get(f"/proposals/{draft.id}/amendments").status_code == 404
    assert client.get("/amendments/999").status_code == 404


def _queries(client, url):
    from tests.helpers import QueryCounter

    with QueryCounter() as queries:
        response = client.get(url)
    assert response.status_code == 200
    return queries.count


def test_the_pages_run_a_constant_number_of_queries(client, open_window, amender, make_resident, resident):
    client.sign_in("amina")
    page = f"/proposals/{open_window.id}"
    before = _queries(client, page)
    amendment = _amendment(open_window, amender)
    few = (_queries(client, page), _queries(client, f"/amendments/{amendment.id}"),
           _queries(client, f"/proposals/{open_window.id}/amendments"))
    for n in range(6):
        other = _amendment(open_window, make_resident(username=f"p{n}"), body=f"Text {n}")
        amendments.support(other, amender)
    amendments.accept(amendment, resident)
    db.session.commit()
    many = (_queries(client, page), _queries(client, f"/amendments/{amendment.id}"),
            _queries(client, f"/proposals/{open_window.id}/amendments"))
    assert few == many and few[0] <= before + 1 and max(many) <= 12, (before, few, many)


def test_report_then_hide_through_the_moderation_pages(client, open_window, amender, make_resident):
    amendment = _amendment(open_window, amender, body="A card.\nSOMETHING RUDE")
    make_resident(username="chen")
    client.sign_in("chen")
    page = client.get(f"/amendments/{amendment.id}")
    assert f"/report/amendment/{amendment.id}" in page.get_data(as_text=True)
    assert client.post_form(f"/report/amendment/{amendment.id}",
                            {"reason": "offensive", "note": ""}).status_code == 303
    client.sign_out()
    make_resident(username="karim", roles=("moderator",))
    client.sign_in("karim")
    item = client.get(f"/moderation/item/amendment/{amendment.id}")
    assert item.status_code == 200 and "Amendment" in text_of(item)
    assert client.post_form(f"/moderation/item/amendment/{amendment.id}/hide",
                            {"reason": "Insults"}).status_code == 303
    db.session.refresh(amendment)
    assert amendment.is_hidden
    assert "An amendment hidden by the moderators" in text_of(client.get(f"/proposals/{open_window.id}"))


def test_a_visitor_is_told_to_sign_in_to_amend_while_the_window_is_open(client, open_window):
    page = client.get(f"/proposals/{open_window.id}")
    assert "takes amendments until" in text_of(page)
    section = page.get_data(as_text=True).split('id="amendments-title"')[1].split("</section>")[0]
    assert "/sign-in?next=" in section and "Propose an amendment" not in text_of(page)
