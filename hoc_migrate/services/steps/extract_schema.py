"""`extract_schema`: move definitions into a schema module and repoint every importer."""

from __future__ import annotations

from hoc_migrate.core.paths import ancestors, clean, parent
from hoc_migrate.core.plan import Step
from hoc_migrate.services.step_context import PlanContext, StepOutcome
from hoc_migrate.services.steps.move import moved_on
from hoc_migrate.services.steps.packages import create_packages


def run_extract_schema(step: Step, ctx: PlanContext) -> StepOutcome:
    src, dst = clean(step.get("from")), clean(step.get("to"))
    tree = ctx.tree
    if (done := moved_on(ctx, step, src)) is not None:
        return done
    source_module = ctx.require_module(step, src, "from")
    target_module = ctx.require_module(step, dst, "to")
    new_folders = [a for a in ancestors(dst) if not tree.is_dir(a)]
    existing = tree.read_bytes(dst) if tree.is_file(dst) else None
    result = ctx.codemods.extract_definitions(
        tree.read_bytes(src),
        path=src,
        target=existing,
        names=step.get("names"),
        source_module=source_module,
        target_module=target_module,
        source_is_package=src.endswith("/__init__.py"),
        reexport=bool(step.get("reexport", False)),
        audience=ctx.topology.audience(dst),
        role=step.get("role"),
    )
    outcome = StepOutcome(step)
    if result.already:
        outcome.notes.append(f"already in {dst}: {', '.join(result.already)}")
    if not result.moved:
        outcome.status = "already done"
        return outcome
    tree.write(src, result.source)
    tree.write(dst, result.target)
    outcome.files += [src, dst]
    outcome.files += create_packages(ctx, new_folders, tree.is_file(f"{parent(src)}/__init__.py"))
    outcome.notes.append(f"moved {', '.join(result.moved)} to {target_module}")
    if result.helpers:
        outcome.notes.append(f"carried private helpers: {', '.join(result.helpers)}")
    # Every other importer now imports the moved names from the schema module.
    changed = ctx.rewrite_references(
        {source_module: target_module}, names=list(result.moved), skip=[src, dst]
    )
    outcome.files += [p for p in changed if p not in outcome.files]
    return outcome
