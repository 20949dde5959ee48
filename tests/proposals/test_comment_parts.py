"""The parts of a proposal's comments (``comments.thread``, ``comments.replies``, ``comments.permalink``) are
for whoever may see the proposal."""

from __future__ import annotations

from consult.comments import services as comments


def test_the_comments_of_a_proposal_are_read_by_whoever_may_see_it(client, db, process, make_proposal,
                                                                   make_resident):
    author = make_resident(username="amina")
    draft = make_proposal(process, author, title="Still a draft", publish=False)
    published = make_proposal(process, author)
    comment = comments.post_comment(author, published, "Hello")
    db.session.commit()
    for url in (f"/comments/proposal/{published.id}", f"/comments/{comment.id}/replies"):
        response = client.get(url)
        assert response.status_code == 200 and "Hello" in response.get_data(as_text=True)
    assert client.get(f"/comments/{comment.id}").headers["Location"] == \
        f"/proposals/{published.id}#comment-{comment.id}"
    assert client.get(f"/comments/proposal/{draft.id}").status_code in (303, 403)  # as the draft's page
    assert client.get(f"/proposals/{draft.id}").status_code == client.get(
        f"/comments/proposal/{draft.id}").status_code
    client.sign_in("amina")
    assert client.get(f"/comments/proposal/{draft.id}").status_code == 200
    assert client.get("/comments/nothing/1").status_code == 404


def test_the_proposal_page_reads_its_thread_version_with_the_proposal(client, db, process, make_proposal,
                                                                      make_resident):
    """The page asks for the thread's rows only when the process does not hold those of its version: a
    proposal without comments, or one whose thread is held, runs no query for its comments."""
    from tests.helpers import QueryCounter

    author = make_resident(username="amina")
    proposal = make_proposal(process, author)
    url = f"/proposals/{proposal.id}"

    def thread_queries():
        with QueryCounter() as queries:
            html = client.get(url).get_data(as_text=True)
        return sum(s.lstrip().startswith("WITH thread_version") for s in queries.statements), html

    assert thread_queries()[0] == 0  # no comment yet
    comments.post_comment(author, proposal, "First words")
    db.session.commit()
    assert thread_queries()[0] == 1  # a new version: its rows are read
    count, html = thread_queries()
    assert count == 0 and "First words" in html  # held: no query
    comments.post_comment(author, proposal, "Second words")
    db.session.commit()
    count, html = thread_queries()
    assert count == 1 and "Second words" in html  # a change is seen at once
