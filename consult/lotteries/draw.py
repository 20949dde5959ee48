"""The draw of a civic lottery, from its open data alone: a standalone script (standard library and
``sortition-algorithms`` only, no Consult, no database).

Anyone re-runs a published draw with::

    pip install sortition-algorithms==0.12.15      # the version named in the open data ("library")
    curl -o lottery.json https://<site>/api/v1/lotteries/<id>
    python draw.py lottery.json                      # this file, or: flask lotteries redraw lottery.json

It prints, for the first draw and every replacement, the row ids drawn and whether they are those published.

How a draw goes (``docs`` of the lottery page say the same in words):

1. When the pool closes, its *input* is frozen and published: the number of seats, the categories with
   their values and quotas (min/max seats), and the pool: one row per volunteer, a random row id and the value
   of each category (no name, no account). ``pool_digest`` = SHA-256 of that input written as canonical JSON
   (:func:`canonical`). A public random value that nobody knows yet is named at the same time (the digits of a
   public lottery drawn on a given day, or a value whose SHA-256 the organiser publishes).
2. At the draw the value is revealed and typed in; ``seed`` = SHA-256 of the text ``pool_digest + value``
   (hex digest, then the value as typed, stripped of surrounding spaces), in hex.
3. The panel is drawn with the *maximin* algorithm of sortition-algorithms (Flanigan et al., "Fair algorithms
   for selecting citizens' assemblies", Nature 2021) and its HiGHS solver: among all the panels that meet the
   quotas it finds a lottery that makes the smallest selection probability of any volunteer as large as
   possible, then draws one panel from it. Every random choice of the library comes from Python's ``random``
   seeded with the seed (read as a 256-bit integer), and HiGHS gets its seed from there. The library walks
   Python sets of strings, whose order changes with each process unless string hashing is fixed, so this
   script runs itself with ``PYTHONHASHSEED=0``.
4. A replacement (when a panelist declines) is a new draw of the seats given back, among the volunteers never
   drawn, with the quotas less the panelists kept (those who have not declined); its seed is
   SHA-256 of ``seed + ":replacement:" + number``.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading

ALGORITHM = "maximin"
SOLVER = "highspy"
#: the value of a category for a volunteer who did not answer it, or whose district/birth year is not known
NOT_GIVEN = "not_given"


def canonical(data) -> bytes:
    """The one way a draw's input is written before it is hashed: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def digest(draw_input: dict) -> str:
    return hashlib.sha256(canonical(draw_input)).hexdigest()


def seed_of(pool_digest: str, revealed_value: str) -> str:
    return hashlib.sha256((pool_digest + revealed_value.strip()).encode("utf-8")).hexdigest()


def replacement_seed(seed: str, number: int) -> str:
    return hashlib.sha256(f"{seed}:replacement:{number}".encode()).hexdigest()


def quotas_less(categories: list[dict], pool: list[dict], kept: list[str]) -> list[dict]:
    """The categories with their quotas less the seats the ``kept`` rows already hold."""
    features = {row["id"]: row["features"] for row in pool}
    result = []
    for category in categories:
        held: dict[str, int] = {}
        for row_id in kept:
            value = features[row_id][category["key"]]
            held[value] = held.get(value, 0) + 1
        values = [
            {
                **value,
                "min": max(0, value["min"] - held.get(value["key"], 0)),
                "max": max(0, value["max"] - held.get(value["key"], 0)),
            }
            for value in category["values"]
        ]
        result.append({**category, "values": values})
    return result


#: HiGHS prints its banner once per process, when the first solver is made (the library turns the solver's
#: output off only after making it); :func:`_without_banner` makes that first one with stdout muted
_banner = {"done": False}
_banner_lock = threading.Lock()


def _without_banner() -> None:
    """Make the process's first HiGHS solver with the standard output pointed at the null device, so that its
    banner never reaches a server's output (the solvers made after it print nothing; results are unchanged:
    this solver is thrown away)."""
    with _banner_lock:
        if _banner["done"]:
            return
        import highspy

        sys.stdout.flush()
        saved, null = os.dup(1), os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, 1)
            highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(null)
        _banner["done"] = True


def _problem(categories: list[dict], pool: list[dict]):
    """The library's features and people for a draw's input."""
    from requests.structures import CaseInsensitiveDict
    from sortition_algorithms.features import FeatureValueMinMax
    from sortition_algorithms.people import People

    _without_banner()
    features = CaseInsensitiveDict()
    for category in categories:
        features[category["key"]] = CaseInsensitiveDict(
            {
                value["key"]: FeatureValueMinMax(min=value["min"], max=value["max"])
                for value in category["values"]
            }
        )
    people = People([])
    for number, row in enumerate(sorted(pool, key=lambda r: r["id"])):
        people.add(row["id"], dict(row["features"]), features, number)
    return features, people


def feasible(categories: list[dict], pool: list[dict], seats: int) -> str | None:
    """None when some panel of ``seats`` rows meets the quotas, else why not (one quick integer program;
    no randomness involved)."""
    from sortition_algorithms import errors
    from sortition_algorithms.committee_generation import find_any_committee
    from sortition_algorithms.features import check_desired
    from sortition_algorithms.people import check_enough_people_for_every_feature_value

    features, people = _problem(categories, pool)
    try:
        check_desired(features, seats)
        check_enough_people_for_every_feature_value(features, people)
        find_any_committee(features, people, seats, [], SOLVER)
    except (errors.SortitionBaseError, ValueError, RuntimeError, AssertionError) as error:
        return str(error) or type(error).__name__
    return None


def select(categories: list[dict], pool: list[dict], seats: int, seed: str) -> dict:
    """Draw ``seats`` rows of ``pool`` meeting the quotas of ``categories``, from ``seed`` (hex).

    Returns ``{"selected": [row ids, sorted], "probabilities": {"min", "max", "mean"}}`` (the selection
    probabilities of the maximin lottery, over the rows of ``pool``) or ``{"error": text}``. Must run with
    ``PYTHONHASHSEED=0`` to give the same answer in every process (:func:`run`).
    """
    from sortition_algorithms import errors
    from sortition_algorithms.committee_generation import find_distribution_maximin, standardize_distribution
    from sortition_algorithms.core import lottery_rounding
    from sortition_algorithms.features import check_desired
    from sortition_algorithms.people import check_enough_people_for_every_feature_value
    from sortition_algorithms.utils import set_random_provider

    features, people = _problem(categories, pool)
    try:
        check_desired(features, seats)
        check_enough_people_for_every_feature_value(features, people)
        set_random_provider(int(seed, 16) or 1)
        committees, probabilities, _report = find_distribution_maximin(features, people, seats, [], SOLVER)
        committees, probabilities = standardize_distribution(committees, probabilities)
        # the same order in every run (the library's is a set's)
        ordered = sorted(zip(committees, probabilities, strict=True), key=lambda c: sorted(c[0]))
        committees, probabilities = [c for c, _ in ordered], [p for _, p in ordered]
        chosen = lottery_rounding(committees, probabilities, 1)[0]
    except (errors.SortitionBaseError, ValueError, RuntimeError, AssertionError) as error:
        return {"error": str(error) or type(error).__name__}
    marginals = dict.fromkeys(people, 0.0)
    for committee, probability in zip(committees, probabilities, strict=True):
        for row_id in committee:
            marginals[row_id] += probability
    values = list(marginals.values())
    return {
        "selected": sorted(chosen),
        "probabilities": {
            "min": round(min(values), 6),
            "max": round(max(values), 6),
            "mean": round(sum(values) / len(values), 6),
        },
    }


def run(request: dict) -> dict:
    """:func:`select` in a child process with ``PYTHONHASHSEED=0`` (what the platform does at every draw)."""
    import subprocess

    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--select"],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["the draw failed"])[-1]}
    return json.loads(done.stdout)


def draw_requests(lottery: dict) -> list[dict]:
    """The inputs of the published draws of an open-data lottery (first draw, then replacements)."""
    draw_input = lottery["draw_input"]
    pool = draw_input["pool"]
    requests = []
    for draw in lottery.get("draws") or []:
        excluded = set(draw.get("excluded") or [])
        rows = [row for row in pool if row["id"] not in excluded]
        categories = quotas_less(draw_input["categories"], pool, draw.get("kept") or [])
        requests.append(
            {"categories": categories, "pool": rows, "seats": draw["seats"], "seed": draw["seed"]}
        )
    return requests


def redraw(lottery: dict) -> list[dict]:
    """Re-run every published draw of ``lottery`` (the open-data JSON): one report per draw."""
    if "data" in lottery and isinstance(lottery["data"], dict):
        lottery = lottery["data"]
    reports = []
    if digest(lottery["draw_input"]) != lottery["pool_digest"]:
        reports.append({"number": None, "ok": False, "problem": "the pool's digest does not match its input"})
        return reports
    if seed_of(lottery["pool_digest"], lottery["revealed_value"]) != lottery["seed"]:
        reports.append({"number": None, "ok": False, "problem": "the seed does not follow from the value"})
        return reports
    for number, (draw, request) in enumerate(
        zip(lottery.get("draws") or [], draw_requests(lottery), strict=True)
    ):
        expected_seed = lottery["seed"] if number == 0 else replacement_seed(lottery["seed"], number)
        result = run(request)
        reports.append(
            {
                "number": number,
                "seed_ok": draw["seed"] == expected_seed,
                "selected": result.get("selected"),
                "published": sorted(draw["selected"]),
                "ok": draw["seed"] == expected_seed and result.get("selected") == sorted(draw["selected"]),
                "problem": result.get("error"),
            }
        )
    return reports


def main(argv: list[str]) -> int:
    if argv[1:] == ["--select"]:
        request = json.load(sys.stdin)
        answer = os.dup(1)
        os.dup2(2, 1)  # what the library and the solver print goes to stderr; the answer alone to stdout
        result = select(request["categories"], request["pool"], request["seats"], request["seed"])
        sys.stdout.flush()
        os.write(answer, json.dumps(result).encode())
        return 0
    if len(argv) != 2:
        print("usage: python draw.py <lottery.json from /api/v1/lotteries/<id>>", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as handle:
        reports = redraw(json.load(handle))
    for report in reports:
        if report["number"] is None:
            print(f"NOT VERIFIED: {report['problem']}")
            continue
        name = "first draw" if report["number"] == 0 else f"replacement {report['number']}"
        verdict = "same panel as published" if report["ok"] else "DIFFERENT from what was published"
        print(
            f"{name}: {verdict}: {', '.join(report['selected'] or [])}"
            + (f" ({report['problem']})" if report["problem"] else "")
        )
    return 0 if reports and all(r["ok"] for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
