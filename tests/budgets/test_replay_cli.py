"""``flask budgets replay FILE.pb``: a published pabulib file counted under both rules and compared with the
projects it says were funded."""

from __future__ import annotations

from pathlib import Path

WIELICZKA = Path(__file__).parent.parent / "data" / "poland_wieliczka_2023.pb"


def test_replaying_wieliczka_gives_its_published_winners_under_equal_shares(app):
    result = app.test_cli_runner().invoke(args=["budgets", "replay", str(WIELICZKA)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "published rule: equalshares/add1" in lines[0] and "6586 ballots" in lines[0]
    shares = lines.index(next(line for line in lines if line.startswith("method of equal shares:")))
    assert lines[shares].startswith("method of equal shares: 30 projects, 995079 spent, 4921 left")
    assert "  = the published winners" in lines[shares:]
    greedy = lines[:shares]
    assert any(line.startswith("  differs from the published winners") for line in greedy)


def test_without_completion_the_published_rule_does_not_match_and_the_command_says_so(app):
    result = app.test_cli_runner().invoke(args=["budgets", "replay", str(WIELICZKA), "--completion", "none"])
    assert result.exit_code == 1
    assert "does not give its published winners" in result.output


def test_a_file_that_is_not_pabulib_is_refused_clearly(app, tmp_path):
    bad = tmp_path / "bad.pb"
    bad.write_text("hello;world\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["budgets", "replay", str(bad)])
    assert result.exit_code == 1 and "text before the META section" in result.output
