"""A poll's owner adds fields to its polls' ``Spec`` (a participatory budget: the projects' costs, the money
to share and the rule that decides what is funded)."""

from __future__ import annotations

from consult.votes.casting import spec_for
from consult.votes.methods import Spec
from consult.votes.owners import _owners, register_owner


def test_spec_has_budget_fields_with_defaults():
    spec = Spec(option_ids=(1, 2))
    assert spec.costs == {} and spec.budget_limit is None and spec.pb_rule == "greedy"


def test_the_owner_adds_costs_limit_and_rule_to_its_polls_spec(db, make_poll):
    poll = make_poll("approval", ("Park", "Library"), owner_type="spec-test", owner_id=7)
    assert spec_for(poll).costs == {} and spec_for(poll).budget_limit is None
    register_owner("spec-test", spec_extras=lambda p: {
        "costs": {o.id: 100 * (i + 1) for i, o in enumerate(p.options)}, "budget_limit": 250,
        "pb_rule": "equal_shares"})
    try:
        spec = spec_for(poll)
        park, library = (o.id for o in poll.options)
        assert spec.costs == {park: 100, library: 200}
        assert spec.budget_limit == 250 and spec.pb_rule == "equal_shares"
        assert spec.option_ids == (park, library)
    finally:
        _owners.pop("spec-test", None)
    assert spec_for(poll).pb_rule == "greedy"
