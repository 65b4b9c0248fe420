"""split_hybrid: split a HYBRID module (L5 logic + L6 database work) into engine and driver.

Database code is listed or found by `classify` (evidence per function and method).
Module-level database functions move to the driver as they are and the engine
imports them back; a class mixing both kinds of methods is split (see
`_class_split`). The driver never imports the engine: code the database work needs
that stays in the engine is refused by name. `partial=True` extracts only the listed
code and marks the rest `L5/L6 — HYBRID (pending refactor)`.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import libcst as cst
from libcst.codemod import CodemodCommand, CodemodContext

from codemods._class_split import ClassSplit, split_class
from codemods._db_usage import Classification, classify, classify_module
from codemods._driver_base import base_name, share_operations
from codemods._driver_protocol import build_protocols, protocol_name
from codemods._errors import CodemodRefusal
from codemods._header import HeaderSpec, read_header, set_header
from codemods._import_order import sort_imports
from codemods._layout import DEFAULT_LINE_LENGTH
from codemods._module_graph import (
    ImportSpec,
    ModuleGraph,
    package_of,
    plan_move,
    rebase_relative_imports,
    uses_relative_imports,
)
from codemods._split_driver import build_driver, driver_role, listing_role
from codemods._split_engine import build_engine, engine_spec, header_for_engine
from codemods._split_select import Auto, Selection, select, walk

__all__ = ["Classification", "SplitHybridCommand", "SplitResult", "classify", "split"]


@dataclass(frozen=True)
class SplitResult:
    """The engine and driver after the step, and what moved."""

    engine_source: str
    driver_source: str
    moved: list[str] = field(default_factory=list)  # "func", "Class", "Class.method"
    split_methods: list[str] = field(default_factory=list)  # of `moved`: kept, parts extracted
    carried: list[str] = field(default_factory=list)  # helpers/constants that went along
    duplicated: list[str] = field(default_factory=list)  # copied (e.g. `logger`)
    driver_classes: dict[str, str] = field(default_factory=dict)  # engine class -> driver
    type_checking_imports: list[str] = field(default_factory=list)
    already_split: list[str] = field(default_factory=list)
    classification: list[Classification] = field(default_factory=list)
    operations: list[str] = field(default_factory=list)  # "Class.method ... -> driver method"
    method_notes: list[str] = field(default_factory=list)  # per method: what moves and why
    protocol_source: str = ""  # the driver protocols' module (`protocol_module`)

    @property
    def changed(self) -> bool:
        return bool(self.moved)


def split(
    source: str,
    *,
    names: Sequence[str] | Auto,
    module: str,
    driver_module: str,
    engine_module: str | None = None,
    driver_source: str | None = None,
    partial: bool = False,
    engine_header: HeaderSpec | None = None,
    driver_header: HeaderSpec | None = None,
    hybrid_note: str | None = None,
    line_length: int = DEFAULT_LINE_LENGTH,
    first_party: Sequence[str] = (),
    protocol_module: str | None = None,
    protocol_source: str | None = None,
    protocol_header: HeaderSpec | None = None,
) -> SplitResult:
    """Split `source` (module `module`) into an engine and the driver `driver_module`.

    `names`: `"auto"` (everything `classify` calls database work) or a list of
    `func`, `Class` (moves whole) and `Class.method` (moved whole when it only does
    database work, else its database statements are extracted). `engine_module`
    defaults to `module` (the file stays in place as the engine); when it differs, the
    engine's relative imports are re-based for its new package. `driver_source` is the
    driver's current text, None when it is new (it gets `driver_header`, default L6 with
    the original AUDIENCE, and a Role naming what it holds). Without `partial`, the
    engine ends with an L5 header (`engine_header`, its Role without the database note),
    no runtime SQLAlchemy import and no database code, or the step is refused. When
    nothing is left to move, both texts come back unchanged. Generated code is laid out
    for `line_length`; the imports of both go in their sorted sections (`first_party`: the
    project's packages besides the modules' own) unless a module was not sorted before.
    `protocol_module`: a `Protocol` per driver class goes there (`protocol_source`: its
    text, None when new, then with `protocol_header`), and the engine types its driver
    with it.
    """
    tree = cst.parse_module(source)
    driver_tree = cst.parse_module(driver_source) if driver_source is not None else None
    engine_module = engine_module or module
    if driver_module in (module, engine_module):
        raise CodemodRefusal("the driver module must differ from the engine module")
    classification = classify_module(tree)
    package = package_of(module)
    graph = ModuleGraph.build(tree, package)
    selection = select(graph, classification, names, partial, driver_module, driver_tree)
    unchanged = SplitResult(
        source,
        driver_source or "",
        already_split=selection.done,
        classification=classification,
    )
    if not selection.whole and not selection.methods:
        return unchanged

    splits = _split_classes(graph, selection, module, line_length, protocol_module is not None)
    shared, shared_notes = share_operations(
        [splits[i] for i in sorted(splits)], base_name(driver_module)
    )
    extra_uses, staying_uses = _class_uses(graph, selection, splits)
    plan = plan_move(
        graph,
        selection.whole,
        extra_uses=extra_uses,
        staying_uses=staying_uses,
        share_constants=True,
        skip_modules=[driver_module],
        forbidden_modules=[module, engine_module],
    )
    clash = sorted(set(splits) & plan.moving)
    for index in clash:
        name = graph.defined_names(index)[0]
        plan.blockers[name] = f"{name} (the class being split)"
    if plan.blockers:
        raise CodemodRefusal(
            f"cannot split {module}: the database code needs "
            + ", ".join(plan.blockers[name] for name in sorted(plan.blockers))
            + ", which stays in the engine; a driver must not import the engine "
            "(L6 may not import L5)"
        )

    protocols = [
        ImportSpec(protocol_module, protocol_name(s.driver_name), None, uses_relative_imports(tree))
        for s in splits.values()
        if protocol_module is not None
    ]
    engine, tc_names = build_engine(
        graph, plan, selection, splits, staying_uses, driver_module, partial, protocols
    )
    spec = engine_spec(source, engine_header, partial)
    engine_text = header_for_engine(engine.code, partial, spec, hybrid_note)
    operations = [o for split in splits.values() for o in split.operations] + shared_notes
    if driver_tree is None:
        header = driver_header or HeaderSpec("L6", audience=read_header(source).get("AUDIENCE"))
        driver_tree = cst.parse_module(header.apply("").replace("\n", tree.default_newline))
    driver = build_driver(tree, graph, plan, splits, driver_tree, driver_module, module, shared)
    driver_text = driver.code
    if "Role" not in read_header(driver_text) and (driver_header is None or not driver_header.role):
        driver_text = set_header(driver_text, role=driver_role(engine_module, driver, line_length))
    if package_of(engine_module) != package:
        rebased = rebase_relative_imports(
            cst.parse_module(engine_text), package, package_of(engine_module)
        )
        engine_text = rebased.code
    owned = [*first_party, *(m.split(".")[0] for m in (module, driver_module, engine_module))]
    engine_text = sort_imports(
        engine_text, before=source, first_party=owned, line_length=line_length
    )
    driver_text = sort_imports(
        driver_text, before=driver_source, first_party=owned, line_length=line_length
    )
    protocol_text = protocol_source or ""
    if protocol_module is not None and splits:
        names = [s.driver_name for s in splits.values()]
        header = protocol_header or HeaderSpec(
            "L5", "Domain Schemas", audience=read_header(source).get("AUDIENCE")
        )
        if not header.role:
            stem = engine_module.rsplit(".", 1)[-1]
            held = [protocol_name(n) for n in names]
            role = listing_role(f"What {stem} needs of its drivers", held, line_length)
            header = replace(header, role=role)
        protocol_text = build_protocols(
            driver, driver_module, names, protocol_module, protocol_source, header
        )
        protocol_text = sort_imports(
            protocol_text,
            before=protocol_source,
            first_party=[*owned, protocol_module.split(".")[0]],
            line_length=line_length,
        )

    moved = [name for index in sorted(selection.whole) for name in graph.defined_names(index)] + [
        f"{graph.defined_names(i)[0]}.{m}"
        for i, ms in sorted(selection.methods.items())
        for m in ms
    ]
    split_methods = [p.method for plans in selection.plans.values() for p in plans if not p.whole]
    notes = [
        f"{plan_.method}: {note}"
        for plans in selection.plans.values()
        for plan_ in plans
        for note in plan_.notes
    ]
    return SplitResult(
        engine_text,
        driver_text,
        moved=moved,
        split_methods=split_methods,
        carried=_names(graph, plan.carried),
        duplicated=_names(graph, plan.duplicated),
        driver_classes={
            graph.defined_names(i)[0]: split.driver_name for i, split in sorted(splits.items())
        },
        type_checking_imports=tc_names,
        already_split=selection.done,
        classification=classification,
        operations=operations,
        method_notes=notes,
        protocol_source=protocol_text,
    )


def _imported(graph: ModuleGraph, name: str) -> bool:
    return any(b.kind == "import" for b in graph.bindings.get(name, []))


def _names(graph: ModuleGraph, indexes: set[int]) -> list[str]:
    return [name for index in sorted(indexes) for name in graph.defined_names(index)]


def _split_classes(
    graph: ModuleGraph, selection: Selection, module: str, line_length: int, protocol: bool
) -> dict[int, ClassSplit]:
    splits: dict[int, ClassSplit] = {}
    for index, plans in sorted(selection.plans.items()):
        klass = graph.module.body[index]
        assert isinstance(klass, cst.ClassDef)
        driver_name = f"{klass.name.value}Driver"
        if driver_name in graph.bindings:
            raise CodemodRefusal(f"{module} already defines {driver_name}")
        typed = protocol_name(driver_name) if protocol else None
        splits[index] = split_class(klass, plans, driver_name, line_length, typed)
    return splits


def _class_uses(
    graph: ModuleGraph, selection: Selection, splits: dict[int, ClassSplit]
) -> tuple[set[str], dict[int, set[str]]]:
    """(global names the moved database code uses, index -> names the engine class uses)."""
    moving: set[str] = set()
    staying: dict[int, set[str]] = {}
    moved_ids = selection.moved_nodes(graph, set())
    for index in selection.plans:
        klass = graph.module.body[index]
        found: set[str] = set()
        for node in walk(klass):
            if id(node) in moved_ids:
                moving |= graph.node_globals.get(id(node), set())
            else:
                found |= graph.node_globals.get(id(node), set())
        for annotation in splits[index].annotations:
            moving |= graph.globals_in(annotation)
        for annotation in splits[index].signature_annotations:
            # Imported names only: a class of the engine cannot go to the driver with it.
            moving |= {n for n in graph.globals_in(annotation) if _imported(graph, n)}
        staying[index] = found - set(graph.defined_names(index))
    return moving, staying


# --- the driver ----------------------------------------------------------------------------


# --- the libcst command ------------------------------------------------------------------


class SplitHybridCommand(CodemodCommand):
    """`python -m libcst.tool codemod split_hybrid.SplitHybridCommand FILE --names auto
    --driver-module app.x.drivers.y_driver [--module app.x.drivers.y] [--partial]`

    The file stays in place as the engine; the driver file is written next to the
    source tree (`--driver-path`, else derived from the file's path and module names).
    """

    DESCRIPTION = "Split a HYBRID module into an L5 engine and an L6 driver (database code)."

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument(
            "--names",
            required=True,
            help="'auto', or comma-separated functions, classes and Class.method names",
        )
        arg_parser.add_argument("--driver-module", dest="driver_module", required=True)
        arg_parser.add_argument("--module", default=None, help="dotted name of the file")
        arg_parser.add_argument("--driver-path", dest="driver_path", default=None)
        arg_parser.add_argument("--partial", action="store_true", default=False)
        arg_parser.add_argument("--hybrid-note", dest="hybrid_note", default=None)
        arg_parser.add_argument("--audience", default=None)
        arg_parser.add_argument("--role", default=None, help="Role of the new driver")

    def __init__(
        self,
        context: CodemodContext,
        names: str | Sequence[str],
        driver_module: str,
        module: str | None = None,
        driver_path: str | None = None,
        partial: bool = False,
        hybrid_note: str | None = None,
        audience: str | None = None,
        role: str | None = None,
    ) -> None:
        super().__init__(context)
        if isinstance(names, str):
            names = [n.strip() for n in names.split(",") if n.strip()]
        self.names: Sequence[str] | Auto = "auto" if list(names) == ["auto"] else names
        self.driver_module = driver_module
        self.module_name = module
        self.driver_path = driver_path
        self.partial = partial
        self.hybrid_note = hybrid_note
        self.audience = audience
        self.role = role

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        module = self.module_name or self.context.full_module_name
        if not module:
            raise CodemodRefusal("give --module: the file's module name is unknown")
        path = self._driver_path(module)
        current = path.read_text(encoding="utf-8") if path and path.exists() else None
        audience = self.audience or read_header(tree.code).get("AUDIENCE")
        role = self.role or f"Database operations of {module.rsplit('.', 1)[-1]}"
        result = split(
            tree.code,
            names=self.names,
            module=module,
            driver_module=self.driver_module,
            driver_source=current,
            partial=self.partial,
            driver_header=HeaderSpec("L6", audience=audience, role=role),
            hybrid_note=self.hybrid_note,
        )
        self.context.scratch["split_hybrid.driver_source"] = result.driver_source
        if path is not None and result.driver_source != (current or ""):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(result.driver_source.encode(tree.encoding))
        if not result.changed:
            return tree
        return cst.parse_module(result.engine_source).with_changes(encoding=tree.encoding)

    def _driver_path(self, module: str) -> Path | None:
        if self.driver_path:
            return Path(self.driver_path)
        if not self.context.filename:
            return None
        filename = Path(self.context.filename).resolve()
        root = filename.parents[len(module.split(".")) - 1]
        return root.joinpath(*self.driver_module.split(".")).with_suffix(".py")
