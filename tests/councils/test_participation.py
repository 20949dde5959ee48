"""A council says whether accounts not verified yet may comment on the proposals of the processes that feed
it and report content there (``consult.councils.participation``): yes by default, as everywhere else; when
it says no, they are asked to verify their residence, and the proposal page and its thread show it."""

from __future__ import annotations

import pytest

from consult.comments import services as comments
from consult.core.errors import NotAllowed
from consult.core.policy import VERIFY, policies
from consult.councils import services as councils
from consult.councils.models import Council
from consult.moderation import services as moderation
from consult.moderation.models import Report
from tests.helpers import count, text_of

REFUSED_COMMENT = "This council asks for a verified residence to comment on the proposals of its processes."
REFUSED_REPORT = "This council asks for a verified residence to report content in its processes."


@pytest.fixture
def fed(db, council_setup, make_process, make_proposal, make_resident, make_user):
    """A proposal of a process that feeds the council, with a comment, and an account not verified yet."""
    council = council_setup.council
    process = make_process(rule=False)
    process.council_id = council.id
    amina = make_resident(username="amina", display_name="Amina")
    proposal = make_proposal(process, amina)
    comment = comments.post_comment(amina, proposal, "First words", "in_favour")
    newcomer = make_user("newcomer")
    db.session.commit()
    return council, proposal, comment, newcomer


def _ask_verified(council, db):
    councils.set_participation(council, allow_unverified=False)
    db.session.commit()


def test_by_default_accounts_not_verified_comment_and_report_as_before(fed):
    council, proposal, comment, newcomer = fed
    assert council.allow_unverified
    assert policies.decide("comment.post", newcomer, proposal)
    assert policies.decide("moderation.report", newcomer, proposal)
    assert policies.decide("moderation.report", newcomer, comment)


def test_a_council_that_asks_for_verified_residents_refuses_them_with_a_way_to_verify(fed, db,
                                                                                      make_resident):
    council, proposal, comment, newcomer = fed
    _ask_verified(council, db)
    for action, obj, reason in (("comment.post", proposal, REFUSED_COMMENT),
                                ("moderation.report", proposal, REFUSED_REPORT),
                                ("moderation.report", comment, REFUSED_REPORT)):
        decision = policies.decide(action, newcomer, obj)
        assert decision.kind == VERIFY and decision.message.startswith(reason)
    with pytest.raises(NotAllowed):
        comments.post_comment(newcomer, proposal, "Me too")
    with pytest.raises(NotAllowed):
        moderation.report(newcomer, comment, "spam")
    assert count(Report) == 0
    resident = make_resident(username="bilal")
    assert policies.decide("comment.post", resident, proposal)
    assert policies.decide("moderation.report", resident, comment)


def test_the_proposal_page_says_why_and_hides_the_report_links(client, fed, db, make_resident):
    council, proposal, comment, newcomer = fed
    make_resident(username="chloe")
    url = f"/proposals/{proposal.id}"
    client.sign_in("newcomer")
    before = client.get(url).get_data(as_text=True)
    assert 'class="report-link"' in before and "Add a comment" in before
    client.sign_out()
    _ask_verified(council, db)
    client.sign_in("chloe")  # a verified resident: the same thread as before, with its report links
    assert client.get(url).get_data(as_text=True).count('class="report-link"') >= 2
    client.sign_out()
    client.sign_in("newcomer")
    response = client.get(url)
    html, text = response.get_data(as_text=True), text_of(response)
    assert REFUSED_COMMENT in text and 'href="/verify"' in html
    assert 'class="report-link"' not in html and "Add a comment" not in text
    refused = client.post_form(f"/comments/proposal/{proposal.id}",
                               {"body": "Me too", "alignment": "neutral"})
    assert refused.status_code == 403 and REFUSED_COMMENT in text_of(refused)
    report = client.get(f"/report/comment/{comment.id}")
    assert report.status_code == 403 and REFUSED_REPORT in text_of(report)
    assert count(Report) == 0


def test_the_council_page_says_it_when_only_verified_residents_take_part(client, fed, db):
    council = fed[0]
    assert "Only verified residents can comment" not in text_of(client.get(f"/councils/{council.slug}/"))
    _ask_verified(council, db)
    assert "Only verified residents can comment" in text_of(client.get(f"/councils/{council.slug}/"))


@pytest.mark.parametrize(("username", "allowed"), [("secr", True), ("pres", True), ("boss", True),
                                                    ("member1", False), ("obs", False)])
def test_the_councils_officers_and_admins_set_it(client, fed, db, make_user, username, allowed):
    council = fed[0]
    make_user("boss", roles=("admin",))
    client.sign_in(username)
    url = f"/councils/{council.slug}/participation"
    page = client.get(url)
    assert page.status_code == (200 if allowed else 403)
    council_page = client.get(f"/councils/{council.slug}/").get_data(as_text=True)
    assert (f'href="/councils/{council.slug}/participation"' in council_page) is allowed
    response = client.post_form(url, {})  # the box unticked
    assert response.status_code == (303 if allowed else 403)
    stored = db.session.get(Council, council.id)
    db.session.refresh(stored)
    assert stored.allow_unverified is not allowed
    if allowed:
        assert 'name="allow_unverified"' in page.get_data(as_text=True)
        assert client.post_form(url, {"allow_unverified": "y"}).status_code == 303
        db.session.refresh(stored)
        assert stored.allow_unverified
