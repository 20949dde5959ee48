"""Civic lotteries: the pool, quotas, the verifiable and deterministic draw, replacements, seating,
policies."""

from __future__ import annotations

import hashlib
import json

import pytest
import sqlalchemy as sa

from consult.core.errors import Conflict, DomainError, NotAllowed
from consult.core.policy import policies
from consult.extensions import db as _db
from consult.lotteries import creation, drawing, invitations, pools, replacing, seating
from consult.lotteries import draw as sortition
from consult.lotteries.models import DECLINED, Volunteer
from tests.lotteries.fixtures import SEATS, make_lottery


@pytest.fixture
def setup(db, make_user):
    return make_lottery(make_user)


def _features(lottery):
    return {row["id"]: row["features"] for row in lottery.draw_input["pool"]}


def _quotas_met(lottery, row_ids):
    features = _features(lottery)
    for category in lottery.draw_input["categories"]:
        for value in category["values"]:
            n = sum(1 for r in row_ids if features[r][category["key"]] == value["key"])
            assert value["min"] <= n <= value["max"], (category["key"], value["key"], n)


def test_district_and_age_come_from_the_residence_record_and_questions_are_optional(setup):
    rows = {r.user_id: r for r in _db.session.scalars(sa.select(Volunteer))}
    first, no_birth_year, unanswered = setup.people[0], setup.people[10], setup.people[2]
    assert rows[first.id].answers["district"] == "north"
    assert rows[first.id].answers["age_band"] == "30–44"
    assert rows[first.id].answers["q3"] == "a1"
    assert rows[no_birth_year.id].answers["age_band"] == "not_given"
    assert rows[unanswered.id].answers["q3"] == "not_given"
    # a made-up answer is "not given", and nothing but the category values is kept
    assert set(rows[first.id].answers) == {"district", "age_band", "q3"}


def test_join_twice_is_a_conflict_and_leaving_deletes_the_row(setup):
    person = setup.people[0]
    with pytest.raises(Conflict):
        pools.join(setup.lottery, person, {})
    pools.leave(setup.lottery, person)
    assert pools.pool_size(setup.lottery) == len(setup.people) - 1


def test_unverified_people_cannot_join(setup, make_user):
    stranger = make_user("stranger")
    with pytest.raises(NotAllowed):
        pools.join(setup.lottery, stranger, {})


def test_quotas_are_checked(setup):
    value = setup.lottery.categories[0].values[0]
    with pytest.raises(DomainError):
        creation.set_quotas(setup.lottery, {value.id: (3, 2)})
    with pytest.raises(DomainError):
        creation.set_quotas(setup.lottery, {value.id: (0, SEATS + 1)})
    north, south = setup.lottery.categories[0].values[:2]
    with pytest.raises(DomainError):  # minimums beyond the seats
        creation.set_quotas(setup.lottery, {north.id: (3, 4), south.id: (3, 4)})


def test_closing_publishes_the_anonymised_pool_and_its_digest(setup):
    digest = pools.close_pool(setup.lottery, by=setup.organiser)
    data = setup.lottery.draw_input
    assert (
        digest
        == hashlib.sha256(
            json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        ).hexdigest()
    )
    assert len(data["pool"]) == len(setup.people)
    assert all(set(row) == {"id", "features"} for row in data["pool"])
    text = json.dumps(data)
    assert "Volunteer" not in text and "volunteer" not in text  # no names, no usernames
    with pytest.raises(Conflict):  # nobody joins or leaves a closed pool, quotas are frozen
        pools.leave(setup.lottery, setup.people[0])
    with pytest.raises(Conflict):
        creation.set_quotas(setup.lottery, {})


def test_draw_meets_the_quotas_and_reports_probabilities_in_aggregate(setup):
    pools.close_pool(setup.lottery)
    drawn = drawing.draw(setup.lottery, " 7 12 33 41 ")
    lottery = setup.lottery
    assert lottery.revealed_value == "7 12 33 41"
    assert lottery.seed == hashlib.sha256((lottery.pool_digest + "7 12 33 41").encode()).hexdigest()
    assert len(drawn) == SEATS and len(lottery.draws[0]["selected"]) == SEATS
    _quotas_met(lottery, lottery.draws[0]["selected"])
    assert 0 < lottery.probability_min <= lottery.probability_mean <= lottery.probability_max <= 1
    assert lottery.probability_mean == pytest.approx(SEATS / len(setup.people), abs=1e-4)
    assert all(r.invited_at is not None for r in drawn)


def test_the_draw_is_the_same_from_the_same_seed_and_another_from_another(setup):
    pools.close_pool(setup.lottery)
    data = setup.lottery.draw_input
    request = {"categories": data["categories"], "pool": data["pool"], "seats": SEATS}
    one = sortition.run({**request, "seed": sortition.seed_of(setup.lottery.pool_digest, "1 2 3")})
    again = sortition.run({**request, "seed": sortition.seed_of(setup.lottery.pool_digest, "1 2 3")})
    assert one == again
    digest = setup.lottery.pool_digest
    others = {
        tuple(sortition.run({**request, "seed": sortition.seed_of(digest, v)})["selected"])
        for v in ("4 5 6", "7 8 9", "10 11 12")
    }
    assert len(others | {tuple(one["selected"])}) > 1


def test_a_committed_value_must_match(db, make_user):
    value = "my secret 4242"
    setup = make_lottery(make_user, commitment=hashlib.sha256(value.encode()).hexdigest())
    pools.close_pool(setup.lottery)
    with pytest.raises(DomainError):
        drawing.draw(setup.lottery, "another value")
    drawing.draw(setup.lottery, value)
    assert setup.lottery.status == "drawn"


def _row(lottery, user):
    return _db.session.scalar(
        sa.select(Volunteer).where(Volunteer.lottery_id == lottery.id, Volunteer.user_id == user.id)
    )


def test_replies_replacement_keeps_quotas_and_seating_drops_data(setup):
    lottery = setup.lottery
    pools.close_pool(lottery)
    drawn = drawing.draw(lottery, "42")
    by_user = {p.id: p for p in setup.people}
    decliner = by_user[drawn[0].user_id]
    invitations.reply(lottery, decliner, accept=False)
    with pytest.raises(Conflict):
        invitations.reply(lottery, decliner, accept=True)
    for row in drawn[1:]:
        invitations.reply(lottery, by_user[row.user_id], accept=True)
    with pytest.raises(DomainError):  # a declined seat to fill first
        seating.seat(lottery)
    assert invitations.seats_to_replace(lottery) == 1
    replacements = replacing.replace(lottery)
    assert len(replacements) == 1 and replacements[0].draw_number == 1
    second = lottery.draws[1]
    assert second["seed"] == hashlib.sha256(f"{lottery.seed}:replacement:1".encode()).hexdigest()
    assert set(second["excluded"]) == set(lottery.draws[0]["selected"])
    gone = _row(lottery, decliner).row_id
    panel = [r for r in lottery.draws[0]["selected"] if r != gone] + second["selected"]
    _quotas_met(lottery, panel)
    with pytest.raises(DomainError):  # the replacement has not replied
        seating.seat(lottery)
    invitations.reply(lottery, by_user[replacements[0].user_id], accept=True)
    seated = seating.seat(lottery)
    assert len(seated) == SEATS and lottery.status == "final"
    rows = _db.session.scalars(sa.select(Volunteer).where(Volunteer.lottery_id == lottery.id)).all()
    assert len(rows) == SEATS and all(r.answers == {} and r.reply != DECLINED for r in rows)
    assert len(lottery.draw_input["pool"]) == len(setup.people)  # the published input stays
    names = invitations.seated_panel("debate", 1)[0][1]
    assert len(names) == SEATS


def test_redraw_from_the_open_data_gives_the_same_panels(setup, client):
    lottery = setup.lottery
    pools.close_pool(lottery)
    drawn = drawing.draw(lottery, "99 1 7")
    invitations.reply(lottery, next(p for p in setup.people if p.id == drawn[0].user_id), accept=False)
    replacing.replace(lottery)
    _db.session.commit()
    published = client.get(f"/api/v1/lotteries/{lottery.id}").get_json()
    reports = sortition.redraw(published)
    assert [r["ok"] for r in reports] == [True, True]
    assert reports[0]["selected"] == sorted(lottery.draws[0]["selected"])
    # a tampered pool is caught
    features = published["data"]["draw_input"]["pool"][0]["features"]
    features["district"] = "north" if features["district"] == "south" else "south"
    assert sortition.redraw(published)[0]["ok"] is False


def test_the_public_data_has_no_per_person_probability(setup, client):
    pools.close_pool(setup.lottery)
    drawing.draw(setup.lottery, "5")
    _db.session.commit()
    data = client.get(f"/api/v1/lotteries/{setup.lottery.id}").get_json()["data"]
    assert {"probability_min", "probability_max", "probability_mean"} <= set(data)
    assert "probabilit" not in json.dumps(data["draw_input"]) + json.dumps(data["draws"])
    page = client.get(f"/lotteries/{setup.lottery.id}").get_data(as_text=True)
    assert "Volunteer 1" not in page  # names only once seated


def test_policies(setup, make_user):
    lottery = setup.lottery
    resident = make_user("res", verified=True, birth_year=1990)
    stranger = make_user("acc")
    admin = make_user("adm", roles=("admin",))
    assert policies.decide("lottery.manage", setup.organiser, lottery)
    assert policies.decide("lottery.manage", admin, lottery)
    assert not policies.decide("lottery.manage", resident, lottery)
    assert policies.decide("lottery.join", resident, lottery)
    assert policies.decide("lottery.join", stranger, lottery).needs_verification
    assert policies.decide("lottery.join", setup.people[0], lottery).is_conflict
    assert not policies.decide("lottery.leave", resident, lottery)
    assert policies.decide("lottery.leave", setup.people[0], lottery)
    assert not policies.decide("lottery.draw", setup.organiser, lottery)  # the pool is still open
    assert not policies.decide("lottery.reply", setup.people[0], lottery)
    pools.close_pool(lottery)
    assert not policies.decide("lottery.join", resident, lottery)
    assert policies.decide("lottery.draw", setup.organiser, lottery)
    assert not policies.decide("lottery.draw", resident, lottery)


def test_audit_entries(setup):
    from consult.core.audit import AuditEntry

    pools.close_pool(setup.lottery, by=setup.organiser)
    actions = set(_db.session.scalars(sa.select(AuditEntry.action)))
    assert {
        "lotteries.created",
        "lotteries.category_added",
        "lotteries.quotas_set",
        "lotteries.joined",
        "lotteries.pool_closed",
    } <= actions


def test_a_seated_panel_joins_the_debate_panel_as_the_public(db, make_user):
    from datetime import timedelta

    from consult.core.models import utcnow
    from consult.debates import services as debates
    from consult.debates.models import Panelist

    host = make_user("host")
    debate = debates.create_debate(host, title="Welcome", place="Town hall",
                                   starts_at=utcnow() + timedelta(days=9))
    _db.session.commit()
    setup = make_lottery(make_user, owner=("debate", debate.id))
    pools.close_pool(setup.lottery)
    for row in drawing.draw(setup.lottery, "3 1 4"):
        invitations.reply(setup.lottery, _db.session.get(type(setup.organiser), row.user_id), accept=True)
    seating.seat(setup.lottery)
    public = _db.session.scalars(sa.select(Panelist).where(Panelist.debate_id == debate.id,
                                                           Panelist.role == "public")).all()
    assert len(public) == SEATS and all(p.user_id for p in public)


def test_the_documented_script_and_the_command_re_run_the_published_draw(setup, client, runner, tmp_path):
    import subprocess
    import sys

    pools.close_pool(setup.lottery)
    drawing.draw(setup.lottery, "2 7 1 8")
    _db.session.commit()
    path = tmp_path / "lottery.json"
    path.write_text(client.get(f"/api/v1/lotteries/{setup.lottery.id}").get_data(as_text=True))
    script = subprocess.run([sys.executable, sortition.__file__, str(path)], capture_output=True, text=True,
                            check=False)
    assert script.returncode == 0, script.stderr
    assert "first draw: same panel as published" in script.stdout
    result = runner.invoke(args=["lotteries", "redraw", str(path)])
    assert result.exit_code == 0 and "same panel as published" in result.output


def test_the_revealed_value_is_kept_and_the_draw_runs_as_a_task(setup):
    lottery = setup.lottery
    pools.close_pool(lottery)
    seed = drawing.reveal(lottery, "17 4 9", by=setup.organiser)
    assert lottery.status == "closed" and lottery.seed == seed
    assert policies.decide("lottery.draw", setup.organiser, lottery).is_conflict  # not twice
    _db.session.commit()  # the task runs once the value is committed (at once in the tests)
    _db.session.refresh(lottery)
    assert lottery.status == "drawn" and len(lottery.draws[0]["selected"]) == SEATS
    assert lottery.draws[0]["seed"] == seed


def test_a_panel_is_seated_with_fewer_members_when_nobody_left_can_fill_a_seat(db, make_user):
    from tests.lotteries.fixtures import VOLUNTEERS

    pool = [VOLUNTEERS[i] for i in (0, 1, 4, 5)]  # as many as the seats: everyone is drawn
    setup = make_lottery(make_user, volunteers=pool)
    lottery = setup.lottery
    pools.close_pool(lottery)
    drawn = drawing.draw(lottery, "1")
    by_id = {p.id: p for p in setup.people}
    invitations.reply(lottery, by_id[drawn[0].user_id], accept=False)
    for row in drawn[1:]:
        invitations.reply(lottery, by_id[row.user_id], accept=True)
    with pytest.raises(DomainError):
        replacing.request_replacement(lottery)
    assert len(seating.seat(lottery)) == SEATS - 1
