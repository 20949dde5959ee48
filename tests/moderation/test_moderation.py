"""Moderation: reports, threshold hiding, moderators' actions and permissions, the public log, blocks,
notes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from consult.comments import services as comments
from consult.core.errors import Conflict, DomainError, NotAllowed
from consult.moderation import services as moderation
from consult.moderation.models import FactCheckNote, ModerationEvent, Report
from tests.comments.xss import XSS, unsafe_markup
from tests.helpers import count, text_of


@pytest.fixture
def comment(db, item, make_user):
    c = comments.post_comment(make_user("writer"), item, "Rumour: the desk will close", "against")
    db.session.commit()
    return c


@pytest.fixture
def moderator(make_user):
    return make_user("moda", roles=("moderator",))


def test_one_report_per_person_and_item(db, comment, make_user):
    amina = make_user("amina")
    moderation.report(amina, comment, "spam")
    with pytest.raises(Conflict, match="already reported"):
        moderation.report(amina, comment, "offensive")
    assert count(Report) == 1


def test_own_content_cannot_be_reported(db, comment):
    with pytest.raises(NotAllowed, match="your own"):
        moderation.report(comment.author, comment, "spam")


def test_unknown_reason_is_refused(db, comment, make_user):
    with pytest.raises(DomainError, match="choose a reason"):
        moderation.report(make_user(), comment, "boring")


def test_threshold_hides_pending_review(app, db, comment, make_user):
    app.config["MODERATION_HIDE_THRESHOLD"] = 2
    try:
        moderation.report(make_user(), comment, "misinformation")
        assert comment.hidden_at is None
        moderation.report(make_user(), comment, "misinformation")
        assert comment.hidden_at is not None and comment.hidden_reason == moderation.AUTO_HIDE_REASON
    finally:
        del app.config["MODERATION_HIDE_THRESHOLD"]
    event = db.session.scalar(sa.select(ModerationEvent))
    assert event.action == "hidden_by_reports"


def test_default_threshold_is_three(db, comment, make_user):
    for _ in range(2):
        moderation.report(make_user(), comment, "spam")
    assert comment.hidden_at is None
    moderation.report(make_user(), comment, "spam")
    assert comment.hidden_at is not None


def test_dismissing_reports_shows_auto_hidden_content_again(db, comment, make_user, moderator):
    for _ in range(3):
        moderation.report(make_user(), comment, "spam")
    moderation.dismiss_reports(comment, moderator)
    assert comment.hidden_at is None
    assert moderation.queue() == []


def test_only_moderators_hide_and_a_reason_is_needed(db, comment, make_user, moderator):
    with pytest.raises(NotAllowed):
        moderation.hide(comment, make_user(), "Because")
    with pytest.raises(DomainError, match="reason"):
        moderation.hide(comment, moderator, "  ")
    moderation.hide(comment, moderator, "Personal attack")
    assert comment.hidden_reason == "Personal attack"
    moderation.restore(comment, moderator)
    assert comment.hidden_at is None
    with pytest.raises(Conflict):
        moderation.restore(comment, moderator)


def test_texts_have_their_limits_on_their_field(db, comment, make_user, moderator):
    """Reasons, report notes and fact-check notes are stripped, and refused on their own field when too
    long."""
    with pytest.raises(DomainError, match="at most 500") as refused:
        moderation.hide(comment, moderator, "x" * 501)
    assert refused.value.field == "reason"
    with pytest.raises(DomainError, match="at most 1000") as refused:
        moderation.report(make_user("amina"), comment, "spam", "x" * 1001)
    assert refused.value.field == "note"
    with pytest.raises(DomainError, match="write the note") as refused:
        moderation.add_note(comment, moderator, "   ", [])
    assert refused.value.field == "body"
    assert moderation.add_note(comment, moderator, "  Checked.  ", []).body == "Checked."


def test_hidden_comment_shows_the_reason_in_the_thread(client, db, item, comment, moderator):
    moderation.hide(comment, moderator, "Personal attack")
    db.session.commit()
    page = text_of(client.get(item.url))
    assert "Hidden by moderators: Personal attack" in page
    assert "Rumour: the desk will close" not in page


def test_report_form_works_without_javascript(client, db, item, comment, make_user):
    make_user("amina")
    client.sign_in("amina")
    page = client.get(f"/report/comment/{comment.id}")
    assert page.status_code == 200 and "What is wrong?" in text_of(page)
    response = client.post_form(f"/report/comment/{comment.id}", {"reason": "offensive", "note": "rude",
                                                                   "next": item.url})
    assert response.status_code == 303 and response.headers["Location"].endswith(item.url)
    again = client.post_form(f"/report/comment/{comment.id}", {"reason": "spam"})
    assert again.status_code == 422 and "already reported" in text_of(again)
    empty = client.post_form(f"/report/testitem/{item.id}", {"reason": ""})
    assert empty.status_code == 422 and "choose a reason" in text_of(empty)
    assert count(Report) == 1


def test_reporting_own_content_through_the_page_is_refused(client, db, comment):
    client.sign_in("writer")
    response = client.post_form(f"/report/comment/{comment.id}", {"reason": "spam"})
    assert response.status_code == 403 and "your own" in text_of(response)
    assert count(Report) == 0


def test_queue_and_item_pages_are_for_moderators(client, db, comment, make_user, moderator):
    moderation.report(make_user("amina"), comment, "misinformation", "See the city website")
    db.session.commit()
    client.sign_in("amina")
    assert client.get("/moderation").status_code == 403
    assert client.get(f"/moderation/item/comment/{comment.id}").status_code == 403
    assert client.post_form(f"/moderation/item/comment/{comment.id}/hide", {"reason": "x"}).status_code == 403
    client.sign_out()
    client.sign_in("moda")
    queue = client.get("/moderation")
    assert queue.status_code == 200 and "False information or rumour (1)" in text_of(queue)
    page = client.get(f"/moderation/item/comment/{comment.id}")
    assert "See the city website" in text_of(page) and "amina" not in text_of(page).lower()


def test_moderator_hides_and_the_public_log_never_names_the_reporter(client, db, item, comment, make_user,
                                                                     moderator):
    reporter = make_user("reporter1", display_name="Secret Reporter")
    moderation.report(reporter, comment, "offensive", "my private note")
    db.session.commit()
    client.sign_in("moda")
    refused = client.post_form(f"/moderation/item/comment/{comment.id}/hide", {"reason": ""})
    assert refused.status_code == 422 and "reason that everyone will read" in text_of(refused)
    response = client.post_form(f"/moderation/item/comment/{comment.id}/hide",
                                {"reason": "Insults a neighbour"})
    assert response.status_code == 303
    client.sign_out()
    log = client.get("/moderation/log")
    assert log.status_code == 200
    text = text_of(log)
    assert "Insults a neighbour" in text and "Hidden by moderators" in text
    assert "Secret Reporter" not in text and "reporter1" not in text and "my private note" not in text
    open_reports = sa.select(sa.func.count()).select_from(Report).where(Report.resolved_at.is_(None))
    assert db.session.scalar(open_reports) == 0


def test_block_and_unblock(client, db, item, comment, make_user, moderator):
    client.sign_in("moda")
    response = client.post_form(f"/moderation/people/{comment.author_id}/block", {"reason": "spam wave"})
    assert response.status_code == 303
    client.sign_out()
    client.sign_in("writer")
    refused = client.post_form(f"/comments/testitem/{item.id}", {"body": "again", "alignment": "neutral"})
    assert refused.status_code == 403 and "blocked" in text_of(refused)
    assert client.get(item.url).status_code == 200  # still reads
    client.sign_out()
    client.sign_in("moda")
    client.post_form(f"/moderation/people/{comment.author_id}/unblock")
    client.sign_out()
    client.sign_in("writer")
    assert client.post_form(f"/comments/testitem/{item.id}",
                            {"body": "again", "alignment": "neutral"}).status_code == 303


def test_block_buttons_name_the_person_and_go_back(client, db, comment, moderator):
    client.sign_in("moda")
    name = comment.author.public_name
    blocked = client.post_form(f"/moderation/people/{comment.author_id}/block",
                               {"reason": "spam wave", "next": "/moderation/log"})
    assert blocked.status_code == 303 and blocked.headers["Location"].endswith("/moderation/log")
    assert f"{name} is blocked." in text_of(client.get("/moderation/log"))
    unblocked = client.post_form(f"/moderation/people/{comment.author_id}/unblock")
    assert unblocked.headers["Location"].endswith("/moderation")
    assert f"{name} can take part again." in text_of(client.get("/moderation"))


def test_non_moderator_cannot_block(client, db, comment, make_user):
    make_user("amina")
    client.sign_in("amina")
    assert client.post_form(f"/moderation/people/{comment.author_id}/block").status_code == 403
    db.session.refresh(comment.author)
    assert not comment.author.is_blocked


def test_moderator_cannot_block_themself(db, moderator):
    with pytest.raises(DomainError):
        moderation.block(moderator, moderator)


def test_fact_check_note_is_shown_above_the_content(client, db, item, moderator):
    client.sign_in("moda")
    bad = client.post_form(f"/moderation/item/testitem/{item.id}/notes",
                           {"body": "Context", "sources": "javascript:alert(1)"})
    assert bad.status_code == 422 and "http://" in text_of(bad)
    assert count(FactCheckNote) == 0
    response = client.post_form(f"/moderation/item/testitem/{item.id}/notes",
                                {"body": "The desk **stays open** until 2027.",
                                 "sources": "https://porto-aperto.example/decision-42\nhttps://example.org/a"})
    assert response.status_code == 303
    client.sign_out()
    html = client.get(item.url).get_data(as_text=True)
    assert html.index("Context from the moderators") < html.index("<h1>")
    assert "<strong>stays open</strong>" in html and 'href="https://porto-aperto.example/decision-42"' in html


def test_only_moderators_add_notes(client, db, item, make_user):
    make_user("amina")
    client.sign_in("amina")
    assert client.post_form(f"/moderation/item/testitem/{item.id}/notes", {"body": "x"}).status_code == 403
    assert count(FactCheckNote) == 0


@pytest.mark.parametrize("payload", XSS)
def test_xss_in_notes_and_report_text_is_neutralised(client, db, item, make_user, moderator, payload):
    moderation.add_note(item, moderator, f"Note {payload}", [])
    moderation.report(make_user(), item, "other", f"Report {payload}")
    db.session.commit()
    client.sign_in("moda")
    for url in (item.url, f"/moderation/item/testitem/{item.id}", "/moderation"):
        html = client.get(url).get_data(as_text=True)
        assert unsafe_markup(html, allowed_scripts=2) == [], url


def test_report_button_links_to_the_form(client, db, item, comment, make_user):
    make_user("amina")
    client.sign_in("amina")
    html = client.get(item.url).get_data(as_text=True)
    assert f'href="/report/comment/{comment.id}"' in html
    assert f'href="/report/testitem/{item.id}"' in html


def test_reports_are_exported_and_unlinked_on_erasure(db, comment, make_user):
    from consult.core.personal_data import erase_everywhere, export_sections

    amina = make_user("amina")
    moderation.report(amina, comment, "spam", "ads")
    assert export_sections(amina)["reports"] == [
        {"on": f"comment/{comment.id}", "reason": "spam", "note": "ads",
         "created_at": db.session.scalar(sa.select(Report.created_at)).isoformat()}]
    erase_everywhere(amina)
    report = db.session.scalar(sa.select(Report))
    assert report.reporter_id is None and report.note == ""
