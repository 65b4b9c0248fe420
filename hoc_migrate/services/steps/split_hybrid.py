"""`split_hybrid`: split a module mixing business logic and database work into an engine
(L5) and a driver (L6). Callers keep working unchanged: the engine imports back what moved."""

from __future__ import annotations

import tomllib

from hoc_migrate.core.changes import Overlay
from hoc_migrate.core.errors import PlanError, Problem
from hoc_migrate.core.module_shape import DRIVER, SCHEMA
from hoc_migrate.core.paths import ancestors, clean, parent
from hoc_migrate.core.plan import Step
from hoc_migrate.core.style import detect_style
from hoc_migrate.core.suggest.placement import KIND_FOLDERS
from hoc_migrate.ports import config_reader
from hoc_migrate.services.step_context import PlanContext, StepOutcome
from hoc_migrate.services.steps.move import moved_on
from hoc_migrate.services.steps.packages import create_packages

#: ruff's and black's default, for a tree that configures neither.
DEFAULT_LINE_LENGTH = 88


def formatter_line_length(tree: Overlay) -> int:
    """The line length the tree's formatter uses (`[tool.ruff]`, `ruff.toml`, `[tool.black]`),
    so that the code a split writes is laid out as the project's formatter would."""
    read = config_reader(tree)
    for path, keys in (
        ("ruff.toml", ("line-length",)),
        (".ruff.toml", ("line-length",)),
        ("pyproject.toml", ("tool", "ruff", "line-length")),
        ("pyproject.toml", ("tool", "black", "line-length")),
    ):
        data = read(path)
        if data is None:
            continue
        try:
            value: object = tomllib.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, int) and value > 0:
            return value
    return DEFAULT_LINE_LENGTH


def _protocol_path(tree: Overlay, driver: str) -> str:
    """`protocol: true`: the driver's protocols go to its unit's schemas folder (the one there
    is, else named in the style of the driver's folder), as `<driver>_protocol.py`."""
    folder = parent(driver)
    unit = parent(folder)
    names = KIND_FOLDERS[SCHEMA]
    existing = [name for name in names if tree.is_dir(f"{unit}/{name}")]
    numbered = folder.rsplit("/", 1)[-1] == KIND_FOLDERS[DRIVER][1]
    schemas = existing[0] if existing else names[1 if numbered else 0]
    stem = driver.rsplit("/", 1)[-1].removesuffix(".py")
    return f"{unit}/{schemas}/{stem}_protocol.py" if unit else f"{schemas}/{stem}_protocol.py"


def _first_party(tree: Overlay) -> tuple[str, ...]:
    """The packages the project's sorter calls first-party (ruff's `known-first-party`)."""
    return detect_style(config_reader(tree)).first_party


def run_split_hybrid(step: Step, ctx: PlanContext) -> StepOutcome:
    tree = ctx.tree
    path = clean(step.get("path"))
    driver = clean(step.get("driver"))
    engine = clean(step.get("engine")) if step.get("engine") else path
    if (done := moved_on(ctx, step, path)) is not None:
        return done
    if not tree.is_file(path) and engine != path and tree.is_file(engine) and tree.is_file(driver):
        # Split before: the engine is where the step puts it. Splitting it again in place
        # finds nothing left to move ("already done"), or finishes the job.
        return _split(step, ctx, engine, driver, engine, again=True)
    if not tree.is_file(path):
        message = f"'path' does not exist: {path}"
        raise PlanError(
            message, [Problem(message, file=ctx.plan.file, line=step.line, context=step.label)]
        )
    if engine != path and tree.exists(engine):
        message = f"'engine' already exists: {engine}"
        raise PlanError(
            message, [Problem(message, file=ctx.plan.file, line=step.line, context=step.label)]
        )
    return _split(step, ctx, path, driver, engine, again=False)


def _split(
    step: Step, ctx: PlanContext, path: str, driver: str, engine: str, *, again: bool
) -> StepOutcome:
    tree = ctx.tree
    outcome = StepOutcome(step)
    module = ctx.require_module(step, path, "engine" if again else "path")
    driver_module = ctx.require_module(step, driver, "driver")
    engine_module = ctx.require_module(step, engine, "engine")
    protocol = _protocol_path(tree, driver) if step.get("protocol", False) else None
    written = [p for p in (driver, engine, protocol) if p is not None]
    new_folders = sorted({a for p in written for a in ancestors(p) if not tree.is_dir(a)})
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
        line_length=formatter_line_length(tree),
        first_party=_first_party(tree),
        protocol_module=ctx.require_module(step, protocol, "driver") if protocol else None,
        protocol=tree.read_bytes(protocol) if protocol and tree.is_file(protocol) else None,
    )
    outcome.explanation.extend(result.explanation)
    if result.already:
        outcome.notes.append(f"already in {driver}: {', '.join(result.already)}")
    if not result.moved:
        outcome.status = "already done"
        if again:
            outcome.notes.append(f"split before: {engine} and {driver} exist")
        return outcome
    whole = [name for name in result.moved if name not in result.split]
    if whole:
        outcome.notes.append(f"moved to {driver_module}: {', '.join(whole)}")
    if result.split:
        # These stay in the engine with their decisions: only their statements move.
        outcome.notes.append(
            f"split: its database statements go to {driver_module}: {', '.join(result.split)}"
        )
    if engine != path:
        tree.move(path, engine)
        outcome.renames.append((path, engine))
        outcome.module_renames[module] = engine_module
    tree.write(engine, result.engine)
    tree.write(driver, result.driver)
    outcome.files += [engine, driver]
    if protocol is not None and result.protocol is not None:
        tree.write(protocol, result.protocol)
        outcome.files.append(protocol)
        outcome.notes.append(f"the engine depends on the driver's protocol, in {protocol}")
    outcome.files += create_packages(ctx, new_folders, tree.is_file(f"{parent(path)}/__init__.py"))
    if engine != path:
        # The codemod already re-based the engine's own relative imports.
        changed = ctx.rewrite_references({module: engine_module}, skip=[engine])
        outcome.files += [p for p in changed if p not in outcome.files]
    return outcome
