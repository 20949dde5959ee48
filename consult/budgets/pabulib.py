"""The pabulib ``.pb`` file: the research community's open format for participatory budgeting data.

The format (pabulib.org, "Pabulib: A Participatory Budgeting Library", Faliszewski et al. 2023): UTF-8 text
in three sections, each opened by a line with its name alone, fields separated by ``;`` (CSV quoting for a
field that holds a ``;``):

* ``META`` — a ``key;value`` header, then one ``key;value`` line each (``budget``, ``vote_type``: approval,
  cumulative, scoring or ordinal; ``rule``: e.g. ``greedy`` or ``equalshares/add1``; ``num_projects``,
  ``num_votes``, ``description``, ``unit``...);
* ``PROJECTS`` — a header line (``project_id;cost;...``: often ``votes``, ``name``, ``selected`` — 1 for the
  projects the city funded —, ``category``, ``target``...), then one line per project;
* ``VOTES`` — a header line (``voter_id;vote;...``: ``vote`` is the comma-separated project ids; for
  cumulative and scoring ballots ``points`` gives their points in the same order), then one line per voter.

:func:`load` reads a file into a :class:`PbFile` (every value kept as the text it was); :func:`dump` writes
one; :func:`ballots` turns a file's votes into the aggregated ballots that
:mod:`consult.votes.counting.budgets` counts.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field

from consult.core.csv_export import write_csv

SECTIONS = ("META", "PROJECTS", "VOTES")


class PbError(ValueError):
    """The text is not a pabulib file (the message says where)."""


@dataclass
class PbFile:
    meta: dict = field(default_factory=dict)
    #: project id -> the other columns of its line
    projects: dict = field(default_factory=dict)
    #: one dict per voter (``voter_id``, ``vote``, ``points``...)
    votes: list = field(default_factory=list)

    @property
    def budget(self) -> int:
        return int(float(self.meta.get("budget") or 0))

    @property
    def vote_type(self) -> str:
        return (self.meta.get("vote_type") or "approval").strip().lower()

    def costs(self) -> dict:
        return {pid: int(float(row.get("cost") or 0)) for pid, row in self.projects.items()}

    def selected(self) -> list:
        """The projects the file says were funded (its ``selected`` column), in the file's order."""
        return [pid for pid, row in self.projects.items() if str(row.get("selected", "")).strip() not in
                ("", "0")]


def load(text: str) -> PbFile:
    """Read a pabulib file; :class:`PbError` when a section or its header is missing."""
    pb = PbFile()
    section, header = None, None
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")
    for number, row in enumerate(rows, 1):
        if not row or not any(cell.strip() for cell in row):
            continue
        first = row[0].strip()
        if len(row) == 1 and first.upper() in SECTIONS:
            section, header = first.upper(), None
            continue
        if section is None:
            raise PbError(f"line {number}: text before the META section")
        cells = [cell.strip() for cell in row]
        if header is None:
            header = [cell.lower() for cell in cells]
            if section != "META" or header[:2] == ["key", "value"]:
                continue
            header = ["key", "value"]  # a META section without its header line
        values = dict(zip(header, cells, strict=False))
        if section == "META":
            pb.meta[cells[0]] = ";".join(cells[1:])
        elif section == "PROJECTS":
            pid = values.pop(header[0])
            pb.projects[pid] = values
        else:
            pb.votes.append(values)
    missing = [name for name, seen in (("META", pb.meta), ("PROJECTS", pb.projects)) if not seen]
    if missing:
        raise PbError(f"missing section: {', '.join(missing)}")
    return pb


def _line(cells) -> str:
    return write_csv([cells], delimiter=";", lineterminator="\n", verbatim=True)


def dump(meta: dict, projects: dict, votes: list) -> str:
    """The text of a pabulib file: ``projects`` maps a project id to its columns (``cost``, ``name``...),
    each vote is a dict with ``voter_id`` and ``vote`` (and ``points`` for cumulative ballots)."""
    parts = ["META\n", _line(["key", "value"])]
    parts += [_line([key, value]) for key, value in meta.items()]
    columns: list = []
    for row in projects.values():
        columns += [c for c in row if c not in columns and c != "project_id"]
    parts += ["PROJECTS\n", _line(["project_id", *columns])]
    parts += [_line([pid, *(row.get(c, "") for c in columns)]) for pid, row in projects.items()]
    vote_columns = ["voter_id", "vote"]
    for row in votes:
        vote_columns += [c for c in row if c not in vote_columns]
    parts += ["VOTES\n", _line(vote_columns)]
    parts += [_line([row.get(c, "") for c in vote_columns]) for row in votes]
    return "".join(parts)


def ballots(pb: PbFile) -> tuple[list, bool]:
    """The file's votes as aggregated ballots, and whether they carry points: ``([(ballot, weight)...],
    points)``, a ballot being a tuple of project ids (approval) or a ``{project id: points}`` dict
    (cumulative, scoring). Projects not in the PROJECTS section are left out."""
    points = pb.vote_type in ("cumulative", "scoring")
    known = set(pb.projects)
    counted: Counter = Counter()
    for row in pb.votes:
        chosen = [p.strip() for p in (row.get("vote") or "").split(",") if p.strip()]
        if points:
            given = [int(float(v)) for v in (row.get("points") or "").split(",") if v.strip()]
            pairs = zip(chosen, given, strict=False)
            ballot = tuple(sorted((p, v) for p, v in pairs if p in known and v > 0))
        else:
            ballot = tuple(sorted({p for p in chosen if p in known}))
        counted[ballot] += 1
    groups = [(dict(ballot) if points else ballot, weight) for ballot, weight in counted.items()]
    return groups, points
