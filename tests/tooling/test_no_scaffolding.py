"""No scaffolding guards left in ``consult/``: modules are imported by name, so a missing one fails at
start-up instead of a part of the platform quietly disappearing (no ``importlib.util.find_spec``, no
``installed()``)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "consult"


def _guards(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "find_spec":
            yield node.lineno, "find_spec"
        elif isinstance(node, ast.Name) and node.id == "find_spec":
            yield node.lineno, "find_spec"
        elif isinstance(node, ast.FunctionDef) and node.name.lstrip("_") in ("installed", "has"):
            yield node.lineno, f"def {node.name}"


def test_no_module_is_looked_for_before_it_is_imported():
    found = [f"{path.relative_to(ROOT.parent)}:{line} {what}"
             for path in sorted(ROOT.rglob("*.py")) if "migrations" not in path.parts
             for line, what in _guards(ast.parse(path.read_text(encoding="utf-8")))]
    assert not found, "\n".join(found)


def test_the_check_sees_a_guard():
    tree = ast.parse("import importlib.util\n\ndef _installed(m):\n    return importlib.util.find_spec(m)\n")
    assert [what for _, what in _guards(tree)] == ["def _installed", "find_spec"]
