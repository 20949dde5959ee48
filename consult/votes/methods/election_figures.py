"""What the results of the election methods (STV, sequential Phragmén, equal shares) show, made ready for
their templates: the elected and the substitutes in order, the stages as table rows, and the geometry of the
server-rendered SVG chart of each candidate's votes at each stage (the table holds the same figures)."""

from __future__ import annotations

import math

#: the chart's drawing box (SVG user units); the chart is drawn left to right in every language
WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 76, 150, 12, 34


def _label(labels: dict, key) -> str:
    """The option's label for an option id (an int, or the str of one as JSON keys are)."""
    try:
        return labels.get(int(key), str(key))
    except (TypeError, ValueError):
        return labels.get(key, str(key))


def ordered(tally: dict, labels: dict) -> tuple[list[str], list[str]]:
    """The elected in order of election and the substitutes in order (the rest of ``order``)."""
    winners = list(tally.get("winners") or [])
    rest = [c for c in tally.get("order") or [] if c not in set(winners)]
    return [_label(labels, c) for c in winners], [_label(labels, c) for c in rest]


def stages(tally: dict, labels: dict) -> dict:
    """An STV count as the template draws it: ``rows`` (one per stage: number, action, candidate, transfer
    values, elected, non-transferable, exhausted, fractions), ``candidates`` (one per candidate in the
    result's order: label, status, the total and the transfer at each stage), and ``chart`` (axes, quota line
    and one polyline per candidate)."""
    rounds = tally.get("rounds") or []
    order = tally.get("order") or []
    winners = set(tally.get("winners") or [])
    excluded = {c: None for c in tally.get("excluded") or []}
    rows = []
    for r in rounds:
        rows.append({
            "number": r["stage"], "action": r["action"],
            "candidate": _label(labels, r["candidate"]) if r.get("candidate") is not None else "",
            "transfer_values": r.get("transfer_values") or [],
            "elected": [_label(labels, c) for c in r.get("elected") or []],
            "without_quota": bool(r.get("elected_without_quota")),
            "non_transferable": r.get("non_transferable", 0), "exhausted": r.get("exhausted", 0),
            "fractions": r.get("fractions", 0)})
        if r["action"] == "exclude":
            excluded[r["candidate"]] = r["stage"]
    candidates = []
    for c in order:
        key = str(c)
        cells = [{"votes": r["votes"].get(key, 0), "transfer": (r.get("transfers") or {}).get(key)}
                 for r in rounds]
        status = "elected" if c in winners else "excluded" if c in excluded else "continuing"
        candidates.append({"id": c, "label": _label(labels, c), "status": status, "cells": cells,
                           "last_stage": excluded.get(c) or len(rounds)})
    return {"rows": rows, "candidates": candidates, "quota": tally.get("quota"),
            "chart": _chart(candidates, len(rounds), tally.get("quota") or 0)}


def _chart(candidates: list, count: int, quota) -> dict:
    top = max([quota, *(cell["votes"] for c in candidates for cell in c["cells"])] or [1]) or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(stage: int) -> float:
        return round(LEFT + (plot_w * (stage - 1) / (count - 1) if count > 1 else plot_w / 2), 1)

    def y(votes) -> float:
        return round(TOP + plot_h * (1 - votes / top), 1)

    lines = []
    for c in candidates:
        points = [(x(i + 1), y(cell["votes"])) for i, cell in enumerate(c["cells"][:c["last_stage"]])]
        lines.append({"label": c["label"], "status": c["status"],
                      "points": " ".join(f"{px},{py}" for px, py in points),
                      "end_x": points[-1][0] if points else LEFT, "end_y": points[-1][1] if points else y(0)})
    step = max(1, math.ceil(count / 16))
    ticks = [{"stage": s, "x": x(s)} for s in range(1, count + 1) if (s - 1) % step == 0 or s == count]
    # the elected candidates' names at the right of the plot, spread so that they do not overlap
    names, last = [], None
    for line in sorted((ln for ln in lines if ln["status"] == "elected"), key=lambda ln: ln["end_y"]):
        ty = max(line["end_y"] + 4, (last or 0) + 14)
        names.append({"label": line["label"], "x": WIDTH - RIGHT + 8, "y": round(ty, 1)})
        last = ty
    return {"width": WIDTH, "height": max(HEIGHT, int((last or 0) + 8)), "left": LEFT, "right": WIDTH - RIGHT,
            "top": TOP, "bottom": HEIGHT - BOTTOM, "lines": lines, "ticks": ticks, "names": names,
            "max": top, "max_y": y(top), "quota": quota, "quota_y": y(quota) if quota else None,
            # the top of the scale is labelled unless the quota's label is there already
            "show_max": not quota or y(quota) - y(top) > 14}


def committee_rounds(tally: dict, labels: dict) -> list[dict]:
    """The rounds of sequential Phragmén or equal shares: who was taken, in which phase, at what load or
    cost, among which tied candidates, and whether as a substitute."""
    return [{"number": r["round"], "phase": r["phase"], "elected": _label(labels, r["elected"]),
             "cost": r.get("cost"), "max_load": r.get("max_load"), "substitute": r.get("substitute", False),
             "tied": [_label(labels, c) for c in r.get("tied") or []]}
            for r in tally.get("rounds") or []]
