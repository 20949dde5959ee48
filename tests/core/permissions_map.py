"""The map of who may do what: action × person × state of the object, as the policy engine answers.

One table per action of the votes, meetings, councils, residency, debates and moderation modules, and for
posting a comment. Rows are states of the object acted on (a poll draft, open, closed or out of its time
window; a motion in each step of its vote; a session in each phase; the eligibility rule a poll uses; a
debate before, during and after it runs; the process a proposal or a comment belongs to); columns
are the people of ``PEOPLE`` who matter for that action (the verification levels of residents, the seats of a
council and their dates). ``tests/core/test_permissions_map.py`` builds every person and object and checks
each cell against ``policies.decide``; the same data writes ``docs/permissions.md``::

    .venv/bin/python -m tests.core.permissions_map      # rewrites docs/permissions.md

and a test fails when the committed file differs from what the data writes. Routes (the HTTP answers of every
page) have their own matrix in ``tests/core/authz_matrix.py``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"

#: what a cell says
SYMBOLS = {
    "ok": "allowed",
    "in": "refused until the person signs in (pages send them to sign in and back)",
    "ver": "refused until the person verifies their residence (the refusal links to it)",
    "desk": "refused until a registrar records the birth year in person (the refusal links to the one-time "
            "code)",
    "no": "refused, with the rule's reason",
    "done": "refused because it is done already (a second vote): 409",
}

#: who the columns are (each is built by the test; the council is the one the object belongs to)
PEOPLE = {
    "vis": "a visitor, not signed in",
    "acc": "an account whose residence is not verified",
    "res": "a verified resident born in 1990 (birth year recorded)",
    "u16": "a verified resident aged 15",
    "card": "a resident verified with a resident-card code (no birth year recorded)",
    "stat": "a verified resident who stated their birth year themselves",
    "exp": "a resident whose verification has expired",
    "blk": "a verified resident blocked by the moderators",
    "reg": "a registrar",
    "adm": "a platform administrator",
    "pres": "the council's president",
    "sec": "the council's secretary",
    "mem": "a member of the council (marked in the room during a sitting)",
    "away": "a member of the council who is not in the room",
    "voted": "a member of the council in the room who has voted on this motion",
    "obs": "an observer of the council (in the room during a sitting)",
    "ended": "a secretary of the council whose term ended yesterday",
    "next": "a member of the council whose term begins tomorrow",
    "other": "the secretary of another council",
    "pmod": "a platform moderator",
    "dmod": "a moderator of this debate only (its organiser)",
    "auth": "the author of the proposal or comment (a verified resident)",
}

TABLES = """
votes.view: read a poll's page
poll                                             | vis  res  adm
in preparation (draft)                           | no   no   ok
open                                             | ok   ok   ok
closed                                           | ok   ok   ok

votes.vote: vote in a poll
poll                                             | vis  acc  res  u16  card stat exp  blk  adm
quick poll, no rule: in preparation (draft)      | no   no   no   no   no   no   no   no   no
quick poll, no rule: open                        | ok   ok   ok   ok   ok   ok   ok   no   ok
quick poll, no rule: voting time over            | no   no   no   no   no   no   no   no   no
quick poll, no rule: closed                      | no   no   no   no   no   no   no   no   no
any account (rule: signed in): open              | in   ok   ok   ok   ok   ok   ok   no   ok
verified residents (rule: verified): open        | in   ver  ok   ok   ok   ok   ver  no   ver
secret ballot, residents aged 16 or over: open   | in   ver  ok   no   desk desk ver  no   ver
* Secret and named polls get the binding rule (verified residents aged 16 or over) unless they name another.
  A vote is binding: a birth year the resident stated themselves does not meet an age limit, a registrar
  must record it.
* A poll owned by a module is decided by that module's rule after the poll's own state: a secret motion's poll
  asks `motion.vote`.

votes.see_results: see a poll's results
poll                                             | vis  res  adm
secret ballot, open                              | no   no   no
named vote that shows live results, open         | ok   ok   ok
quick poll, open                                 | ok   ok   ok
closed                                           | ok   ok   ok

votes.manage: create, open and close polls
poll                                             | vis  res  adm
any                                              | in   no   ok

votes.enter_paper: enter or correct paper counts
poll                                             | vis  res  adm
any                                              | in   no   ok

votes.enter_paper_ballots: type whole paper ballots twice (ranked and approval-based methods)
poll                                             | vis  res  blk  reg  adm
ranked ballot: in preparation (draft)            | in   no   no   no   no
ranked ballot: open                              | in   no   no   ok   ok
ranked ballot: closed                            | in   no   no   ok   ok
any                                              | in   no   no   no   no
* Each slip is typed by two different people; the count takes a batch only when both copies of every slip
  agree. A module that owns polls (an election) may name its own officials with a rule of its own.

motion.vote: vote on a motion of a council session
motion (the session in progress)                 | vis  res  pres sec  mem  away voted obs  ended next adm
being written (the vote not opened)              | in   no   no   no   no   no   no    no   no    no   no
open, named vote                                 | in   no   ok   ok   ok   no   done  no   no    no   no
open, secret ballot                              | in   no   ok   ok   ok   no   done  no   no    no   no
open, show of hands                              | in   no   no   no   no   no   no    no   no    no   no
decided                                          | in   no   no   no   no   no   no    no   no    no   no
* A show of hands is counted by the secretary in the room; observers attend without a vote.

session.view: read a council session's page
session                                          | vis  res  pres sec  mem  obs  ended next other adm
in preparation (draft)                           | in   no   ok   ok   no   no   no    no   no    ok
convened                                         | ok   ok   ok   ok   ok   ok   ok    ok   ok    ok
in progress                                      | ok   ok   ok   ok   ok   ok   ok    ok   ok    ok
closed                                           | ok   ok   ok   ok   ok   ok   ok    ok   ok    ok

session.manage: prepare, convene, run and close a session (agenda, roll call, motions)
session                                          | vis  res  pres sec  mem  obs  ended next other adm
in preparation (draft)                           | in   no   ok   ok   no   no   no    no   no    ok
in progress                                      | in   no   ok   ok   no   no   no    no   no    ok
closed                                           | in   no   ok   ok   no   no   no    no   no    ok
* Whoever may manage a closed session is still refused any change by the service (a closed session is locked).

council.view: read a council's page
council                                          | vis  res  pres sec  mem  obs  ended other adm
any                                              | ok   ok   ok   ok   ok   ok   ok    ok    ok

council.create: create a council
council                                          | vis  res  pres sec  mem  obs  ended other adm
none yet                                         | in   no   no   no   no   no   no    no    ok

council.edit: edit a council's description and settings
council                                          | vis  res  pres sec  mem  obs  ended other adm
any                                              | in   no   no   no   no   no   no    no    ok

council.manage_members: give and end seats
council                                          | vis  res  pres sec  mem  obs  ended other adm
any                                              | in   no   no   no   no   no   no    no    ok

council.manage_sessions: plan the council's sessions
council                                          | vis  res  pres sec  mem  obs  ended other adm
any                                              | in   no   ok   ok   no   no   no    no    ok

council.set_participation: say whether accounts not verified yet may comment and report in its processes
council                                          | vis  res  pres sec  mem  obs  ended other adm
any                                              | in   no   ok   ok   no   no   no    no    ok

residency.verify_self: verify one's own residence
person                                           | vis  acc  res  card exp  reg  adm
themselves                                       | in   ok   ok   ok   ok   ok   ok

residency.declare_birth_year: state one's birth year
person                                           | vis  acc  res  card exp  reg  adm
themselves                                       | in   ver  ok   ok   ver  ver  ver

residency.manage: run the register, codes and in-person checks
person                                           | vis  acc  res  card exp  reg  adm
anyone                                           | in   no   no   no   no   ok   ok

residency.manage_rules: write eligibility rules
person                                           | vis  acc  res  card exp  reg  adm
anyone                                           | in   no   no   no   no   no   ok

comment.post: comment on a proposal
proposal                                         | vis  acc  res  exp  blk  auth adm
of a process that feeds no council               | in   ok   ok   ok   no   ok   ok
of a council's process (as by default)           | in   ok   ok   ok   no   ok   ok
of a council's process, verified residents only  | in   ver  ok   ver  no   ok   ver
in a phase closed to comments                    | in   no   no   no   no   no   no
* "Verified residents only" is the council's setting (`council.set_participation`) for the proposals of the
  processes that feed it; by default any account may comment, as everywhere else.

moderation.report: report a proposal or a comment to the moderators
content                                          | vis  acc  res  exp  blk  auth adm
of a process that feeds no council               | in   ok   ok   ok   no   no   ok
comment, of a process that feeds no council      | in   ok   ok   ok   no   no   ok
of a council's process (as by default)           | in   ok   ok   ok   no   no   ok
of a council's process, verified residents only  | in   ver  ok   ver  no   no   ver
comment, of a council's process, verified only   | in   ver  ok   ver  no   no   ver
* Nobody reports their own contribution. A comment belongs to the process of the proposal it is on.

moderation.moderate: hide, restore and answer reports, write fact-check notes
content                                          | vis  acc  res  pmod adm
any                                              | in   no   no   ok   ok

debate.view: read a debate, its questions and its projector screen
debate                                           | vis  acc  blk  pmod dmod adm
any                                              | ok   ok   ok   ok   ok   ok

debate.create: create a debate
debate                                           | vis  acc  blk  pmod dmod adm
none yet                                         | in   no   no   ok   no   ok

debate.moderate: run a debate's console (agenda, speakers, questions, polls) and read its record
debate                                           | vis  acc  blk  pmod dmod adm
any                                              | in   no   no   ok   ok   ok
* Whoever may moderate an ended debate is still refused any change by the services (409).

debate.participate: ask a question, like one, ask to speak
debate                                           | vis  acc  blk  pmod dmod adm
open to people without an account                | ok   ok   no   ok   ok   ok
for people with an account only                  | in   ok   no   ok   ok   ok
* Anonymous people are told apart by a random key kept in their browser's session. The services refuse any
  change to an ended debate (409), and asking to speak before it starts.

debate.register: take a place (or one on the waiting list)
debate                                           | vis  acc  blk  pmod dmod adm
any                                              | in   ok   no   ok   ok   ok

debate.vote: answer a debate's live poll
debate                                           | vis  acc  blk  pmod dmod adm
not started                                      | no   no   no   no   no   no
live, open to people without an account          | ok   ok   no   ok   ok   ok
paused, open to people without an account        | ok   ok   no   ok   ok   ok
live, for people with an account only            | in   ok   no   ok   ok   ok
ended                                            | no   no   no   no   no   no
* The votes engine asks it when a ballot is cast (`votes.vote`: the poll open, the person not blocked, then
  the owner's rule). One ballot per account or browser key.
"""


@dataclass
class Table:
    action: str
    about: str
    #: what the rows are states of
    subject: str
    columns: list[str]
    #: state → {person: symbol}
    rows: dict[str, dict[str, str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def tables(text: str = TABLES) -> list[Table]:
    """The tables of ``TABLES``: an ``action: what it is`` line, a header, rows ``state | symbols``, notes."""
    found: list[Table] = []
    for block in text.strip().split("\n\n"):
        lines = block.splitlines()
        action, about = (part.strip() for part in lines[0].split(":", 1))
        subject, columns = (part.strip() for part in lines[1].split("|"))
        table = Table(action, about, subject, columns.split())
        for line in lines[2:]:
            if line.startswith("* "):
                table.notes.append(line[2:].strip())
            elif line.startswith("  ") and table.notes:
                table.notes[-1] += " " + line.strip()
            else:
                state, cells = (part.strip() for part in line.split("|"))
                symbols = cells.split()
                assert len(symbols) == len(table.columns), f"{action}: {state}: {len(symbols)} cells"
                assert set(symbols) <= set(SYMBOLS), f"{action}: {state}: {symbols}"
                table.rows[state] = dict(zip(table.columns, symbols, strict=True))
        unknown = set(table.columns) - set(PEOPLE)
        assert not unknown, f"{action}: unknown people {unknown}"
        found.append(table)
    return found


def _row(cells) -> str:
    return "| " + " | ".join(cells) + " |"


def markdown(text: str = TABLES) -> str:
    """``docs/permissions.md``: the tables with the people and symbols they use."""
    out = [
        "# Who may do what",
        "",
        "<!-- Written by `python -m tests.core.permissions_map` from tests/core/permissions_map.py; "
        "tests/core/test_permissions_map.py checks every cell against the policy engine. "
        "Do not edit by hand. -->",
        "",
        "Every answer to \"may this person do this here?\" comes from one named rule per action in",
        "the policy engine (`consult/core/policy.py`; each module registers its rules in its",
        "`policies.py`). Services ask the rule before they write (`enforce`), views before they act",
        "(`require`), pages and templates to show or hide (`can`); a refusal carries the reason the",
        "person reads. This map covers the votes, council sessions, councils, residency, debates,",
        "moderation and posting comments;",
        "the answer of every route for every demo role is in `tests/core/authz_matrix.py`.",
        "",
        "## People",
        "",
        _row(["", "who"]),
        _row(["---", "---"]),
        *(_row([f"`{key}`", who]) for key, who in PEOPLE.items()),
        "",
        "## Answers",
        "",
        _row(["", "meaning"]),
        _row(["---", "---"]),
        *(_row([f"`{key}`", meaning]) for key, meaning in SYMBOLS.items()),
        "",
    ]
    for table in tables(text):
        out += [f"## `{table.action}`: {table.about}", ""]
        out.append(_row([table.subject, *(f"`{c}`" for c in table.columns)]))
        out.append(_row(["---", *(":---:" for _ in table.columns)]))
        for state, cells in table.rows.items():
            out.append(_row([state, *(cells[c] for c in table.columns)]))
        if table.notes:
            out.append("")
            out += [f"- {note}" for note in table.notes]
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    DOC.write_text(markdown(), encoding="utf-8")
    sys.stdout.write(f"wrote {DOC}\n")
