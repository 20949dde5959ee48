"""No module in ``consult/`` over 400 lines: a module that grows past it is split by concern into sibling
modules (views by screen, services by rule, the generator by step), each saying in its docstring what it is
for. Alembic revisions are left out (generated)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "consult"
MAX_LINES = 400


def _too_long(paths) -> list[str]:
    found = []
    for path in paths:
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            found.append(f"{path}: {lines} lines")
    return found


def test_no_module_is_over_400_lines():
    found = _too_long(path for path in sorted(ROOT.rglob("*.py")) if "migrations" not in path.parts)
    assert not found, "\n".join(found)


def test_the_check_sees_a_long_module(tmp_path):
    long = tmp_path / "long.py"
    long.write_text("x = 1\n" * (MAX_LINES + 1))
    short = tmp_path / "short.py"
    short.write_text("x = 1\n" * MAX_LINES)
    assert _too_long([long, short]) == [f"{long}: {MAX_LINES + 1} lines"]
