"""Fault injection: `apply` killed (SIGKILL), interrupted (SIGINT, SIGTERM, SIGHUP) or failing
(a write, a git command) at every stage; git refusing (locked index, rejecting hooks); a
verify command whose child detaches (setsid) and holds the output pipe.

Every case ends, once the next command has run, with the user's repository exactly as before:
working tree, index, refs, HEAD, `git worktree list`, stash, nothing left in hoc-migrate's state
folder (`.git/hoc-migrate/`);
or, when the fault came after the branch was made, with that branch holding exactly the
verified result and nothing else changed. See `faults.py` for the stages and the checks.
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests.reliability.faults import (
    DETACHED,
    FAILURES,
    GIT_STATES,
    SIGNALS,
    STAGES,
    FaultResult,
    expected_tree,
    run_case,
    run_detached_case,
    run_git_state_case,
    run_random_kill,
)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> str:
    return expected_tree(tmp_path_factory.mktemp("control"))


def _assert_clean(result: FaultResult) -> None:
    assert result.clean, f"{result.case} (exit {result.exit_code}):\n" + "\n".join(
        result.left_behind
    )


SIGNAL_CASES = [
    pytest.param(stage, action, id=f"{stage}-{action}") for stage in STAGES for action in SIGNALS
]


@pytest.mark.parametrize(("stage", "action"), SIGNAL_CASES)
def test_a_crash_or_ctrl_c_at_any_stage_leaves_nothing_once_the_next_command_ran(
    tree: str, tmp_path: Path, stage: str, action: str
) -> None:
    result = run_case(tmp_path, tree, stage, action)
    _assert_clean(result)
    # Before the branch step nothing may exist; from it on, the verified branch does.
    after_branch = STAGES.index(stage) >= STAGES.index("branch")
    assert result.branch_made == after_branch


FAILURE_CASES = [
    pytest.param(
        point,
        action,
        id=f"{point.replace('=', '-')}-{action}",
    )
    for point, action in FAILURES
]


@pytest.mark.parametrize(("point", "action"), FAILURE_CASES)
def test_a_failing_write_or_git_command_is_one_message_exit_2_and_nothing_left(
    tree: str, tmp_path: Path, point: str, action: str
) -> None:
    result = run_case(tmp_path, tree, point, action)
    _assert_clean(result)
    assert result.exit_code == 2
    assert result.branch_made == ("pr-out" in point)


@pytest.mark.parametrize("state", GIT_STATES)
def test_git_refusing_or_users_hooks_never_leave_anything_behind(
    tree: str, tmp_path: Path, state: str
) -> None:
    result = run_git_state_case(tmp_path, tree, state)
    _assert_clean(result)
    # The user's own locks and commit hooks are not ours to trip over (apply works in its own
    # worktree with hooks off); a locked worktree index and a rejecting ref hook stop it.
    refused = state in ("worktree-index-lock", "reference-transaction-hook-rejects")
    assert (result.exit_code, result.branch_made) == ((2, False) if refused else (0, True))


SIGNALS_TO_THE_GROUP = [signal.SIGKILL, signal.SIGINT, signal.SIGTERM, signal.SIGHUP]


@pytest.mark.parametrize("sig", SIGNALS_TO_THE_GROUP, ids=lambda s: signal.Signals(s).name)
@pytest.mark.parametrize("delay", [0.0, 0.03, 0.08, 0.15])
def test_a_signal_to_the_whole_process_group_at_any_moment_leaves_nothing(
    tree: str, tmp_path: Path, sig: int, delay: float
) -> None:
    _assert_clean(run_random_kill(tmp_path, tree, sig, delay))


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds processes in /proc")
@pytest.mark.parametrize("mode", DETACHED)
def test_a_verify_command_whose_child_detaches_leaves_no_process_and_does_not_hold_apply(
    tree: str, tmp_path: Path, mode: str
) -> None:
    # Holding apply would show as the 300 s timeout of the run, not as a timed assertion.
    result = run_detached_case(tmp_path, tree, mode)
    _assert_clean(result)
