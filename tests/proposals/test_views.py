"""Proposal pages through the Flask client: full pages, htmx fragments, forms, uploads, feed, query counts."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from consult.extensions import db
from consult.proposals import services as proposals
from consult.proposals.models import Proposal, ProposalSupport
from tests.helpers import QueryCounter, count, text_of

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


def test_propose_preview_publish(client, process, resident):
    client.sign_in("yusuf")
    form = client.get(f"/processes/{process.id}/proposals/new")
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.get_data(as_text=True)
    response = client.post_form(f"/processes/{process.id}/proposals/new", {
        "title": "Resident cards", "body": "A card for **every** resident.", "language": "en",
        "theme": str(process.themes[0].id), "district": "0"})
    assert response.status_code == 303, text_of(response)
    proposal = db.session.scalars(sa.select(Proposal)).one()
    assert response.headers["Location"].endswith(f"/proposals/{proposal.id}/preview")
    assert proposal.state == "draft"
    preview = client.get(f"/proposals/{proposal.id}/preview")
    assert "<strong>every</strong>" in preview.get_data(as_text=True)
    assert "It is not published yet" in text_of(preview)
    # a draft is not listed, and nobody else can read it
    assert "Resident cards" not in text_of(client.get("/proposals"))
    response = client.post_form(f"/proposals/{proposal.id}/publish")
    assert response.status_code == 303
    db.session.refresh(proposal)
    assert proposal.state == "submitted"
    assert "Resident cards" in text_of(client.get("/proposals"))


def test_drafts_are_private(client, process, resident, make_proposal, make_resident):
    draft = make_proposal(process, resident, publish=False)
    assert client.get(f"/proposals/{draft.id}").status_code == 303  # visitor: sign in
    make_resident(username="other")
    client.sign_in("other")
    assert client.get(f"/proposals/{draft.id}").status_code == 403


@pytest.mark.parametrize("data, message", [
    ({"title": "", "body": "x"}, "Please give your proposal a title."),
    ({"title": "T", "body": ""}, "Please describe your proposal."),
    ({"title": "T", "body": "x" * 20_001}, "At most 20,000 characters."),
])
def test_bad_proposals_answer_422_and_save_nothing(client, process, resident, data, message):
    client.sign_in("yusuf")
    response = client.post_form(f"/processes/{process.id}/proposals/new", {"language": "en", **data})
    assert response.status_code == 422
    assert message in text_of(response)
    assert count(Proposal) == 0


def test_htmx_invalid_form_is_422(client, process, resident):
    client.sign_in("yusuf")
    response = client.post_form(f"/processes/{process.id}/proposals/new",
                                {"title": "", "body": "", "language": "en"}, htmx=True)
    assert response.status_code == 422


def test_a_file_that_is_not_an_image_is_refused(client, process, resident):
    client.sign_in("yusuf")
    fake = (io.BytesIO(b"<html><script>alert(1)</script></html>"), "photo.png", "image/png")
    response = client.post_form(f"/processes/{process.id}/proposals/new", {
        "title": "T", "body": "B", "language": "en", "attachment": fake}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "not an image" in text_of(response)
    assert count(Proposal) == 0


def test_an_image_is_stored_under_a_server_name_and_served_safely(client, app, process, resident):
    client.sign_in("yusuf")
    response = client.post_form(f"/processes/{process.id}/proposals/new", {
        "title": "T", "body": "B", "language": "en", "attachment_alt": "A map",
        "attachment": (io.BytesIO(PNG), "../../etc/my map.png.exe", "application/octet-stream")},
        content_type="multipart/form-data")
    assert response.status_code == 303, text_of(response)
    proposal = db.session.scalars(sa.select(Proposal)).one()
    assert re.fullmatch(r"[0-9a-f]{32}\.png", proposal.attachment_name)
    assert proposal.attachment_type == "image/png" and proposal.attachment_filename == "my-map.png.png"
    served = client.get(f"/proposals/{proposal.id}/attachment")
    assert served.status_code == 200 and served.data == PNG
    assert served.mimetype == "image/png"
    assert served.headers["Content-Disposition"].startswith("inline")
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    page = client.get(f"/proposals/{proposal.id}/preview").get_data(as_text=True)
    assert 'alt="A map"' in page


def test_a_pdf_is_a_download(client, process, resident):
    client.sign_in("yusuf")
    client.post_form(f"/processes/{process.id}/proposals/new", {
        "title": "T", "body": "B", "language": "en",
        "attachment": (io.BytesIO(b"%PDF-1.4\n..."), "plan.pdf", "application/pdf")},
        content_type="multipart/form-data")
    proposal = db.session.scalars(sa.select(Proposal)).one()
    served = client.get(f"/proposals/{proposal.id}/attachment")
    assert served.headers["Content-Disposition"].startswith("attachment")
    assert "plan.pdf" in served.headers["Content-Disposition"]


def test_support_full_page_and_htmx_fragment(client, process, resident, make_proposal, make_resident):
    proposal = make_proposal(process, resident)
    make_resident(username="chen")
    client.sign_in("chen")
    response = client.post_form(f"/proposals/{proposal.id}/support")
    assert response.status_code == 303
    response = client.post_form(f"/proposals/{proposal.id}/unsupport", htmx=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="support-box"') and "<html" not in html
    assert "0 supports" in text_of(response)
    response = client.post_form(f"/proposals/{proposal.id}/support", htmx=True)
    assert "1 support" in text_of(response) and "Take back my support" in text_of(response)
    # a second support is refused with a translated message, nothing changes
    again = client.post_form(f"/proposals/{proposal.id}/support")
    assert again.status_code == 409
    assert "You already support this proposal." in text_of(again)
    db.session.refresh(proposal)
    assert proposal.support_count == 1 and count(ProposalSupport) == 1


def test_support_outside_the_phase_is_403(client, make_process, resident, make_resident, make_proposal):
    process = make_process(kind="proposals", capabilities=["propose"])
    proposal = make_proposal(process, resident)
    make_resident(username="chen")
    client.sign_in("chen")
    response = client.post_form(f"/proposals/{proposal.id}/support")
    assert response.status_code == 403
    assert "Supports are closed" in text_of(response)
    assert count(ProposalSupport) == 0


def test_visitors_are_sent_to_sign_in_to_support(client, process, resident, make_proposal):
    proposal = make_proposal(process, resident)
    page = client.get(f"/proposals/{proposal.id}")
    assert "Sign in" in text_of(page)
    assert client.post_form(f"/proposals/{proposal.id}/support").status_code == 303


def test_list_filters_sorts_and_fragment(client, htmx_client, process, resident, make_proposal,
                                         make_resident):
    theme_a, theme_b = process.themes
    a = make_proposal(process, resident, title="Alpha cards", theme=theme_a)
    b = make_proposal(process, resident, title="Beta debates", theme=theme_b)
    proposals.support(b, make_resident())
    db.session.commit()
    page = client.get("/proposals")
    assert page.status_code == 200
    assert '<link rel="alternate" type="application/atom+xml"' in page.get_data(as_text=True)
    assert text_of(client.get(f"/proposals?theme={theme_a.id}")).count("Beta debates") == 0
    supported = text_of(client.get("/proposals?sort=supported"))
    assert supported.index("Beta debates") < supported.index("Alpha cards")
    newest = text_of(client.get("/proposals?sort=newest"))
    assert newest.index("Beta debates") < newest.index("Alpha cards")
    assert "Alpha cards" in text_of(client.get("/proposals?q=alpha")) and \
        "Beta" not in text_of(client.get("/proposals?q=alpha"))
    fragment = htmx_client.get(f"/proposals?state=submitted&process_id={process.id}")
    html = fragment.get_data(as_text=True)
    assert '<section id="proposal-list"' in html and "<html" not in html
    # nonsense filters are ignored, never an error
    assert client.get("/proposals?theme=abc&state=<x>&sort=evil&page=-3&q=%22").status_code == 200
    assert a.id and b.id


def test_random_order_is_stable_for_a_visitor(client, process, resident, make_proposal):
    for i in range(12):
        make_proposal(process, resident, title=f"Proposal number {i}")
    first = text_of(client.get("/proposals?sort=random"))
    second = text_of(client.get("/proposals?sort=random"))
    assert first == second


def test_atom_feed(client, process, resident, make_proposal):
    make_proposal(process, resident, title="Cards <for> all")
    response = client.get(f"/proposals/feed.atom?process_id={process.id}")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    body = response.get_data(as_text=True)
    assert "<feed" in body and "Cards &lt;for&gt; all" in body


def test_hidden_proposals_leave_lists_and_show_the_reason(client, process, resident, make_proposal):
    proposal = make_proposal(process, resident, title="Spam spam")
    proposal.hidden_at = proposal.published_at
    proposal.hidden_reason = "Advertising"
    db.session.commit()
    assert "Spam spam" not in text_of(client.get("/proposals"))
    page = text_of(client.get(f"/proposals/{proposal.id}"))
    assert "hidden by the moderators" in page and "Advertising" in page
    assert "A card for every resident" not in page


def test_translation_is_shown_with_a_link_to_the_original(client, process, resident, make_user,
                                                          make_proposal):
    proposal = make_proposal(process, resident, title="Cartes de résident", body="Texte", language="fr")
    make_user("lucia", roles=("translator",))
    client.sign_in("lucia")
    response = client.post_form(f"/proposals/{proposal.id}/translate", {
        "language": "en", "title": "Resident cards", "body": "Text"})
    assert response.status_code == 303
    page = text_of(client.get(f"/proposals/{proposal.id}?lang=en"))
    assert "Resident cards" in page and "Translated from French" in page and "Read the original" in page
    original = text_of(client.get(f"/proposals/{proposal.id}?original=1"))
    assert "Cartes de résident" in original
    other = text_of(client.get(f"/proposals/{proposal.id}?lang=it"))
    assert "Cartes de résident" in other
    # the same language as the original is refused with a message (back in English: ?lang= saved Italian)
    client.get("/?lang=en")
    refused = client.post_form(f"/proposals/{proposal.id}/translate",
                               {"language": "fr", "title": "T", "body": "B"})
    assert refused.status_code == 422 and "already written in this language" in text_of(refused)


def test_answer_and_merge_pages(client, process, make_resident, make_user, make_proposal):
    a = make_proposal(process, make_resident(display_name="Amina"), title="Cards")
    b = make_proposal(process, make_resident(display_name="Bruno"), title="Passports")
    make_user("karim", roles=("moderator",))
    client.sign_in("karim")
    assert client.get(f"/processes/{process.id}/merge").status_code == 200
    response = client.post_form(f"/processes/{process.id}/merge", {
        "sources": [str(a.id), str(b.id)], "title": "Local resident cards", "body": "Merged",
        "language": "en", "theme": "0", "district": "0"})
    assert response.status_code == 303, text_of(response)
    merged = db.session.scalar(sa.select(Proposal).where(Proposal.title == "Local resident cards"))
    page = text_of(client.get(f"/proposals/{merged.id}"))
    assert "Amina" in page and "Bruno" in page and "This proposal merges" in page
    assert "merged into another one" in text_of(client.get(f"/proposals/{a.id}"))
    response = client.post_form(f"/proposals/{merged.id}/answer", {"state": "accepted", "language": "en",
                                                                   "text": "On the agenda of **May**."})
    assert response.status_code == 303
    page = client.get(f"/proposals/{merged.id}")
    assert "Accepted for an agenda" in text_of(page) and "<strong>May</strong>" in page.get_data(as_text=True)
    c = make_proposal(process, make_resident(), title="Alone")
    bad = client.post_form(f"/processes/{process.id}/merge", {"sources": [str(c.id)], "title": "X",
                                                              "body": "Y", "language": "en"})
    assert bad.status_code == 422 and "at least two" in text_of(bad)


def test_author_edits_and_withdraws(client, process, resident, make_proposal):
    proposal = make_proposal(process, resident)
    client.sign_in("yusuf")
    response = client.post_form(f"/proposals/{proposal.id}/edit", {
        "title": "New title", "body": "New body", "language": "en", "theme": "0", "district": "0"})
    assert response.status_code == 303
    db.session.refresh(proposal)
    assert proposal.title == "New title"
    assert client.post_form(f"/proposals/{proposal.id}/withdraw").status_code == 303
    db.session.refresh(proposal)
    assert proposal.state == "withdrawn"
    assert "New title" not in text_of(client.get("/proposals"))
    assert "New title" in text_of(client.get("/proposals?state=withdrawn"))


def _queries(client, url):
    with QueryCounter() as queries:
        response = client.get(url)
    assert response.status_code == 200
    return queries.count


def _fill(process, make_resident, n, translator=None):
    people = [make_resident() for _ in range(3)]
    made = []
    for i in range(n):
        p = proposals.create_draft(process, people[i % 3], title=f"Proposal {i}", body="Body", language="fr",
                                   theme_id=process.themes[i % 2].id)
        proposals.publish(p, people[i % 3])
        made.append(p)
    for p in made:
        proposals.support(p, people[0])
        if translator is not None:
            proposals.translate(p, translator, language="en", title=f"Translated {p.id}", body="T")
    db.session.commit()
    return made, people


def test_the_list_page_runs_a_constant_number_of_queries(client, process, make_resident, make_user):
    translator = make_user("lucia", roles=("translator",))
    _fill(process, make_resident, 5, translator)
    make_resident(username="reader")
    client.sign_in("reader")
    _queries(client, "/proposals?per_page=100")  # the filter's choices, read once for their version
    few = _queries(client, "/proposals?per_page=100")
    _fill(process, make_resident, 45, translator)
    many = _queries(client, "/proposals?per_page=100")
    assert few == many


def test_the_proposal_page_runs_a_constant_number_of_queries(client, process, make_resident, make_user):
    moderator = make_user("karim", roles=("moderator",))
    translator = make_user("lucia", roles=("translator",))
    small, _ = _fill(process, make_resident, 2, translator)
    big, _ = _fill(process, make_resident, 20, translator)
    a = proposals.merge(small, moderator, title="Small", body="B", language="en")
    b = proposals.merge(big, moderator, title="Big", body="B", language="en")
    for target in (a, b):
        proposals.answer(target, moderator, state="under_review", language="en", text="Looking")
        proposals.answer(target, moderator, state="under_review", language="fr", text="On regarde")
    db.session.commit()
    client.sign_in("karim")
    assert _queries(client, f"/proposals/{a.id}") == _queries(client, f"/proposals/{b.id}")


def test_every_form_page_opens_for_who_may_use_it(client, process, resident, make_user, make_proposal):
    proposal = make_proposal(process, resident, language="fr")
    make_user("karim", roles=("moderator", "admin"))
    client.sign_in("yusuf")
    for url in (f"/proposals/{proposal.id}/edit", f"/proposals/{proposal.id}/translate?language=en",
                f"/processes/{process.id}/proposals/new"):
        assert client.get(url).status_code == 200, url
    for url in (f"/proposals/{proposal.id}/answer", f"/processes/{process.id}/merge",
                f"/processes/{process.id}/edit"):
        assert client.get(url).status_code == 403, url
    client.sign_out()
    client.sign_in("karim")
    phase = process.phases[0]
    for url in (f"/proposals/{proposal.id}/answer", f"/processes/{process.id}/merge",
                f"/processes/{process.id}/edit", f"/processes/{process.id}/phases/{phase.id}",
                f"/processes/{process.id}/phases/new", "/processes/new"):
        assert client.get(url).status_code == 200, url
    assert client.post_form(f"/proposals/{proposal.id}/withdraw").status_code == 403
    assert client.get(f"/processes/{process.id}/phases/99999").status_code == 404


def test_unverified_person_sees_why_and_how_to_verify(client, process, resident, make_user, make_proposal):
    proposal = make_proposal(process, resident)
    make_user("newcomer")
    client.sign_in("newcomer")
    page = text_of(client.get(f"/proposals/{proposal.id}"))
    assert "Only verified residents" in page and "Verify my residence" in page
    refused = client.get(f"/processes/{process.id}/proposals/new")
    assert refused.status_code == 403 and "Only verified residents" in text_of(refused)
