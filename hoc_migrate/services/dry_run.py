"""The dry run: compute a plan in memory and measure the layer check before and after."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hoc_migrate.adapters.git_repo import GitRepo
from hoc_migrate.adapters.repo_root import find_repo_root
from hoc_migrate.core.changes import ChangeKind
from hoc_migrate.core.layers.findings import Finding, Status
from hoc_migrate.core.layers.result import CheckResult, ResultDiff, diff_results
from hoc_migrate.core.layers.rule_set import rule_set, rules_changed, whole_tree_change
from hoc_migrate.ports import NO_PROGRESS, Progress, TreeReader
from hoc_migrate.services.check import run_check
from hoc_migrate.services.layer_topology import cache_dir
from hoc_migrate.services.migration import Migration, compute, prepare_migration, setting_lines
from hoc_migrate.services.planner import PlanResult
from hoc_migrate.services.verify import plan_module_renames


@dataclass
class DryRun:
    result: PlanResult
    before: CheckResult | None = None
    after: CheckResult | None = None
    diff: ResultDiff | None = None
    scope: tuple[str, ...] = ()
    new_errors: list[Finding] = field(default_factory=list)
    settings: list[str] = field(default_factory=list)  # source roots and style used
    base: str = "the working tree"  # what the plan ran on, as the summary names it
    warnings: list[str] = field(default_factory=list)
    roots: list[tuple[str, str]] = field(default_factory=list)  # (root, why)
    # The base's files the change touches that have mode 100755: the diff keeps their mode.
    executables: frozenset[str] = frozenset()
    rules_change: str | None = None  # base and result judged by different rules (one line)

    def check_summary(self) -> list[str]:
        """Counts by rule before and after within the scope, and what the plan adds/removes."""
        if self.before is None or self.after is None or self.diff is None:
            return []
        before, after = self.before.counts_by_rule(), self.after.counts_by_rule()
        rules = sorted(set(before) | set(after))
        where = ", ".join(self.scope) or "the source roots"
        lines = [f"layer check ({where}): errors before -> after"]
        if self.rules_change:
            lines.append(f"  {self.rules_change}")
        for rule in rules:
            lines.append(f"  {rule:<26} {before.get(rule, 0):>4} -> {after.get(rule, 0):>4}")
        lines.append(
            f"  {'total':<26} {sum(before.values()):>4} -> {sum(after.values()):>4}"
            f"  (accepted debt after: {len(self.after.with_status(Status.ACCEPTED_DEBT))})"
        )
        removed = self.diff.removed
        if removed:
            lines.append(f"findings the plan removes ({len(removed)}):")
            lines.extend(f"  - {f.rule} {f.file}: {f.message}" for f in removed)
        return lines + self.added_lines()

    def added_lines(self) -> list[str]:
        """The active findings the plan adds (the new errors among them fail a dry run)."""
        added = [f for f in self.diff.added if f.is_active] if self.diff is not None else []
        if not added:
            return []
        return [f"findings the plan adds ({len(added)}):"] + [
            f"  + {f.severity} {f.rule} {f.where()}: {f.message}" for f in added
        ]


def scoped_check(
    migration: Migration,
    tree: TreeReader,
    scope: tuple[str, ...],
    module_renames: Mapping[str, str] | None = None,
    progress: Progress = NO_PROGRESS,
) -> CheckResult:
    """The layer check of the parts of `scope` that exist in `tree` (a plan may create some);
    the configuration's module names follow `module_renames` (for the plan's result)."""
    paths = [p for p in scope if tree.exists(p)] if scope else list(migration.source_roots)
    if not paths:
        return CheckResult()
    config = migration.config.with_module_renames(module_renames or {})
    return run_check(
        tree, config, paths=paths, cache_dir=cache_dir(migration.repo_root), progress=progress
    )


def dry_run(
    migration: Migration, *, check: bool = True, progress: Progress = NO_PROGRESS
) -> DryRun:
    """The plan computed in memory, and (with `check`) the layer check before and after;
    `progress` hears of each stage."""
    result = compute(migration, progress)
    run = DryRun(
        result,
        settings=setting_lines(migration),
        roots=[(r.shown, r.reason) for r in migration.layout.roots],
    )
    if not check:
        return run
    scope = migration.plan.scope or migration.source_roots
    run.scope = tuple(scope)
    module_renames = plan_module_renames(
        result.changes, (o.module_renames for o in result.outcomes), migration.source_roots
    )
    with progress.stage("layer check before"):
        run.before = scoped_check(migration, migration.tree, run.scope, progress=progress)
    with progress.stage("layer check after"):
        run.after = scoped_check(migration, result.tree, run.scope, module_renames, progress)
    file_renames = {c.old_path: c.path for c in result.changes.renamed if c.old_path}
    run.diff = diff_results(
        run.before, run.after, file_renames=file_renames, module_renames=module_renames
    )
    run.new_errors = [f for f in run.diff.added if f.is_error and f.is_active]
    run.rules_change = _rules_change(
        migration, run.before, run.after, result, module_renames, progress
    )
    return run


def _rules_change(
    migration: Migration,
    before: CheckResult,
    after: CheckResult,
    result: PlanResult,
    module_renames: Mapping[str, str],
    progress: Progress,
) -> str | None:
    """When the result is judged by other rules than the base (HOC V2 once the spine
    exists), that, with the whole tree's errors before and after."""
    if not (before.stats.files and after.stats.files):
        return None
    config = migration.config
    note = rules_changed(
        rule_set(config, before.stats.generation),
        rule_set(config, after.stats.generation),
        "the result",
    )
    if note is None:
        return None
    with progress.stage("layer check of the whole tree (the rules changed)"):
        whole = (
            scoped_check(migration, migration.tree, (), progress=progress),
            scoped_check(migration, result.tree, (), module_renames, progress),
        )
    return whole_tree_change(note, whole[0].counts_by_rule(), whole[1].counts_by_rule())


def dry_run_at(
    plan_path: Path,
    repo: Path | None,
    *,
    base: str | None = None,
    check: bool = True,
    progress: Progress = NO_PROGRESS,
) -> DryRun:
    """The dry run from the commit `apply` would start from (`base`, default HEAD), and the
    uncommitted changes it therefore leaves out; the working tree only where there is no
    commit yet."""
    root = find_repo_root(repo)
    with GitRepo(root) as git_repo:
        if base is None and not git_repo.has_commits():
            run = dry_run(prepare_migration(plan_path, root), check=check, progress=progress)
            run.base = "the working tree (the repository has no commit yet)"
            return run
        commit = git_repo.resolve_commit(base or "HEAD")
        base_tree = git_repo.tree(commit)
        migration = prepare_migration(plan_path, root, tree=base_tree)
        run = dry_run(migration, check=check, progress=progress)
        run.base = f"{base or 'HEAD'} ({commit[:12]}), as apply starts from"
        run.warnings = uncommitted_warnings(git_repo, run.result, plan_path)
        touched = run.result.changes.touched()
        run.executables = frozenset(p for p in touched if base_tree.is_executable(p))
        return run


_SHOWN_DIRTY = 5


def uncommitted_warnings(repo: GitRepo, result: PlanResult, plan_path: Path | str) -> list[str]:
    """Uncommitted changes the plan leaves out (it runs on the commit): each file it touches
    by name, then the rest of a dirty working tree in one line (an uncommitted importer of
    a moved module is not rewritten either). The plan file itself is not news."""
    uncommitted = {p for p in repo.uncommitted_paths() if not p.startswith(".hoc-migrate/")}
    plan_file = Path(plan_path).resolve()
    if str(plan_path) != "-" and plan_file.is_relative_to(repo.root.resolve()):
        uncommitted.discard(plan_file.relative_to(repo.root.resolve()).as_posix())
    touched = uncommitted & result.changes.touched()
    warnings = [
        f"{path} has uncommitted changes; the plan runs on the commit, without them"
        for path in sorted(touched)
    ]
    others = sorted(uncommitted - touched)
    if others:
        shown = ", ".join(others[:_SHOWN_DIRTY])
        more = f", ... ({len(others)} in all)" if len(others) > _SHOWN_DIRTY else ""
        warnings.append(
            f"the working tree has {len(others)} other uncommitted change(s) the plan does not "
            f"see: {shown}{more}; commit them first to include them"
        )
    return warnings


def dry_run_data(run: DryRun) -> dict[str, Any]:
    """The dry run as JSON-ready data: steps, the change set, the layer check."""
    result = run.result
    data: dict[str, Any] = {
        "plan": result.plan.name,
        "base": run.base,
        "warnings": run.warnings,
        "source_roots": [{"path": root, "reason": why} for root, why in run.roots],
        "steps": [
            {
                "index": o.step.index,
                "kind": o.step.kind,
                "status": o.status,
                "files": sorted({c.path for c in o.changes.changes}),
                "renames": [list(r) for r in o.renames],
                "notes": o.notes,
                "explanation": o.explanation,
            }
            for o in result.outcomes
        ],
        "changes": [
            {
                "kind": c.kind.value,
                "path": c.path,
                **({"old_path": c.old_path} if c.kind is ChangeKind.RENAMED else {}),
            }
            for c in result.changes.changes
        ],
        "references_to_review": [
            {"path": r.path, "line": r.line, "text": r.text, "module": r.module}
            for r in result.references
        ],
    }
    if run.before is not None and run.after is not None and run.diff is not None:
        data["layer_check"] = {
            "scope": list(run.scope),
            "before": run.before.counts_by_rule(),
            "after": run.after.counts_by_rule(),
            "removed": [_finding(f) for f in run.diff.removed],
            "added": [_finding(f) for f in run.diff.added],
            "rules_change": run.rules_change,
        }
    return data


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "severity": f.severity,
        "file": f.file,
        "line": f.line,
        "message": f.message,
        "module": f.module,
        "status": f.status.value,
    }
