"""The list's read model and cached HTML (cards, filter form, pager), and search in official answers."""

from __future__ import annotations

import sqlalchemy as sa

from consult.extensions import db
from consult.proposals import cards
from consult.proposals import services as proposals
from consult.proposals.queries import Filters, list_query
from tests.helpers import text_of


def _search(text):
    return [p.id for p in db.session.scalars(list_query(Filters(q=text))).unique()]


def test_official_answers_are_searched_in_every_language(process, resident, make_proposal, make_user):
    moderator = make_user("karim", roles=("moderator",))
    a = make_proposal(process, resident, title="Library hours", body="Open on Sunday")
    b = make_proposal(process, resident, title="Welcome desk", body="At the town hall")
    proposals.answer(a, moderator, state="under_review", language="en", text="The librarians are consulted.")
    proposals.answer(a, moderator, state="under_review", language="fr",
                     text="Les bibliothécaires sont consultés.")
    db.session.commit()
    assert _search("librarians") == [a.id]
    assert _search("bibliothecaires") == [a.id]  # accents folded, French text of the same answer
    assert _search("librarians consulted") == [a.id]
    # a changed answer text is re-indexed, a new answer is added, in the same transaction
    proposals.answer(a, moderator, state="under_review", language="en", text="The staff agreed.")
    proposals.answer(b, moderator, state="rejected", language="en", text="No budget for librarians.")
    db.session.commit()
    assert _search("staff") == [a.id]
    assert _search("librarians") == [b.id]
    # the answers go with their proposal
    db.session.delete(a)
    db.session.commit()
    assert _search("staff") == [] and _search("bibliothecaires") == []


def test_search_on_the_list_page_finds_answer_text(client, process, resident, make_proposal, make_user):
    moderator = make_user("karim", roles=("moderator",))
    a = make_proposal(process, resident, title="Library hours", body="Open on Sunday")
    make_proposal(process, resident, title="Welcome desk", body="At the town hall")
    proposals.answer(a, moderator, state="under_review", language="en", text="Funded by the culture office.")
    db.session.commit()
    page = text_of(client.get("/proposals?q=culture+office"))
    assert "Library hours" in page and "Welcome desk" not in page and "1 proposal" in page


def test_cached_cards_follow_the_data_and_never_carry_a_readers_badge(client, process, make_resident,
                                                                      make_proposal):
    for region in (cards.CARDS, cards.FORMS, cards.PAGERS):
        region.clear()
    author, reader, other = make_resident(username="amal"), make_resident(username="ines"), make_resident()
    proposal = make_proposal(process, author, title="Resident cards", body="A card for **every** resident.")
    assert "You support it" not in text_of(client.get("/proposals"))
    proposals.support(proposal, reader)
    db.session.commit()
    client.sign_in("ines")
    page = text_of(client.get("/proposals"))
    assert "You support it" in page and "1 support" in page
    client.sign_out()
    client.sign_in(other.username)
    page = text_of(client.get("/proposals"))
    assert "1 support" in page and "You support it" not in page
    # a change of what the card shows is a new card, whatever was cached
    proposals.update_proposal(proposal, author, title="Resident cards for all", body="Now **everyone**.",
                              language="en")
    author.display_name = "Amal K."
    db.session.commit()
    page = text_of(client.get("/proposals"))
    assert "Resident cards for all" in page and "Now everyone." in page and "Amal K." in page


def test_cached_cards_and_form_follow_the_language(client, process, make_resident, make_proposal, make_user):
    author = make_resident(username="amal")
    translator = make_user("lucia", roles=("translator",))
    proposal = make_proposal(process, author, title="Resident cards", body="A card for everyone.")
    proposals.translate(proposal, translator, language="fr", title="Cartes de résident",
                        body="Une carte pour tous.")
    db.session.commit()
    english = client.get("/proposals").get_data(as_text=True)
    assert "Resident cards" in english and "Cartes de résident" not in english
    french = client.get("/proposals?lang=fr").get_data(as_text=True)
    assert "Cartes de résident" in french and "Une carte pour tous." in french
    assert 'lang="en"' not in french.split('id="proposal-list"')[1]  # the reader's translation is not marked


def test_the_filter_form_shows_what_was_asked_and_refuses_a_long_search(client, process, resident,
                                                                        make_proposal):
    make_proposal(process, resident, title="Resident cards")
    page = client.get(f"/proposals?q=cards&state=qualified&sort=supported&theme={process.themes[1].id}")
    html = page.get_data(as_text=True)
    assert 'value="cards"' in html and '<option selected value="qualified">' in html
    assert ('<option selected value="supported">' in html
            and f'<option selected value="{process.themes[1].id}">' in html)
    long = client.get("/proposals?q=" + "x" * 201)
    assert long.status_code == 200
    assert 'aria-invalid="true"' in long.get_data(as_text=True) and "Resident cards" in text_of(long)
    # the htmx answer is the list alone
    fragment = client.get("/proposals?q=cards", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<section id="proposal-list"') and "<form" not in fragment


def test_the_page_of_rows_counts_and_pages(client, process, resident, make_proposal):
    for i in range(3):
        make_proposal(process, resident, title=f"Proposal number {i}")
    first = text_of(client.get("/proposals?per_page=2&sort=newest"))
    second = text_of(client.get("/proposals?per_page=2&sort=newest&page=2"))
    assert "3 proposals" in first and "Page 1 of 2" in first and "Page 2 of 2" in second
    assert "Proposal number 2" in first and "Proposal number 0" in second
    assert db.session.scalar(sa.select(sa.func.count()).select_from(sa.table("proposal"))) == 3
