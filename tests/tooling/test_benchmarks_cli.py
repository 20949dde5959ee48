"""The benchmarks answer ``--help`` with their options instead of running (or crashing)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NAMES = sorted(m.name for m in pkgutil.iter_modules([str(ROOT / "benchmarks")]) if not m.name.startswith("_"))


def _help(module: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", module, "--help"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)


def test_the_runner_lists_every_benchmark():
    done = _help("benchmarks")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: python -m benchmarks")
    for name in NAMES:
        assert f"  {name} " in done.stdout


@pytest.mark.parametrize("name", NAMES)
def test_each_benchmark_prints_its_help(name):
    done = _help(f"benchmarks.{name}")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage:"), done.stdout[:300]


def test_an_unknown_benchmark_is_refused():
    done = subprocess.run([sys.executable, "-m", "benchmarks", "no_such_thing"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "unknown benchmark" in done.stderr
