"""No dead code in ``consult/``: vulture finds nothing at 80 % confidence or more (unused imports, unused
arguments and variables, unreachable code). An argument a caller's signature requires but the body does not
read (an SQLAlchemy event listener's ``mapper``) is named with a leading underscore."""

from __future__ import annotations

from pathlib import Path

import vulture

ROOT = Path(__file__).resolve().parents[2] / "consult"


def _findings(paths) -> list[str]:
    scan = vulture.Vulture()
    scan.scavenge([str(path) for path in paths])
    return [item.get_report() for item in scan.get_unused_code(min_confidence=80)]


def test_vulture_finds_no_dead_code_at_80_percent():
    found = _findings([ROOT])
    assert not found, "\n".join(found)


def test_the_check_sees_an_unused_argument(tmp_path):
    listener = tmp_path / "listener.py"
    listener.write_text("def on_insert(mapper, connection, target):\n    return connection, target\n")
    assert len(_findings([listener])) == 1
