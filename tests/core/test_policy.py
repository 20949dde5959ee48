"""The policy engine: composition of predicates and the answers a person gets."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from consult.core.policy import (
    REFUSED,
    SIGN_IN,
    Decision,
    Policies,
    always,
    has_role,
    is_admin,
    is_signed_in,
    never,
    predicate,
)


class Person(SimpleNamespace):
    def has_role(self, role, scope_type=None, scope_id=None):
        return (role, scope_type, scope_id) in self.roles


visitor = Person(is_authenticated=False, roles=set(), is_blocked=False)
resident = Person(is_authenticated=True, roles=set(), is_blocked=False)
admin = Person(is_authenticated=True, roles={("admin", None, None)}, is_blocked=False)
secretary_of_3 = Person(is_authenticated=True, roles={("secretary", "council", 3)}, is_blocked=False)


@predicate("odd ids only")
def odd(person, obj):
    return obj % 2 == 1


def test_and_refuses_with_first_failing_reason(app):
    with app.test_request_context():
        decision = (is_signed_in & odd)(visitor, 3)
        assert decision.kind == SIGN_IN
        decision = (is_signed_in & odd)(resident, 2)
        assert decision.kind == REFUSED and decision.message == "odd ids only"
        assert (is_signed_in & odd)(resident, 3)


def test_or_gives_last_reason(app):
    with app.test_request_context():
        rule = is_admin | odd
        assert rule(admin, 2)
        assert rule(resident, 3)
        assert rule(resident, 2).message == "odd ids only"


def test_not_needs_and_uses_its_own_reason(app):
    with app.test_request_context():
        rule = (~odd).because("even only")
        assert rule(resident, 2)
        assert rule(resident, 3).message == "even only"


def test_scoped_role(app):
    with app.test_request_context():
        rule = has_role("secretary", scope=lambda council: ("council", council.id))
        assert rule(secretary_of_3, SimpleNamespace(id=3))
        assert not rule(secretary_of_3, SimpleNamespace(id=4))
        assert not rule(visitor, SimpleNamespace(id=3))


@pytest.mark.parametrize(
    "person,expected",
    [(visitor, False), (resident, False), (admin, True), (secretary_of_3, False)],
)
def test_admin_table(app, person, expected):
    with app.test_request_context():
        assert bool((is_signed_in & is_admin)(person)) is expected


def test_registry_refuses_duplicates_and_unknown_actions():
    registry = Policies()
    registry.register("x.do", always)
    with pytest.raises(ValueError):
        registry.register("x.do", never)
    with pytest.raises(LookupError):
        registry.decide("y.do", resident)


def test_decision_truthiness():
    assert Decision()
    assert not Decision(REFUSED, "no")
