"""The quick start's first command: `hoc-migrate demo` migrates the bundled fixture end to end
(Phase 2.5, then M25), each plan verified and certified; what it says to try next works."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from hoc_migrate.cli import app
from tests.conftest import git


def test_the_demo_migrates_the_fixture_and_its_next_steps_work(tmp_path: Path) -> None:
    into = tmp_path / "demo"
    result = CliRunner().invoke(app, ["demo", "--into", str(into)], catch_exceptions=False)

    assert result.exit_code == 0, result.stdout + result.stderr
    out = result.stdout
    assert f"demo repository: {into}" in out
    assert "integrations-phase-2.5: layer errors 61 -> 55 (accepted debt included)" in out
    assert "integrations-m25: layer errors 55 -> 0 (accepted debt included)" in out
    assert out.count(", verified in ") == 2
    assert "certificate (LOCKED (with documented technical debt))" in out
    assert "certificate (CLEAN)" in out
    assert (into / ".git").is_dir()
    assert git(into, "branch", "--show-current").strip() == "migrate/integrations-m25"
    assert git(into, "status", "--porcelain") == ""  # PR files and certificates in .git
    assert (into / ".git/hoc-migrate/pr/migrate__integrations-m25/CERTIFICATE.md").is_file()

    # The suggestion it offers to try, before Phase 2.5.
    suggested = CliRunner().invoke(
        app,
        ["plan", "suggest", "--domain", "integrations", "--base", "main", "--repo", str(into)],
        catch_exceptions=False,
    )
    assert suggested.exit_code == 0, suggested.stderr
    assert yaml.safe_load(suggested.stdout)["name"] == "suggested-integrations"
    assert "hoc-migrate plan suggest --domain integrations --base main --explain" in out
