"""Counting participatory budgets (consult.votes.counting.budgets) against pabutools: greedy by votes and the
method of equal shares (cost utilities for approval ballots, points for cumulative ones; with and without the
"add1" completion) on random instances, and a real published instance (Wieliczka 2023, see tests/data)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from consult.budgets import pabulib
from consult.votes.counting import budgets

pabutools = pytest.importorskip("pabutools")

from pabutools.election import (  # noqa: E402
    Additive_Cardinal_Sat,
    AdditiveSatisfaction,
    ApprovalBallot,
    ApprovalProfile,
    Cost_Sat,
    CumulativeBallot,
    CumulativeProfile,
    Instance,
    Project,
)
from pabutools.rules import (  # noqa: E402
    exhaustion_by_budget_increase,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)
from pabutools.tiebreaking import TieBreakingRule  # noqa: E402


class PointsSat(AdditiveSatisfaction):
    """Greedy by points in pabutools' terms: a project's satisfaction per unit of cost is its points."""

    def __init__(self, instance, profile, ballot):
        super().__init__(instance, profile, ballot,
                         lambda inst, prof, ballot, project, pre: ballot.get(project, 0) * project.cost)


def pabutools_count(groups, costs, limit, *, points=False, completion="add1", tie_seed=""):
    """Greedy and equal shares by pabutools, with Consult's order of ties, as lists of project ids."""
    order = budgets.Profile(groups, costs, points=points, tie_seed=tie_seed).rank
    projects = {p: Project(str(p), costs[p]) for p in costs}
    instance = Instance(projects.values(), budget_limit=limit)
    if points:
        profile = CumulativeProfile(instance=instance)
        for ballot, weight in groups:
            for _ in range(weight):
                profile.append(CumulativeBallot({projects[p]: v for p, v in ballot.items() if v}))
        sat = Additive_Cardinal_Sat
    else:
        profile = ApprovalProfile(instance=instance)
        for ballot, weight in groups:
            for _ in range(weight):
                profile.append(ApprovalBallot(projects[p] for p in ballot))
        sat = Cost_Sat
    voted = {p for ballot, _w in groups for p in ballot if (ballot[p] if points else True)}
    # projects nobody voted for are never funded by Consult's rules
    instance = Instance((projects[p] for p in voted), budget_limit=limit)
    tie = TieBreakingRule(lambda inst, prof, proj: order[int(proj.name)])
    if completion == "add1":  # one more unit per voter until the result costs more than the budget
        mes = exhaustion_by_budget_increase(instance, profile, method_of_equal_shares,
                                            {"sat_class": sat, "tie_breaking": tie},
                                            budget_step=profile.num_ballots(), exhaustive_stop=False)
    else:
        mes = method_of_equal_shares(instance, profile, sat_class=sat, tie_breaking=tie)
    by_votes = PointsSat if points else Cost_Sat
    mes = list(mes)
    if completion == "add1":
        mes = list(greedy_utilitarian_welfare(instance, profile, sat_class=by_votes, tie_breaking=tie,
                                              initial_budget_allocation=mes))
    greedy = greedy_utilitarian_welfare(instance, profile, sat_class=by_votes, tie_breaking=tie)
    return [int(p.name) for p in greedy], [int(p.name) for p in mes]


def _random_instance(rng: random.Random, points: bool):
    costs = {i + 1: rng.randint(1, 60) * 10 for i in range(rng.randint(3, 9))}
    groups = []
    for _ in range(rng.randint(1, 12)):
        chosen = [p for p in costs if rng.random() < 0.35]
        groups.append(({p: rng.randint(1, 5) for p in chosen} if points else chosen, rng.randint(1, 4)))
    return groups, costs, rng.randint(50, 400)


@pytest.mark.parametrize("points", [False, True], ids=["approval", "cumulative"])
@pytest.mark.parametrize("completion", ["none", "add1"])
def test_both_rules_equal_pabutools_on_random_instances(points, completion):
    """4 × 60 = 240 random instances: greedy by votes, and equal shares (cost utilities for approval ballots,
    points for cumulative ones) alone or completed by "add1" then greedy."""
    rng = random.Random(f"{points}-{completion}")
    for _n in range(60):
        groups, costs, limit = _random_instance(rng, points)
        ours = budgets.count(groups, costs, limit, points=points, completion=completion, tie_seed="seed")
        greedy, shares = pabutools_count(groups, costs, limit, points=points, completion=completion,
                                         tie_seed="seed")
        assert ours["greedy"]["funded"] == greedy, (groups, costs, limit)
        assert sorted(ours["equal_shares"]["funded"]) == sorted(shares), (groups, costs, limit)
        for rule in budgets.RULES:
            result = ours[rule]
            assert result["spent"] == sum(costs[p] for p in result["funded"]) <= limit
            assert result["left"] == limit - result["spent"]
            assert set(result["reasons"]) == {str(p) for p in costs}


def test_reasons_say_why_each_project_won_or_lost():
    costs = {1: 60, 2: 50, 3: 40, 4: 10}
    # 1 is the most voted; 2 no longer fits after it; 3 fits; 4 has no vote
    groups = [((1,), 5), ((2,), 4), ((3,), 3)]
    result = budgets.count(groups, costs, 100, completion="none")
    greedy = result["greedy"]
    assert greedy["funded"] == [1, 3] and greedy["spent"] == 100 and greedy["left"] == 0
    assert greedy["reasons"]["2"] == {"code": "over_remaining_budget", "votes": 4, "cost": 50, "left": 40}
    assert greedy["reasons"]["4"]["code"] == "no_votes"
    shares = result["equal_shares"]
    # 12 voters with 100/12 each: 1's five supporters have 41.67 < 60, 2's four have 33.3 < 50, 3's 25 < 40
    assert shares["funded"] == [] and shares["reasons"]["1"]["code"] == "supporters_could_not_pay"
    assert shares["reasons"]["1"]["available"] == pytest.approx(500 / 12)
    completed = budgets.count(groups, costs, 100)["equal_shares"]
    assert completed["spent"] <= 100 and completed["funded"]
    codes = {completed["reasons"][str(p)]["code"] for p in completed["funded"]}
    assert codes <= {"funded", "funded_by_completion"}


def test_equal_shares_funds_a_minority_that_greedy_leaves_out():
    costs = {1: 40, 2: 40, 3: 40}
    groups = [((1, 2), 6), ((3,), 4)]  # 60 % want 1 and 2; 40 % want 3
    result = budgets.count(groups, costs, 100, completion="none")
    assert sorted(result["greedy"]["funded"]) == [1, 2]
    assert result["greedy"]["reasons"]["3"]["code"] == "over_remaining_budget"
    shares = result["equal_shares"]
    assert len(shares["funded"]) == 2 and 3 in shares["funded"]
    assert shares["rounds"][0]["per_voter"] == pytest.approx(40 / 6)
    assert shares["rounds"][1] == {"round": 2, "project": 3, "rho": 0.25, "per_voter": 10.0, "tied": [3]}


def test_blank_ballots_get_their_share_and_no_ballot_funds_nothing():
    assert budgets.count([], {1: 10}, 100)["equal_shares"]["funded"] == []
    assert budgets.count([], {1: 10}, 100)["greedy"]["funded"] == []
    shares = budgets.count([((1,), 1), ((), 9)], {1: 20}, 100, completion="none")["equal_shares"]
    assert shares["funded"] == [] and shares["share"] == 10  # 10 each: the one supporter has 10 < 20


WIELICZKA = Path(__file__).parent.parent / "data" / "poland_wieliczka_2023.pb"


def test_the_published_wieliczka_green_budget_gives_its_published_winners():
    """Wieliczka's Green Budget 2023 (6,586 voters, 64 projects, 1,000,000 PLN), counted by the city with
    equal shares and the "add1" completion: the 30 projects of its ``selected`` column."""
    pb = pabulib.load(WIELICZKA.read_text(encoding="utf-8"))
    assert pb.meta["rule"] == "equalshares/add1" and pb.budget == 1_000_000 and len(pb.votes) == 6586
    groups, points = pabulib.ballots(pb)
    result = budgets.count(groups, pb.costs(), pb.budget, points=points)
    shares = result["equal_shares"]
    assert sorted(shares["funded"]) == sorted(pb.selected()) and len(shares["funded"]) == 30
    assert shares["spent"] == 995_079 and shares["by_completion"] == []


def test_wieliczka_equals_pabutools():
    """pabutools' equal shares with the same final share per voter funds the same projects, and one unit
    more per voter would cost more than the budget; its greedy equals ours."""
    from pabutools.election import parse_pabulib

    instance, profile = parse_pabulib(str(WIELICZKA))
    pb = pabulib.load(WIELICZKA.read_text(encoding="utf-8"))
    groups, _points = pabulib.ballots(pb)
    result = budgets.count(groups, pb.costs(), pb.budget)
    n = profile.num_ballots()
    raised = int(result["equal_shares"]["share"] * n + 0.5) - pb.budget  # a whole number of units per voter
    assert raised % n == 0
    order = budgets.Profile(groups, pb.costs()).rank
    tie = TieBreakingRule(lambda inst, prof, proj: order[proj.name])
    limit = instance.budget_limit
    for more, fits in ((raised, True), (raised + n, False)):
        instance.budget_limit = limit + more
        found = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, tie_breaking=tie)
        if fits:
            assert sorted(p.name for p in found) == sorted(result["equal_shares"]["funded"])
        else:
            assert sum(p.cost for p in found) > limit
    instance.budget_limit = limit
    greedy = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat, tie_breaking=tie)
    assert [p.name for p in greedy] == result["greedy"]["funded"]


def test_a_pabulib_file_survives_a_round_trip():
    pb = pabulib.load(WIELICZKA.read_text(encoding="utf-8"))
    again = pabulib.load(pabulib.dump(pb.meta, pb.projects, pb.votes))
    assert again.meta == pb.meta and again.projects == pb.projects and again.votes == pb.votes
    text = pabulib.dump({"budget": 100, "vote_type": "cumulative"},
                        {"1": {"cost": 60, "name": "Park; with trees"}, "2": {"cost": 40, "name": "Bench"}},
                        [{"voter_id": "1", "vote": "1,2", "points": "3,2"}])
    back = pabulib.load(text)
    assert back.projects["1"]["name"] == "Park; with trees"
    assert pabulib.ballots(back) == ([({"1": 3, "2": 2}, 1)], True)
    with pytest.raises(pabulib.PbError):
        pabulib.load("nothing here")


def test_pabutools_reads_the_files_we_write(tmp_path):
    from pabutools.election import parse_pabulib

    pb = pabulib.load(WIELICZKA.read_text(encoding="utf-8"))
    written = tmp_path / "again.pb"
    written.write_text(pabulib.dump(pb.meta, pb.projects, pb.votes), encoding="utf-8")
    instance, profile = parse_pabulib(str(written))
    assert len(instance) == 64 and profile.num_ballots() == 6586 and instance.budget_limit == 1_000_000
    cumulative = tmp_path / "points.pb"
    cumulative.write_text(pabulib.dump({"budget": 100, "vote_type": "cumulative"},
                                       {"1": {"cost": 60, "name": "Park; trees"}, "2": {"cost": 40}},
                                       [{"voter_id": "1", "vote": "1,2", "points": "3,2"}]), encoding="utf-8")
    instance, profile = parse_pabulib(str(cumulative))
    assert [{p.name: int(v) for p, v in ballot.items()} for ballot in profile] == [{"1": 3, "2": 2}]
