"""Dates, numbers and plurals are written in the reader's language (Babel's CLDR data), not in English forms.

A poll with more than a thousand paper ballots and a closing date is read in French and in Arabic: its counts
use the locale's grouping ("1 801" with a narrow no-break space in French), its plural sentence the locale's
plural form, its percentages the locale's percent sign and its date the locale's month names.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_datetime
from babel.numbers import format_decimal, format_percent

from consult.votes import services as votes
from tests.helpers import text_of

YES, NO, ABSTAIN = 1234, 560, 7
VOTERS = YES + NO + ABSTAIN  # 1801
CLOSES = datetime(2030, 3, 14, 14, 0)  # UTC; 15:00 in the platform's time zone (Europe/Rome)


@pytest.fixture
def big_poll(db, make_user):
    admin = make_user("staff", roles=("admin",))
    poll = votes.create_poll(question="A local resident card?", method="yes_no_abstain", options=[],
                             closes_at=CLOSES, mode="named", results_before_close=True, created_by=admin)
    votes.open_poll(poll, by=admin)
    codes = {opt.code: str(opt.id) for opt in poll.options}
    votes.record_paper_tally(poll, channel="Town hall", counts={codes["yes"]: YES, codes["no"]: NO,
                                                                codes["abstain"]: ABSTAIN}, by=admin)
    db.session.commit()
    return poll


def _date(moment, lang):
    return format_datetime(moment.replace(tzinfo=UTC), "medium", tzinfo=ZoneInfo("Europe/Rome"), locale=lang)


def _page(client, url, lang):
    response = client.get(url, headers={"Accept-Language": lang})
    assert response.status_code == 200
    return response.get_data(as_text=True), text_of(response)


def test_french_groups_thousands_with_a_narrow_no_break_space_and_says_mars(client, big_poll):
    html, text = _page(client, f"/polls/{big_poll.id}/results", "fr")
    assert format_decimal(YES, locale="fr") == "1\u202f234"
    assert "1\u202f234" in html and "1234" not in html.replace(f"/polls/{big_poll.id}", "")
    assert f"{format_decimal(VOTERS, locale='fr')} personnes ont voté" in html  # the plural form, localised
    assert format_percent(1, "#,##0.#%", locale="fr") in html  # the paper channel's share: "100 %"
    html, _ = _page(client, f"/polls/{big_poll.id}", "fr")
    assert _date(CLOSES, "fr") == "14 mars 2030, 15:00:00" and "14 mars 2030, 15:00:00" in html  # Rome time


def test_arabic_numbers_plurals_and_dates_follow_babel(client, big_poll):
    html, _ = _page(client, f"/polls/{big_poll.id}/results", "ar")
    assert format_decimal(VOTERS, locale="ar") in html
    assert str(VOTERS) not in html  # never the bare English-style number
    html, _ = _page(client, f"/polls/{big_poll.id}", "ar")
    expected = _date(CLOSES, "ar")  # "14‏/03‏/2030، 3:00:00 م": Arabic order, marks and "م" (pm)
    assert "\u200f" in expected and "م" in expected
    assert expected in html


def test_english_stays_english(client, big_poll):
    html, _ = _page(client, f"/polls/{big_poll.id}/results", "en")
    assert "1,234" in html and "1,801 people voted." in html
    html, _ = _page(client, f"/polls/{big_poll.id}", "en")
    assert "Mar 14, 2030" in html


def test_someones_text_inside_a_translated_sentence_is_isolated_and_escaped(app):
    with app.test_request_context("/?lang=ar"):
        from flask import render_template_string

        html = render_template_string('{{ _("Reason: %(reason)s", reason=reason|bdi) }}',
                                      reason="Spam <script>x</script>")
    assert html.endswith("<bdi>Spam &lt;script&gt;x&lt;/script&gt;</bdi>")
    assert html.count("<bdi>") == 1
