"""The migration from the HOC topology's first generation to its second is a plan like any
other: plans/hoc_v1_to_v2_spine.yaml on fixtures/aos, verified by the fixture's own tests;
the branch is then checked by the V2 rules."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hoc_migrate.cli import app
from tests.conftest import ROOT, git

SPINE = "backend/app/hoc/cus/hoc_spine"
PLAN = ROOT / "plans" / "hoc_v1_to_v2_spine.yaml"
#: What the plan's scope does not show: the whole tree is judged by other rules afterwards.
CHANGE = (
    "is checked as HOC V2 (hoc_spine/ appears), the base as V1; the whole tree: 62 -> 76 "
    "errors (CROSS_DOMAIN +14)"
)


def aos_v1(tmp_path: Path) -> Path:
    repo = tmp_path / "aos"
    shutil.copytree(ROOT / "fixtures" / "aos", repo, ignore=shutil.ignore_patterns("__pycache__"))
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "AOS, V1")
    return repo


def test_the_dry_run_says_the_result_is_judged_by_v2_and_what_that_does_to_the_tree(
    tmp_path: Path,
) -> None:
    repo = aos_v1(tmp_path)
    runner = CliRunner()

    text = runner.invoke(app, ["dry-run", str(PLAN), "--repo", str(repo)])
    data = runner.invoke(app, ["dry-run", str(PLAN), "--repo", str(repo), "--format", "json"])

    assert text.exit_code == 0, text.stderr
    assert f"  the result {CHANGE}\n" in text.stderr
    assert json.loads(data.stdout)["layer_check"]["rules_change"] == f"the result {CHANGE}"


@pytest.mark.slow
def test_part_of_general_moves_into_the_spine_and_the_branch_is_checked_as_v2(
    tmp_path: Path,
) -> None:
    repo = aos_v1(tmp_path)
    runner = CliRunner()
    plan = PLAN

    applied = runner.invoke(app, ["apply", str(plan), "--branch", "v2", "--repo", str(repo)])

    assert applied.exit_code == 0, applied.stderr
    assert "PASSED   command:" in applied.stderr
    assert f"         the branch {CHANGE}\n" in applied.stderr
    report = runner.invoke(app, ["report", str(plan), "--branch", "v2", "--repo", str(repo)])
    assert f"The branch {CHANGE}\n" in report.stdout
    assert "# Rules: HOC V2\n" in report.stdout
    assert "| INV-INT-007 | Cross-domain code goes through {audience}/hoc_spine/ |" in (
        report.stdout
    )
    clock = git(repo, "show", f"v2:{SPINE}/services/clock.py")
    assert clock.startswith("# Layer: L4 — Runtime\n# AUDIENCE: CUSTOMER\n")
    facade = git(repo, "show", "v2:backend/app/hoc/cus/integrations/facades/loop_facade.py")
    assert "from app.hoc.cus.hoc_spine.orchestrator.unit_of_work import UnitOfWork" in facade

    def check() -> dict[str, object]:
        result = runner.invoke(
            app, ["check", "--repo", str(repo), "--format", "json", "--no-cache"]
        )
        return json.loads(result.stdout)

    v1 = check()
    git(repo, "checkout", "-q", "v2")
    v2 = check()
    shown = runner.invoke(app, ["config", "show", "--repo", str(repo)]).stdout
    assert 'hoc_generation = "v2"' in shown

    def severities(document: dict[str, object], rule: str) -> list[str]:
        return sorted(f["severity"] for f in document["findings"] if f["rule"] == rule)  # type: ignore[attr-defined,index]

    # The same imports across domains: warnings under V1, errors (DOMAIN-002/003) under V2.
    assert set(severities(v1, "CROSS_DOMAIN")) == {"warning"}
    assert "error" in severities(v2, "CROSS_DOMAIN")
    assert len(severities(v1, "CROSS_DOMAIN")) == len(severities(v2, "CROSS_DOMAIN"))
