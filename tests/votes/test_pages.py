"""Pages that grow with the data: the list of polls and the list of counted ballots, a page at a time, in a
constant number of queries; "find my tracker" says included / not found and on which page."""

from __future__ import annotations

import re
import uuid

from consult.votes import services as votes
from consult.votes.models import Ballot
from tests.helpers import QueryCounter, text_of


def _closed_poll_with_trackers(db, make_poll, trackers):
    poll = make_poll()
    votes.close_poll(poll)
    db.session.add_all(Ballot(id=str(uuid.uuid4()), poll_id=poll.id, choice="0",
                              tracker_hash=votes.tracker_hash(t))
                       for t in trackers)
    db.session.commit()
    return poll


def _tracker(n: int) -> str:
    return f"ABCD-EFGH-JKLM-{n:04d}".replace("0", "Z").replace("1", "Y")


def test_polls_list_is_paginated_with_a_constant_query_count(client, db, make_poll):
    first = [make_poll(question=f"Early question {n}?") for n in range(3)]
    with QueryCounter() as few:
        page = client.get("/polls?per_page=2")
    assert page.status_code == 200
    for n in range(4):
        make_poll(question=f"Later question {n}?")
    with QueryCounter() as more:
        page = client.get("/polls?per_page=2")
    text = text_of(page)
    assert more.count == few.count
    assert "7 polls" in text and "Page 1 of 4" in text
    assert "Later question 3?" in text and "Later question 1?" not in text  # newest first, two per page
    last = client.get("/polls?per_page=2&page=4")
    assert first[0].question in text_of(last) and "Later question" not in text_of(last)
    assert 'rel="prev"' in last.get_data(as_text=True)
    fragment = client.get("/polls?page=2", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<section id="poll-list"')


def test_tracker_list_is_paginated_and_finds_one_tracker(client, db, make_poll):
    trackers = [_tracker(n) for n in range(7)]
    poll = _closed_poll_with_trackers(db, make_poll, trackers)
    url = f"/polls/{poll.id}/trackers"
    ordered = sorted(votes.fingerprint(votes.tracker_hash(t)) for t in trackers)
    pages = [re.findall(r"<code>(?:<mark>)?([0-9a-f]{12})", client.get(f"{url}?per_page=3&page={n}")
                        .get_data(as_text=True)) for n in (1, 2, 3)]
    assert pages == [ordered[:3], ordered[3:6], ordered[6:]]
    assert "7 counted ballots" in text_of(client.get(f"{url}?per_page=3&page=3"))

    mine = trackers[4]
    fp = votes.fingerprint(votes.tracker_hash(mine))
    where = ordered.index(fp) // 3 + 1
    found = client.get(f"{url}?per_page=3&tracker={mine.lower()}")
    text = text_of(found)
    assert found.status_code == 200 and "Included" in text
    assert f"Its fingerprint is {fp}, on page {where} of the list" in text
    if where != 1:
        assert "Show that page of the list" in text
    assert (f"<mark>{fp}</mark>" in client.get(f"{url}?per_page=3&page={where}&tracker={mine}")
            .get_data(as_text=True))
    missing = text_of(client.get(f"{url}?tracker=AAAA-BBBB-CCCC-DDDD"))
    assert ("Not found" in missing and "No counted ballot has this tracker" in missing
            and "Included" not in missing)
    fragment = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<section id="tracker-list"')


def test_tracker_list_is_hidden_until_close_and_the_check_says_nothing(client, db, make_user, make_poll):
    poll = make_poll()
    tracker = votes.cast_ballot(poll, make_user(verified=True, birth_year=1990), str(poll.options[0].id))
    db.session.commit()
    page = client.get(f"/polls/{poll.id}/trackers?tracker={tracker}")
    text = text_of(page)
    assert page.status_code == 200 and "published when the poll closes" in text
    assert ("Included" not in text and "Not found" not in text
            and "counted ballots</h2>" not in page.get_data(as_text=True))


def test_tracker_page_runs_a_constant_number_of_queries(client, db, make_poll):
    poll = _closed_poll_with_trackers(db, make_poll, [_tracker(n) for n in range(3)])
    url = f"/polls/{poll.id}/trackers?per_page=2&tracker={_tracker(1)}"
    with QueryCounter() as few:
        assert client.get(url).status_code == 200
    db.session.add_all(Ballot(id=str(uuid.uuid4()), poll_id=poll.id, choice="0",
                              tracker_hash=votes.tracker_hash(_tracker(n))) for n in range(3, 40))
    db.session.commit()
    with QueryCounter() as more:
        page = client.get(url)
    assert more.count == few.count
    assert ("40 counted ballots" in text_of(page)
            and len(re.findall(r"<li><code>", page.get_data(as_text=True))) == 2)
