"""Whole paper ballots typed twice: batches, two different registrars, mismatches and corrections, the count
with online ballots and each station as a channel, what is kept after close; the pages."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from consult.core.audit import AuditEntry
from consult.core.errors import Conflict, DomainError, NotAllowed
from consult.core.policy import Predicate, policies
from consult.votes import paper_ballots as paper
from consult.votes import services as votes
from consult.votes.owners import _owners, register_owner
from consult.votes.paper_models import PaperBallot, PaperBatch, PaperEntry
from tests.helpers import count, text_of


def _ids(poll):
    return [o.id for o in poll.options]


@pytest.fixture
def registrars(make_user):
    return make_user(roles=("registrar",)), make_user(roles=("registrar",))


def _type_both(batch, slips, a, b):
    """Both registrars type every slip the same: ``slips`` is a list of (kind, ranking)."""
    for n, (kind, ranking) in enumerate(slips, 1):
        paper.enter_slip(batch, slip=n, kind=kind, raw=ranking, by=a)
        paper.enter_slip(batch, slip=n, kind=kind, raw=ranking, by=b)


def test_two_registrars_agree_and_the_batch_joins_the_count_once(db, make_poll, make_user, registrars):
    a, b = registrars
    poll = make_poll("ranked_irv")
    x, y, z = _ids(poll)
    voter = make_user(verified=True, birth_year=1990)
    votes.cast_ballot(poll, voter, [x, y])
    batch = paper.open_batch(poll, station="Town hall", slips=4, by=a)
    first = paper.enter_slip(batch, slip=1, raw=[y, x], by=a)
    assert first.status == "first" and not paper.progress(batch).complete
    assert paper.enter_slip(batch, slip=1, raw={str(y): "1", str(x): "2"}, by=b).status == "matched"
    for n, raw in ((2, [y]), (3, [z, y])):
        paper.enter_slip(batch, slip=n, raw=raw, by=b)
        paper.enter_slip(batch, slip=n, raw=raw, by=a)
    paper.enter_slip(batch, slip=4, kind="blank", by=a)
    paper.enter_slip(batch, slip=4, kind="blank", by=b)
    state = paper.progress(batch, a)
    assert state.complete and state.matched == 4 and state.next_slip is None
    paper.count_batch(batch, a)
    with pytest.raises(Conflict):
        paper.count_batch(batch, b)  # once
    assert count(PaperBallot) == 4
    votes.close_poll(poll)
    db.session.commit()
    result = votes.results(poll)
    assert result.ballots == 4 and result.voters == 5  # 1 online + 3 valid slips; 1 online + 4 slips
    assert [o.id for o in result.winners] == [y]
    channels = {c["name"]: c for c in result.channels}
    assert channels["online"]["ballots"] == 1
    assert channels["Town hall"]["ballots"] == 4 and channels["Town hall"]["blank"] == 1
    assert channels["Town hall"]["counts"] == {str(x): 0, str(y): 2, str(z): 1}
    # closed: who typed what is gone, the matched choices remain, without any registrar or slip number
    assert count(PaperEntry) == 0 and count(PaperBallot) == 4
    assert set(PaperBallot.__table__.columns.keys()) == {"id", "poll_id", "batch_id", "kind", "choice"}


def test_the_same_registrar_cannot_type_both_copies(db, make_poll, registrars):
    a, _b = registrars
    poll = make_poll("ranked_irv")
    batch = paper.open_batch(poll, station="School", slips=2, by=a)
    paper.enter_slip(batch, slip=1, raw=_ids(poll)[:1], by=a)
    with pytest.raises(Conflict):
        paper.enter_slip(batch, slip=1, raw=_ids(poll)[:1], by=a)
    db.session.rollback()
    # the schema says so too
    db.session.add(PaperEntry(batch_id=batch.id, slip=1, copy=2, registrar_id=a.id, kind="blank"))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_third_copy_is_refused(db, make_poll, make_user, registrars):
    a, b = registrars
    c = make_user(roles=("registrar",))
    poll = make_poll("ranked_irv")
    batch = paper.open_batch(poll, station="School", slips=1, by=a)
    paper.enter_slip(batch, slip=1, kind="invalid", by=a)
    paper.enter_slip(batch, slip=1, kind="invalid", by=b)
    with pytest.raises(Conflict):
        paper.enter_slip(batch, slip=1, kind="invalid", by=c)


def test_a_mismatch_blocks_the_batch_until_a_registrar_corrects_their_copy(db, make_poll, registrars):
    a, b = registrars
    poll = make_poll("ranked_irv")
    x, y, _z = _ids(poll)
    batch = paper.open_batch(poll, station="Market", slips=2, by=a)
    paper.enter_slip(batch, slip=1, raw=[x], by=a)
    assert paper.enter_slip(batch, slip=1, raw=[y], by=b).status == "mismatch"
    paper.enter_slip(batch, slip=2, raw=[x, y], by=a)
    paper.enter_slip(batch, slip=2, raw=[x, y], by=b)
    rows = paper.mismatches(batch)
    assert [r.slip for r in rows] == [1]
    assert [c[2] for c in rows[0].copies] == [["1. Library"], ["1. Park"]]
    with pytest.raises(DomainError):
        paper.count_batch(batch, a)
    assert count(PaperBallot) == 0
    # the one who read it wrong corrects their own copy (audited); the other copy is not theirs to change
    assert paper.correct_slip(batch, slip=1, raw=[x], by=b).status == "matched"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "votes.paper_slip_corrected"))
    assert entry.actor_id == b.id and entry.details["slip"] == 1
    assert entry.details["before"]["choice"] != entry.details["after"]["choice"]
    assert paper.mismatches(batch) == []
    paper.count_batch(batch, b)
    assert count(PaperBallot) == 2


def test_only_those_who_typed_a_slip_correct_it(db, make_poll, make_user, registrars):
    a, b = registrars
    poll = make_poll("ranked_irv")
    batch = paper.open_batch(poll, station="Market", slips=1, by=a)
    paper.enter_slip(batch, slip=1, raw=_ids(poll)[:1], by=a)
    with pytest.raises(DomainError):
        paper.correct_slip(batch, slip=1, raw=_ids(poll)[1:2], by=b)


def test_slips_are_read_by_the_method_and_numbered_within_the_batch(db, make_poll, registrars):
    a, _b = registrars
    poll = make_poll("ranked_irv")
    x, y, _z = _ids(poll)
    batch = paper.open_batch(poll, station="Port", slips=2, by=a)
    with pytest.raises(DomainError):
        paper.enter_slip(batch, slip=1, raw={str(x): "1", str(y): "1"}, by=a)  # two firsts
    with pytest.raises(DomainError):
        paper.enter_slip(batch, slip=3, raw=[x], by=a)  # only two slips
    with pytest.raises(DomainError):
        paper.enter_slip(batch, slip=1, raw=[], by=a)  # nothing ranked: mark it blank
    with pytest.raises(DomainError):
        paper.enter_slip(batch, slip=1, kind="maybe", by=a)
    assert count(PaperEntry) == 0


def test_batches_are_named_and_sized(db, make_poll, registrars):
    a, _b = registrars
    poll = make_poll("schulze")
    paper.open_batch(poll, station="Port", slips=3, by=a)
    for station, slips in (("Port", 3), ("", 3), ("online", 3), ("Hill", 0), ("Hill", paper.MAX_SLIPS + 1)):
        with pytest.raises(DomainError):
            paper.open_batch(poll, station=station, slips=slips, by=a)
    assert count(PaperBatch) == 1


def test_who_may_enter_paper_ballots(db, make_poll, make_user, registrars):
    a, _b = registrars
    poll = make_poll("ranked_irv")
    draft = make_poll("ranked_irv", open=False)
    single = make_poll("single")
    resident = make_user(verified=True, birth_year=1990)
    admin = make_user(roles=("admin",))
    assert policies.decide(paper.RULE, a, poll) and policies.decide(paper.RULE, admin, poll)
    assert not policies.decide(paper.RULE, resident, poll)
    assert not policies.decide(paper.RULE, a, draft)
    assert not policies.decide(paper.RULE, a, single)  # counts per option: paper tallies instead
    with pytest.raises(NotAllowed):
        paper.open_batch(poll, station="Port", slips=3, by=resident)


def test_the_owner_names_its_own_officials(db, make_poll, make_user):
    official = make_user()
    poll = make_poll("ranked_irv", owner_type="paper-test", owner_id=1)
    policies._rules["paper_test.officials"] = Predicate(
        lambda person, obj: getattr(person, "username", "") == official.username, "paper_test.officials")
    assert not policies.decide(paper.RULE, official, poll)
    register_owner("paper-test", paper_rule="paper_test.officials")
    try:
        assert policies.decide(paper.RULE, official, poll)
        assert not policies.decide(paper.RULE, make_user(), poll)
    finally:
        _owners.pop("paper-test", None)
        policies._rules.pop("paper_test.officials", None)


def test_a_batch_counted_after_close_is_counted_again_with_the_online_ballots(db, make_poll, make_user,
                                                                             registrars):
    a, b = registrars
    poll = make_poll("ranked_irv")
    x, y, _z = _ids(poll)
    votes.cast_ballot(poll, make_user(verified=True, birth_year=1990), [x])
    batch = paper.open_batch(poll, station="Late station", slips=2, by=a)
    votes.close_poll(poll)
    assert [o.id for o in votes.results(poll).winners] == [x]
    _type_both(batch, [("valid", [y]), ("valid", [y, x])], a, b)
    assert count(PaperEntry) == 4  # kept until the batch is counted
    paper.count_batch(batch, a)
    db.session.commit()
    poll = db.session.get(type(poll), poll.id)
    result = votes.results(poll)
    assert [o.id for o in result.winners] == [y] and result.ballots == 3 and result.voters == 3
    assert count(PaperEntry) == 0


def test_pages_type_slip_after_slip_and_show_mismatches(app, client, db, make_poll, registrars):
    a, b = registrars
    poll = make_poll("ranked_irv")
    x, y, _z = _ids(poll)
    client.sign_in(a.username)
    page = client.get(f"/polls/{poll.id}/paper-ballots")
    assert page.status_code == 200 and "Start a batch" in text_of(page)
    answer = client.post_form(f"/polls/{poll.id}/paper-ballots", {"station": "Town hall", "slips": "2"})
    assert answer.status_code == 303
    batch = db.session.scalar(sa.select(PaperBatch))
    url = f"/paper-batches/{batch.id}"
    assert answer.headers["Location"].endswith(url)
    page = client.get(url)
    assert page.status_code == 200 and 'name="rank-' in page.get_data(as_text=True)
    answer = client.post_form(f"{url}/slips", {"slip": "1", "kind": "valid", f"rank-{x}": "1"})
    assert answer.status_code == 303
    # a refused slip: the form again, 422, nothing saved
    answer = client.post_form(f"{url}/slips", {"slip": "2", "kind": "valid", f"rank-{x}": "1",
                                               f"rank-{y}": "1"})
    assert answer.status_code == 422 and count(PaperEntry) == 1
    answer = client.post_form(f"{url}/slips", {"slip": "1", "kind": "valid", f"rank-{x}": "1"})
    assert answer.status_code == 409 and count(PaperEntry) == 1  # the same person, the same slip
    other = app.test_client()
    other.sign_in(b.username)
    answer = other.post_form(f"{url}/slips", {"slip": "1", "kind": "valid", f"rank-{y}": "1"},
                                   htmx=True)
    assert answer.status_code == 200 and "the two copies differ" in text_of(answer)
    assert 'id="paper-entry"' in answer.get_data(as_text=True)
    page = client.get(f"{url}/mismatches")
    assert page.status_code == 200 and "1. Park" in text_of(page) and "1. Library" in text_of(page)
    answer = client.post_form(f"{url}/count")
    assert answer.status_code == 303 and count(PaperBallot) == 0
    answer = other.post_form(f"{url}/correct", {"slip": "1", "kind": "valid", f"rank-{x}": "1"})
    assert answer.status_code == 303
    other.post_form(f"{url}/slips", {"slip": "2", "kind": "blank"}, htmx=True)
    client.post_form(f"{url}/slips", {"slip": "2", "kind": "blank"})
    assert paper.progress(batch).complete
    answer = client.post_form(f"{url}/count")
    assert answer.status_code == 303 and count(PaperBallot) == 2


def test_residents_do_not_see_the_pages(client, db, make_poll, make_user, registrars):
    a, _b = registrars
    poll = make_poll("ranked_irv")
    batch = paper.open_batch(poll, station="Port", slips=1, by=a)
    db.session.commit()
    resident = make_user(verified=True, birth_year=1990)
    client.sign_in(resident.username)
    assert client.get(f"/polls/{poll.id}/paper-ballots").status_code == 403
    assert client.get(f"/paper-batches/{batch.id}").status_code == 403
    assert client.post_form(f"/paper-batches/{batch.id}/slips", {"slip": "1", "kind": "blank"}).status_code \
        == 403
    assert count(PaperEntry) == 0


def test_every_counted_ballot_for_a_ballot_file(db, make_poll, make_user, registrars):
    a, b = registrars
    poll = make_poll("ranked_irv")
    x, y, _z = _ids(poll)
    votes.cast_ballot(poll, make_user(verified=True, birth_year=1990), [x])
    batch = paper.open_batch(poll, station="Port", slips=3, by=a)
    _type_both(batch, [("valid", [x]), ("valid", [y, x]), ("invalid", None)], a, b)
    assert paper.all_ballot_groups(poll) == [([x], 1)]  # the batch is not counted yet
    paper.count_batch(batch, a)
    groups = sorted((tuple(choice), weight) for choice, weight in paper.all_ballot_groups(poll))
    assert groups == sorted([((x,), 1), ((x,), 1), ((y, x), 1)])  # online and paper, not the invalid slip


def test_a_batch_joins_the_count_once_even_from_a_stale_page(db, make_poll, registrars):
    a, b = registrars
    poll = make_poll("ranked_irv")
    batch = paper.open_batch(poll, station="Port", slips=1, by=a)
    _type_both(batch, [("blank", None)], a, b)
    db.session.commit()
    # another request counted it meanwhile; this one still holds the batch as it was
    db.session.execute(sa.update(PaperBatch).values(status="counted"))
    with pytest.raises(Conflict):
        paper.count_batch(batch, b)
    assert count(PaperBallot) == 0


def test_an_owned_poll_takes_paper_ballots_until_it_is_closed(db, make_poll, registrars):
    a, b = registrars
    poll = make_poll("ranked_irv", owner_type="election", owner_id=1)
    batch = paper.open_batch(poll, station="Port", slips=1, by=a)
    paper.enter_slip(batch, slip=1, kind="blank", by=a)
    votes.close_poll(poll)  # the owner counted: its result is used from now on
    with pytest.raises(Conflict):
        paper.enter_slip(batch, slip=1, kind="blank", by=b)
    with pytest.raises(Conflict):
        paper.open_batch(poll, station="Hill", slips=1, by=a)
    with pytest.raises(Conflict):
        paper.count_batch(batch, a)


def test_quick_entry_by_the_numbers_on_the_ballot_paper(client, db, make_poll, registrars):
    a, _b = registrars
    poll = make_poll("ranked_irv")
    x, y, z = _ids(poll)
    assert paper.read_numbers(poll, "3 1") == [z, x] and paper.read_numbers(poll, "2,3") == [y, z]
    for wrong in ("4", "0", "one", "²"):
        with pytest.raises(DomainError):
            paper.read_numbers(poll, wrong)
    batch = paper.open_batch(poll, station="Port", slips=2, by=a)
    db.session.commit()
    client.sign_in(a.username)
    answer = client.post_form(f"/paper-batches/{batch.id}/slips", {"slip": "1", "kind": "valid",
                                                                   "numbers": "3 1", f"rank-{y}": "1"})
    assert answer.status_code == 303  # the numbers win over the list
    entry = db.session.scalar(sa.select(PaperEntry))
    assert entry.choice == f"[{z},{x}]"
    answer = client.post_form(f"/paper-batches/{batch.id}/slips",
                              {"slip": "2", "kind": "valid", "numbers": "9"})
    assert answer.status_code == 422 and "from 1 to 3" in text_of(answer) and count(PaperEntry) == 1
