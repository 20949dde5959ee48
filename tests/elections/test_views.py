"""Election pages: forms with errors (422, nothing lost, nothing saved), htmx fragments, who sees what, the
ballot through the votes pages, results with the count and the ballot file."""

from __future__ import annotations

import io
from datetime import timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from consult.core import time
from consult.core.models import utcnow
from consult.elections import services as elections
from consult.elections.models import ACCEPTED, Candidacy, Election
from tests.elections.conftest import close_nominations, close_voting, stand
from tests.helpers import count, text_of

ROME = ZoneInfo("Europe/Rome")


def local(moment) -> str:
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(ROME).strftime("%Y-%m-%dT%H:%M")


def call_form(**changes) -> dict:
    now = utcnow()
    data = {"title": "Council of Cultures 2027", "description": "Twelve seats, **three** reserved.",
            "seats": "3", "term_months": "24", "method": "stv", "supporters_needed": "1",
            "nominations_open_at": local(now - timedelta(days=1)),
            "nominations_close_at": local(now + timedelta(days=5)),
            "campaign_starts_at": "", "voting_opens_at": local(now + timedelta(days=10)),
            "voting_closes_at": local(now + timedelta(days=12)), "results_at": "",
            "appeal_ends_at": local(now + timedelta(days=20))}
    data.update(changes)
    return data


def test_council_page_links_to_its_elections_and_organisers_prepare_one(client, world, db):
    page = client.get(f"/councils/{world.council.slug}/")
    assert f"/councils/{world.council.slug}/elections" in page.get_data(as_text=True)
    assert client.get(f"/councils/{world.council.slug}/elections/new").status_code == 303  # sign in first
    client.sign_in("secr")
    form = client.get(f"/councils/{world.council.slug}/elections/new")
    assert form.status_code == 200 and 'type="datetime-local"' in form.get_data(as_text=True)
    # a calendar out of order: 422, the message by the field, every value kept, nothing saved
    bad = call_form(voting_closes_at=call_form()["voting_opens_at"])
    response = client.post_form(f"/councils/{world.council.slug}/elections/new", bad)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "This date must come after the one before it in the calendar." in html
    assert 'value="Council of Cultures 2027"' in html and "Twelve seats, **three** reserved." in html
    assert count(Election) == 0
    response = client.post_form(f"/councils/{world.council.slug}/elections/new",
                                call_form(reserved=str(world.districts["zisa"].id)))
    assert response.status_code == 303
    election = db.session.scalar(sa.select(Election))
    assert election.status == "draft" and [r.district_id for r in election.reserved] == [
        world.districts["zisa"].id]
    # the typed local time is stored in UTC
    assert local(election.nominations_close_at) == call_form()["nominations_close_at"]
    # a draft: hidden from residents, shown to its organisers
    assert client.get(f"/elections/{election.id}").status_code == 200
    client.sign_out()
    assert client.get(f"/elections/{election.id}").status_code in (303, 403)
    client.sign_in("secr")
    assert client.post_form(f"/elections/{election.id}/publish").status_code == 303
    client.sign_out()
    page = client.get(f"/elections/{election.id}")
    assert page.status_code == 200 and election.tie_seed in page.get_data(as_text=True)


def test_a_date_of_year_one_is_refused_with_422_not_a_server_error(client, world, called, db):
    """Midnight of 1 January of year 1 on Rome's clock is still in year 0 in UTC: refused by the field."""
    client.sign_in("secr")
    for url in (f"/councils/{world.council.slug}/elections/new", f"/elections/{called.id}/edit"):
        for name in ("nominations_open_at", "appeal_ends_at"):
            response = client.post_form(url, call_form(**{name: "0001-01-01T00:00"}))
            assert response.status_code == 422, (url, name)
            assert "Not a valid datetime value." in response.get_data(as_text=True)
    assert count(Election) == 1
    assert db.session.get(Election, called.id).nominations_open_at.year > 2000


def test_a_reserved_district_id_out_of_range_is_an_unknown_district(client, world, called, db):
    """A district id too large for the database (SQLite's 64 bits, PostgreSQL's integer) is refused like any
    unknown district, before a query could fail on it."""
    client.sign_in("secr")
    new = f"/councils/{world.council.slug}/elections/new"
    for value in ("99999999999999999999", "9223372036854775808", "2147483648", "0"):
        response = client.post_form(new, call_form(reserved=value))
        assert response.status_code == 422, value
        assert "Unknown district." in response.get_data(as_text=True)
        response = client.post_form(f"/elections/{called.id}/edit", call_form(reserved=value))
        assert response.status_code == 422, value
    assert count(Election) == 1
    reserved = db.session.get(Election, called.id).reserved
    assert [r.district_id for r in reserved] == [world.districts["zisa"].id]


def test_stand_form_refuses_with_422_and_keeps_what_was_typed(client, world, called, residents, db):
    client.sign_in("r0")
    page = client.get(f"/elections/{called.id}")
    assert "Stand as a candidate" in text_of(page)
    response = client.post_form(f"/elections/{called.id}/stand",
                                {"name": "Amina K.", "statement": "", "language": "fr"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Please write your statement." in html and 'value="Amina K."' in html
    assert count(Candidacy) == 0
    # a photo that is not an image: refused by the field, nothing saved
    response = client.post_form(f"/elections/{called.id}/stand",
                                {"name": "Amina K.", "statement": "Je suis là.", "language": "fr",
                                 "photo": (io.BytesIO(b"%PDF-1.4 nope"), "me.pdf")},
                                content_type="multipart/form-data")
    assert response.status_code == 422 and "The photo must be an image" in response.get_data(as_text=True)
    assert count(Candidacy) == 0
    png = (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    response = client.post_form(f"/elections/{called.id}/stand",
                                {"name": "Amina K.", "statement": "Je suis **là**.", "language": "fr",
                                 "photo": (io.BytesIO(png), "me.png"), "photo_alt": "Amina smiling"},
                                content_type="multipart/form-data")
    assert response.status_code == 303
    candidacy = db.session.scalar(sa.select(Candidacy))
    page = client.get(f"/candidacies/{candidacy.id}")
    assert "<strong>là</strong>" in page.get_data(as_text=True)
    assert client.get(f"/candidacies/{candidacy.id}/photo").headers["Content-Type"] == "image/png"


def test_non_resident_is_told_to_verify_resident_of_any_origin_may_stand(client, world, called, make_user):
    make_user("tourist", display_name="Tourist")
    client.sign_in("tourist")
    assert "Verify my residence" in text_of(client.get(f"/elections/{called.id}"))
    assert client.get(f"/elections/{called.id}/stand").status_code == 403


def test_support_by_htmx_returns_the_box_and_counts_once(client, world, called, residents, db):
    candidacy = stand(called, residents[0])
    db.session.commit()
    client.sign_in("r1")
    response = client.post_form(f"/candidacies/{candidacy.id}/support", htmx=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="support-box"' in html and "<html" not in html and "You support this nomination." in html
    again = client.post_form(f"/candidacies/{candidacy.id}/support")
    assert again.status_code == 303
    db.session.refresh(candidacy)
    assert candidacy.support_count == 1


def test_review_refusal_needs_a_reason_and_acceptance_works(client, world, called, residents, db):
    candidacy = stand(called, residents[0])
    elections.support(candidacy, residents[1])
    db.session.commit()
    client.sign_in("r2")
    assert client.post_form(f"/candidacies/{candidacy.id}/review", {"decision": "accept"}).status_code == 403
    client.sign_out()
    client.sign_in("secr")
    response = client.post_form(f"/candidacies/{candidacy.id}/review", {"decision": "refuse", "reason": ""})
    assert response.status_code == 422 and "Please give the reason of the refusal." in response.get_data(
        as_text=True)
    response = client.post_form(f"/candidacies/{candidacy.id}/review", {"decision": "accept", "reason": ""})
    assert response.status_code == 303
    db.session.refresh(candidacy)
    assert candidacy.status == ACCEPTED


def _ready_to_vote(world, called, residents, db, standing=4):
    candidacies = []
    for n in range(standing):
        candidacy = stand(called, residents[n])
        elections.support(candidacy, residents[(n + 1) % 10])
        elections.review(candidacy, world.secretary, accept=True)
        candidacies.append(candidacy)
    close_nominations(called, db)
    db.session.commit()
    return candidacies


def test_from_voting_to_results_through_the_pages(client, world, called, residents, db):
    candidacies = _ready_to_vote(world, called, residents, db)
    client.sign_in("secr")
    manage = client.get(f"/elections/{called.id}/manage")
    assert manage.status_code == 200 and "Open voting" in text_of(manage)
    assert client.post_form(f"/elections/{called.id}/open-voting").status_code == 303
    db.session.refresh(called)
    poll = elections.poll_of(called)
    assert called.status == "voting" and poll.is_open
    client.sign_out()
    option = {o.target_id: o.id for o in poll.options}
    for voter, first in zip(residents[:6], (0, 0, 0, 1, 1, 2), strict=True):
        client.sign_in(voter.username)
        assert "Go to the ballot" in text_of(client.get(f"/elections/{called.id}"))
        response = client.post_form(f"/polls/{poll.id}/vote",
                                    {"choice": f"[{option[candidacies[first].id]}]"})
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        client.sign_out()
    client.sign_in("secr")
    assert client.post_form(f"/elections/{called.id}/count").status_code == 403  # too early: refused
    db.session.refresh(called)
    assert called.status == "voting"
    close_voting(called, db)
    db.session.commit()
    assert client.post_form(f"/elections/{called.id}/count").status_code == 303
    db.session.refresh(called)
    assert called.status == "results"
    client.sign_out()
    page = client.get(f"/elections/{called.id}/results")
    assert page.status_code == 200
    text = text_of(page)
    assert "Elected" in text and "Substitutes, in order" in text and "Resident 0" in text
    assert "6 people voted." in text
    # the count's own lists of the elected and substitutes are not repeated under the election's
    assert text.count("Substitutes, in order") == 1 and "Elected, in order of election" not in text
    assert "ballots.blt" in page.get_data(as_text=True)
    blt = client.get(f"/elections/{called.id}/ballots.blt")
    assert blt.status_code == 200 and "attachment" in blt.headers["Content-Disposition"]
    assert "Resident 0" in blt.get_data(as_text=True)


def test_results_are_not_shown_before_they_are_published(client, world, called):
    assert client.get(f"/elections/{called.id}/results").status_code == 403


def test_secretary_seats_a_substitute_with_the_button_and_the_minutes_say_so(client, world, called,
                                                                             residents, db):
    from consult.councils import services as councils
    from consult.minutes.models import Minutes
    from consult.votes import services as engine

    candidacies = _ready_to_vote(world, called, residents, db, standing=4)
    poll = elections.open_voting(called, by=world.secretary)
    option = {o.target_id: o.id for o in poll.options}
    for voter, first in zip(residents[:8], (0, 0, 0, 1, 1, 2, 2, 3), strict=True):
        engine.cast_ballot(poll, voter, [option[candidacies[first].id]])
    close_voting(called, db)
    called.appeal_ends_at = utcnow() - timedelta(days=1)  # the term has started
    elections.count_and_publish(called, by=world.secretary)
    leaving = next(s for s in elections.seats_of(called) if s.candidacy_id == candidacies[0].id)
    councils.end_membership(leaving.membership, on=time.today())
    db.session.commit()
    client.sign_in("secr")
    manage = client.get(f"/elections/{called.id}/manage")
    assert "The next substitute is Resident 3." in text_of(manage)
    response = client.post_form(f"/elections/{called.id}/seats/{leaving.id}/substitute")
    assert response.status_code == 303
    db.session.expire_all()
    assert elections.vacancies(called) == []
    minutes = db.session.scalars(sa.select(Minutes).where(Minutes.council_id == world.council.id)
                                 .order_by(Minutes.id)).all()
    assert [m.source_type for m in minutes] == ["election", "election_seat"]
    page = client.get(f"/minutes/{minutes[0].id}")
    assert page.status_code == 200 and "Elected, in order" in text_of(page)
    assert "Resident 3, the next substitute of the election, takes the seat of Resident 0" in text_of(
        client.get(f"/minutes/{minutes[1].id}"))


def test_my_data_lists_candidacies_and_supports_never_a_vote(client, world, called, residents, db):
    candidacy = stand(called, residents[0])
    elections.support(candidacy, residents[1])
    db.session.commit()
    from consult.core.personal_data import export_sections

    mine = export_sections(residents[0])["elections"]
    assert mine["candidacies"][0]["name"] == "Resident 0"
    assert export_sections(residents[1])["elections"]["supported_candidacies"] == [candidacy.id]


def test_appeals_are_lodged_in_the_window_and_decided_with_a_public_reason(client, world, called, residents,
                                                                           make_user, db):
    from consult.elections.models import ElectionAppeal
    from consult.votes import services as engine

    candidacies = _ready_to_vote(world, called, residents, db, standing=3)
    poll = elections.open_voting(called, by=world.secretary)
    option = {o.target_id: o.id for o in poll.options}
    for voter, first in zip(residents[:4], (0, 0, 1, 2), strict=True):
        engine.cast_ballot(poll, voter, [option[candidacies[first].id]])
    close_voting(called, db)
    elections.count_and_publish(called, by=world.secretary)
    make_user("tourist", display_name="Tourist")
    db.session.commit()
    client.sign_in("tourist")  # not a resident, not a candidate: refused
    assert client.post_form(f"/elections/{called.id}/appeals", {"text": "Unfair."}).status_code == 403
    client.sign_out()
    client.sign_in("r5")
    page = client.get(f"/elections/{called.id}/results")
    assert "Lodge an appeal" in text_of(page)
    response = client.post_form(f"/elections/{called.id}/appeals", {"text": "  "})
    assert response.status_code == 422 and count(ElectionAppeal) == 0
    response = client.post_form(f"/elections/{called.id}/appeals",
                                {"text": "A polling station opened late."})
    assert response.status_code == 303 and count(ElectionAppeal) == 1
    appeal = db.session.scalar(sa.select(ElectionAppeal))
    assert client.post_form(f"/appeals/{appeal.id}/decide",
                            {f"appeal-{appeal.id}-decision": "dismiss",
                             f"appeal-{appeal.id}-reason": "No."}).status_code == 403
    client.sign_out()
    client.sign_in("secr")
    response = client.post_form(f"/appeals/{appeal.id}/decide", {f"appeal-{appeal.id}-decision": "dismiss",
                                                                 f"appeal-{appeal.id}-reason": ""})
    assert response.status_code == 422 and "A polling station opened late." in response.get_data(as_text=True)
    response = client.post_form(f"/appeals/{appeal.id}/decide", {
        f"appeal-{appeal.id}-decision": "dismiss",
        f"appeal-{appeal.id}-reason": "It opened on time: the station's log says 8:00."})
    assert response.status_code == 303
    client.sign_out()
    text = text_of(client.get(f"/elections/{called.id}/results"))
    assert "Dismissed" in text and "log says 8:00" in text and "Resident 5" not in text
    # the window closes: no more appeals
    called.appeal_ends_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    client.sign_in("r6")
    assert client.post_form(f"/elections/{called.id}/appeals", {"text": "Late."}).status_code == 403


def test_election_page_full_and_its_candidate_list_for_htmx(client, world, called, residents, db):
    stand(called, residents[0])
    db.session.commit()
    page = client.get(f"/elections/{called.id}")
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True)
    fragment = client.get(f"/elections/{called.id}", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in html and 'id="candidates"' in html
    assert "Resident 0" in html
