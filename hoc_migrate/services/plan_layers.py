"""What `plan validate` checks against the project's layers and modules, so that `apply` has
nothing left to refuse: a `rewrite_import` target that will not exist, a layer the project
does not have, a header that would need a description the configuration does not give."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Protocol

from hoc_migrate.core.layers.config_show import toml_key
from hoc_migrate.core.modules import normalize_root
from hoc_migrate.core.paths import clean, is_glob, match_glob
from hoc_migrate.core.plan import Plan, Step
from hoc_migrate.core.verification import under
from hoc_migrate.ports import TreeReader
from hoc_migrate.services.import_resolution import ModuleIndex
from hoc_migrate.services.step_context import Topology

Report = Callable[[Step | None, str], None]


class LayerView(Topology, Protocol):
    """The planner's topology, plus the layers it knows (the checker's Topology is one)."""

    def known_layers(self) -> Collection[str]: ...


def _module_exists(module: str, files: Collection[str], roots: Sequence[str]) -> bool:
    path = module.replace(".", "/")
    for root in roots:
        prefix = f"{normalize_root(root)}/" if normalize_root(root) else ""
        base = prefix + path
        if f"{base}.py" in files or f"{base}/__init__.py" in files:
            return True
        if any(f.startswith(base + "/") for f in files):  # a namespace package
            return True
    return False


def _project_packages(files: Collection[str], roots: Sequence[str]) -> set[str]:
    names: set[str] = set()
    for root in roots:
        r = normalize_root(root)
        prefix = f"{r}/" if r else ""
        for f in files:
            if f.startswith(prefix):
                head, sep, _ = f[len(prefix) :].partition("/")
                names.add(head if sep else head.removesuffix(".py"))
    return {n for n in names if n.isidentifier()}


def rewrite_target_problems(
    plan: Plan, files: Collection[str], roots: Sequence[str], report: Report
) -> None:
    """A `rewrite_import` into the project must point at a module the plan's result has
    (modules outside the project, third-party ones, cannot be checked here)."""
    project = _project_packages(files, roots)
    for step in plan.steps:
        if step.kind != "rewrite_import":
            continue
        target = str(step.get("to"))
        if target.partition(".")[0] in project and not _module_exists(target, files, roots):
            report(
                step,
                f"'to': module {target} does not exist (nor does any step create it); "
                "every import the step rewrites would be broken",
            )


def _written_by_steps(plan: Plan) -> list[str]:
    """Every path a step moves, creates or rewrites the definitions of."""
    keys = {
        "move": ("from", "to"),
        "extract_schema": ("from", "to"),
        "split_hybrid": ("path", "driver", "engine"),
    }
    return [
        clean(str(step.get(key)))
        for step in plan.steps
        for key in keys.get(step.kind, ())
        if step.get(key) is not None
    ]


def rewrite_name_problems(
    plan: Plan, tree: TreeReader, files: Collection[str], roots: Sequence[str], report: Report
) -> None:
    """A `rewrite_import` with `names` must point at a module that defines them (or has them
    as submodules), else every import it rewrites breaks: read from the tree, where no step
    changes the module (a step that writes it decides for itself)."""
    index = ModuleIndex(tree, roots)
    written = _written_by_steps(plan)
    for step in plan.steps:
        names = step.get("names")
        if step.kind != "rewrite_import" or not isinstance(names, list):
            continue
        target = str(step.get("to"))
        module_file = index.module_file(target)
        if not module_file or any(p == module_file or under(module_file, [p]) for p in written):
            continue
        missing = [
            str(name)
            for name in names
            if not _module_exists(f"{target}.{name}", files, roots)
            and not index.defines(module_file, str(name))
        ]
        if missing:
            shown = ", ".join(f"'{name}'" for name in missing)
            report(
                step,
                f"'names': {target} ({module_file}) has no module or name {shown}; every "
                "import the step rewrites would be broken",
            )


def header_problems(
    plan: Plan, files: Collection[str], topology: LayerView | None, report: Report
) -> None:
    """Layers a step names must be the project's; a header a step writes needs a description
    (the step's `description`, else `layer_descriptions`)."""
    if topology is None:
        return
    known = topology.known_layers()
    shown = ", ".join(sorted(known)) or "none configured"

    def described(step: Step, layer: str, why: str) -> None:
        if topology.layer_description(layer) is None:
            report(
                step,
                f"{why} writes a `# Layer: {layer}` header, but layer {layer} has no "
                "description: give the step a `description:` or set "
                f'layer_descriptions = {{{toml_key(layer)} = "..."}} in the configuration',
            )

    for step in plan.steps:
        if step.kind == "fix_header":
            layer = step.get("layer")
            if layer is None or layer == "auto":
                if layer == "auto" and step.get("description") is None:
                    target = clean(str(step.get("path")))
                    matched = match_glob(target, files) if is_glob(target) else [target]
                    layers = {topology.folder_layer(p) for p in matched}
                    for found in sorted(x for x in layers if x is not None):
                        described(step, found, "'layer: auto'")
                continue
            layer = str(layer)
            if layer not in known:
                report(step, f"'layer': {layer} is not a layer of the project (layers: {shown})")
            elif step.get("description") is None:
                described(step, layer, "the step")
        elif step.kind == "move" and topology.headers and step.get("fix_header", True):
            src, dst = clean(str(step.get("from"))), clean(str(step.get("to")))
            probe = dst if dst.endswith(".py") else f"{dst}/__init__.py"
            old = topology.folder_layer(src if src.endswith(".py") else f"{src}/__init__.py")
            new = topology.folder_layer(probe)
            if new is not None and new != old:
                described(step, new, f"the move into {new}")
