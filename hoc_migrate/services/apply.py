"""`apply`: turn a plan's result into a verified branch, never touching the user's checkout.

Everything happens in a detached worktree under `<git-common-dir>/hoc-migrate/worktrees/`; the
branch is created only once the result is verified (or, with `keep_failed`, to inspect a
failure).
A journal records what exists at each stage, so the next run undoes an interrupted one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
import signal
from dataclasses import dataclass, field
from pathlib import Path

from hoc_migrate.adapters import journal
from hoc_migrate.adapters.branch_names import check_branch_name
from hoc_migrate.adapters.command import run_command
from hoc_migrate.adapters.git_repo import GitRepo, GitTree
from hoc_migrate.adapters.repo_root import find_repo_root
from hoc_migrate.adapters.workspace import state_path, workspace, write_atomically
from hoc_migrate.core.changes import ChangeKind
from hoc_migrate.core.commits import CommitSpec, StepState, commit_series
from hoc_migrate.core.errors import GitError, Problem, UsageError
from hoc_migrate.core.verification import VerificationReport
from hoc_migrate.ports import NO_PROGRESS, Progress
from hoc_migrate.services.branch_command import BranchRun, branch_command_check
from hoc_migrate.services.dry_run import uncommitted_warnings
from hoc_migrate.services.layer_topology import cache_dir
from hoc_migrate.services.layer_view import make_layer_checker
from hoc_migrate.services.migration import (
    Migration,
    compute,
    prepare_migration,
    setting_lines,
)
from hoc_migrate.services.planner import PlanResult
from hoc_migrate.services.recovery import recover
from hoc_migrate.services.verify import (
    LayerChecker,
    VerifyInput,
    plan_module_renames,
    reference_prefilter,
    verify_static,
)
from hoc_migrate.services.verify_command import (
    CommandRunner,
)

# Test hooks: stop the process at a named stage, as a crash (SIGKILL) or a Ctrl-C would.
CRASH_ENV = "HOC_MIGRATE_TEST_CRASH_AT"
INTERRUPT_ENV = "HOC_MIGRATE_TEST_INTERRUPT_AT"
STAGES = (
    "after-journal",
    "after-worktree",
    "after-moves-commit",
    "after-commits",
    "after-verify",
    "after-branch",
)


@dataclass(frozen=True)
class ApplyRequest:
    plan_path: Path
    branch: str
    base: str = "HEAD"
    force: bool = False  # replace an existing branch (only once the result is verified)
    per_step: bool = True  # one edit commit per step, else one for all
    keep_failed: bool = False  # keep the branch of a failed verification for inspection
    repo: Path | None = None
    timeout: float | None = None  # seconds for the verify command (default: the plan's)


@dataclass
class ApplyResult:
    branch: str
    base: str  # commit id
    tip: str | None  # the last commit made (the branch's tip when kept)
    commits: list[tuple[str, str]]  # (id, first line of the message)
    result: PlanResult
    verification: VerificationReport
    kept: bool  # the branch exists now
    warnings: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)  # what an interrupted run had left
    settings: list[str] = field(default_factory=list)  # source roots and style used

    @property
    def verified(self) -> bool:
        return self.verification.passed


def _stage(name: str) -> None:
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
    if os.environ.get(INTERRUPT_ENV) == name:
        raise KeyboardInterrupt


_SAFE_NAME_MAX = 100
_DIGEST_SUFFIX = re.compile(r"-[0-9a-f]{12}")


def safe_name(branch: str) -> str:
    """A branch name as one folder/file name (worktree, run record, PR folder), never the
    same for two branches: `/` becomes `__` only where that can be read back (no `_` next
    to a `/` or another `_`); any other name, and a long one, is cut to at most 100
    characters and ends with a digest of the whole (`m__x` is `m__x-<digest>`: `m/x` is
    `m__x`)."""
    plain = branch.replace("/", "__")
    readable = (
        re.fullmatch(r"[A-Za-z0-9._/-]+", branch) is not None
        and not any(pair in branch for pair in ("__", "_/", "/_"))
        and len(plain) <= _SAFE_NAME_MAX
        and _DIGEST_SUFFIX.fullmatch(plain[-13:]) is None  # never read as a digest form
    )
    if readable:
        return plain
    name = re.sub(r"[^A-Za-z0-9._-]", "_", plain)
    digest = hashlib.blake2b(branch.encode("utf-8", "surrogateescape"), digest_size=6).hexdigest()
    return f"{name[: _SAFE_NAME_MAX - 13]}-{digest}"


# -- refusals -----------------------------------------------------------------------------
def _refusals(repo: GitRepo, request: ApplyRequest) -> None:
    if not repo.has_commits():
        raise UsageError(
            "the repository has no commits: there is no base to branch from",
            hint="commit the code first",
        )
    operation = repo.operation_in_progress()
    if operation is not None:
        raise UsageError(
            f"a {operation} is in progress in this repository",
            hint=f"finish or abort the {operation} first",
        )
    check_branch_name(repo, request.branch)
    if repo.branch_tip(request.branch) is not None:
        checked_out = repo.branch_checked_out_at(request.branch)
        if checked_out is not None:
            raise UsageError(
                f"branch {request.branch} exists and is checked out at {checked_out}",
                hint="pick another --branch name",
            )
        if not request.force:
            raise UsageError(
                f"branch {request.branch} already exists",
                hint="pick another --branch name, or pass --force to replace it",
            )
    identity = repo.identity_problem()
    if identity is not None:
        raise UsageError(identity, hint='git config user.name "..." && git config user.email ...')


# -- apply --------------------------------------------------------------------------------
def apply_plan(
    request: ApplyRequest,
    *,
    checker: LayerChecker | None = None,
    runner: CommandRunner = run_command,
    today: dt.date | None = None,
    progress: Progress = NO_PROGRESS,
) -> ApplyResult:
    """Apply, verify, and keep the branch only when verified (or asked to keep a failure).
    `progress` hears of each stage (the steps, the commits, the verification)."""
    root = find_repo_root(request.repo)
    with GitRepo(root) as repo:
        recovered = recover(repo)
        _refusals(repo, request)
        base = repo.resolve_commit(request.base)
        base_tree = repo.tree(base)
        migration = prepare_migration(request.plan_path, repo.root, tree=base_tree)
        result = compute(migration, progress)
        if result.already_done:
            raise UsageError(
                f"the plan changes nothing at {request.base} ({base[:12]}): its effect is "
                "already there; no branch was created"
            )
        warnings = uncommitted_warnings(repo, result, request.plan_path)
        checker = checker or make_layer_checker(
            migration.config,
            source_roots=migration.source_roots,
            cache_dir=cache_dir(migration.repo_root),
            progress=progress,
        )
        outcome = _apply_in_worktree(
            repo, request, migration, result, base, base_tree, checker, runner, today, progress
        )
        outcome.warnings = warnings
        outcome.recovered = recovered
        outcome.settings = setting_lines(migration)
        return outcome


def _step_states(result: PlanResult) -> list[StepState]:
    states = []
    for outcome in result.outcomes:
        title = outcome.step.label
        if outcome.step.why:
            title += f": {outcome.step.why.strip().splitlines()[0]}"
        states.append(StepState(title, outcome.state))
    return states


def plan_commits(result: PlanResult, read_base: GitTree, *, per_step: bool) -> list[CommitSpec]:
    """The commit series for a plan's result (moves first, then the edits)."""
    specs = commit_series(
        result.plan.name,
        result.tree.state(),
        result.changes,
        _step_states(result),
        read_base.read_bytes,
        per_step=per_step,
    )
    if per_step:
        return specs
    # One commit for all the edits: its message still names every step.
    steps = "\n".join(f"  {s.title}" for s in _step_states(result))
    return [
        dataclasses.replace(s, message=f"{s.message}\n\nSteps:\n{steps}\n") if not s.renames else s
        for s in specs
    ]


def _apply_in_worktree(
    repo: GitRepo,
    request: ApplyRequest,
    migration: Migration,
    result: PlanResult,
    base: str,
    base_tree: GitTree,
    checker: LayerChecker,
    runner: CommandRunner,
    today: dt.date | None,
    progress: Progress = NO_PROGRESS,
) -> ApplyResult:
    worktree = repo.worktree_dir(safe_name(request.branch))
    entry = journal.begin(
        repo.root,
        branch=request.branch,
        base=base,
        worktree=str(worktree),
        stage="start",
        plan=str(request.plan_path),
    )
    message_file = state_path(repo.root, "tmp", f"commit-message-{os.getpid()}")
    try:
        _stage("after-journal")
        repo.add_worktree(worktree, base)
        entry.record(stage="worktree")
        _stage("after-worktree")
        workspace(repo.root, "tmp")
        commits: list[tuple[str, str]] = []
        specs = plan_commits(result, base_tree, per_step=request.per_step)
        many = "" if len(specs) == 1 else "s"
        committing = progress.stage(f"committing {len(specs)} commit{many}", total=len(specs))
        for spec in specs:
            sha = repo.commit(worktree, spec, message_file)
            commits.append((sha, spec.message.splitlines()[0]))
            entry.record(stage="commits", commits=[c[0] for c in commits])
            committing.advance()
            if len(commits) == 1:
                _stage("after-moves-commit")
        committing.close()
        tip = commits[-1][0] if commits else base
        _stage("after-commits")
        tip_tree = repo.tree(tip)
        _check_result_committed(result, tip_tree)
        verifying = progress.stage("verifying (layer check, compile, imports)")
        renames = _module_renames(result, migration.source_roots)
        verification = verify_static(
            VerifyInput(
                plan=result.plan,
                source_roots=migration.source_roots,
                before=base_tree,
                after=tip_tree,
                changes=result.changes,
                module_renames=renames,
                may_reference=reference_prefilter(
                    migration.codemods, result.changes, renames, migration.source_roots
                ),
            ),
            checker,
            today=today,
        )
        verifying.close()
        running = progress.stage("the plan's verify command")
        verification = verification.with_check(
            branch_command_check(
                BranchRun(repo, migration, result, base, worktree, tip_tree, request.branch),
                runner,
                timeout=request.timeout,
                module_renames=_module_renames(result, migration.source_roots),
            )
        )
        running.close()
        entry.record(stage="verified" if verification.passed else "failed")
        _stage("after-verify")
        kept = verification.passed or request.keep_failed
        if kept:
            repo.set_branch(request.branch, tip, force=request.force)
            entry.record(stage="branch")
            _stage("after-branch")
        applied = ApplyResult(request.branch, base, tip, commits, result, verification, kept)
        if kept:
            write_run_record(repo.root, applied)
        return applied
    finally:
        # Success, failure, exception, Ctrl-C or SIGTERM: the worktree goes, then the journal
        # (the lock) even when removing the worktree failed: recovery removes a stray one.
        try:
            message_file.unlink(missing_ok=True)
            repo.remove_worktree(worktree)
        finally:
            entry.finish()


def _module_renames(result: PlanResult, source_roots: tuple[str, ...]) -> dict[str, str]:
    return plan_module_renames(
        result.changes, (o.module_renames for o in result.outcomes), source_roots
    )


def _check_result_committed(result: PlanResult, tip: GitTree) -> None:
    """The branch must hold exactly the plan's result; anything else is a bug we refuse."""
    problems = []
    for change in result.changes.changes:
        if change.kind is ChangeKind.DELETED:
            if tip.is_file(change.path) and change.path not in result.changes.paths_after():
                problems.append(Problem(f"{change.path} should be deleted"))
        else:
            try:
                same = tip.read_bytes(change.path) == change.after
            except FileNotFoundError:
                same = False
            if not same:
                problems.append(Problem(f"{change.path} does not hold the planned content"))
    if problems:
        raise GitError("the commits do not reproduce the plan's result", problems)


# -- run records --------------------------------------------------------------------------
def run_record_path(repo_root: Path, branch: str) -> Path:
    return workspace(repo_root, "runs") / f"{safe_name(branch)}.json"


def write_run_record(repo_root: Path, applied: ApplyResult) -> None:
    """What `pr` and `report` reuse later: the base, the tip, and the command's outcome."""
    command = applied.verification.get("command")
    data = {
        "plan": applied.result.plan.name,
        "branch": applied.branch,
        "base": applied.base,
        "tip": applied.tip,
        "verified": applied.verified,
        "kept": applied.kept,
        "commits": [list(c) for c in applied.commits],
        "checks": [
            {"name": c.name, "status": c.status.value, "summary": c.summary}
            for c in applied.verification.checks
        ],
        "command": None
        if command is None
        else {
            "status": command.status.value,
            "summary": command.summary,
            "details": list(command.details),
            "output": command.output,
        },
    }
    write_atomically(
        run_record_path(repo_root, applied.branch), json.dumps(data, indent=2).encode("utf-8")
    )


def read_run_record(repo_root: Path, branch: str) -> dict[str, object] | None:
    path = state_path(repo_root, "runs", f"{safe_name(branch)}.json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
