"""Live polls through the votes engine: prepared, opened, answered from phones, projected, closed."""

from __future__ import annotations

import pytest

from consult.debates import polls
from consult.debates import services as s
from consult.debates.models import DebatePoll
from tests.helpers import text_of


@pytest.fixture
def live(db, make_user, make_debate):
    mod = make_user("mod", roles=("moderator",))
    debate = make_debate(mod)
    s.start_debate(debate, mod)
    db.session.commit()
    return debate


def test_live_poll_from_console_to_projector(app, client, db, live):
    client.sign_in("mod")
    response = client.post_form(f"/debates/{live.id}/console/polls",
                                {"poll-question": "Should the city put up a 'Welcoming city' sign?",
                                 "poll-method": "yes_no_abstain", "poll-options": ""})
    assert response.status_code == 303, text_of(response)
    link = db.session.query(DebatePoll).one()
    assert link.status == "draft"
    for action in ("open", "project"):
        answer = client.post_form(f"/debates/{live.id}/console/polls/{link.id}", {"action": action})
        assert answer.status_code == 303

    phone = app.test_client()
    page = phone.get(f"/debates/{live.id}")
    assert "Should the city put up" in text_of(page)
    yes = next(o for o in polls.options(link) if o["label"] == "Yes")
    vote_url = f"/debates/{live.id}/polls/{link.id}/vote"
    assert phone.post_form(vote_url, {"option": yes["id"]}).status_code == 303
    again = phone.post_form(vote_url, {"option": yes["id"]})
    assert again.status_code == 409 and "already voted" in text_of(again)
    bad = app.test_client().post_form(vote_url, {"option": "999999"})
    assert bad.status_code == 422

    projector = client.get(f"/debates/{live.id}/projector")
    cells = text_of(projector)
    assert "Yes 1" in cells and "No 0" in cells

    assert client.post_form(f"/debates/{live.id}/console/state", {"action": "end"}).status_code == 303
    db.session.refresh(link)
    assert link.status == "closed"
    from consult.debates.record import debate_record

    record = debate_record(db.session.get(type(live), live.id))
    assert record["polls"][0]["turnout"] == 1
    assert {"label": "Yes", "count": 1} in record["polls"][0]["results"]


def test_poll_needs_two_options(client, db, live):
    client.sign_in("mod")
    response = client.post_form(f"/debates/{live.id}/console/polls",
                                {"poll-question": "Which day?", "poll-method": "single",
                                 "poll-options": "Monday"})
    assert response.status_code == 422 and "at least two options" in text_of(response)
    assert db.session.query(DebatePoll).count() == 0


def test_only_moderators_manage_polls(app, client, db, live):
    client.sign_in("mod")
    client.post_form(f"/debates/{live.id}/console/polls",
                     {"poll-question": "Which day?", "poll-method": "single",
                      "poll-options": "Monday\nTuesday"})
    link = db.session.query(DebatePoll).one()
    client.sign_out()
    assert app.test_client().post_form(f"/debates/{live.id}/console/polls/{link.id}",
                                       {"action": "open"}).status_code == 303  # to sign in
    db.session.refresh(link)
    assert link.status == "draft"


def test_who_may_answer_is_the_rule_debate_vote(app, db, make_user, make_debate):
    """The votes engine asks one named rule, ``debate.vote``, when a ballot is cast: a poll opened before the
    debate starts takes no answer until it runs."""
    from consult.votes import services as engine
    from consult.votes.owners import owner

    mod = make_user("mod", roles=("moderator",))
    debate = make_debate(mod)
    link = polls.create(debate, "Which day suits you?", "single", ["Monday", "Tuesday"])
    polls.open_(debate, link)
    db.session.commit()
    assert owner(engine.get_poll(link.poll_id)).vote_rule == "debate.vote"

    phone = app.test_client()
    monday = next(o["id"] for o in polls.options(link) if o["label"] == "Monday")
    url = f"/debates/{debate.id}/polls/{link.id}/vote"
    refused = phone.post_form(url, {"option": monday})
    assert refused.status_code == 403 and "This debate is not running." in text_of(refused)
    s.start_debate(debate, mod)
    db.session.commit()
    assert phone.post_form(url, {"option": monday}).status_code == 303
    assert polls.turnout(link) == 1


def test_a_score_poll_asks_for_scores_and_shows_averages(app, client, db, live):
    """The live poll's inputs and its results' figure come from the poll's method: a score poll asks a number
    from 0 to 5 per option and shows each option's average score; a one-choice poll shows votes."""
    link = polls.create(live, "Which project first?", "score", ["Library", "Garden"])
    polls.open_(live, link)
    polls.project(live, link)
    db.session.commit()
    library, garden = (o["id"] for o in polls.options(link))
    url = f"/debates/{live.id}/polls/{link.id}/vote"
    for scores in ((5, 1), (4, 2)):
        phone = app.test_client()
        page = phone.get(f"/debates/{live.id}").get_data(as_text=True)
        assert f'name="score-{library}" min="0" max="5"' in page and 'name="option"' not in page
        assert "Give each option a score from 0 (not at all) to 5 (very much)." in page
        answer = phone.post_form(url, {f"score-{library}": scores[0], f"score-{garden}": scores[1]})
        assert answer.status_code == 303
    projector = text_of(client.get(f"/debates/{live.id}/projector"))
    assert "Average score" in projector and "Library 4.5" in projector and "Garden 1.5" in projector

    polls.close(live, link)
    one = polls.create(live, "Which day?", "single", ["Monday", "Tuesday"])
    polls.open_(live, one)
    polls.project(live, one)
    db.session.commit()
    page = app.test_client().get(f"/debates/{live.id}").get_data(as_text=True)
    assert 'type="radio" name="option"' in page and "score-" not in page
    projector = text_of(client.get(f"/debates/{live.id}/projector"))
    assert "Votes" in projector and "Average score" not in projector


def test_each_live_poll_method_owns_its_inputs_and_figure(app):
    """Every method a debate's live poll may use has its live ballot partial and names its results' figure;
    no template asks which method a poll uses."""
    from pathlib import Path

    from consult.votes import methods

    for name in polls.METHODS:
        method = methods.get(name)
        assert app.jinja_env.get_template(method.template("live_ballot"))
        assert str(method.live_heading) and method.live_figure in ("count", "average")
    templates = Path(app.root_path) / "templates"
    branching = [f"{path.relative_to(templates)}:{n}" for path in sorted(templates.rglob("*.html"))
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if "method ==" in line]
    assert not branching, branching
