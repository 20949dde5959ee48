"""The list page's speed-ups keep its output: memoised card excerpts, joined author/theme/district."""

from __future__ import annotations

from consult.proposals import services as proposals
from consult.proposals.queries import card_excerpt
from tests.helpers import text_of


def test_card_excerpt_is_the_plain_text_of_the_markdown_cut_at_180_characters():
    body = "A **card** for every [resident](https://example.org) " + "word " * 100
    expected = ("A card for every resident " + "word " * 31)[:179] + "\u2026"
    assert card_excerpt(body) == expected
    assert len(expected) == 180 and "**" not in expected and "example.org" not in expected
    assert card_excerpt("") == "" and card_excerpt(None) == ""


def test_card_excerpt_is_memoised_by_text():
    card_excerpt.cache_clear()
    body = "Open the *library* on Sunday."
    first = card_excerpt(body)
    assert card_excerpt(body) == first == "Open the library on Sunday."
    assert card_excerpt.cache_info().hits == 1 and card_excerpt.cache_info().misses == 1


def test_the_list_shows_excerpt_theme_and_author_of_each_card(client, db, process, make_resident):
    author = make_resident(username="amal")
    proposal = proposals.create_draft(process, author, title="Library hours",
                                      body="Open the *library* on Sunday.", language="en",
                                      theme_id=process.themes[0].id)
    proposals.publish(proposal, author)
    db.session.commit()
    page = text_of(client.get("/proposals"))
    assert "Open the library on Sunday." in page
    assert process.themes[0].name in page
    assert author.public_name in page
