"""Pages of civic lotteries: the public page and its htmx fragment, the organisers' page, forms that fail with
422 and keep what was typed, the walk from pool to panel without JavaScript."""

from __future__ import annotations

import sqlalchemy as sa

from consult.extensions import db as _db
from consult.lotteries import invitations
from consult.lotteries.models import Lottery, Volunteer
from tests.helpers import count, text_of
from tests.lotteries.fixtures import SEATS, make_lottery


def test_public_page_and_fragment(client, htmx_client, db, make_user):
    setup = make_lottery(make_user)
    page = client.get(f"/lotteries/{setup.lottery.id}")
    assert page.status_code == 200
    text = text_of(page)
    assert "Citizens&#39; panel" in text and "14 residents have volunteered." in text
    assert "How long have you lived in the city?" in text
    fragment = htmx_client.get(f"/lotteries/{setup.lottery.id}")
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)
    assert 'id="pool"' in fragment.get_data(as_text=True)
    assert client.get("/lotteries/").status_code == 200


def test_a_resident_joins_with_optional_answers_and_leaves(client, db, make_user):
    setup = make_lottery(make_user)
    make_user("newbie", verified=True, birth_year=1990, district_id=setup.districts["south"].id)
    client.sign_in("newbie")
    page = client.get(f"/lotteries/{setup.lottery.id}")
    assert "I prefer not to say" in text_of(page)
    assert "nationality" in text_of(page)  # the form says it is never asked
    answer = client.post_form(f"/lotteries/{setup.lottery.id}/join", {"q3": ""})
    assert answer.status_code == 303
    row = _db.session.scalar(
        sa.select(Volunteer).where(Volunteer.row_id.is_not(None)).order_by(Volunteer.id.desc())
    )
    assert row.answers == {"district": "south", "age_band": "30–44", "q3": "not_given"}
    assert client.post_form(f"/lotteries/{setup.lottery.id}/join", {}).status_code == 409
    assert client.post_form(f"/lotteries/{setup.lottery.id}/leave").status_code == 303
    assert count(Volunteer) == len(setup.people)


def test_an_unknown_answer_is_refused_with_422_and_nothing_saved(client, db, make_user):
    setup = make_lottery(make_user)
    make_user("newbie", verified=True, birth_year=1990)
    client.sign_in("newbie")
    answer = client.post_form(f"/lotteries/{setup.lottery.id}/join", {"q3": "made-up"})
    assert answer.status_code == 422
    assert count(Volunteer) == len(setup.people)


def test_create_form_keeps_what_was_typed_on_error(client, db, make_user):
    from consult.accounts import services as accounts

    organiser = make_user("org")
    accounts.grant_role(organiser, "moderator", scope_type="debate", scope_id=_debate_id(organiser))
    _db.session.commit()
    client.sign_in("org")
    url = f"/lotteries/new/debate/{_debate_id(organiser)}"
    assert client.get(url).status_code == 200
    answer = client.post_form(
        url,
        {
            "title": "Panel of the welcome debate",
            "seats": "12",
            "pool_opens_at": "2026-12-10T09:00",
            "pool_closes_at": "2026-12-09T09:00",
            "draw_at": "2026-12-20T09:00",
            "random_source": "the lottery of 19 Dec",
            "eligibility_rule_id": "0",
        },
    )
    assert answer.status_code == 422
    text = answer.get_data(as_text=True)
    assert "The pool closes after it opens." in text and "Panel of the welcome debate" in text
    assert count(Lottery) == 0
    answer = client.post_form(
        url,
        {
            "title": "Panel of the welcome debate",
            "seats": "12",
            "pool_opens_at": "2026-12-08T09:00",
            "pool_closes_at": "2026-12-09T09:00",
            "draw_at": "2026-12-20T09:00",
            "random_source": "the lottery of 19 Dec",
            "eligibility_rule_id": "0",
        },
    )
    assert answer.status_code == 303 and count(Lottery) == 1


def _debate_id(by):
    """A debate to own the lottery (created once per test)."""
    from datetime import timedelta

    from consult.core.models import utcnow
    from consult.debates import services as debates
    from consult.debates.models import Debate

    debate = _db.session.scalar(sa.select(Debate).limit(1))
    if debate is None:
        debate = debates.create_debate(
            by, title="Welcome", place="Town hall", starts_at=utcnow() + timedelta(days=5)
        )
        _db.session.commit()
    return debate.id


def test_quotas_form_422_keeps_the_values(client, db, make_user):
    setup = make_lottery(make_user)
    client.sign_in("organiser")
    value = setup.lottery.categories[0].values[0]
    answer = client.post_form(
        f"/lotteries/{setup.lottery.id}/quotas", {f"min_{value.id}": "3", f"max_{value.id}": "1"}
    )
    assert answer.status_code == 422
    assert 'value="3"' in answer.get_data(as_text=True)
    _db.session.refresh(value)
    assert (value.min_seats, value.max_seats) == (1, 3)


def test_others_may_not_organise(client, db, make_user):
    setup = make_lottery(make_user)
    client.sign_in("volunteer0")
    assert client.get(f"/lotteries/{setup.lottery.id}/manage").status_code == 403
    assert client.post_form(f"/lotteries/{setup.lottery.id}/close").status_code == 403


def test_from_pool_to_panel_without_javascript(client, db, make_user):
    setup = make_lottery(make_user)
    lottery_id = setup.lottery.id
    client.sign_in("organiser")
    assert client.get(f"/lotteries/{lottery_id}/manage").status_code == 200
    assert client.post_form(f"/lotteries/{lottery_id}/close").status_code == 303
    assert client.post_form(f"/lotteries/{lottery_id}/draw", {"revealed_value": ""}).status_code == 422
    assert (
        client.post_form(f"/lotteries/{lottery_id}/draw", {"revealed_value": "12 19 33"}).status_code == 303
    )
    lottery = _db.session.get(Lottery, lottery_id)
    _db.session.refresh(lottery)
    assert lottery.status == "drawn"
    drawn = invitations.panel_rows(lottery)
    names = {p.id: p.username for p in setup.people}
    client.sign_out()
    for number, row in enumerate(drawn):
        client.sign_in(names[row.user_id])
        page = client.get(f"/lotteries/{lottery_id}")
        assert "You were drawn by lot for this panel." in text_of(page)
        answer = "decline" if number == 0 else "accept"
        assert client.post_form(f"/lotteries/{lottery_id}/reply", {"answer": answer}).status_code == 303
        client.sign_out()
    client.sign_in("organiser")
    assert client.post_form(f"/lotteries/{lottery_id}/replace").status_code == 303
    _db.session.refresh(lottery)
    new = [r for r in invitations.panel_rows(lottery) if r.draw_number == 1]
    assert len(new) == 1
    client.sign_out()
    client.sign_in(names[new[0].user_id])
    client.post_form(f"/lotteries/{lottery_id}/reply", {"answer": "accept"})
    client.sign_out()
    client.sign_in("organiser")
    assert client.post_form(f"/lotteries/{lottery_id}/seat").status_code == 303
    page = text_of(client.get(f"/lotteries/{lottery_id}"))
    assert "Panel seated" in page
    assert page.count("Volunteer ") >= SEATS
    from consult.notifications.models import Notification

    assert count(Notification, Notification.event == "lottery_invited") >= SEATS + 1


def test_htmx_join_answers_with_the_pool_fragment_and_its_errors(client, db, make_user):
    setup = make_lottery(make_user)
    make_user("newbie", verified=True, birth_year=1990)
    client.sign_in("newbie")
    answer = client.post_form(f"/lotteries/{setup.lottery.id}/join", {"q3": "made-up"}, htmx=True)
    assert answer.status_code == 422
    body = answer.get_data(as_text=True)
    assert 'id="pool"' in body and "<html" not in body and "field__error" in body
    answer = client.post_form(f"/lotteries/{setup.lottery.id}/join", {"q3": "a1"}, htmx=True)
    assert answer.status_code == 204 and answer.headers["HX-Location"] == f"/lotteries/{setup.lottery.id}"
