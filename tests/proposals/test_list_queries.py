"""The proposals list reads a page of cards and the list's total in one statement (the total from the tally,
as a column of the page's rows); a page past the last one, or a search, counts on its own."""

from __future__ import annotations

import re

from tests.helpers import QueryCounter, text_of


def _list(client, url):
    with QueryCounter() as queries:
        response = client.get(url)
    assert response.status_code == 200
    tallies = [s for s in queries.statements if "proposal_tally" in s]
    return tallies, int(re.search(r"(\d+) proposals?\b", text_of(response)).group(1))


def test_the_cards_and_the_total_come_in_one_statement(client, db, process, make_proposal, make_resident):
    author = make_resident(username="amina")
    for n in range(3):
        make_proposal(process, author, title=f"Proposal number {n}")
    tallies, total = _list(client, f"/proposals?process_id={process.id}")
    assert total == 3
    assert len(tallies) == 1 and "substr(proposal.body" in tallies[0]  # the cards' statement
    # past the last page there is no row to carry it: the tally is asked on its own
    tallies, total = _list(client, f"/proposals?process_id={process.id}&page=9")
    assert total == 3 and len(tallies) == 2
    assert _list(client, "/proposals?q=number")[1] == 3  # a search counts its matches
