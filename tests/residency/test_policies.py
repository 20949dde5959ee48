"""The policy table (person × action × rule → outcome), the eligibility admin page and the schema
guarantees."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from consult.core.models import utcnow
from consult.core.policy import (
    ALLOWED,
    REFUSED,
    SIGN_IN,
    VERIFY,
    Policies,
    always,
    is_not_blocked,
    is_signed_in,
)
from consult.extensions import db as _db
from consult.residency.models import EligibilityRule, RegisterEntry, ResidentStatus
from consult.residency.policies import check_rule, is_verified_resident, meets_eligibility
from tests.helpers import count, text_of

YEAR = utcnow().year


class Person(SimpleNamespace):
    is_authenticated = True
    is_blocked = False

    def has_role(self, role, scope_type=None, scope_id=None):
        return role in getattr(self, "roles", ())


def status(birth_year=None, district_id=None, *, expired=False, revoked=False, declared=False):
    now = utcnow()
    return ResidentStatus(method="register", verified_at=now - timedelta(days=10),
                          expires_at=now - timedelta(days=1) if expired else now + timedelta(days=100),
                          revoked_at=now if revoked else None, birth_year=birth_year, district_id=district_id,
                          birth_year_declared=declared)


PEOPLE = {
    "visitor": SimpleNamespace(is_authenticated=False, is_blocked=False),
    "unverified": Person(resident_status=None),
    "verified_30_d1": Person(resident_status=status(YEAR - 30, 1)),
    "verified_16_d2": Person(resident_status=status(YEAR - 16, 2)),
    "verified_15_d1": Person(resident_status=status(YEAR - 15, 1)),
    "verified_no_age": Person(resident_status=status(None, None)),
    "stated_30": Person(resident_status=status(YEAR - 30, None, declared=True)),
    "stated_15": Person(resident_status=status(YEAR - 15, None, declared=True)),
    "expired_30_d1": Person(resident_status=status(YEAR - 30, 1, expired=True)),
    "revoked_30_d1": Person(resident_status=status(YEAR - 30, 1, revoked=True)),
    "blocked_verified": Person(resident_status=status(YEAR - 30, 1), is_blocked=True),
}

RULES = {
    "none": None,
    "signed_in": EligibilityRule(name="open", min_level="signed_in", min_age=None, district_ids=[]),
    "binding_16": EligibilityRule(name="binding", min_level="verified", min_age=16, district_ids=[]),
    "district_1": EligibilityRule(name="district", min_level="verified", min_age=None, district_ids=[1]),
    "recorded_16": EligibilityRule(name="recorded", min_level="verified", min_age=16, district_ids=[],
                                   accept_declared_birth_year=False),
}


def platform_policies() -> Policies:
    """The platform's actions composed as the domains do (same predicates, a throwaway registry)."""
    reg = Policies()
    taking_part = is_signed_in & is_not_blocked
    eligible = meets_eligibility(lambda obj: obj.rule)
    reg.register("view", always)
    reg.register("comment", taking_part)
    reg.register("ask", taking_part)
    reg.register("propose", taking_part & is_verified_resident)
    reg.register("support", taking_part & is_verified_resident & eligible)
    reg.register("vote",
                 taking_part & is_verified_resident & meets_eligibility(lambda obj: obj.rule, binding=True))
    return reg


A, R, S, V = ALLOWED, REFUSED, SIGN_IN, VERIFY
# person, action, rule, expected outcome
TABLE = [
    ("visitor", "view", "binding_16", A),
    ("visitor", "comment", "none", S),
    ("visitor", "vote", "binding_16", S),
    ("unverified", "view", "none", A),
    ("unverified", "comment", "none", A),
    ("unverified", "ask", "none", A),
    ("unverified", "propose", "none", V),
    ("unverified", "support", "signed_in", V),
    ("unverified", "vote", "binding_16", V),
    ("verified_30_d1", "propose", "none", A),
    ("verified_30_d1", "support", "none", A),
    ("verified_30_d1", "vote", "binding_16", A),
    ("verified_30_d1", "vote", "district_1", A),
    ("verified_16_d2", "vote", "binding_16", A),
    ("verified_16_d2", "vote", "district_1", R),
    ("verified_15_d1", "vote", "binding_16", R),
    ("verified_15_d1", "vote", "district_1", A),
    ("verified_15_d1", "support", "signed_in", A),
    ("verified_no_age", "vote", "binding_16", R),
    ("verified_no_age", "vote", "district_1", R),
    ("verified_no_age", "vote", "signed_in", A),
    ("verified_no_age", "support", "binding_16", R),
    ("stated_30", "support", "binding_16", A),
    ("stated_30", "vote", "binding_16", R),
    ("stated_30", "support", "recorded_16", R),
    ("stated_15", "support", "binding_16", R),
    ("expired_30_d1", "vote", "binding_16", V),
    ("expired_30_d1", "comment", "none", A),
    ("revoked_30_d1", "vote", "binding_16", V),
    ("revoked_30_d1", "propose", "none", V),
    ("blocked_verified", "comment", "none", R),
    ("blocked_verified", "vote", "binding_16", R),
    ("blocked_verified", "view", "none", A),
]


@pytest.mark.parametrize("person,action,rule,expected", TABLE, ids=["-".join(row[:3]) for row in TABLE])
def test_policy_table(app, person, action, rule, expected):
    with app.test_request_context():
        decision = platform_policies().decide(action, PEOPLE[person], SimpleNamespace(rule=RULES[rule]))
        assert decision.kind == expected, decision.message
        if expected != ALLOWED:
            assert decision.message  # every refusal says why
        if expected == VERIFY:
            assert decision.link == "/verify"


def test_refusal_reasons_are_specific(app):
    with app.test_request_context():
        young = check_rule(PEOPLE["verified_15_d1"], RULES["binding_16"])
        assert "16" in young.message
        unknown_age = check_rule(PEOPLE["verified_no_age"], RULES["binding_16"])
        assert "birth year" in unknown_age.message
        assert unknown_age.link.startswith("/verify/in-person")  # a vote: a registrar records it in person
        to_state = check_rule(PEOPLE["verified_no_age"], RULES["binding_16"], binding=False)
        assert "state your birth year" in to_state.message and to_state.link.startswith("/verify/birth-year")
        assert "16" in check_rule(PEOPLE["stated_15"], RULES["binding_16"], binding=False).message
        assert "district" in check_rule(PEOPLE["verified_16_d2"], RULES["district_1"]).message


def test_default_binding_rule_is_verified_16_any_district(db):
    from consult.residency.services import default_binding_rule

    rule = default_binding_rule()
    assert (rule.min_level, rule.min_age, rule.district_ids) == ("verified", 16, [])
    assert default_binding_rule().id == rule.id


def test_registered_residency_actions(app, make_user, db):
    from consult.core.policy import policies

    admin, registrar, person = make_user(roles=("admin",)), make_user(roles=("registrar",)), make_user()
    with app.test_request_context():
        assert policies.decide("residency.manage", admin) and policies.decide("residency.manage", registrar)
        assert not policies.decide("residency.manage", person)
        assert policies.decide("residency.manage_rules", admin)
        assert not policies.decide("residency.manage_rules", registrar)


# -- eligibility admin page ----------------------------------------------------------------------------------


def test_admin_edits_eligibility_rules(client, make_user, db):
    from consult.residency.models import District

    district = District(code="porto", name="Porto")
    db.session.add(district)
    make_user("root", roles=("admin",))
    client.sign_in("root")
    form_html = client.get("/admin/eligibility/new").get_data(as_text=True).lower()
    form_html = form_html.split("<form", 2)[2].split("</form>", 1)[0]  # the rule form (after sign-out)
    for word in ("nationality", "citizenship", "legal status", "country"):
        assert word not in form_html
    response = client.post_form("/admin/eligibility/new", {"name": "Porto youth", "min_level": "verified",
                                                           "min_age": "14",
                                                           "district_ids": [str(district.id)]})
    assert response.status_code == 303
    rule = db.session.scalar(sa.select(EligibilityRule))
    assert (rule.min_age, rule.district_ids) == (14, [district.id])
    assert "Porto youth" in text_of(client.get("/admin/eligibility"))
    bad = client.post_form(f"/admin/eligibility/{rule.id}",
                           {"name": "x", "min_level": "citizen", "min_age": "200"})
    assert bad.status_code == 422
    db.session.refresh(rule)
    assert rule.name == "Porto youth"
    # extra fields are simply not part of the rule
    client.post_form(f"/admin/eligibility/{rule.id}",
                     {"name": "Porto", "min_level": "signed_in", "min_age": "",
                     "nationality": "any"})
    db.session.refresh(rule)
    assert rule.min_level == "signed_in" and rule.min_age is None


def test_eligibility_page_is_for_admins(client, make_user):
    make_user("giulia", roles=("registrar",))
    client.sign_in("giulia")
    assert client.get("/admin/eligibility").status_code == 403


# -- schema --------------------------------------------------------------------------------------------------

# "nationalit", not "nation" (destination); "country_of_origin", not "origin" (original_language)
FORBIDDEN = re.compile(r"nationalit|citizen|legal_?status|immigra|migra(nt|tion_status)|visa_|ethnic|religio"
                       r"|country_of_(birth|origin)|birth_?country|passport|document_?(number|no)|doc_?num|asylum")


def test_no_column_about_nationality_citizenship_or_legal_status(app):
    bad = [f"{t.name}.{c.name}" for t in _db.metadata.sorted_tables for c in t.columns
           if FORBIDDEN.search(c.name.lower())]
    assert bad == []
    rule_columns = set(EligibilityRule.__table__.columns.keys())
    assert rule_columns == {"id", "name", "min_level", "min_age", "district_ids",
                            "accept_declared_birth_year", "created_at", "updated_at"}


def test_register_table_cannot_hold_a_plaintext_number(app, db):
    table = RegisterEntry.__table__
    for column in table.columns:
        assert not isinstance(column.type, (sa.String, sa.Text, sa.JSON)), column.name
    digest = table.c.digest
    assert isinstance(digest.type, sa.LargeBinary) and digest.type.length == 32
    # the database itself refuses anything but 32 bytes in the digest column
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.insert(table).values(digest=b"AB1234567"))
        db.session.flush()
    db.session.rollback()
    assert count(RegisterEntry) == 0
