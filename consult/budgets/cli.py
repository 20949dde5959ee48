"""``flask budgets ...``: participatory-budget commands. ``replay FILE.pb`` counts a published pabulib file
under both rules (greedy by votes, method of equal shares) and compares each with the projects the file says
were funded (its ``selected`` column)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

group = AppGroup("budgets", help="Participatory budgets: replay a published vote (pabulib .pb file).")

RULE_NAMES = {"greedy": "greedy by votes", "equal_shares": "method of equal shares"}


def _published_rule(meta: dict) -> str | None:
    rule = (meta.get("rule") or "").lower()
    if rule.startswith("equalshares") or rule.startswith("mes"):
        return "equal_shares"
    if rule.startswith("greedy"):
        return "greedy"
    return None


def replay_text(text: str, completion: str = "add1") -> tuple[list[str], bool]:
    """The report of a replay, line by line, and whether the rule the file names gives its published
    winners (True when the file names no rule we count, or has no ``selected`` column)."""
    from consult.budgets import pabulib
    from consult.votes.counting import budgets

    pb = pabulib.load(text)
    groups, points = pabulib.ballots(pb)
    costs = pb.costs()
    counted = budgets.count(groups, costs, pb.budget, points=points, completion=completion)
    selected = set(pb.selected())
    has_selected = any("selected" in row for row in pb.projects.values())
    published = _published_rule(pb.meta)
    lines = [f"{pb.meta.get('description') or pb.meta.get('unit') or 'Budget'}: {len(pb.projects)} projects, "
             f"{counted['ballots']} ballots ({pb.vote_type}), budget {pb.budget}; "
             f"published rule: {pb.meta.get('rule') or 'not given'}"]
    ok = True
    for rule in budgets.RULES:
        result = counted[rule]
        lines.append(f"{RULE_NAMES[rule]}: {len(result['funded'])} projects, {result['spent']} spent, "
                     f"{result['left']} left")
        for p in result["funded"]:
            name = pb.projects[p].get("name", "")
            lines.append(f"  {p}  {costs[p]:>12}  {counted['votes'][str(p)]:>8}  {name[:60]}")
        if has_selected:
            funded = set(result["funded"])
            same = funded == selected
            lines.append("  = the published winners" if same else
                         f"  differs from the published winners: also {sorted(funded - selected)}, "
                         f"not {sorted(selected - funded)}")
            if rule == published and not same:
                ok = False
    return lines, ok


@group.command("replay")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--completion", type=click.Choice(["add1", "none"]), default="add1", show_default=True,
              help="How equal shares spends what it leaves: add1 (then greedy), or none.")
def replay(path: Path, completion: str):
    """Count a published pabulib FILE under both rules and compare with its selected projects."""
    from consult.budgets.pabulib import PbError

    try:
        lines, ok = replay_text(path.read_text(encoding="utf-8"), completion)
    except (PbError, ValueError) as err:
        raise click.ClickException(f"{path}: {err}") from None
    for line in lines:
        click.echo(line)
    if not ok:
        raise click.ClickException("The rule the file names does not give its published winners.")
