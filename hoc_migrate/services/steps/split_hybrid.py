"""`split_hybrid`: split a module mixing business logic and database work into an engine
(L5) and a driver (L6). Callers keep working unchanged: the engine imports back what moved."""

from __future__ import annotations

from hoc_migrate.core.errors import PlanError, Problem
from hoc_migrate.core.paths import ancestors, clean, parent
from hoc_migrate.core.plan import Step
from hoc_migrate.services.step_context import PlanContext, StepOutcome
from hoc_migrate.services.steps.move import moved_on
from hoc_migrate.services.steps.packages import create_packages


def run_split_hybrid(step: Step, ctx: PlanContext) -> StepOutcome:
    tree = ctx.tree
    path = clean(step.get("path"))
    driver = clean(step.get("driver"))
    engine = clean(step.get("engine")) if step.get("engine") else path
    outcome = StepOutcome(step)
    if (done := moved_on(ctx, step, path)) is not None:
        return done
    if not tree.is_file(path):
        if engine != path and tree.is_file(engine) and tree.is_file(driver):
            outcome.status = "already done"
            outcome.notes.append(f"{engine} and {driver} already exist")
            return outcome
        message = f"'path' does not exist: {path}"
        raise PlanError(
            message, [Problem(message, file=ctx.plan.file, line=step.line, context=step.label)]
        )
    if engine != path and tree.exists(engine):
        message = f"'engine' already exists: {engine}"
        raise PlanError(
            message, [Problem(message, file=ctx.plan.file, line=step.line, context=step.label)]
        )
    module = ctx.require_module(step, path, "path")
    driver_module = ctx.require_module(step, driver, "driver")
    engine_module = ctx.require_module(step, engine, "engine")
    new_folders = sorted({a for p in (driver, engine) for a in ancestors(p) if not tree.is_dir(a)})
    source = tree.read_bytes(path)
    result = ctx.codemods.split_module(
        source,
        path=path,
        driver=tree.read_bytes(driver) if tree.is_file(driver) else None,
        names=step.get("names", "auto"),
        module=module,
        driver_module=driver_module,
        engine_module=engine_module if engine != path else None,
        partial=bool(step.get("partial", False)),
        audience=ctx.topology.audience(path),
        note=step.get("note"),
    )
    outcome.explanation.extend(result.explanation)
    if result.already:
        outcome.notes.append(f"already in {driver}: {', '.join(result.already)}")
    if not result.moved:
        outcome.status = "already done"
        return outcome
    outcome.notes.append(f"moved to {driver_module}: {', '.join(result.moved)}")
    if engine != path:
        tree.move(path, engine)
        outcome.renames.append((path, engine))
        outcome.module_renames[module] = engine_module
    tree.write(engine, result.engine)
    tree.write(driver, result.driver)
    outcome.files += [engine, driver]
    outcome.files += create_packages(ctx, new_folders, tree.is_file(f"{parent(path)}/__init__.py"))
    if engine != path:
        # The codemod already re-based the engine's own relative imports.
        changed = ctx.rewrite_references({module: engine_module}, skip=[engine])
        outcome.files += [p for p in changed if p not in outcome.files]
    return outcome
