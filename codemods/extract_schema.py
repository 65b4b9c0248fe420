"""extract_schema: move named definitions out of a module into a schema module.

What the moved definitions need travels with them: the imports they use and the
private helpers/constants only they use. The old module imports the moved names
back, so its own code keeps working. A moved definition that needs something
staying behind is refused, because a schema must not import its old module.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import libcst as cst
from libcst.codemod import CodemodCommand, CodemodContext

from codemods._errors import CodemodRefusal
from codemods._header import HeaderSpec
from codemods._module_graph import (
    ImportSpec,
    ModuleGraph,
    Statement,
    add_imports,
    add_to_all,
    all_names,
    append_statements,
    dotted,
    has_future_annotations,
    in_source_order,
    package_of,
    plan_move,
    rebase_relative_imports,
    remove_import_bindings,
    remove_statements,
    uses_relative_imports,
)

Selector = Literal["all_dataclasses", "all_enums"]
SELECTORS: tuple[Selector, ...] = ("all_dataclasses", "all_enums")
SCHEMA_HEADER = HeaderSpec(layer="L5", layer_description="Domain Schemas")

_DATACLASS_DECORATORS = {"dataclass", "dataclasses.dataclass", "pydantic.dataclasses.dataclass"}
_ENUM_BASES = {"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag"}


@dataclass(frozen=True)
class ExtractResult:
    """The two modules after the step, and what moved."""

    source: str
    target_source: str
    moved: list[str] = field(default_factory=list)
    carried_helpers: list[str] = field(default_factory=list)
    already_extracted: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.moved)


def extract(
    source: str,
    *,
    names: Sequence[str] | Selector,
    source_module: str,
    target_module: str,
    target_source: str | None = None,
    reexport: bool = False,
    header: HeaderSpec | None = None,
    source_is_package: bool = False,
) -> ExtractResult:
    """Move `names` (or every dataclass / enum) from `source` into `target_module`.

    `target_source` is the target's current text, None when it does not exist yet (it is
    then created with `header`, default `# Layer: L5 — Domain Schemas`). Names already
    moved (defined in the target or imported from it) are reported in
    `already_extracted` and change nothing. Raises `libcst.ParserSyntaxError` for
    unparseable input and `CodemodRefusal` when a name is missing, cannot be moved, or
    needs something that stays behind.
    """
    module = cst.parse_module(source)
    target = cst.parse_module(target_source) if target_source is not None else None
    source_package = package_of(source_module, source_is_package)
    graph = ModuleGraph.build(module, source_package)
    target_graph = ModuleGraph.build(target, package_of(target_module)) if target else None

    wanted, done = _select(graph, names, target_module, target_graph, source_module)
    if not wanted:
        return ExtractResult(source, target_source or "", already_extracted=done)
    seeds = {_movable_index(graph, name, source_module) for name in wanted}
    moving, helpers, imports = _closure(graph, seeds, source_module, target_module)
    moved_names = [name for index in sorted(moving) for name in graph.defined_names(index)]
    if target_graph is not None:
        _check_target(target_graph, moved_names, source_module, target_module)

    new_target = _build_target(graph, target, moving, imports, target_module, header)
    new_source = _shrink_source(graph, moving, imports, moved_names, target_module, reexport)
    helper_names = [n for i in sorted(helpers) for n in graph.defined_names(i)]
    return ExtractResult(
        new_source.code,
        new_target.code,
        moved=[name for name in moved_names if name not in helper_names],
        carried_helpers=helper_names,
        already_extracted=done,
    )


def _select(
    graph: ModuleGraph,
    names: Sequence[str] | Selector,
    target_module: str,
    target_graph: ModuleGraph | None,
    source_module: str,
) -> tuple[list[str], list[str]]:
    """(names to move now, names already extracted)."""
    if isinstance(names, str):
        if names not in SELECTORS:
            raise CodemodRefusal(f"unknown selector {names!r} (expected one of {SELECTORS})")
        return _selected(graph, names), []
    wanted: list[str] = []
    done: list[str] = []
    for name in dict.fromkeys(names):
        binding = graph.single_binding(name)
        if binding is not None and binding.kind != "import":
            wanted.append(name)
        elif graph.imported_from(name, target_module) or (
            target_graph is not None and target_graph.single_binding(name) is not None
        ):
            done.append(name)
        elif binding is not None and binding.spec is not None:
            raise CodemodRefusal(
                f"{name} is imported into {source_module} from {binding.spec.module}, "
                "not defined there"
            )
        else:
            raise CodemodRefusal(f"{name} is not defined in {source_module}")
    return wanted, done


def _selected(graph: ModuleGraph, selector: Selector) -> list[str]:
    classes = [s for s in graph.module.body if isinstance(s, cst.ClassDef)]
    if selector == "all_dataclasses":
        return [c.name.value for c in classes if _is_dataclass(c)]
    enums: set[str] = set()
    grew = True
    while grew:  # an enum may derive from another enum of the module
        grew = False
        for klass in classes:
            bases = {dotted(arg.value).rsplit(".", 1)[-1] for arg in klass.bases}
            if klass.name.value not in enums and bases & (_ENUM_BASES | enums):
                enums.add(klass.name.value)
                grew = True
    return [c.name.value for c in classes if c.name.value in enums]


def _is_dataclass(klass: cst.ClassDef) -> bool:
    for decorator in klass.decorators:
        expression = decorator.decorator
        if isinstance(expression, cst.Call):
            expression = expression.func
        if dotted(expression) in _DATACLASS_DECORATORS:
            return True
    return False


def _movable_index(graph: ModuleGraph, name: str, source_module: str) -> int:
    binding = graph.single_binding(name)
    assert binding is not None
    if binding.kind != "definition":
        raise CodemodRefusal(
            f"{name} is bound by a statement that cannot be moved "
            f"({source_module} line {graph.line_of(binding.index)})"
        )
    return binding.index


def _closure(
    graph: ModuleGraph, seeds: set[int], source_module: str, target_module: str
) -> tuple[set[int], set[int], dict[str, ImportSpec]]:
    """(statements to move, carried helpers among them, imports they need by bound name)."""
    plan = plan_move(graph, seeds, skip_modules=[target_module])
    if plan.blockers:
        raise CodemodRefusal(
            f"cannot extract to {target_module}: the moved definitions need "
            + ", ".join(plan.blockers[name] for name in sorted(plan.blockers))
            + f", which stays in {source_module}; a schema must not import its old module back"
        )
    return plan.moving, plan.carried, plan.imports


def _uses(graph: ModuleGraph, indexes: set[int]) -> set[str]:
    return set().union(*(graph.uses[index] for index in indexes))


def _check_target(
    target: ModuleGraph, moved: list[str], source_module: str, target_module: str
) -> None:
    clashes = [name for name in moved if name in target.bindings]
    if clashes:
        raise CodemodRefusal(f"{target_module} already defines {', '.join(clashes)}")
    for found in target.bindings.values():
        for binding in found:
            if binding.spec is not None and source_module in (
                binding.spec.module,
                f"{binding.spec.module}.{binding.spec.name}",
            ):
                raise CodemodRefusal(
                    f"{target_module} imports {source_module}: moving definitions there "
                    "would create an import cycle"
                )


def _build_target(
    graph: ModuleGraph,
    target: cst.Module | None,
    moving: set[int],
    imports: dict[str, ImportSpec],
    target_module: str,
    header: HeaderSpec | None,
) -> cst.Module:
    module, source_package = graph.module, graph.package
    target_package = package_of(target_module)
    if target is None:
        text = (header or SCHEMA_HEADER).apply("")
        target = cst.parse_module(text.replace("\n", module.default_newline))
    specs = in_source_order(graph, imports)
    future = ImportSpec("__future__", "annotations", None, False)
    if has_future_annotations(module) and not any(s.same_import(future) for s in specs):
        specs.insert(0, future)
    target = add_imports(target, specs, target_package)
    statements: list[Statement] = [
        rebase_relative_imports(module.body[index], source_package, target_package)
        for index in sorted(moving)
    ]
    return append_statements(target, statements)


def _shrink_source(
    graph: ModuleGraph,
    moving: set[int],
    imports: dict[str, ImportSpec],
    moved_names: list[str],
    target_module: str,
    reexport: bool,
) -> cst.Module:
    staying = [index for index in range(len(graph.module.body)) if index not in moving]
    still_used = _uses(graph, set(staying)) | all_names(graph.module)
    unused = {name for name in imports if name not in still_used and name != "annotations"}
    module = remove_statements(graph.module, moving)
    module = remove_import_bindings(module, ModuleGraph.build(module, graph.package), unused)
    if unused:
        # An emptied `if TYPE_CHECKING:` block leaves its flag import unused.
        after = ModuleGraph.build(module, graph.package)
        if "TYPE_CHECKING" in after.bindings and not after.users("TYPE_CHECKING"):
            module = remove_import_bindings(module, after, {"TYPE_CHECKING"})
    back = [name for name in moved_names if reexport or name in still_used]
    if back:
        relative = uses_relative_imports(graph.module)
        specs = [ImportSpec(target_module, name, None, relative) for name in back]
        module = add_imports(module, specs, graph.package, prefer_relative=relative)
    if reexport:
        module = add_to_all(module, back)
    return module


class ExtractSchemaCommand(CodemodCommand):
    """`python -m libcst.tool codemod extract_schema.ExtractSchemaCommand FILE --names A,B
    --target-module app.x.schemas.y [--source-module app.x.drivers.z] [--reexport]`

    The target module file is written next to the source tree (`--target-path`, else
    derived from the source file's path and the two module names).
    """

    DESCRIPTION = "Move named definitions (dataclasses, enums, constants...) into a schema module."

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument(
            "--names",
            required=True,
            help="comma-separated names, or all_dataclasses / all_enums",
        )
        arg_parser.add_argument("--target-module", dest="target_module", required=True)
        arg_parser.add_argument(
            "--source-module",
            dest="source_module",
            default=None,
            help="dotted name of the file being changed (default: from the repo root)",
        )
        arg_parser.add_argument("--target-path", dest="target_path", default=None)
        arg_parser.add_argument("--reexport", action="store_true", default=False)
        arg_parser.add_argument("--audience", default=None)
        arg_parser.add_argument("--role", default=None)

    def __init__(
        self,
        context: CodemodContext,
        names: str | Sequence[str],
        target_module: str,
        source_module: str | None = None,
        target_path: str | None = None,
        reexport: bool = False,
        audience: str | None = None,
        role: str | None = None,
    ) -> None:
        super().__init__(context)
        if isinstance(names, str):
            names = [n.strip() for n in names.split(",") if n.strip()]
        self.names: Sequence[str] | Selector = names
        selector = names[0] if len(names) == 1 else ""
        if selector == "all_dataclasses" or selector == "all_enums":
            self.names = selector
        self.target_module = target_module
        self.source_module = source_module
        self.target_path = target_path
        self.reexport = reexport
        self.header = HeaderSpec("L5", "Domain Schemas", audience=audience, role=role)

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        source_module = self.source_module or self.context.full_module_name
        if not source_module:
            raise CodemodRefusal("give --source-module: the file's module name is unknown")
        path = self._target_path(source_module)
        current = path.read_text(encoding="utf-8") if path and path.exists() else None
        result = extract(
            tree.code,
            names=self.names,
            source_module=source_module,
            target_module=self.target_module,
            target_source=current,
            reexport=self.reexport,
            header=self.header,
            source_is_package=bool(self.context.filename)
            and Path(str(self.context.filename)).name == "__init__.py",
        )
        self.context.scratch["extract_schema.target_source"] = result.target_source
        if path is not None and result.target_source != (current or ""):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(result.target_source.encode(tree.encoding))
        if not result.changed:
            return tree
        return cst.parse_module(result.source).with_changes(encoding=tree.encoding)

    def _target_path(self, source_module: str) -> Path | None:
        if self.target_path:
            return Path(self.target_path)
        if not self.context.filename:
            return None
        depth = len(source_module.split("."))
        filename = Path(self.context.filename).resolve()
        if filename.name == "__init__.py":
            depth += 1
        root = filename.parents[depth - 1]
        return root.joinpath(*self.target_module.split(".")).with_suffix(".py")
