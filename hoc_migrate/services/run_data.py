"""Gathering a RunSummary (what `pr` and `report` render) from a branch or the working tree.

Every number comes from the trees: the change is read from git (base..branch) or computed in
memory, and the layer check, compile and import checks run again on the result. The command's
outcome comes from the apply that made the branch, when the branch has not moved since.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from hoc_migrate.adapters.git_repo import GitRepo
from hoc_migrate.core.changes import ChangeSet
from hoc_migrate.core.errors import UsageError
from hoc_migrate.core.run_summary import RunSummary, StepSummary
from hoc_migrate.core.verification import CheckOutcome, CheckStatus, VerificationReport
from hoc_migrate.ports import TreeReader
from hoc_migrate.services.apply import read_run_record
from hoc_migrate.services.layer_topology import cache_dir
from hoc_migrate.services.layer_view import make_layer_checker
from hoc_migrate.services.migration import Migration, compute, prepare_migration
from hoc_migrate.services.planner import PlanResult
from hoc_migrate.services.verify import (
    COMMAND,
    LayerChecker,
    VerifyInput,
    layer_comparison,
    not_run,
    plan_module_renames,
    plan_scope,
    reference_prefilter,
    verify_static,
)
from hoc_migrate.services.verify_command import resolve_command, skipped_reason


def step_summaries(result: PlanResult) -> tuple[StepSummary, ...]:
    return tuple(
        StepSummary(
            index=o.step.index,
            kind=o.step.kind,
            label=o.step.label,
            status=o.status,
            why=o.step.why,
            renames=tuple(o.renames),
            files=tuple(o.files),
            notes=tuple(o.notes),
            partial=bool(o.step.get("partial", False)),
        )
        for o in result.outcomes
    )


def _summary(
    migration: Migration,
    result: PlanResult,
    *,
    before: TreeReader,
    after: TreeReader,
    changes: ChangeSet,
    command: CheckOutcome,
    checker: LayerChecker | None,
    today: dt.date,
    source: str,
    branch: str | None = None,
    base: str | None = None,
    tip: str | None = None,
    commits: tuple[tuple[str, str], ...] = (),
) -> RunSummary:
    checker = checker or make_layer_checker(
        migration.config,
        source_roots=migration.source_roots,
        cache_dir=cache_dir(migration.repo_root),
    )
    renames = plan_module_renames(
        changes, (o.module_renames for o in result.outcomes), migration.source_roots
    )
    inp = VerifyInput(
        result.plan,
        migration.source_roots,
        before,
        after,
        changes,
        renames,
        reference_prefilter(migration.codemods, changes, renames, migration.source_roots),
        result_name="the branch" if branch else "the result",
    )
    verification = verify_static(inp, checker, today=today).with_check(command)
    comparison = verification.comparison
    if comparison is None:  # the plan turned the layer check off; a report still needs it
        comparison, _ = layer_comparison(inp, checker, today)
        verification = VerificationReport(verification.checks, comparison)
    return RunSummary(
        plan=result.plan,
        steps=step_summaries(result),
        changes=changes,
        comparison=comparison,
        verification=verification,
        scope=plan_scope(result.plan, migration.source_roots),
        date=today,
        source=source,
        branch=branch,
        base=base,
        tip=tip,
        commits=commits,
        references=tuple(f"{r.path}:{r.line}: {r.text}" for r in result.references),
    )


def _recorded_command(record: Mapping[str, object] | None, tip: str) -> CheckOutcome | None:
    if not record or record.get("tip") != tip or not isinstance(record.get("command"), dict):
        return None
    data = record["command"]
    assert isinstance(data, dict)
    return CheckOutcome(
        COMMAND,
        CheckStatus(data.get("status", "skipped")),
        str(data.get("summary", "")),
        tuple(str(d) for d in data.get("details", [])),
        data.get("output") if isinstance(data.get("output"), str) else None,
    )


def branch_base(repo: GitRepo, branch: str, tip: str, base: str | None) -> str:
    """The base of `branch`: --base, else the one its apply recorded, else the merge base."""
    if base is not None:
        return repo.resolve_commit(base)
    record = read_run_record(repo.root, branch)
    if record and record.get("tip") == tip and isinstance(record.get("base"), str):
        return str(record["base"])
    if not repo.has_commits():
        raise UsageError("the repository has no commits")
    found = repo.merge_base("HEAD", tip)
    if found is None:
        raise UsageError(
            f"branch {branch} shares no history with HEAD", hint="pass --base REV explicitly"
        )
    return found


def summarize_branch(
    repo: GitRepo,
    plan_path: Path,
    branch: str,
    *,
    base: str | None = None,
    checker: LayerChecker | None = None,
    today: dt.date | None = None,
) -> RunSummary:
    tip = repo.branch_tip(branch)
    if tip is None:
        raise UsageError(
            f"no branch named {branch}", hint="create it with `hoc-migrate apply PLAN --branch`"
        )
    base_commit = branch_base(repo, branch, tip, base)
    if base_commit == tip:
        raise UsageError(
            f"branch {branch} has no commits over its base {base_commit[:12]}",
            hint="pass --base REV (the commit the branch was made from)",
        )
    before, after = repo.tree(base_commit), repo.tree(tip)
    migration = prepare_migration(plan_path, repo.root, tree=before)
    result = compute(migration)
    command = _recorded_command(read_run_record(repo.root, branch), tip)
    if command is None:
        command = (
            not_run(COMMAND, "not run for this commit (apply runs it)")
            if resolve_command(result.plan.verify, after) is not None
            else not_run(COMMAND, skipped_reason(result.plan.verify))
        )
    return _summary(
        migration,
        result,
        before=before,
        after=after,
        changes=repo.changes(base_commit, tip),
        command=command,
        checker=checker,
        today=today or dt.date.today(),
        source=f"branch {branch} ({tip[:12]}) over base {base_commit[:12]}",
        branch=branch,
        base=base_commit,
        tip=tip,
        commits=tuple(repo.commits_between(base_commit, tip)),
    )


def summarize_working_tree(
    plan_path: Path,
    repo_root: Path,
    *,
    checker: LayerChecker | None = None,
    today: dt.date | None = None,
    tree: TreeReader | None = None,
    source: str = "working tree (the plan computed in memory, not applied)",
) -> RunSummary:
    """The plan computed in memory over `tree` (default: the working tree), nothing
    applied."""
    migration = prepare_migration(plan_path, repo_root, tree=tree)
    result = compute(migration)
    command = not_run(COMMAND, "not run: no branch (apply runs it)")
    if resolve_command(result.plan.verify, result.tree) is None:
        command = not_run(COMMAND, skipped_reason(result.plan.verify))
    return _summary(
        migration,
        result,
        before=migration.tree,
        after=result.tree,
        changes=result.changes,
        command=command,
        checker=checker,
        today=today or dt.date.today(),
        source=source,
    )
