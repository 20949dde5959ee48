"""The BLT ballot file: written anonymously (grouped ballots, fixed order), read back identically, and a file
read back elects the same candidates in another program (votekit has no BLT reader: ours reads the file,
votekit counts it)."""

from __future__ import annotations

import random

import pytest

from consult.votes.counting import blt, stv
from tests.votes.test_counting_stv import random_profile, surpluses_overlap, votekit_elected


@pytest.fixture
def counting_methods():
    """Pure Python: no application (this overrides the package's application fixture)."""


def test_the_file_reads_back_as_written():
    ballots = [((11, 13, 12), 5), ((12,), 2), ((11, 13, 12), 1), ((13, 11), 4), ((14, 99), 3), ((99,), 2)]
    names = {11: 'Ana "la Roja" Ruiz', 12: "Bilal Haddad", 13: "Chen Wei", 14: "Dara Okafor"}
    text = blt.write(ballots, [11, 12, 13, 14], names, 2, "Council of Cultures 2025", withdrawn=[14])
    assert text == ('4 2\n-4\n6 1 3 2 0\n4 3 1 0\n3 4 0\n2 2 0\n0\n'
                    '"Ana \'la Roja\' Ruiz"\n"Bilal Haddad"\n"Chen Wei"\n"Dara Okafor"\n'
                    '"Council of Cultures 2025"\n')
    read = blt.read(text)
    assert read == {"candidates": 4, "seats": 2, "withdrawn": [4],
                    "ballots": [((1, 3, 2), 6), ((3, 1), 4), ((4,), 3), ((2,), 2)],
                    "names": ["Ana 'la Roja' Ruiz", "Bilal Haddad", "Chen Wei", "Dara Okafor"],
                    "title": "Council of Cultures 2025"}


def test_random_profiles_round_trip_and_count_the_same():
    rng = random.Random(11)
    for _ in range(50):
        candidates, seats, groups = random_profile(rng)
        ids = [100 + c for c in candidates]
        ballots = [(tuple(100 + c for c in ranking), weight) for ranking, weight in groups]
        text = blt.write(ballots, ids, {c: f"Candidate {c}" for c in ids}, seats, "Test")
        read = blt.read(text)
        assert read["seats"] == seats and read["candidates"] == len(ids)
        assert sorted(read["ballots"]) == sorted((tuple(c - 100 for c in r), w) for r, w in ballots)
        mine = stv.count(ballots, ids, seats, tie_seed="s")
        again = stv.count(read["ballots"], list(range(1, len(ids) + 1)), read["seats"], tie_seed="s")
        assert [ids[n - 1] for n in again["winners"]] == mine["winners"] or again["tie_breaks"]


def test_a_file_read_back_elects_the_same_in_votekit():
    pytest.importorskip("votekit")
    rng = random.Random(12)
    compared = 0
    for _ in range(60):
        candidates, seats, groups = random_profile(rng)
        text = blt.write(groups, candidates, {c: str(c) for c in candidates}, seats, "Test")
        read = blt.read(text)
        mine = stv.count(groups, candidates, seats)
        if mine["tie_breaks"] or surpluses_overlap(mine):
            continue
        try:
            numbers = list(range(1, read["candidates"] + 1))
            theirs, tied = votekit_elected(numbers, read["seats"], read["ballots"])
        except ValueError:
            continue
        if tied:
            continue
        assert {candidates[n - 1] for n in theirs} == set(mine["winners"])
        compared += 1
    assert compared >= 40


def test_a_malformed_file_is_refused():
    with pytest.raises(ValueError):
        blt.read("3 1\n1 1 2 0\n0\n\"A\"\n")
    with pytest.raises(ValueError):
        blt.read("2 1\n1 3 0\n0\n\"A\"\n\"B\"\n\"T\"\n")
