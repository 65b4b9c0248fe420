"""`move`: move a module or a package and rewrite every reference to it."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from hoc_migrate.core.errors import PlanError, Problem
from hoc_migrate.core.modules import resolve_relative
from hoc_migrate.core.paths import (
    ancestors,
    clean,
    init_move_problem,
    is_package_init,
    parent,
)
from hoc_migrate.core.plan import Step, final_location, made_by_earlier_step
from hoc_migrate.services.step_context import PlanContext, StepOutcome
from hoc_migrate.services.steps.doctest_shims import (
    CONFTEST,
    collects_doctest_modules,
    with_ignored,
)
from hoc_migrate.services.steps.packages import (
    create_packages,
    follow_marker,
    license_notice,
    remove_emptied_packages,
)
from hoc_migrate.services.steps.shim import (
    SHIM_MARKER_BYTES,
    binds,
    parent_attribute_line,
    shim_source,
    shim_target,
    stub_shim_source,
    stub_shim_target,
    stub_with_notice,
    uses_relative_imports,
    with_notice,
)


def _fail(ctx: PlanContext, step: Step, message: str) -> PlanError:
    return PlanError(
        message, [Problem(message, file=ctx.plan.file, line=step.line, context=step.label)]
    )


def is_shim(ctx: PlanContext, path: str) -> bool:
    return ctx.tree.is_file(path) and SHIM_MARKER_BYTES in ctx.tree.read_bytes(path)[:400]


def run_move(step: Step, ctx: PlanContext) -> StepOutcome:
    src, dst = clean(step.get("from")), clean(step.get("to"))
    tree = ctx.tree
    if src == dst:
        raise _fail(ctx, step, f"'{src}' is moved onto itself")
    src_is_file = tree.is_file(src) and not is_shim(ctx, src)
    src_is_dir = not tree.is_file(src) and tree.is_dir(src)
    if not (src_is_file or src_is_dir):
        if tree.exists(dst):
            return StepOutcome(step, status="already done", notes=[f"{dst} already exists"])
        later = final_location(ctx.plan.steps, step.index, dst)
        if later != dst and tree.exists(later):  # a chain a -> b -> c, run again
            return StepOutcome(
                step, status="already done", notes=[f"later steps moved {dst} on to {later}"]
            )
        if made_by_earlier_step(ctx.plan.steps, step.index, src):
            # A folder an earlier step created, emptied by later steps: a run again.
            return StepOutcome(
                step,
                status="already done",
                notes=[f"{src} was this plan's, later steps emptied it"],
            )
        raise _fail(ctx, step, f"'from' does not exist: {src}")
    if tree.is_file(dst) or tree.is_dir(dst):
        raise _fail(ctx, step, f"'to' already exists: {dst}")

    if src_is_file:
        if not src.endswith(".py") or not dst.endswith(".py"):
            raise _fail(ctx, step, "a file move goes from a .py file to a .py file")
        old_module = ctx.require_module(step, src, "from")
        new_module = ctx.require_module(step, dst, "to")
        if is_package_init(src) and (why := init_move_problem(src, tree.iter_files())):
            raise _fail(ctx, step, why)
        mapping = {src: dst}
        # A stub beside the module names it by its path: it moves with it.
        if tree.is_file(src + "i") and not tree.exists(dst + "i"):
            mapping[src + "i"] = dst + "i"
    else:
        old_module = ctx.require_module(step, f"{src}/__init__.py", "from")
        new_module = ctx.require_module(step, f"{dst}/__init__.py", "to")
        if dst.startswith(src + "/"):
            raise _fail(ctx, step, f"cannot move the package {src} into itself")
        mapping = {f: dst + f[len(src) :] for f in tree.iter_files(src)}

    regular_package = tree.is_file(f"{parent(src)}/__init__.py")
    typed = _typed_marker(ctx, src, src_is_dir)
    # A moved package brings its own __init__.py; only the folders above it are new.
    new_folders = [a for a in ancestors(dst) if not tree.is_dir(a)]
    moved: dict[str, str] = {}
    old_modules = {old_path: ctx.context_module_of(old_path) for old_path in mapping}
    for old_path, new_path in mapping.items():
        tree.move(old_path, new_path)
        if (old_mod := old_modules[old_path]) is not None:
            moved[new_path] = old_mod

    outcome = StepOutcome(
        step, renames=list(mapping.items()), module_renames={old_module: new_module}
    )
    outcome.files.extend(mapping.values())
    first = dst if src_is_file else f"{dst}/__init__.py"
    notice = license_notice(tree.read_bytes(first)) if tree.is_file(first) else b""
    created = create_packages(ctx, new_folders, regular_package, notice)
    if src_is_dir:  # packages hoc-migrate created, moved on: their docstrings follow
        for old_path, new_path in mapping.items():
            if is_package_init(old_path) and (old_mod := old_modules[old_path]) is not None:
                follow_marker(ctx, old_mod, parent(new_path))
    outcome.files.extend(created)
    # New packages: those hoc-migrate created, and a new folder the moved module became the
    # `__init__.py` of (both join the project's package lists).
    inits = [f"{folder}/__init__.py" for folder in new_folders]
    new_packages = [m for m in (ctx.module_of(p) for p in inits if tree.is_file(p)) if m]
    if src_is_dir and step.get("shim", False):
        new_packages.append(old_module)  # the shim keeps the old package: it is still shipped
    # Names the step leaves no package at leave the project's package lists: the packages
    # it removed, and a package whose `__init__.py` became a module.
    became_module = src_is_file and is_package_init(src) and not is_package_init(dst)
    gone_packages = [new_module] if became_module else []
    if not step.get("shim", False):  # a shim keeps the old folder a package
        for gone in remove_emptied_packages(ctx, ancestors(src)):
            outcome.notes.append(
                f"removed {gone}: hoc-migrate created it and it holds nothing else"
            )
            gone_packages += [m for m in (ctx.module_of(gone),) if m]
    # A module moved to `pkg/__init__.py` (or back) changes the package it imports from.
    were_inits = [new for old, new in mapping.items() if is_package_init(old)]
    changed = ctx.rewrite_references(
        {old_module: new_module},
        moved=moved,
        moved_inits=were_inits,
        shadowed=_shadowed(ctx, src, old_module),
    )
    refresh_shims(ctx, changed)
    changed += ctx.rewrite_configs({old_module: new_module}, mapping, new_packages, gone_packages)
    if step.get("docs", False):
        changed += ctx.rewrite_docs({old_module: new_module})
    outcome.files.extend(p for p in dict.fromkeys(changed) if p not in outcome.files)
    if step.get("fix_header", True):
        outcome.files.extend(
            p for p in _update_headers(ctx, src, dst, list(moved)) if p not in outcome.files
        )
    if step.get("shim", False):
        shims = _leave_shim(ctx, src, src_is_file, old_module, new_module, changed, mapping, typed)
        outcome.files.extend(shims)
        outcome.notes.append(
            f"left a shim at {src}{_stubs_note(shims, typed)}: {old_module} is {new_module} "
            "under its old name"
        )
        if CONFTEST in shims:
            outcome.notes.append(
                f"added {src} to collect_ignore in {CONFTEST}: pytest --doctest-modules "
                "would import the shim from its old path and stop on the mismatch"
            )
    return outcome


def _leave_shim(
    ctx: PlanContext,
    src: str,
    is_file: bool,
    old: str,
    new: str,
    rewritten: list[str],
    mapping: dict[str, str],
    typed: str | None,
) -> list[str]:
    shim_path = src if is_file else f"{src}/__init__.py"
    ctx.tree.write(shim_path, shim_source(old, new, package=not is_file))
    written = [shim_path]
    # Type checkers do not run the shim: they read a stub at the old path, one for each
    # moved module that had a stub (they read it first), or every moved module of a typed
    # package (PEP 561), whose users' type checkers read the package's own code.
    for old_path, new_path in mapping.items():
        stub = old_path + "i"
        if not old_path.endswith(".py") or not (typed or stub in mapping):
            continue
        if stub not in mapping and ctx.tree.exists(stub):  # the project's own: kept
            continue
        if (target := ctx.module_of(new_path)) is not None:
            ctx.tree.write(stub, stub_shim_source(target))
            written.append(stub)
    # A package that held the marker itself: its old name stays typed for the stubs.
    if typed is not None and typed in mapping:
        ctx.tree.write(typed, ctx.tree.read_bytes(mapping[typed]))
        written.append(typed)
    if is_file and collects_doctest_modules(ctx.tree, ctx.plan.verify.command):
        conftest = ctx.tree.read_bytes(CONFTEST) if ctx.tree.is_file(CONFTEST) else None
        result = with_ignored(conftest, shim_path)
        if result != conftest:
            ctx.tree.write(CONFTEST, result)
            written.append(CONFTEST)
    # `import pkg; pkg.core` worked when pkg/__init__.py imported pkg.core: it still does.
    parent_init = f"{parent(src)}/__init__.py"
    name = old.rpartition(".")[2]
    if parent_init in rewritten:
        source = ctx.tree.read_bytes(parent_init)
        if not binds(source, name):
            sep = b"" if source.endswith(b"\n") or not source else b"\n"
            relative = ctx.style.relative_imports != "absolute" and uses_relative_imports(source)
            package = old.rpartition(".")[0] if relative else ""
            line = parent_attribute_line(name, new, package)
            ctx.tree.write(parent_init, source + sep + line)
            written.append(parent_init)
    return written


def _typed_marker(ctx: PlanContext, src: str, is_dir: bool) -> str | None:
    """The `py.typed` file (PEP 561) that makes `src` part of a typed package: in its
    folder or a folder above, or, for a package, in the package itself. None: not typed."""
    folders = [*ancestors(src), *([src] if is_dir else [])]
    return next((m for f in reversed(folders) if ctx.tree.is_file(m := f"{f}/py.typed")), None)


def _stubs_note(shims: list[str], typed: str | None) -> str:
    stubs = [p for p in shims if p.endswith(".pyi")]
    if not stubs:
        return ""
    what = (
        "a stub re-exporting its names"
        if len(stubs) == 1
        else f"{len(stubs)} stubs re-exporting their names"
    )
    why = f", for type checkers: {typed} marks the package typed" if typed else ""
    return f" (and {what}{why})"


def refresh_shims(ctx: PlanContext, rewritten: list[str]) -> None:
    """Shims (and their stubs) that a step's rewrite pointed to where their module moved on:
    their comment and docstring name that place too."""
    for path in rewritten:
        source = ctx.tree.read_bytes(path)
        if not source.startswith(SHIM_MARKER_BYTES):
            continue
        result = source
        if path.endswith(".py") and (names := shim_target(source)) is not None:
            result = with_notice(source, *names)
        elif path.endswith(".pyi") and (new := stub_shim_target(source)) is not None:
            result = stub_with_notice(source, new)
        if result != source:
            ctx.tree.write(path, result)


def _shadowed(ctx: PlanContext, src: str, old_module: str) -> frozenset[str]:
    """`{old_module}` when its package's `__init__` binds the module's name to something
    else (`from .isoparser import isoparser`: `pkg.isoparser` is the class), so that
    `from pkg import isoparser` keeps importing what it imported; else nothing."""
    package, _, name = old_module.rpartition(".")
    parent_init = f"{parent(src)}/__init__.py"
    if not package or not ctx.tree.is_file(parent_init):
        return frozenset()
    try:
        tree = ast.parse(ctx.tree.read_bytes(parent_init))
    except (SyntaxError, ValueError):
        return frozenset()
    hidden = False  # the last binding of `name` at the package's top level decides
    for node in _top_level(tree.body):
        if isinstance(node, ast.ImportFrom):
            base = resolve_relative(package, node.level, node.module)
            for alias in node.names:
                if (alias.asname or alias.name) == name:
                    hidden = f"{base}.{alias.name}" != old_module
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname == name:
                    hidden = alias.name != old_module
                elif alias.asname is None and alias.name.partition(".")[0] == name:
                    hidden = True  # `import name`: a top-level module of that name
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if node.name == name:
                hidden = True
        elif any(
            isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store) and sub.id == name
            for sub in ast.walk(node)
        ):
            hidden = True
    return frozenset({old_module}) if hidden else frozenset()


def _top_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements that run at a module's top level, in order: those inside `if`,
    `try`, `with` and loops too, not those of functions and classes."""
    for node in body:
        if isinstance(node, ast.If | ast.For | ast.While | ast.With | ast.Try | ast.TryStar):
            yield from _top_level(node.body)
            for handler in getattr(node, "handlers", ()):
                yield from _top_level(handler.body)
            yield from _top_level(getattr(node, "orelse", []))
            yield from _top_level(getattr(node, "finalbody", []))
        else:
            yield node


def moved_on(ctx: PlanContext, step: Step, path: str) -> StepOutcome | None:
    """'already done' when `path` is gone because later moves took it on to where it now is
    (a plan run again after `extract_schema` then moving the package); None otherwise."""
    if ctx.tree.exists(path):
        return None
    later = final_location(ctx.plan.steps, step.index, path)
    if later == path or not ctx.tree.exists(later):
        return None
    return StepOutcome(step, status="already done", notes=[f"later steps moved {path} to {later}"])


def _update_headers(ctx: PlanContext, src: str, dst: str, moved: list[str]) -> list[str]:
    """A move into another layer or audience updates the moved files' headers (where the
    project keeps headers)."""
    topo = ctx.topology
    if not topo.headers:
        return []
    src_probe = src if src.endswith(".py") else f"{src}/__init__.py"
    dst_probe = dst if dst.endswith(".py") else f"{dst}/__init__.py"
    old_layer, new_layer = topo.folder_layer(src_probe), topo.folder_layer(dst_probe)
    old_aud, new_aud = topo.audience(src_probe), topo.audience(dst_probe)
    if old_layer == new_layer and old_aud == new_aud:
        return []
    changed = []
    for path in moved:
        if not path.endswith(".py"):
            continue
        source = ctx.tree.read_bytes(path)
        header = ctx.codemods.read_header(source)
        layer: str | None = None
        audience: str | None = None
        declared = header.get("Layer", "")
        hybrid = "HYBRID" in declared.upper()
        keeps_hybrid = hybrid and new_layer in ("L5", "L6")
        if new_layer and new_layer not in (old_layer, declared.split(" ")[0]) and not keeps_hybrid:
            layer = new_layer
        # Only a declared audience is updated: a file without one gets none added.
        if new_aud and new_aud != old_aud and header.get("AUDIENCE") not in (None, new_aud):
            audience = new_aud
        if layer or audience:
            description = topo.layer_description(layer) if layer else None
            result = ctx.codemods.set_header(
                source, path=path, layer=layer, description=description, audience=audience
            )
            if result != source:
                ctx.tree.write(path, result)
                changed.append(path)
    return changed
