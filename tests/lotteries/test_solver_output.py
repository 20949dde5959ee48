"""The solver says nothing on the server's standard output: HiGHS prints its banner the first time a process
makes a solver, which the quotas' checks do in the server's own process (closing a pool, replacements)."""

from __future__ import annotations

import subprocess
import sys

from consult.lotteries import draw as sortition

CHECK = """
from consult.lotteries import draw
categories = [{"key": "district", "values": [{"key": "north", "min": 1, "max": 2},
                                             {"key": "south", "min": 0, "max": 2}]}]
pool = [{"id": f"r{i}", "features": {"district": "north" if i % 2 else "south"}} for i in range(6)]
print(draw.feasible(categories, pool, 2))
categories[0]["values"][0]["min"] = 4
print(draw.feasible(categories, pool, 2) is not None)
"""


def test_the_quotas_check_prints_no_solver_banner():
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=120,
                          check=True, cwd=sortition.__file__.rsplit("/consult/", 1)[0])
    assert done.stdout.splitlines() == ["None", "True"], done.stdout
