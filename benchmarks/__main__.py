"""Run every benchmark, or the ones named: ``python -m benchmarks [name ...]``.

Each benchmark also runs alone with its own options: ``python -m benchmarks.<name> --help``.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import traceback

import benchmarks


def available() -> dict[str, str]:
    """Every benchmark module with the first line of its docstring."""
    found = {}
    for info in pkgutil.iter_modules(benchmarks.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"benchmarks.{info.name}")
        if hasattr(module, "main"):
            found[info.name] = (module.__doc__ or "").strip().splitlines()[0] if module.__doc__ else ""
    return dict(sorted(found.items()))


def _in_all(name: str) -> bool:
    """Whether ``python -m benchmarks`` without names runs it (``goals`` runs the others again: not)."""
    return getattr(importlib.import_module(f"benchmarks.{name}"), "INCLUDED_IN_ALL", True)


def main(argv: list[str]) -> int:
    names = available()
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Run the benchmarks (figures are ratios measured in one run; JSON in "
                    "benchmarks/results/).",
        epilog="benchmarks:\n" + "\n".join(f"  {name:<20} {line}" for name, line in names.items())
        + "\n\nOne benchmark with its own options: python -m benchmarks.<name> --help",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", metavar="name",
                        help="benchmarks to run (default: all but goals, which runs several of them)")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in names]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    failed = []
    for name in args.names or [name for name in names if _in_all(name)]:
        print(f"\n== {name}", flush=True)
        try:
            importlib.import_module(f"benchmarks.{name}").main([])
        except Exception:  # one broken benchmark must not hide the others' figures
            traceback.print_exc()
            failed.append(name)
    if failed:
        print("\nfailed:", ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
