"""The verify command of an apply: run on the branch's worktree as the checkout would run it,
and, with `verify.baseline`, on the base too (see services/verify_command.py for how the
runs are judged)."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from hoc_migrate.adapters.branch_env import (
    copy_build_outputs,
    installed_distribution,
    with_metadata,
    write_metadata,
)
from hoc_migrate.adapters.command import with_interpreter
from hoc_migrate.adapters.git_repo import GitRepo, GitTree
from hoc_migrate.adapters.import_guard import guarded_env, write_guard
from hoc_migrate.adapters.python_env import command_interpreter
from hoc_migrate.adapters.workspace import workspace
from hoc_migrate.core.entry_points import EntryPoints, entry_points_in
from hoc_migrate.core.modules import normalize_root
from hoc_migrate.core.test_results import TestRun, test_module_renames
from hoc_migrate.core.verification import CheckOutcome
from hoc_migrate.ports import TreeReader, config_reader
from hoc_migrate.services.import_resolution import importable_packages
from hoc_migrate.services.migration import Migration
from hoc_migrate.services.planner import PlanResult
from hoc_migrate.services.verify import COMMAND, not_run
from hoc_migrate.services.verify_command import (
    CommandRunner,
    VerifyCommand,
    baseline_key,
    cached_baseline,
    command_env,
    command_outcome,
    ensure_branch_code,
    resolve_command,
    run_verify_command,
    skipped_reason,
    store_baseline,
)


@dataclass(frozen=True)
class BranchRun:
    """An apply's branch, committed in its worktree, next to its base."""

    repo: GitRepo
    migration: Migration
    result: PlanResult
    base: str  # commit id
    worktree: Path
    tip: GitTree
    branch: str

    def scratch(self, suffix: str) -> Path:
        """A folder beside the worktree (recovery removes it like one)."""
        return self.repo.worktree_dir(f"{self.worktree.name}--{suffix}")


def branch_command_check(
    run: BranchRun,
    runner: CommandRunner,
    *,
    timeout: float | None,
    module_renames: Mapping[str, str],
) -> CheckOutcome:
    """Run the verify command on the branch (and, with `baseline`, on the base)."""
    settings = run.result.plan.verify
    if timeout is not None:
        settings = dataclasses.replace(settings, timeout=timeout)
    vc = resolve_command(settings, run.tip)
    if vc is None:
        return not_run(COMMAND, skipped_reason(settings))
    roots = run.migration.source_roots
    packages = importable_packages(run.tip, roots)
    metadata = run.scratch("env")
    try:
        # The base's top-level names too: a package the plan moved away is guarded as well.
        base_packages = importable_packages(run.repo.tree(run.base), roots)
        env = _guarded(run, run.worktree, metadata, [*packages, *base_packages])
        ensure_branch_code(vc, run.worktree, env, packages, moved_away=list(module_renames))
        notes = _build_outputs(run, run.worktree, _folder_renames(run.result))
        env, shadowed = _entry_points(run, vc, env, metadata)
        notes += shadowed
        reports = workspace(run.repo.root, "tmp")
        branch = run_verify_command(
            vc, run.worktree, env, runner, reports / f"junit-{os.getpid()}.xml"
        )
    finally:
        if metadata.exists():
            run.repo.remove_worktree(metadata)
    failed = branch.result.returncode != 0 or branch.result.timed_out
    wanted = settings.baseline == "always" or (settings.baseline == "auto" and failed)
    base = None
    if wanted and branch.result.error is None:
        base, reused = _baseline(run, vc, runner)
        notes += reused
    renames = dict(module_renames)
    renames.update(
        test_module_renames({c.old_path: c.path for c in run.result.changes.renamed if c.old_path})
    )
    outcome = command_outcome(vc, branch, base, renames)
    return dataclasses.replace(outcome, details=tuple(notes) + outcome.details)


def _guarded(run: BranchRun, worktree: Path, folder: Path, names: list[str]) -> dict[str, str]:
    """The command's environment on `worktree`: its source roots first on PYTHONPATH, and
    the import guard (in `folder`) over the project's top-level package `names`."""
    env = command_env(worktree, run.migration.source_roots)
    return guarded_env(env, write_guard(folder / "guard"), worktree, names)


def _folder_renames(result: PlanResult) -> dict[str, str]:
    """Folders the plan moved whole (a package, by its `__init__.py`)."""
    return {
        c.old_path[: -len("/__init__.py")]: c.path[: -len("/__init__.py")]
        for c in result.changes.renamed
        if c.old_path and c.old_path.endswith("/__init__.py") and c.path.endswith("/__init__.py")
    }


def _build_outputs(run: BranchRun, target: Path, folder_renames: Mapping[str, str]) -> list[str]:
    roots = run.migration.source_roots
    base_tree = run.repo.tree(run.base)
    folders = []
    for name in importable_packages(base_tree, roots):
        for root in roots:
            prefix = f"{normalize_root(root)}/" if normalize_root(root) else ""
            if base_tree.is_dir(f"{prefix}{name}"):
                folders.append(f"{prefix}{name}")
    ignored = run.repo.ignored_files(folders)
    copied = copy_build_outputs(ignored, run.repo.root, target, folders, folder_renames)
    if not copied:
        return []
    shown = ", ".join(copied[:5]) + (f", ... ({len(copied)} in all)" if len(copied) > 5 else "")
    return [f"copied from the checkout (build outputs git ignores): {shown}"]


def _entry_points_of(tree: TreeReader) -> EntryPoints:
    return entry_points_in(config_reader(tree))


def _entry_points(
    run: BranchRun, vc: VerifyCommand, env: dict[str, str], folder: Path
) -> tuple[dict[str, str], list[str]]:
    """The environment with the branch's entry points first, when the plan changed them and
    the project is installed where the command runs; and a note saying so."""
    branch = _entry_points_of(run.tip)
    if branch.name is None or branch.groups == _entry_points_of(run.repo.tree(run.base)).groups:
        return env, []
    python = command_interpreter(with_interpreter(vc.command), run.worktree)
    installed = installed_distribution(python, branch.name, run.worktree, env)
    if installed is None:
        return env, []
    bin_folder = write_metadata(folder, *installed, branch, python)
    count = sum(len(entries) for entries in branch.groups.values())
    note = (
        f"the branch's {count} entry point(s) stand in for those installed for "
        f"{installed[0]} {installed[1]} (the plan moved what they name)"
    )
    return with_metadata(env, folder, bin_folder), [note]


def _baseline(
    run: BranchRun, vc: VerifyCommand, runner: CommandRunner
) -> tuple[TestRun, list[str]]:
    """The command's run on the base: from the store when this commit ran it before (and a
    note saying so), else run in a worktree of the base (removed again whatever happens)."""
    repo = run.repo
    python = command_interpreter(with_interpreter(vc.command), repo.root)
    store = workspace(repo.root, "baselines")
    key = baseline_key(run.base, vc, python)
    cached = cached_baseline(store, key)
    if cached is not None:
        return cached, [
            f"the base's run ({run.base[:12]}) is the one recorded by an earlier apply "
            "over the same commit and command"
        ]
    folder = run.scratch("base")
    reports = workspace(repo.root, "tmp")
    try:
        repo.add_worktree(folder, run.base)
        _build_outputs(run, folder, {})
        names = importable_packages(repo.tree(run.base), run.migration.source_roots)
        env = _guarded(run, folder, run.scratch("base-env"), names)
        base = run_verify_command(
            vc, folder, env, runner, reports / f"junit-base-{os.getpid()}.xml"
        )
    finally:
        repo.remove_worktree(folder)
        repo.remove_worktree(run.scratch("base-env"))
    if base.result.error is None and not base.result.timed_out:
        store_baseline(store, key, base.tests)
    return base.tests, []
