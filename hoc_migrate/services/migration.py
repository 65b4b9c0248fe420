"""A migration: a plan bound to a repository, with everything needed to compute it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hoc_migrate.adapters.codemod_runner import LibcstCodemods
from hoc_migrate.adapters.filesystem import DiskTree
from hoc_migrate.adapters.import_style import project_style
from hoc_migrate.adapters.plan_file import load_plan
from hoc_migrate.adapters.repo_root import find_repo_root
from hoc_migrate.core.entry_points import entry_points_in
from hoc_migrate.core.errors import HocMigrateError, PlanError, Problem
from hoc_migrate.core.layers.config import CheckConfig
from hoc_migrate.core.layout import Layout
from hoc_migrate.core.plan import Plan
from hoc_migrate.ports import (
    NO_PROGRESS,
    PlainStyle,
    Progress,
    SourceCodemods,
    SourceStyle,
    TreeReader,
    config_reader,
)
from hoc_migrate.services.import_resolution import importable_packages
from hoc_migrate.services.layer_topology import (
    LayerTopology,
    load_layer_config,
    resolve_layout,
    with_plan,
)
from hoc_migrate.services.plan_validation import validate_against_tree
from hoc_migrate.services.planner import PlanResult, compute_plan
from hoc_migrate.services.step_context import Topology


@dataclass
class Migration:
    plan: Plan
    plan_path: Path
    repo_root: Path
    tree: TreeReader
    config: CheckConfig  # the layer check's configuration, with the plan's roots and debt
    source_roots: tuple[str, ...]
    layout: Layout  # the source roots with the reason for each
    codemods: SourceCodemods
    topology: Topology
    style: SourceStyle = field(default_factory=PlainStyle)


def _display(plan_path: Path) -> str:
    """Show the plan path as the user is likely to have typed it."""
    try:
        return str(plan_path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(plan_path)


def prepare_migration(
    plan_path: Path,
    repo: Path | None = None,
    *,
    tree: TreeReader | None = None,
    plan: Plan | None = None,
) -> Migration:
    """Load and validate the plan (format, then against the tree); raise listing every problem.
    `plan`: already loaded (from `plan_path`'s text), so it is not read again."""
    plan = plan if plan is not None else load_plan(plan_path, display=_display(plan_path))
    repo_root = find_repo_root(repo)
    config = load_layer_config(repo_root)
    disk = DiskTree(repo_root)
    tree = tree if tree is not None else disk
    layout = resolve_layout(plan, config, tree, repo_root)
    source_roots = layout.paths
    # Links are looked for on disk too: a tree read from a commit does not list them, and a
    # step writing through one would write outside the repository.
    validate_against_tree(plan, tree, source_roots, links=disk, topology=LayerTopology(config))
    config = with_plan(config, plan, source_roots)
    return Migration(
        plan=plan,
        plan_path=plan_path,
        repo_root=repo_root,
        tree=tree,
        config=config,
        source_roots=tuple(source_roots),
        layout=layout,
        codemods=LibcstCodemods(),
        topology=LayerTopology(config),
        style=project_style(tree, repo_root, importable_packages(tree, source_roots)),
    )


def compute(migration: Migration, progress: Progress = NO_PROGRESS) -> PlanResult:
    return compute_plan(
        migration.plan,
        migration.tree,
        codemods=migration.codemods,
        topology=migration.topology,
        source_roots=migration.source_roots,
        style=migration.style,
        progress=progress,
        protected=frozenset(entry_points_in(config_reader(migration.tree)).groups),
    )


def trial_run(migration: Migration, progress: Progress = NO_PROGRESS) -> PlanResult:
    """The steps run in memory, as dry-run and apply run them: a step that cannot run (a
    module it must rewrite does not parse, a codemod refuses) is a problem of the plan,
    reported at the step's line with where the source is wrong."""
    try:
        return compute(migration, progress)
    except HocMigrateError as exc:
        plan = migration.plan
        step = next((s for s in plan.steps if exc.summary.startswith(f"{s.label}: ")), None)
        if step is None:
            raise
        message = exc.summary[len(step.label) + 2 :]
        problems = [Problem(message, file=plan.file, line=step.line, context=step.label)]
        raise PlanError(
            f"{plan.file}: the plan cannot run on this tree ({step.label} fails)",
            problems + [p for p in exc.problems if str(p) not in message],
            hint=exc.hint,
        ) from None


def setting_lines(migration: Migration) -> list[str]:
    """What the plan runs with that the user did not write in it: the source roots found
    (and why), and the import style the edits follow."""
    lines = [f"source roots: {', '.join(migration.layout.describe())}"]
    lines += [f"style: {line}" for line in migration.style.describe()]
    return lines


def explain_steps(
    migration: Migration, only: int | None = None, progress: Progress = NO_PROGRESS
) -> list[str]:
    """What each step will do, computed for real on an overlay (nothing is written)."""
    result = compute(migration, progress)
    lines: list[str] = setting_lines(migration) if only is None else []
    for outcome in result.outcomes:
        if only is not None and outcome.step.index != only:
            continue
        lines.append(f"{outcome.step.label}: {outcome.status}")
        if outcome.step.why:
            lines.append(f"  why: {outcome.step.why}")
        lines.extend(f"  moves {line}" for line in outcome.shown_renames())
        lines.extend(f"  {note}" for note in outcome.notes)
        lines.extend(f"  {line}" for line in outcome.explanation)
        for change in outcome.changes.changes:
            lines.append(f"  {change.kind.value:<9} {change.path}")
    return lines
