"""The map of who may do what (``tests/core/permissions_map.py``) is what the policy engine answers, cell by
cell, and ``docs/permissions.md`` is what the map writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask_login import AnonymousUserMixin

from consult.core import time
from consult.core.models import utcnow
from consult.core.policy import CONFLICT, SIGN_IN, VERIFY, policies
from consult.councils import services as councils
from consult.debates import services as debates
from consult.extensions import db as _db
from consult.meetings import services as meetings
from consult.residency.models import LEVEL_SIGNED_IN, LEVEL_VERIFIED, EligibilityRule
from consult.votes import services as votes
from tests.core.permissions_map import DOC, markdown, tables

#: the modules whose actions the map covers, whole, and single actions of other modules
COVERED = ("votes.", "motion.", "session.", "council.", "residency.", "debate.", "moderation.")
ALSO = ("comment.post",)


def symbol(decision) -> str:
    """The map's word for a decision."""
    if decision:
        return "ok"
    if decision.kind == SIGN_IN:
        return "in"
    if decision.kind == VERIFY:
        return "ver"
    if decision.kind == CONFLICT:
        return "done"
    return {"residency.birth_year": "age", "residency.in_person_code": "desk"}.get(decision.endpoint, "no")


@dataclass
class World:
    people: dict
    council: object
    other: object


@pytest.fixture
def world(db, make_user) -> World:
    year, now = utcnow().year, utcnow()
    people = {
        "vis": AnonymousUserMixin(),
        "acc": make_user(),
        "res": make_user(verified=True, birth_year=1990),
        "u16": make_user(verified=True, birth_year=year - 15),
        "card": make_user(verified=True, method="card_code"),
        "stat": make_user(verified=True, birth_year=1990),
        "exp": make_user(verified=True, birth_year=1990),
        "blk": make_user(verified=True, birth_year=1990),
        "reg": make_user(roles=("registrar",)),
        "adm": make_user(roles=("admin",)),
        "pmod": make_user(roles=("moderator",)),
        "dmod": make_user(),
        "auth": make_user(verified=True, birth_year=1990),
    }
    people["stat"].resident_status.birth_year_declared = True
    people["exp"].resident_status.expires_at = now - timedelta(days=1)
    people["blk"].is_blocked = True
    council = councils.create_council(name="Council of Cultures", convocation_days=5)
    other = councils.create_council(name="Youth council")
    today = time.today()
    seats = {"pres": ("president", 30, None), "sec": ("secretary", 30, None), "mem": ("member", 30, None),
             "away": ("member", 30, None), "voted": ("member", 30, None), "obs": ("observer", 30, None),
             "ended": ("secretary", 60, today - timedelta(days=1)), "next": ("member", -1, None)}
    for key, (role, days_ago, ends_on) in seats.items():
        people[key] = make_user()
        councils.add_membership(council, people[key], role=role, starts_on=today - timedelta(days=days_ago),
                                ends_on=ends_on)
    people["other"] = make_user()
    councils.add_membership(other, people["other"], role="secretary", starts_on=today - timedelta(days=30))
    _db.session.commit()
    return World(people, council, other)


# ------------------------------------------------------------------------------------------------ objects


def _poll(*, opened=True, closed=False, method="single", **settings):
    settings.setdefault("question", "Which park first?")
    poll = votes.create_poll(method=method, options=["North park", "River park"], **settings)
    if opened:
        votes.open_poll(poll)
    if closed:
        votes.close_poll(poll)
    return poll


def _rule(name, level, min_age=None):
    rule = EligibilityRule(name=name, min_level=level, min_age=min_age, district_ids=[])
    _db.session.add(rule)
    _db.session.flush()
    return rule


def _polls(world):
    late = _poll(mode="open", closes_at=utcnow() + timedelta(days=1))
    late.closes_at = utcnow() - timedelta(minutes=1)
    return {
        "in preparation (draft)": _poll(opened=False),
        "open": _poll(),
        "closed": _poll(closed=True),
        "quick poll, no rule: in preparation (draft)": _poll(mode="open", opened=False),
        "quick poll, no rule: open": _poll(mode="open"),
        "quick poll, no rule: voting time over": late,
        "quick poll, no rule: closed": _poll(mode="open", closed=True),
        "any account (rule: signed in): open": _poll(rule=_rule("Accounts", LEVEL_SIGNED_IN)),
        "verified residents (rule: verified): open": _poll(rule=_rule("Residents", LEVEL_VERIFIED)),
        "secret ballot, residents aged 16 or over: open": _poll(mode="secret"),
        "secret ballot, open": _poll(mode="secret"),
        "named vote that shows live results, open": _poll(mode="named", results_before_close=True),
        "quick poll, open": _poll(mode="open"),
        "any": _poll(),
        "ranked ballot: in preparation (draft)": _poll(opened=False, method="ranked_irv"),
        "ranked ballot: open": _poll(method="ranked_irv"),
        "ranked ballot: closed": _poll(closed=True, method="ranked_irv"),
    }


def _session(world, *, phase):
    """A session of the world's council in ``phase``; in progress, everyone but ``away`` is in the room."""
    session = meetings.create_session(world.council, title="Ordinary session",
                                      starts_at=utcnow() + timedelta(days=10), place="Town hall")
    meetings.add_item(session, title="Resident cards", kind="decision")
    if phase == "draft":
        return session
    meetings.convene_session(session)
    if phase == "convened":
        return session
    session.starts_at = utcnow() - timedelta(minutes=1)
    meetings.start_session(session)
    away = world.people["away"].id
    meetings.record_attendance(session, [{"attendance_id": a.id, "arrived_at": None, "left_at": None,
                                          "status": "absent" if a.membership.user_id == away else "present"}
                                         for a in session.attendance])
    if phase == "closed":
        meetings.close_session(session)
    return session


def _sessions(world):
    return {"in preparation (draft)": _session(world, phase="draft"),
            "convened": _session(world, phase="convened"),
            "in progress": _session(world, phase="in_progress"),
            "closed": _session(world, phase="closed")}


def _motions(world):
    item = _session(world, phase="in_progress").items[0]
    voter = world.people["voted"]

    def motion(mode, *, opened=True, decided=False):
        made = meetings.add_motion(item, text=f"A {mode} motion", mode=mode)
        if opened:
            meetings.open_motion(made)
            if mode != "hands":
                meetings.cast_vote(made, voter, "yes")
        if decided:
            meetings.close_motion(made)
        return made

    return {"being written (the vote not opened)": motion("named", opened=False),
            "open, named vote": motion("named"),
            "open, secret ballot": motion("secret"),
            "open, show of hands": motion("hands"),
            "decided": motion("named", decided=True)}


def _councils(world):
    return {"any": world.council, "none yet": None}


def _debates(world):
    """Debates organised by ``dmod`` (who becomes their moderator), in each state of the map."""

    def debate(state="scheduled", anonymous=True):
        made = debates.create_debate(world.people["dmod"], title="Telling a different story",
                                     starts_at=utcnow() + timedelta(days=3), place="Biblioteca civica",
                                     allow_anonymous=anonymous)
        if state != "scheduled":
            debates.start_debate(made, world.people["dmod"])
        if state == "paused":
            debates.pause_debate(made, world.people["dmod"])
        if state == "ended":
            debates.end_debate(made, world.people["dmod"])
        return made

    return {"any": debate(), "none yet": None,
            "open to people without an account": debate(),
            "for people with an account only": debate(anonymous=False),
            "not started": debate(),
            "live, open to people without an account": debate("live"),
            "paused, open to people without an account": debate("paused"),
            "live, for people with an account only": debate("live", anonymous=False),
            "ended": debate("ended")}


def _contents(world):
    """Proposals by ``auth`` and a comment on each, in processes that feed no council, the world's council (as
    by default) and a council that asks for verified residents; and a proposal in a phase without comments."""
    from consult.comments import services as comments
    from consult.processes import services as processes
    from consult.proposals import services as proposals

    admin, author, now = world.people["adm"], world.people["auth"], utcnow()
    strict = councils.create_council(name="Council of Elders")
    councils.set_participation(strict, allow_unverified=False)

    def proposal(council=None, capabilities=None):
        process = processes.create_process(actor=admin, title="Welcoming city", support_threshold=3,
                                           council_id=council.id if council else None)
        processes.add_phase(process, actor=admin, kind="proposals", starts_at=now - timedelta(days=1),
                            ends_at=now + timedelta(days=30), capabilities=capabilities)
        made = proposals.create_draft(process, author, title="Resident cards", body="For everyone.",
                                      language="en")
        return proposals.publish(made, author)

    def comment(on):
        return comments.post_comment(author, on, "I agree.")

    free, default, verified = proposal(), proposal(world.council), proposal(strict)
    return {"of a process that feeds no council": free,
            "comment, of a process that feeds no council": comment(free),
            "of a council's process (as by default)": default,
            "of a council's process, verified residents only": verified,
            "comment, of a council's process, verified only": comment(verified),
            "in a phase closed to comments": proposal(capabilities=["propose", "support"]),
            "any": free}


def _nothing(world):
    return {"themselves": None, "anyone": None}


OBJECTS = {"votes.": _polls, "motion.": _motions, "session.": _sessions, "council.": _councils,
           "residency.": _nothing, "debate.": _debates, "comment.": _contents, "moderation.": _contents}


# ------------------------------------------------------------------------------------------------ the tests


@pytest.mark.parametrize("table", tables(), ids=lambda table: table.action)
def test_the_policy_engine_answers_as_the_map_says(world, table):
    make = next(make for prefix, make in OBJECTS.items() if table.action.startswith(prefix))
    objects = make(world)
    _db.session.commit()
    missing = set(table.rows) - set(objects)
    assert not missing, f"states without an object in {__name__}: {sorted(missing)}"
    wrong = []
    for state, expected in table.rows.items():
        for person, want in expected.items():
            decision = policies.decide(table.action, world.people[person], objects[state])
            got = symbol(decision)
            if got != want:
                wrong.append(f"{state:48} {person:6} map says {want:4} engine says {got} "
                             f"({decision.message})")
            if not decision:
                assert decision.message, f"{table.action} refuses {person} ({state}) without saying why"
    assert not wrong, (f"{table.action}: answers that differ from tests/core/permissions_map.py:\n"
                       + "\n".join(wrong))


def test_every_action_of_the_mapped_modules_is_on_the_map(app):
    registered = {action for action in policies.actions() if action.startswith(COVERED) or action in ALSO}
    assert registered == {table.action for table in tables()}


def test_docs_permissions_is_what_the_map_writes():
    assert DOC.read_text(encoding="utf-8") == markdown(), (
        "docs/permissions.md is out of date: run .venv/bin/python -m tests.core.permissions_map")
