"""Poll pages through the Flask client: full pages, htmx fragments, the confirmation step, refusals."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from consult.votes import services as votes
from consult.votes.models import Ballot, Participation, Poll
from tests.helpers import count, text_of


def _ids(poll):
    return [o.id for o in poll.options]


def _tally(counts: dict, **fields) -> dict:
    """A paper count as the manage page's form sends it: one line per option (its id and its count)."""
    data = {"channel": "Town hall", **fields}
    for n, (option_id, value) in enumerate(counts.items()):
        data[f"counts-{n}-option"], data[f"counts-{n}-count"] = str(option_id), value
    return data


def test_index_and_ballot_page_explain_who_and_how(client, make_poll):
    poll = make_poll("ranked_irv")
    page = client.get("/polls")
    assert page.status_code == 200 and poll.question in text_of(page)
    page = client.get(f"/polls/{poll.id}")
    text = text_of(page)
    assert page.status_code == 200
    assert "Verified residents of the city, whatever their nationality" in text
    assert "Give number 1 to your favourite option" in text
    assert "Please sign in first" in text  # a visitor is told how to take part
    assert "Results are shown when the poll closes" in text


def test_unverified_person_sees_why_and_how_to_verify(client, make_user, make_poll):
    poll = make_poll()
    make_user("newcomer")
    client.sign_in("newcomer")
    page = client.get(f"/polls/{poll.id}")
    assert "Verifying your residence takes a few minutes" in text_of(page)
    assert 'href="/verify"' in page.get_data(as_text=True)
    response = client.post_form(f"/polls/{poll.id}/vote", {"choice": json.dumps(_ids(poll)[0])})
    assert response.status_code == 403
    assert count(Participation) == 0 and count(Ballot) == 0


def test_resident_votes_single_choice_with_confirmation_and_tracker_once(client, make_user, make_poll):
    poll = make_poll()
    make_user("yusuf", verified=True, birth_year=1999)
    client.sign_in("yusuf")
    page = client.get(f"/polls/{poll.id}")
    html = page.get_data(as_text=True)
    assert f'<label for="option-{_ids(poll)[1]}">Park</label>' in html
    confirm = client.post_form(f"/polls/{poll.id}/confirm", {"option": str(_ids(poll)[1])})
    assert (confirm.status_code == 200 and "Confirm your vote" in text_of(confirm)
            and "Park" in text_of(confirm))
    assert count(Participation) == 0  # nothing recorded before confirming
    done = client.post_form(f"/polls/{poll.id}/vote", {"choice": str(_ids(poll)[1])})
    assert done.status_code == 303 and done.headers["Location"].endswith(f"/polls/{poll.id}/voted")
    first = client.get(f"/polls/{poll.id}/voted")
    tracker = first.get_data(as_text=True).split('id="tracker">')[1].split("<")[0]
    assert len(tracker) == 19
    again = client.get(f"/polls/{poll.id}/voted")
    assert tracker not in again.get_data(as_text=True)  # shown once
    page = client.get(f"/polls/{poll.id}")
    assert "You voted in this poll" in text_of(page) and "Check my ballot" not in text_of(page)
    # a replayed form is refused with a clear message, nothing more recorded
    replay = client.post_form(f"/polls/{poll.id}/vote", {"choice": str(_ids(poll)[0])})
    assert replay.status_code == 409 and "already voted" in text_of(replay)
    assert count(Participation) == 1 and count(Ballot) == 1


def test_ranked_ballot_without_javascript_and_duplicate_ranks(client, make_user, make_poll):
    poll = make_poll("ranked_irv")
    a, b, c = _ids(poll)
    make_user("yusuf", verified=True, birth_year=1999)
    client.sign_in("yusuf")
    bad = client.post_form(f"/polls/{poll.id}/confirm", {f"rank-{a}": "1", f"rank-{b}": "1"})
    assert (bad.status_code == 422 and "same rank" in text_of(bad)
            and "Nothing has been recorded" in text_of(bad))
    assert 'value="1" selected' in bad.get_data(as_text=True)  # what was chosen is kept
    ok = client.post_form(f"/polls/{poll.id}/confirm", {f"rank-{a}": "2", f"rank-{c}": "1", f"rank-{b}": ""})
    assert "1. Clinic" in text_of(ok) and "2. Library" in text_of(ok)
    assert client.post_form(f"/polls/{poll.id}/vote", {"choice": json.dumps([c, a])}).status_code == 303
    assert json.loads(votes_choice()) == [c, a]


def votes_choice():
    from consult.extensions import db

    return db.session.scalar(sa.select(Ballot.choice))


def test_bad_input_is_refused_with_4xx_and_nothing_saved(client, make_user, make_poll):
    poll = make_poll("points", points_budget=10)
    other = make_poll()
    make_user("yusuf", verified=True, birth_year=1999)
    client.sign_in("yusuf")
    a = _ids(poll)[0]
    cases = [
        ("confirm", {f"points-{a}": "11"}, 422, "only 10"),
        ("vote", {"choice": "not json"}, 422, "could not be read"),
        ("vote", {"choice": "[1]\x00"}, 422, "cannot be read"),  # refused by the form, before the method
        ("vote", {"choice": json.dumps({str(_ids(other)[0]): 3})}, 422, "not one of the options"),
        ("vote", {"choice": json.dumps({str(a): 30})}, 422, "only 10"),
    ]
    for step, data, status, message in cases:
        response = client.post_form(f"/polls/{poll.id}/{step}", data)
        assert response.status_code == status, (data, response.status_code)
        assert message in text_of(response)
    assert client.post_form("/polls/999999/vote", {"choice": "1"}).status_code == 404
    assert count(Participation) == 0 and count(Ballot) == 0


def test_htmx_gets_the_fragment(htmx_client, make_user, make_poll):
    poll = make_poll()
    page = htmx_client.get(f"/polls/{poll.id}")
    html = page.get_data(as_text=True)
    assert (page.status_code == 200 and html.lstrip().startswith('<section id="ballot"')
            and "<html" not in html)
    assert "HX-Request" in page.headers["Vary"]


def test_results_hidden_until_close_then_chart_table_csv_trackers(client, make_user, make_poll):
    poll = make_poll("ranked_irv")
    a, b, c = _ids(poll)
    for ranking in ([a, b], [b], [c, b]):
        votes.cast_ballot(poll, make_user(verified=True, birth_year=1990), ranking)
    from consult.extensions import db

    db.session.commit()
    assert client.get(f"/polls/{poll.id}/results").status_code == 403
    assert client.get(f"/polls/{poll.id}/results.csv").status_code == 403
    assert client.get(f"/polls/{poll.id}/trackers.csv").status_code == 404  # not before the poll closes
    votes.close_poll(db.session.get(Poll, poll.id))
    db.session.commit()
    page = client.get(f"/polls/{poll.id}/results")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<title id=" in html and "<desc id=" in html and 'role="img"' in html
    assert "<caption>Results in figures</caption>" in html and "Instant-runoff rounds" in html
    assert "Park" in text_of(page) and "Decided" in text_of(page)
    csv = client.get(f"/polls/{poll.id}/results.csv")
    assert (csv.headers["Content-Type"].startswith("text/csv")
            and "verdict,decided" in csv.get_data(as_text=True))
    trackers = client.get(f"/polls/{poll.id}/trackers")
    assert "3 counted ballots" in text_of(trackers)
    listed = [li.split("<code>")[1].split("</code>")[0]
              for li in trackers.get_data(as_text=True).split("<li>")[1:]
              if "<code>" in li]
    download = client.get(f"/polls/{poll.id}/trackers.csv")
    assert download.status_code == 200 and download.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.get_data(as_text=True).split("\r\n") == ["fingerprint", *listed, ""]
    assert len(listed) == 3 and listed == sorted(listed)
    check = client.get(f"/polls/{poll.id}/trackers?tracker=AAAA-BBBB-CCCC-DDDD")
    assert "No counted ballot has this tracker" in text_of(check)
    fragment = client.get(f"/polls/{poll.id}/results", headers={"HX-Request": "true"})
    assert fragment.get_data(as_text=True).lstrip().startswith('<div id="results"')


def test_admin_creates_opens_enters_paper_and_closes(client, make_user, make_poll):
    make_user("admin", roles=("admin",))
    client.sign_in("admin")
    assert client.get("/polls/new").status_code == 200
    bad = client.post_form("/polls/new", {"question": "Which?", "method": "single", "mode": "secret",
                                          "majority": "simple", "options": "only one"})
    assert bad.status_code == 422 and "at least two options" in text_of(bad)
    response = client.post_form("/polls/new", {"question": "Which project first?", "method": "single",
                                               "mode": "secret", "majority": "simple",
                                               "options": "Language café\nWelcome desk\n"})
    assert response.status_code == 303
    from consult.extensions import db

    poll = db.session.scalar(sa.select(Poll).where(Poll.question == "Which project first?"))
    assert poll.status == "draft" and [o.label for o in poll.options] == ["Language café", "Welcome desk"]
    assert client.post_form(f"/polls/{poll.id}/open").status_code == 303
    a, b = _ids(poll)
    bad = client.post_form(f"/polls/{poll.id}/paper", _tally({a: "x"}))
    assert bad.status_code == 422
    # the refusal is said next to the option's count, which keeps what was typed
    assert 'aria-invalid="true"' in bad.get_data(as_text=True) and 'value="x"' in bad.get_data(as_text=True)
    assert "Counts must be whole numbers, 0 or more." in text_of(bad)
    # a digit-like sign that is no number (superscript two) is refused, not a server error
    assert client.post_form(f"/polls/{poll.id}/paper", _tally({a: "\u00b2"})).status_code == 422
    # numbers beyond any count (and beyond PostgreSQL's integer) are refused, not a server error
    assert client.post_form(f"/polls/{poll.id}/paper", _tally({a: "99999999999"})).status_code == 422
    assert client.post_form(f"/polls/{poll.id}/paper", _tally({a: "1"}, blank="9" * 11)).status_code == 422
    # a line's number written with other digits than 0-9 is no line (WTForms alone would fail on it)
    odd = {"channel": "Town hall", "counts-\u00b2-option": str(a), "counts-\u00b2-count": "1"}
    assert client.post_form(f"/polls/{poll.id}/paper", odd).status_code == 303
    # a line for an option of another poll is refused
    assert client.post_form(f"/polls/{poll.id}/paper", _tally({a: "1", 10**6: "1"})).status_code == 422
    # Arabic-Indic digits are numbers: "٤" is 4
    ok = client.post_form(f"/polls/{poll.id}/paper", _tally({a: "\u0664", b: "1"}, blank="1", invalid="0"))
    assert ok.status_code == 303
    assert client.post_form(f"/polls/{poll.id}/close").status_code == 303
    page = client.get(f"/polls/{poll.id}/results")
    assert "Where the ballots come from" in text_of(page) and "Town hall" in text_of(page)
    assert client.post_form(f"/polls/{poll.id}/open").status_code == 303  # refused with a message
    db.session.refresh(poll)
    assert poll.status == "closed"


def test_non_admin_cannot_manage(client, make_user, make_poll):
    poll = make_poll()
    make_user("yusuf", verified=True, birth_year=1999)
    client.sign_in("yusuf")
    assert client.get("/polls/new").status_code == 403
    assert client.post_form(f"/polls/{poll.id}/close").status_code == 403
    assert client.get(f"/polls/{make_poll(open=False).id}").status_code == 403  # drafts are not published


def test_open_poll_anonymous_vote_with_browser_key(client, make_poll):
    poll = make_poll(mode="open")
    page = client.get(f"/polls/{poll.id}")
    assert "consult_poll_key" in page.headers.get("Set-Cookie", "")
    assert client.post_form(f"/polls/{poll.id}/vote", {"choice": str(_ids(poll)[0])}).status_code == 303
    assert client.post_form(f"/polls/{poll.id}/vote", {"choice": str(_ids(poll)[0])}).status_code == 409
    page = client.get(f"/polls/{poll.id}")
    assert "You voted in this poll" in text_of(page) and "Current count" in text_of(page)


def test_casting_is_rate_limited(app, client, make_user, make_poll):
    poll = make_poll()
    make_user("yusuf", verified=True, birth_year=1999)
    client.sign_in("yusuf")
    old = app.config["RATELIMIT_VOTE"]
    app.config["RATELIMIT_VOTE"] = "2 per minute"
    try:
        statuses = [client.post_form(f"/polls/{poll.id}/confirm", {"option": "x"}).status_code
                    for _ in range(3)]
    finally:
        app.config["RATELIMIT_VOTE"] = old
    assert statuses == [422, 422, 429]
    assert count(Participation) == 0


def test_personal_data_lists_polls_voted_in_without_secret_choices(db, make_user, make_poll):
    from consult.core.personal_data import export_sections

    secret, named = make_poll(), make_poll(mode="named")
    person = make_user(verified=True, birth_year=1990)
    votes.cast_ballot(secret, person, str(_ids(secret)[0]))
    votes.cast_ballot(named, person, str(_ids(named)[1]))
    data = export_sections(person)["votes"]["voted_in"]
    assert [(d["poll_id"], d["named_choice"]) for d in data] == [(secret.id, None), (named.id, ["Park"])]


BALLOTS = {
    "yes_no_abstain": lambda ids: {"option": str(ids[0])},
    "single": lambda ids: {"option": str(ids[1])},
    "approval": lambda ids: {"option": [str(ids[0]), str(ids[2])]},
    "ranked_irv": lambda ids: {f"rank-{ids[2]}": "1", f"rank-{ids[0]}": "2"},
    "schulze": lambda ids: {f"rank-{ids[1]}": "1"},
    "score": lambda ids: {f"score-{ids[0]}": "5", f"score-{ids[1]}": "2"},
    "points": lambda ids: {f"points-{ids[0]}": "6", f"points-{ids[2]}": "4"},
}


@pytest.mark.parametrize("method", list(BALLOTS))
def test_resident_votes_in_each_method_and_sees_results_after_close(client, make_user, make_poll, method):
    from consult.extensions import db

    poll = make_poll(method)
    make_user("yusuf", verified=True, birth_year=1999)
    client.sign_in("yusuf")
    page = client.get(f"/polls/{poll.id}")
    assert page.status_code == 200 and "Check my ballot" in text_of(page)
    confirm = client.post_form(f"/polls/{poll.id}/confirm", BALLOTS[method](_ids(poll)))
    assert confirm.status_code == 200, text_of(confirm)[-300:]
    choice = confirm.get_data(as_text=True).split('name="choice" value="')[1].split('"')[0]
    import html

    assert client.post_form(f"/polls/{poll.id}/vote", {"choice": html.unescape(choice)}).status_code == 303
    votes.close_poll(db.session.get(Poll, poll.id))
    db.session.commit()
    result = client.get(f"/polls/{poll.id}")
    assert "Results in figures" in text_of(result) and "1 person voted" in text_of(result)
    assert count(Ballot) == 1


def test_the_tracker_page_is_never_compressed(client, make_user, make_poll):
    """BREACH: the tracker page (``no-store``) goes out uncompressed even to a client asking for gzip."""
    poll = make_poll()
    option = poll.options[0].id
    make_user("yusuf", verified=True, birth_year=1999)
    client.sign_in("yusuf")
    client.post_form(f"/polls/{poll.id}/vote", {"choice": str(option)})
    response = client.get(f"/polls/{poll.id}/voted", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    assert "Content-Encoding" not in response.headers
    assert 'id="tracker">' in response.get_data(as_text=True)
    # the poll's own page, without a secret, is compressed
    page = client.get(f"/polls/{poll.id}", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"


def test_the_counted_ballots_file_is_made_once_when_the_poll_closes(app, client, make_user, make_poll,
                                                                     monkeypatch):
    from consult.extensions import db
    from consult.votes import queries, tracker_files

    poll = make_poll("single")
    for choice in _ids(poll)[:2]:
        votes.cast_ballot(poll, make_user(verified=True, birth_year=1990), str(choice))
    db.session.commit()
    votes.close_poll(db.session.get(Poll, poll.id))
    db.session.commit()  # the task writes the file now (the tests' queue runs it at once)
    path = tracker_files._path(db.session.get(Poll, poll.id))
    assert path.exists()
    made = []
    monkeypatch.setattr(queries, "all_fingerprints", lambda p: made.append(p) or [])
    download = client.get(f"/polls/{poll.id}/trackers.csv")
    assert download.status_code == 200 and made == []  # read from the file
    assert download.get_data(as_text=True).split("\r\n")[0] == "fingerprint"
    assert len(download.get_data(as_text=True).split("\r\n")) == 4  # header, two ballots, end
    path.unlink()


def test_a_large_polls_file_is_prepared_by_the_queue_meanwhile_a_page_says_so(app, client, make_user,
                                                                              make_poll, monkeypatch):
    from consult.core import tasks
    from consult.extensions import db
    from consult.votes import tracker_files

    poll = make_poll("single")
    for choice in _ids(poll)[:3]:
        votes.cast_ballot(poll, make_user(verified=True, birth_year=1990), str(choice))
    db.session.commit()
    monkeypatch.setattr(tracker_files, "MADE_WHILE_WAITING", 2)
    huey = tasks.queue(app)
    huey.immediate = False
    try:
        votes.close_poll(db.session.get(Poll, poll.id))
        db.session.commit()
        huey.flush()  # the task queued at closing is lost: the request must queue it again
        waiting = client.get(f"/polls/{poll.id}/trackers.csv")
        assert waiting.status_code == 202 and waiting.headers["Refresh"] == "10"
        assert "The file is being prepared" in text_of(waiting)
        assert f'href="/polls/{poll.id}/trackers.csv"' in waiting.get_data(as_text=True)  # no script needed
        assert huey.pending_count() == 1
        huey.execute(huey.dequeue())  # the consumer
    finally:
        huey.flush()
        huey.immediate = True
    ready = client.get(f"/polls/{poll.id}/trackers.csv")
    assert ready.status_code == 200 and len(ready.get_data(as_text=True).split("\r\n")) == 5
    tracker_files._path(db.session.get(Poll, poll.id)).unlink()
