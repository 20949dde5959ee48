"""Linking proposals to an agenda item with the picker: checkboxes instead of typed numbers, a search (htmx
answers with the list of proposals, the chosen ones kept checked), and the same without JavaScript (the search
opens the item page with what it found)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.core.models import utcnow
from consult.meetings import services as meetings
from consult.meetings.models import AgendaItem, AgendaItemProposal
from tests.helpers import count, text_of


def make_proposals(db, make_user, council=None, **titles_by_state):
    """Published proposals in a process that feeds ``council``: ``make_proposals(db, make_user, council,
    submitted=["A", "B"], qualified=["C"], draft=["D"], hidden=["E"])``; returns {title: proposal}."""
    from consult.processes import services as processes
    from consult.proposals import services as proposals

    admin = make_user(roles=("admin",))
    author = make_user(verified=True, birth_year=1990)
    process = processes.create_process(actor=admin, title="Welcoming city", support_threshold=3,
                                       council_id=council.id if council is not None else None)
    now = utcnow()
    processes.add_phase(process, actor=admin, kind="proposals", starts_at=now - timedelta(days=1),
                        ends_at=now + timedelta(days=30))
    made = {}
    for state, titles in titles_by_state.items():
        for title in titles:
            proposal = proposals.create_draft(process, author, title=title, body=f"About {title.lower()}.",
                                              language="en")
            if state != "draft":
                proposals.publish(proposal, author)
            if state in ("qualified", "accepted"):
                proposal.state = state
            if state == "hidden":
                proposal.hidden_at = now
            made[title] = proposal
    db.session.commit()
    return made


def checkboxes(html: str) -> dict[int, bool]:
    """The picker's checkboxes: proposal number → checked."""
    return {int(m.group(2)): bool(m.group(3)) for m in re.finditer(
        r'<input type="checkbox" id="pick-proposal-(\d+)" name="proposal_ids" value="(\d+)"( checked)?>',
        html)}


def linked(db, item) -> list[int]:
    return sorted(db.session.scalars(sa.select(AgendaItemProposal.proposal_id)
                                     .where(AgendaItemProposal.item_id == item.id)))


@pytest.fixture
def planned(council_setup, db):
    session = meetings.create_session(council_setup.council, title="December session",
                                      starts_at=utcnow() + timedelta(days=10), place="Town hall")
    item = meetings.add_item(session, title="Resident cards", kind="decision")
    db.session.commit()
    return council_setup, session, item


def test_the_item_forms_offer_a_picker_not_a_box_for_numbers(client, planned, db, make_user):
    setup, session, item = planned
    found = make_proposals(db, make_user, setup.council, qualified=["Night buses"],
                           submitted=["Library hours"])
    client.sign_in("secr")
    page = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    add_form = page.split(f'action="/sessions/{session.id}/items"', 1)[1].split("</form>", 1)[0]
    assert "Linked proposals (numbers)" not in page and 'name="proposal_ids" type="text"' not in page
    # the search field belongs to the GET form after the item form, and htmx asks the item page for proposals
    assert 'name="proposal_q"' in add_form and 'form="proposal-search"' in add_form
    assert (f'hx-get="/sessions/{session.id}/items"' in add_form
            and 'hx-target="#proposal-options"' in add_form)
    assert re.search(rf'<form id="proposal-search" action="/sessions/{session.id}/items#proposal-picker" '
                     r'method="get"', page)
    # the page for a new item suggests the qualified proposals of the council's processes, unchecked
    new = client.get(f"/sessions/{session.id}/items")
    assert new.status_code == 200 and "<html" in new.get_data(as_text=True)
    assert checkboxes(new.get_data(as_text=True)) == {found["Night buses"].id: False}
    assert "Qualified proposals waiting for this council" in text_of(new)
    # the page of an item shows its links checked
    meetings.set_item_proposals(item, [found["Library hours"].id])
    db.session.commit()
    edit = client.get(f"/items/{item.id}/edit").get_data(as_text=True)
    assert checkboxes(edit) == {found["Library hours"].id: True, found["Night buses"].id: False}
    assert "Library hours" in edit


def test_htmx_search_answers_with_the_proposals_found_and_keeps_the_chosen_checked(client, planned, db,
                                                                                   make_user):
    setup, session, item = planned
    found = make_proposals(db, make_user, setup.council,
                           submitted=["Resident cards for all", "Card for the library",
                                      "Night buses"],
                           draft=["Card draft"], hidden=["Card hidden"])
    client.sign_in("secr")
    headers = {"HX-Request": "true"}
    chosen = found["Night buses"].id
    response = client.get(f"/sessions/{session.id}/items", headers=headers,
                          query_string={"proposal_q": "card", "proposal_ids": [str(chosen)]})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and "<form" not in html
    # the chosen one first, checked; then the published cards (not the draft, not the hidden one), unchecked
    assert checkboxes(html) == {chosen: True, found["Card for the library"].id: False,
                                found["Resident cards for all"].id: False}
    assert "Proposals found for" in text_of(response)
    # a number finds that proposal; nothing found says so
    by_number = client.get(f"/items/{item.id}/edit", headers=headers,
                           query_string={"proposal_q": f"#{found['Card for the library'].id}"})
    assert checkboxes(by_number.get_data(as_text=True)) == {found["Card for the library"].id: False}
    nothing = client.get(f"/items/{item.id}/edit", headers=headers, query_string={"proposal_q": "zebra"})
    assert checkboxes(nothing.get_data(as_text=True)) == {} and "No proposal matches" in text_of(nothing)
    # unchecking everything in the page is what the search carries: nothing checked comes back
    meetings.set_item_proposals(item, [chosen])
    db.session.commit()
    unchecked = client.get(f"/items/{item.id}/edit", headers=headers, query_string={"proposal_q": "night"})
    assert checkboxes(unchecked.get_data(as_text=True)) == {chosen: False}
    # the picker's answers are for those who run the session
    client.sign_out()
    client.sign_in("member1")
    assert client.get(f"/sessions/{session.id}/items", headers=headers,
                      query_string={"proposal_q": "card"}).status_code == 403


def test_without_javascript_search_then_choose_then_save(client, planned, db, make_user):
    setup, session, item = planned
    found = make_proposals(db, make_user, setup.council, submitted=["Night buses", "Library hours"])
    client.sign_in("secr")
    # the search form is a GET form: it opens the item page with what it found, to check and save
    page = client.get(f"/sessions/{session.id}/items", query_string={"proposal_q": "night"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in html
    assert checkboxes(html) == {found["Night buses"].id: False}
    assert 'value="night"' in html  # the search stays in its field
    response = client.post_form(f"/sessions/{session.id}/items", {
        "title": "Buses at night", "kind": "decision", "parent_id": "",
        "proposal_ids": [str(found["Night buses"].id)]})
    assert response.status_code == 303
    new = db.session.scalar(sa.select(AgendaItem).where(AgendaItem.title == "Buses at night"))
    assert linked(db, new) == [found["Night buses"].id]
    # the same on an item's page: check another, uncheck none, save
    response = client.post_form(f"/items/{new.id}/edit", {
        "title": "Buses at night", "kind": "decision",
        "proposal_ids": [str(found["Night buses"].id), str(found["Library hours"].id)]})
    assert response.status_code == 303
    assert linked(db, new) == sorted([found["Night buses"].id, found["Library hours"].id])
    # unchecking all removes the links
    assert (client.post_form(f"/items/{new.id}/edit", {"title": "Buses at night", "kind": "decision"})
            .status_code == 303)
    assert linked(db, new) == []
    text = text_of(client.get(f"/sessions/{session.id}"))
    assert "Buses at night" in text


def test_numbers_of_proposals_that_cannot_be_linked_are_refused(client, planned, db, make_user):
    setup, session, item = planned
    found = make_proposals(db, make_user, setup.council, submitted=["Night buses"], draft=["A draft"],
                           hidden=["Hidden one"])
    client.sign_in("secr")
    before = count(AgendaItem)
    for wrong in ("999999", str(found["A draft"].id), str(found["Hidden one"].id), "abc", "99999999999"):
        response = client.post_form(f"/sessions/{session.id}/items", {
            "title": "Buses at night", "kind": "decision", "parent_id": "", "proposal_ids": [wrong]})
        assert response.status_code == 422, wrong
        assert "Proposal numbers are whole numbers." in text_of(response) or \
            "These proposals cannot be linked" in text_of(response)
    assert count(AgendaItem) == before
    # a link made before the proposal was hidden stays when the item is saved again
    meetings.set_item_proposals(item, [found["Night buses"].id])
    db.session.commit()
    found["Night buses"].hidden_at = utcnow()
    db.session.commit()
    response = client.post_form(f"/items/{item.id}/edit", {"title": "Resident cards", "kind": "decision",
                                                           "proposal_ids": [str(found["Night buses"].id)]})
    assert response.status_code == 303
    assert linked(db, item) == [found["Night buses"].id]
