"""The proposal page's reader-independent HTML is cached between readers (``consult.proposals.page``): every
change to what it shows appears at once, and no reader sees another reader's links."""

from __future__ import annotations

import pytest

from consult.accounts import services as accounts
from consult.accounts.models import User
from consult.moderation import services as moderation
from consult.proposals import services as proposals
from consult.proposals.page import PAGE_PARTS


@pytest.fixture
def people(db, make_resident, make_user):
    return {"amina": make_resident(username="amina", display_name="Amina"),
            "bilal": make_resident(username="bilal", display_name="Bilal"),
            "modo": make_user("modo", roles=("moderator",)),
            "tina": make_user("tina", roles=("translator",))}


@pytest.fixture
def proposal(db, process, make_proposal, people):
    return make_proposal(process, people["amina"], title="Library cards", body="Cards at the **library**.")


def page(client, proposal_id: int, **args) -> str:
    response = client.get(f"/proposals/{proposal_id}", query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def hits(app) -> int:
    with app.app_context():
        return PAGE_PARTS.stats().hits


def user(db, username: str) -> User:
    return db.session.scalar(db.select(User).where(User.username == username))


def test_every_change_shows_at_once(app, client, db, proposal, people):
    pid = proposal.id
    assert "<strong>library</strong>" in page(client, pid)
    before = hits(app)
    assert "<strong>library</strong>" in page(client, pid)
    assert hits(app) == before + 1  # the second view is served from the cached copy

    def change(action, expected, gone=None, **args):
        action()
        db.session.commit()
        html = page(client, pid, **args)
        assert expected in html
        if gone is not None:
            assert gone not in html

    def current():
        return db.session.get(type(proposal), pid)

    change(lambda: proposals.update_proposal(current(), user(db, "amina"), title="Library cards for all",
                                             body="Cards at the *desk*.", language="en"),
           "<em>desk</em>", gone="<strong>library</strong>")
    assert "Library cards for all" in page(client, pid)
    change(lambda: proposals.answer(current(), user(db, "modo"), state="under_review", language="en",
                                    text="The services **study** it."),
           "<strong>study</strong>")
    assert "Under review" in page(client, pid)
    change(lambda: proposals.answer(current(), user(db, "modo"), state="qualified", language="en",
                                    text="It is **qualified**."),
           "<strong>qualified</strong>")
    assert "badge badge--ok" in page(client, pid)
    change(lambda: proposals.support(current(), user(db, "bilal")), "1 support", gone="0 supports")
    change(lambda: accounts.update_profile(user(db, "amina"), display_name="Amina K.", language="en",
                                           email=None),
           "Proposed by Amina K.")
    change(lambda: moderation.hide(current(), user(db, "modo"), "Off-topic here"), "Off-topic here",
           gone="<em>desk</em>")
    change(lambda: moderation.restore(current(), user(db, "modo")), "<em>desk</em>", gone="Off-topic here")
    # translations last: ``?lang=fr`` keeps the reader in French
    change(lambda: proposals.translate(current(), user(db, "tina"), language="fr",
                                       title="Cartes de bibliothèque", body="Des cartes au *guichet*."),
           "<em>guichet</em>", gone="<em>desk</em>", lang="fr")
    html = page(client, pid, original="1")
    assert "<em>desk</em>" in html and "<em>guichet</em>" not in html
    assert f'href="/proposals/{pid}"' in html  # back to the translation
    change(lambda: proposals.translate(current(), user(db, "tina"), language="fr", title="Cartes pour tous",
                                       body="Des cartes au *comptoir*."),
           "Cartes pour tous", gone="<em>guichet</em>")


def test_a_merge_shows_on_both_pages(client, db, process, make_proposal, people, proposal):
    other = make_proposal(process, people["bilal"], title="Longer opening hours", body="Open on Sundays.")
    first, second = proposal.id, other.id
    assert "merged into" not in page(client, first)
    page(client, second)
    target = proposals.merge([proposal, other], user(db, "modo"), title="A welcoming library",
                             body="Both ideas.", language="en")
    db.session.commit()
    html = page(client, first)
    assert "This proposal was merged into another one" in html and "A welcoming library" in html
    assert "Merged" in html
    merged = page(client, target.id)
    assert "Merged and reformulated by the moderators from proposals by Amina, Bilal" in merged
    assert "Longer opening hours" in merged and "This proposal merges" in merged


def test_a_translation_in_the_readers_language(client, db, proposal, people):
    pid = proposal.id
    html = page(client, pid, lang="fr")
    assert '<h1 id="proposal-title" lang="en">Library cards</h1>' in html
    assert f"/proposals/{pid}?original=1" not in html
    proposals.translate(proposal, user(db, "tina"), language="fr", title="Cartes", body="Des *cartes*.")
    db.session.commit()
    html = page(client, pid)
    assert '<h1 id="proposal-title" lang="fr">Cartes</h1>' in html and "<em>cartes</em>" in html
    assert f"/proposals/{pid}?original=1" in html


def test_no_reader_sees_another_readers_links(client, db, proposal, people):
    pid = proposal.id
    edit = f"/proposals/{pid}/edit"
    withdraw = f"/proposals/{pid}/withdraw"
    answer = f"/proposals/{pid}/answer"
    client.sign_in("amina")
    html = page(client, pid)
    assert edit in html and withdraw in html and answer not in html
    client.sign_out()
    html = page(client, pid)  # the same content, now for a visitor
    assert edit not in html and withdraw not in html and answer not in html
    assert f"/proposals/{pid}/translate" not in html and 'name="csrf_token"' not in html
    client.sign_in("modo")
    html = page(client, pid)
    assert answer in html and edit not in html and withdraw not in html
    client.sign_out()
    client.sign_in("bilal")
    html = page(client, pid)
    assert "Support this proposal" in html and edit not in html and answer not in html
    proposals.support(proposal, user(db, "bilal"))
    db.session.commit()
    html = page(client, pid)
    assert "You support this proposal." in html and "Take back my support" in html
    client.sign_out()
    html = page(client, pid)
    assert "You support this proposal." not in html and "Take back my support" not in html


def test_a_hidden_text_only_for_moderators(client, db, proposal, people):
    pid = proposal.id
    moderation.hide(proposal, user(db, "modo"), "Off-topic here")
    db.session.commit()
    html = page(client, pid)
    assert "Off-topic here" in html and "<strong>library</strong>" not in html
    client.sign_in("modo")
    assert "<strong>library</strong>" in page(client, pid)
    client.sign_out()
    assert "<strong>library</strong>" not in page(client, pid)


def test_a_draft_is_for_its_author(client, db, process, make_proposal, people):
    draft = make_proposal(process, people["amina"], title="Not yet", publish=False)
    assert client.get(f"/proposals/{draft.id}").status_code in (302, 303)
    client.sign_in("amina")
    html = page(client, draft.id)
    assert "This is a draft. Only you can see it." in html
    assert client.get("/proposals/999999").status_code == 404


def test_a_fact_check_note_shows_at_once(client, db, proposal, people):
    pid = proposal.id
    assert "fact-check" not in page(client, pid)
    note_id = moderation.add_note(proposal, user(db, "modo"), "The library is *open* on Sundays.",
                                  ["https://example.org/hours"]).id
    db.session.commit()
    html = page(client, pid)
    assert "<em>open</em>" in html and "https://example.org/hours" in html
    from consult.moderation.models import FactCheckNote

    moderation.remove_note(db.session.get(FactCheckNote, note_id), user(db, "modo"))
    db.session.commit()
    assert "<em>open</em>" not in page(client, pid)
