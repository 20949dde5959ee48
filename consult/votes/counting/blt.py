"""The BLT ballot file: the anonymous ballots of a ranked election, which other counting programs read
(OpenSTV, the ERS's programs, Droop, votekit's loaders after a conversion...).

The format, line by line::

    4 2                  number of candidates, number of seats
    -3                   optional: the withdrawn candidates, as negative numbers
    12 1 3 2 0           one line per group of identical ballots: weight, preferences (candidate numbers
    7 2 0                from 1, most preferred first), 0
    0                    end of the ballots
    "Ana Ruiz"           the candidates' names in double quotes, in the order of their numbers
    "Bilal Haddad"
    "Chen Wei"
    "Dara Okafor"
    "Council of Cultures 2025"   the title

Anonymous by construction: identical ballots are written once with their number (the weight), and the
groups are written in a fixed order (most numerous first, then by their preferences) that says nothing
about the order in which ballots were cast. Candidates are numbered in the order given (the order of the
ballot paper). A double quote inside a name or the title is written as a single quote (the format has no
escape).
"""

from __future__ import annotations

import shlex


def write(ballots, candidates, names: dict, seats: int, title: str, *, withdrawn=()) -> str:
    """The BLT text of ``ballots`` (``(ranking tuple of candidate ids, weight)`` pairs) for ``candidates``
    (ids in ballot-paper order) with ``names`` (id -> name)."""
    number = {c: i for i, c in enumerate(candidates, start=1)}
    groups: dict = {}
    for ranking, weight in ballots:
        prefs = tuple(number[c] for c in ranking if c in number)
        if prefs and weight > 0:
            groups[prefs] = groups.get(prefs, 0) + weight
    lines = [f"{len(candidates)} {max(1, int(seats))}"]
    gone = [-number[c] for c in candidates if c in set(withdrawn)]
    if gone:
        lines.append(" ".join(str(n) for n in gone))
    for prefs, weight in sorted(groups.items(), key=lambda item: (-item[1], item[0])):
        lines.append(" ".join(str(n) for n in (weight, *prefs, 0)))
    lines.append("0")
    lines.extend(_quoted(names.get(c, str(c))) for c in candidates)
    lines.append(_quoted(title))
    return "\n".join(lines) + "\n"


def _quoted(text) -> str:
    return '"' + " ".join(str(text).replace('"', "'").split()) + '"'


def read(text: str) -> dict:
    """Read a BLT text: ``{"candidates": number, "seats", "withdrawn": [numbers], "ballots": [(preferences
    tuple of numbers from 1, weight)], "names": [...], "title"}``. Raises ValueError on a malformed file."""
    tokens = shlex.split(text, posix=True)  # names in double quotes are one token each
    try:
        count, seats = int(tokens[0]), int(tokens[1])
        i = 2
        withdrawn = []
        while tokens[i].startswith("-"):
            withdrawn.append(-int(tokens[i]))
            i += 1
        ballots = []
        while tokens[i] != "0":
            weight = int(tokens[i])
            i += 1
            prefs = []
            while tokens[i] != "0":
                prefs.append(int(tokens[i]))
                i += 1
            i += 1
            ballots.append((tuple(prefs), weight))
        i += 1
        names = tokens[i:i + count]
        title = tokens[i + count] if len(tokens) > i + count else ""
    except (IndexError, ValueError) as error:
        raise ValueError(f"not a BLT file: {error}") from None
    if len(names) != count or any(not 1 <= p <= count for prefs, _ in ballots for p in prefs):
        raise ValueError("not a BLT file: candidate numbers and names do not match")
    return {"candidates": count, "seats": seats, "withdrawn": withdrawn, "ballots": ballots, "names": names,
            "title": title}
