"""The comment thread's HTML is cached between readers (``consult.comments.thread``): every change shows at
once, and no reader ever sees another reader's controls or CSRF token."""

from __future__ import annotations

import re

import pytest

from consult.accounts import services as accounts
from consult.accounts.erasure import erase_account
from consult.comments import services as comments
from consult.comments.thread import THREAD_HTML
from consult.moderation import services as moderation

TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def thread(db, process, make_proposal, make_resident, make_user):
    amina = make_resident(username="amina", display_name="Amina")
    bilal = make_resident(username="bilal", display_name="Bilal")
    make_resident(username="chloe", display_name="Chloe")
    make_user("modo", roles=("moderator",))
    proposal = make_proposal(process, amina)
    first = comments.post_comment(amina, proposal, "First **words**", "in_favour")
    second = comments.post_comment(bilal, proposal, "Second words", "against", parent=first)
    db.session.commit()
    return proposal, first, second


def page(client, proposal, **args) -> str:
    response = client.get(f"/proposals/{proposal.id}", query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def comments_part(html: str) -> str:
    return html.split('class="comment-thread"', 1)[1].split('class="comments__empty"')[0]


def cache_hits(app) -> int:
    with app.app_context():
        return THREAD_HTML.stats().hits


def test_every_change_shows_at_once(app, client, db, thread):
    from consult.accounts.models import User

    proposal, first, second = thread
    amina = db.session.get(User, first.author_id)
    modo = db.session.scalar(db.select(User).where(User.username == "modo"))
    assert "<strong>words</strong>" in page(client, proposal)
    hits = cache_hits(app)
    assert "<strong>words</strong>" in page(client, proposal)
    assert cache_hits(app) == hits + 1  # the second view is served from the cached copy

    def change(action, expected, gone=None):
        action()
        db.session.commit()
        html = comments_part(page(client, proposal))
        assert expected in html
        if gone:
            assert gone not in html

    change(lambda: comments.edit_comment(first, amina, "Changed words", "against"), "Changed words", "First")
    change(lambda: accounts.update_profile(amina, display_name="Amina K.", language="en", email=None),
           "Amina K.")
    change(lambda: moderation.hide(second, modo, "Off-topic here"),
           "Hidden by moderators: <bdi>Off-topic here</bdi>", "Second words")
    change(lambda: moderation.restore(second, modo), "Second words", "Off-topic here")
    change(lambda: comments.post_comment(modo, proposal, "A brand new reply", parent=second),
           "A brand new reply")
    change(lambda: comments.delete_comment(first, amina), "This comment was deleted by its author.",
           "Changed words")
    change(lambda: erase_account(db.session.get(User, second.author_id)), "Former participant", "Bilal")
    # the fact-check note is on the proposal, around the cached thread
    moderation.add_note(proposal, modo, "Context: the **desk** exists", [])
    db.session.commit()
    html = page(client, proposal)
    assert "Context from the moderators" in html and "the <strong>desk</strong> exists" in html


def test_one_reader_never_sees_another_readers_controls(client, db, thread):
    proposal, first, second = thread
    edit_a, delete_a = f"/comments/{first.id}/edit", f"/comments/{first.id}/delete"
    edit_b, delete_b = f"/comments/{second.id}/edit", f"/comments/{second.id}/delete"
    for _ in range(2):  # each reader twice: the second view comes from a cached copy
        client.sign_in("amina")
        for _ in range(2):
            html = comments_part(page(client, proposal))
            assert edit_a in html and delete_a in html and edit_b not in html and delete_b not in html
            assert f"/report/comment/{second.id}" in html or 'class="report-link"' in html
        client.sign_out()
        client.sign_in("bilal")
        for _ in range(2):
            html = comments_part(page(client, proposal))
            assert edit_b in html and delete_b in html and edit_a not in html and delete_a not in html
        client.sign_out()
        client.sign_in("chloe")
        html = comments_part(page(client, proposal))
        assert "/edit" not in html and "/delete" not in html and html.count('class="report-link"') == 2
        client.sign_out()
        html = comments_part(page(client, proposal))
        assert "/edit" not in html and 'class="report-link"' not in html and "parent_id" not in html


def test_each_reader_gets_their_own_csrf_token(app, db, thread, make_resident):
    proposal = thread[0]
    make_resident(username="dora", display_name="Dora")
    tokens = []
    for username in ("chloe", "dora"):  # the same kind of reader: the same cached thread
        client = app.test_client()
        client.sign_in(username)
        html = page(client, proposal)
        found = set(TOKEN_RE.findall(html))
        assert len(found) == 1  # the cached thread's forms carry this reader's token, like the whole page
        tokens.append(found.pop())
    assert tokens[0] != tokens[1]


def test_a_blocked_reader_loses_reply_and_report_links_at_once(client, db, thread):
    from consult.accounts.models import User

    proposal = thread[0]
    client.sign_in("chloe")
    html = comments_part(page(client, proposal))
    assert 'class="report-link"' in html and '/reply?next=' in html
    modo = db.session.scalar(db.select(User).where(User.username == "modo"))
    moderation.block(db.session.scalar(db.select(User).where(User.username == "chloe")), modo, "Spam")
    db.session.commit()
    response = client.get(f"/proposals/{proposal.id}")
    if response.status_code == 200:  # blocked people may still read
        html = response.get_data(as_text=True)
        assert 'class="report-link"' not in html and '/reply?next=' not in html


def test_the_language_is_the_readers(client, db, thread):
    proposal = thread[0]
    english = comments_part(page(client, proposal)).split("<time", 1)[1].split("</time>")[0]
    french = comments_part(page(client, proposal, lang="fr")).split("<time", 1)[1].split("</time>")[0]
    assert english != french  # the cached English thread is never shown to a French reader


def test_htmx_answer_and_full_page_show_the_new_reply_with_its_controls(app, client, db, thread):
    proposal, first, _ = thread
    client.sign_in("chloe")
    page(client, proposal)  # cached for this reader before the reply
    response = client.post_form(f"/comments/proposal/{proposal.id}",
                                {"body": "Chloe replies", "alignment": "neutral", "parent_id": str(first.id),
                                 "next": f"/proposals/{proposal.id}"}, htmx=True)
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert "Chloe replies" in fragment and "/edit" in fragment  # her own new comment: she may edit it
    assert 'hx-swap-oob="true"' in fragment
    full = comments_part(page(client, proposal))
    assert "Chloe replies" in full and full.count("/edit") == 1
    refused = client.post_form(f"/comments/proposal/{proposal.id}",
                               {"body": "", "alignment": "neutral", "parent_id": str(first.id),
                                "next": f"/proposals/{proposal.id}"}, htmx=True)
    assert refused.status_code == 422
    assert f'aria-describedby="reply-body-{first.id}-error"' in refused.get_data(as_text=True)
    # the refused form was not cached: the next view has no error in it
    assert f"reply-body-{first.id}-error" not in page(client, proposal)


def test_the_store_is_bounded(app):
    from consult.core.cache import LRUCache

    store = LRUCache(max_entries=3, max_size=100)
    for n in range(5):
        store.put(n, "x" * 10)
    assert len(store) == 3 and store.get(0) is None and store.get(4) == "x" * 10
    store.put("big", "y" * 95)
    assert store.get("big") == "y" * 95 and sum(1 for n in range(5) if store.get(n)) == 0


def test_an_unchanged_thread_is_not_read_again_and_a_changed_one_is(app, db, thread):
    from consult.accounts.models import User
    from consult.comments.thread import load_stamp

    proposal, first, _ = thread
    with app.test_request_context("/"):
        held = load_stamp(proposal)
        again = load_stamp(proposal)
        assert again.rows is held.rows and len(held.rows.rows) == 2 and again.version == held.version
        comments.edit_comment(first, db.session.get(User, first.author_id), "Edited words", "neutral")
        changed = load_stamp(proposal)
        assert changed.rows is not held.rows and changed.version != held.version
        assert "Edited words" in [row[4] for row in changed.rows.rows]


def test_a_long_thread_is_gzipped_from_its_cached_stream(app, client, db, process, make_proposal,
                                                         make_resident):
    """The thread's deflate stream is cached with its HTML: the gzip answer is the same page, byte for
    byte."""
    import gzip

    from consult.comments import paging
    from consult.core import compression

    authors = [make_resident(username=f"writer{n}", display_name=f"Writer {n}") for n in range(4)]
    proposal = make_proposal(process, authors[0])
    for n in range(90):
        comments.post_comment(authors[n % 4], proposal,
                              f"Point {n}: " + "a welcoming city listens to everyone. " * 16, "neutral")
    db.session.commit()
    compression.STREAMS.clear()
    def same(body: bytes) -> bytes:  # the CSRF token is masked afresh in every answer: two pages differ there
        return re.sub(rb'"X-CSRFToken": "[^"]+"|name="csrf_token" value="[^"]+"', b"TOKEN", body)

    plain = client.get(f"/proposals/{proposal.id}").get_data()
    # the first and the latest comments, around a link to the others
    shown = paging.FIRST.items + paging.LATEST.items
    assert plain.count(b'class="comment comment--depth-1"') == shown
    assert f"({90 - shown} comments not shown)".encode() in plain
    for _ in range(2):
        zipped = client.get(f"/proposals/{proposal.id}", headers={"Accept-Encoding": "gzip"})
        assert zipped.headers["Content-Encoding"] == "gzip"
        assert same(gzip.decompress(zipped.get_data())) == same(plain)
    stats = compression.STREAMS.stats()
    assert stats.misses == 1 and stats.hits == 1  # compressed once, then taken as it is


def test_stitched_gzip_is_one_valid_stream(app):
    import gzip
    import zlib

    from consult.core import compression

    part = "".join(f"<li>comment {n} — «مرحبا»</li>" for n in range(3000))
    body = ("<html><p>before</p>" + part + "<p>between</p>" + part[:40_000] + "<p>after</p></html>").encode()
    with app.app_context():
        stitched = compression.stitched_gzip(body, [part, part[:40_000]], level=6)
        assert compression.stitched_gzip(b"<html>nothing cached here</html>", [part], level=6) is None
    assert gzip.decompress(stitched) == body
    assert zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(stitched) == body


def test_comment_text_and_names_keep_their_own_direction_in_arabic(client, thread):
    """In a right-to-left page an English comment ends with its full stop on the right: each body has
    ``dir="auto"`` and each name is isolated."""
    proposal, _first, _second = thread
    html = page(client, proposal, lang="ar")
    assert 'dir="rtl"' in html
    assert html.count('class="comment__body prose" dir="auto"') == 2
    assert '<bdi class="comment__author">Amina</bdi>' in html


def _version(db, proposal):
    from consult.comments.models import CommentThread

    db.session.expire_all()
    row = db.session.get(CommentThread, ("proposal", proposal.id))
    return row.version if row is not None else None


def test_the_database_gives_the_thread_a_new_version_at_every_change_it_shows(app, db, thread, make_user):
    """Triggers, not the services, move the version: a change made by plain SQL moves it too; what the thread
    does not show (an account's sign-in, language or e-mail) does not."""
    import sqlalchemy as sa

    from consult.accounts.models import User
    from consult.comments.models import Comment

    proposal, first, second = thread
    amina, bilal = db.session.get(User, first.author_id), db.session.get(User, second.author_id)
    seen = [_version(db, proposal)]
    assert seen[0] is not None

    def moves(action):
        action()
        db.session.commit()
        seen.append(_version(db, proposal))
        assert seen[-1] not in seen[:-1], "the version did not change"

    def stays(action):
        action()
        db.session.commit()
        assert _version(db, proposal) == seen[-1], "the version changed for nothing the thread shows"

    moves(lambda: comments.post_comment(bilal, proposal, "A third", "neutral"))
    moves(lambda: comments.edit_comment(first, amina, "Edited", "neutral"))
    moves(lambda: db.session.execute(sa.update(Comment).where(Comment.id == second.id).values(body="By SQL")))
    moves(lambda: accounts.update_profile(bilal, display_name="Bilal B.", language="en", email=None))
    stays(lambda: accounts.update_profile(bilal, display_name="Bilal B.", language="fr",
                                          email="b@example.org"))
    stays(lambda: setattr(amina, "last_sign_in_at", amina.created_at))
    moves(lambda: erase_account(bilal))
    moves(lambda: db.session.execute(sa.delete(Comment).where(Comment.id == first.id)))
    other = make_user("other", verified=True, birth_year=1990)
    stays(lambda: accounts.update_profile(other, display_name="Someone else", language="en", email=None))
