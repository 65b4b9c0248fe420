"""A crash (SIGKILL) or Ctrl-C at any stage leaves no branch; whatever an interrupted run left
(worktree, journal) is removed by the next run."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
from pathlib import Path

import pytest

from hoc_migrate.services.apply import CRASH_ENV, INTERRUPT_ENV
from tests.apply.conftest import MOVE_RULES, PYTHON, nothing_left, run, state, write_plan
from tests.conftest import GIT_ENV, ROOT, git, state_dir


def crash(repo: Path, plan: Path, stage: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **GIT_ENV, CRASH_ENV: stage, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [PYTHON, "-m", "hoc_migrate", "apply", str(plan), "--branch", "b", "--repo", str(repo)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize("stage", ["after-worktree", "after-moves-commit"])
def test_the_next_run_cleans_up_after_a_killed_apply(shop: Path, stage: str) -> None:
    plan = write_plan(shop, MOVE_RULES)
    before = state(shop)

    killed = crash(shop, plan, stage)

    assert killed.returncode == -signal.SIGKILL, killed.stderr
    # The crash left its worktree and journal behind, but never a branch.
    assert (state_dir(shop) / "apply.lock").exists()
    assert git(shop, "worktree", "list").count("\n") == 2
    assert git(shop, "branch", "--list", "b") == ""

    # Any command's start cleans up; here a report (which never refuses for it).
    report = run("report", plan, "--repo", shop)
    assert report.exit_code in (0, 1), report.stderr
    nothing_left(shop)
    assert state(shop) == before

    again = run("apply", plan, "--branch", "b", "--repo", shop)
    assert again.exit_code == 0, again.stderr


def test_apply_reports_what_it_recovered(shop: Path) -> None:
    plan = write_plan(shop, MOVE_RULES)
    assert crash(shop, plan, "after-commits").returncode == -signal.SIGKILL
    result = run("apply", plan, "--branch", "b", "--repo", shop)
    assert result.exit_code == 0, result.stderr
    assert "recovered: removed the worktree of an interrupted apply" in result.stderr
    nothing_left(shop)


@pytest.mark.parametrize("stage", ["after-journal", "after-commits", "after-verify"])
def test_ctrl_c_cleans_up_at_once(shop: Path, stage: str, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = write_plan(shop, MOVE_RULES)
    before = state(shop)
    monkeypatch.setenv(INTERRUPT_ENV, stage)

    result = run("apply", plan, "--branch", "b", "--repo", shop)

    assert result.exit_code == 130
    assert "interrupted" in result.stderr
    nothing_left(shop)
    assert state(shop) == before


def test_a_live_apply_holds_the_lock(shop: Path) -> None:
    plan = write_plan(shop, MOVE_RULES)
    sleeper = subprocess.Popen([PYTHON, "-c", "import time; time.sleep(60)"])
    try:
        lock = state_dir(shop) / "apply.lock"
        lock.parent.mkdir(exist_ok=True)
        lock.write_text(json.dumps({"pid": sleeper.pid, "host": socket.gethostname()}))
        result = run("apply", plan, "--branch", "b", "--repo", shop)
        assert result.exit_code == 2
        assert f"another hoc-migrate apply (pid {sleeper.pid}) is running" in result.stderr
        assert lock.exists()
    finally:
        sleeper.kill()
        sleeper.wait()


def test_a_worktree_whose_creation_was_killed_midway_is_removed(shop: Path) -> None:
    """`git worktree add` killed midway leaves a locked entry and maybe no folder."""
    plan = write_plan(shop, MOVE_RULES)
    worktree = state_dir(shop) / "worktrees" / "b"
    worktree.parent.mkdir(parents=True)
    git(shop, "worktree", "add", "--lock", "--reason", "initializing", "--detach", str(worktree))
    shutil.rmtree(worktree)

    result = run("apply", plan, "--branch", "b", "--repo", shop)

    assert result.exit_code == 0, result.stderr
    assert "recovered: removed a stray worktree" in result.stderr
    nothing_left(shop)
