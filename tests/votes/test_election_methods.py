"""The election methods of polls: single transferable vote (Scottish STV rules), sequential Phragmén and the
method of equal shares — their ballots, their counts for the poll's seats and tie seed, and their results
pages (elected and substitutes in order, the stages' table and SVG chart)."""

from __future__ import annotations

import html
import re

import pytest

from consult.extensions import db
from consult.votes import methods
from consult.votes import services as votes
from consult.votes.casting import spec_for
from consult.votes.methods import BallotError, Spec
from consult.votes.models import Poll
from tests.helpers import text_of

CANDIDATES = ("Ana Ruiz", "Bilal Haddad", "Chen Wei", "Dara Okafor")


def test_the_methods_are_registered():
    assert {"stv", "seq_phragmen", "equal_shares"} <= set(methods.names())
    for name in ("stv", "seq_phragmen", "equal_shares"):
        assert methods.get(name).elects_several


def test_stv_ballot_is_a_ranking_and_its_count_uses_seats_and_seed():
    stv = methods.get("stv")
    spec = Spec(option_ids=(1, 2, 3, 4), seats=2, tie_seed="seed")
    assert stv.validate(stv.parse_form({"rank-3": "1", "rank-1": "2", "rank-2": ""}, spec), spec) == [3, 1]
    with pytest.raises(BallotError):
        stv.validate({"1": "1", "2": "1"}, spec)
    with pytest.raises(BallotError):
        stv.validate([5], spec)
    groups = [([1, 2], 5), ([2], 2), ([3, 1], 3), ([4], 2)]
    tally = stv.tally(groups, spec)
    assert tally["method_rules"] == "scottish-stv-2007"
    assert tally["seats"] == 2 and tally["tie_seed"] == "seed"
    assert tally["quota"] == 5 and tally["winners"][0] == 1 and len(tally["winners"]) == 2
    assert sorted(tally["order"]) == [1, 2, 3, 4] and tally["counts"] == {"1": 5, "2": 2, "3": 3, "4": 2}


@pytest.mark.parametrize("name", ["seq_phragmen", "equal_shares"])
def test_committee_ballot_is_an_approval_and_its_count_uses_seats(name):
    method = methods.get(name)
    spec = Spec(option_ids=(1, 2, 3), seats=2, tie_seed="s")
    assert method.validate(["3", "1"], spec) == [1, 3]
    with pytest.raises(BallotError):
        method.validate([], spec)
    tally = method.tally([([1, 2], 3), ([1], 2), ([3], 2)], spec)
    assert tally["winners"] == [1, 3] and tally["order"] == [1, 3, 2]
    assert tally["method_rules"] == name.replace("_", "-")


def _vote(client, make_user, poll, username, form):
    make_user(username, verified=True, birth_year=1990)
    client.sign_in(username)
    confirm = client.post_form(f"/polls/{poll.id}/confirm", form)
    assert confirm.status_code == 200, text_of(confirm)[-300:]
    choice = confirm.get_data(as_text=True).split('name="choice" value="')[1].split('"')[0]
    assert client.post_form(f"/polls/{poll.id}/vote", {"choice": html.unescape(choice)}).status_code == 303
    client.sign_out()


def test_an_stv_poll_is_voted_without_javascript_and_its_results_show_the_stages(client, make_user,
                                                                                  make_poll):
    poll = make_poll("stv", CANDIDATES, open=False)
    poll.seats, poll.tie_seed = 2, "published seed"
    votes.open_poll(poll)
    db.session.commit()
    assert spec_for(poll).seats == 2 and spec_for(poll).tie_seed == "published seed"
    a, b, c, d = (o.id for o in poll.options)
    rankings = {"u1": (a, b), "u2": (a, c), "u3": (a,), "u4": (b,), "u5": (c, b), "u6": (d, c), "u7": (a, d)}
    for user, ranking in rankings.items():
        _vote(client, make_user, poll, user, {f"rank-{o}": str(i) for i, o in enumerate(ranking, 1)})
    votes.close_poll(db.session.get(Poll, poll.id))
    db.session.commit()
    poll = db.session.get(Poll, poll.id)
    assert poll.result["verdict"] == "decided"
    tally = poll.result["tally"]
    assert tally["quota"] == 3 and tally["winners"][0] == a and len(tally["winners"]) == 2
    page = client.get(f"/polls/{poll.id}/results")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    words = text_of(page)
    assert "Elected, in order of election" in words and "Substitutes, in order" in words
    assert "Quota: 3 votes" in words and "Surplus of Ana Ruiz" in words
    assert "stages-chart" in body and "<polyline" in body and "<title" in body
    assert re.search(r"\sstyle=", body) is None  # CSP: no inline style attributes


@pytest.mark.parametrize("name", ["seq_phragmen", "equal_shares"])
def test_a_committee_poll_is_voted_and_its_results_list_the_rounds(client, make_user, make_poll, name):
    poll = make_poll(name, CANDIDATES, open=False)
    poll.seats, poll.tie_seed = 2, "seed"
    votes.open_poll(poll)
    db.session.commit()
    a, b, c, d = (o.id for o in poll.options)
    for user, approved in {"v1": (a, b), "v2": (a, b), "v3": (a,), "v4": (c,), "v5": (c, d)}.items():
        _vote(client, make_user, poll, user, {"option": [str(o) for o in approved]})
    votes.close_poll(db.session.get(Poll, poll.id))
    db.session.commit()
    poll = db.session.get(Poll, poll.id)
    assert poll.result["verdict"] == "decided" and poll.result["tally"]["winners"] == [a, c]
    words = text_of(client.get(f"/polls/{poll.id}/results"))
    assert "Elected, in order of election" in words and "The count, round by round" in words
    assert "Results in figures" in words


def test_create_poll_keeps_seats_and_seed_only_for_the_methods_that_elect_several(db):
    poll = votes.create_poll(question="Council?", method="stv", options=list(CANDIDATES), seats=3,
                             tie_seed="abc")
    assert (poll.seats, poll.tie_seed) == (3, "abc")
    poll = votes.create_poll(question="Park?", method="single", options=["Yes", "No"], seats=3,
                             tie_seed="abc")
    assert (poll.seats, poll.tie_seed) == (None, None)
    assert spec_for(poll).seats == 1 and spec_for(poll).tie_seed == ""
