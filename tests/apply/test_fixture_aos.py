"""End to end on a copy of the AOS fixture: apply a move of the seed's Phase 2.5 (violation 5),
verified by the fixture's own test suite, then certify the branch."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tests.apply.conftest import nothing_left, run, state, without_branch, write_plan
from tests.conftest import ROOT, git

INTEGRATIONS = "backend/app/hoc/cus/integrations"
PLAN = f"""\
name: integrations-phase-2.5a
description: Relocate the prevention contract engine out of drivers/.
source_roots: [backend]
scope: [{INTEGRATIONS}]
steps:
  - move:
      from: {INTEGRATIONS}/drivers/prevention_contract.py
      to: {INTEGRATIONS}/engines/prevention_contract.py
      why: pure L5 engine in drivers/ (violation 5 of the lock document)
verify:
  command: [{sys.executable}, -m, pytest, -q, -x]
  timeout: 300
"""


@pytest.mark.slow
def test_a_move_on_the_aos_fixture_is_applied_verified_and_certified(tmp_path: Path) -> None:
    repo = tmp_path / "aos"
    shutil.copytree(ROOT / "fixtures" / "aos", repo, ignore=shutil.ignore_patterns("__pycache__"))
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "AOS before Phase 2.5")
    plan = write_plan(repo, PLAN)
    before = state(repo)

    applied = run("apply", plan, "--branch", "phase-2.5a", "--repo", repo)

    assert applied.exit_code == 0, applied.stderr
    assert "PASSED   command:" in applied.stderr  # the fixture's suite passed on the branch
    assert without_branch(state(repo), "phase-2.5a") == without_branch(before, "phase-2.5a")
    nothing_left(repo)
    moved = git(repo, "diff", "-M", "--name-status", "main", "phase-2.5a~1")
    assert moved.splitlines() == [
        f"R100\t{INTEGRATIONS}/drivers/prevention_contract.py\t{INTEGRATIONS}/engines/prevention_contract.py"
    ]

    report = run("report", plan, "--branch", "phase-2.5a", "--repo", repo)

    text = report.stdout
    # The domain still has the seed's other errors and the plan accepts no debt: the change
    # verified (as apply said), the domain is not locked.
    assert report.exit_code == 0
    assert "STATUS: OPEN (errors that predate the change remain)" in text
    assert "Why the status is OPEN:" in text
    assert "FILES_MOVED: 1" in text and "VIOLATIONS_REMEDIATED: 1" in text
    tree_line = next(line for line in text.splitlines() if "prevention_contract.py " in line)
    assert tree_line.endswith(
        f"# L5 — CLEAN (MOVED from {INTEGRATIONS}/drivers/prevention_contract.py)"
    )
    assert "| Verification: command | ✅ PASSED |" in text
