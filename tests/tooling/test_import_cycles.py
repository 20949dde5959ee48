"""No import cycles in ``consult/``: neither between packages (``consult.<package>``) nor between files.

The graph is read from the source with ``ast``: every ``import`` and ``from ... import`` naming a ``consult``
module, at module level or inside a function (an import moved into a function to break a cycle is the same
cycle, met later), except those under ``if TYPE_CHECKING:``, which never run.

- Packages: ``consult.<name>`` and everything under it is one node; the modules directly under ``consult/``
  (``cli``, ``config``, ``extensions``) are nodes of their own, and ``consult/__init__.py`` (``create_app``,
  which assembles every package) is left out: nothing in the packages may import it, except the
  application's entry points (:data:`ENTRY_POINTS`: the ASGI application a server loads).
- Files: an import names the file it loads (``from consult.x import y`` is ``consult/x/y.py`` when that file
  exists, else ``consult/x/__init__.py``). A module importing from its own package's ``__init__`` (the
  blueprint ``bp`` that ``__init__`` defines before importing its views) is the usual Flask layout, not a
  cycle: such edges to an enclosing package are not counted.

Run ``python tests/tooling/test_import_cycles.py`` to print the cycles with the lines that make them.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "consult"
EXCLUDED = ("consult.migrations",)
#: modules that build the application for a server (and that nothing imports)
ENTRY_POINTS = ("consult.asgi",)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = _module_name(path)
        if not name.startswith(EXCLUDED):
            found[name] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST, module: str, is_package: bool):
    """(imported name, line) for each name an import statement loads, outside ``if TYPE_CHECKING:``."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            skipped.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            for alias in node.names:
                yield f"{base}.{alias.name}", node.lineno


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The module a dotted name loads: the longest prefix that is a module of ours."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def file_graph() -> dict[str, dict[str, list[int]]]:
    """module -> {imported module: [lines]}, edges to the module's own enclosing packages left out."""
    modules = _modules()
    graph: dict[str, dict[str, list[int]]] = {name: defaultdict(list) for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for imported, line in _imports(tree, name, path.name == "__init__.py"):
            if not imported.startswith("consult"):
                continue
            target = _resolve(imported, modules)
            if target is None or target == name or name.startswith(target + "."):
                continue
            graph[name][target].append(line)
    return graph


def package_of(module: str) -> str | None:
    parts = module.split(".")
    return None if len(parts) == 1 else ".".join(parts[:2])


def package_graph() -> dict[str, dict[str, list[str]]]:
    """package -> {imported package: ["module:line", ...]}."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for module, targets in file_graph().items():
        source = package_of(module)
        if source is None:
            continue
        graph[source]
        for target, lines in targets.items():
            if target == "consult":  # create_app: only the application's entry points may import it
                graph[source]["consult"].extend(f"{module}:{line}" for line in lines)
                continue
            destination = package_of(target)
            if destination is not None and destination != source:
                graph[source][destination].extend(f"{module}:{line}" for line in lines)
    return graph


def cycles(graph) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def describe(graph, component: list[str]) -> str:
    members = set(component)
    lines = [" <-> ".join(component)]
    for source in component:
        for target, where in sorted(graph[source].items()):
            if target in members:
                lines.append(f"    {source} -> {target}: {', '.join(map(str, where))}")
    return "\n".join(lines)


def test_no_import_cycle_between_packages():
    graph = package_graph()
    assert not cycles(graph), "\n".join(describe(graph, c) for c in cycles(graph))


def test_no_package_imports_create_app():
    graph = package_graph()
    assert not any(point in targets for targets in graph.values() for point in ENTRY_POINTS)
    importers = {source: where["consult"] for source, where in package_graph().items()
                 if "consult" in where and source not in ENTRY_POINTS}
    assert not importers, importers


def test_no_import_cycle_between_files():
    graph = file_graph()
    assert not cycles(graph), "\n".join(describe(graph, c) for c in cycles(graph))


def test_the_graph_sees_imports_inside_functions_and_relative_ones():
    tree = ast.parse("from .models import Poll\n\ndef f():\n    from consult.core import audit\n"
                     "if TYPE_CHECKING:\n    from consult.accounts.models import User\n")
    names = {name for name, _ in _imports(tree, "consult.votes.services", False)}
    assert names == {"consult.votes.models.Poll", "consult.core.audit"}


if __name__ == "__main__":
    for title, graph in (("packages", package_graph()), ("files", file_graph())):
        found = cycles(graph)
        print(f"{len(found)} import cycle(s) between {title}")
        for component in found:
            print(describe(graph, component))
