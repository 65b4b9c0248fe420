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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import libcst as cst
from libcst.codemod import CodemodCommand, CodemodContext
from libcst.metadata import MetadataWrapper, PositionProvider, ScopeProvider

from codemods._class_split import ClassSplit, split_class
from codemods._db_usage import Classification, classify, classify_module, is_db_module
from codemods._errors import CodemodRefusal
from codemods._header import HeaderSpec, read_header, set_header
from codemods._module_graph import (
    ImportSpec,
    ModuleGraph,
    MovePlan,
    Statement,
    add_imports,
    all_names,
    append_statements,
    code_of,
    has_future_annotations,
    in_source_order,
    package_of,
    plan_move,
    rebase_relative_imports,
    remove_import_bindings,
    remove_statements,
    uses_relative_imports,
)

__all__ = ["Classification", "SplitHybridCommand", "SplitResult", "classify", "split"]

Auto = Literal["auto"]


@dataclass(frozen=True)
class SplitResult:
    """The engine and driver after the step, and what moved."""

    engine_source: str
    driver_source: str
    moved: list[str] = field(default_factory=list)  # "func", "Class", "Class.method"
    carried: list[str] = field(default_factory=list)  # helpers/constants that went along
    duplicated: list[str] = field(default_factory=list)  # copied (e.g. `logger`)
    driver_classes: dict[str, str] = field(default_factory=dict)  # engine class -> driver
    type_checking_imports: list[str] = field(default_factory=list)
    already_split: list[str] = field(default_factory=list)
    classification: list[Classification] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.moved)


@dataclass
class _Selection:
    whole: set[int] = field(default_factory=set)  # top-level functions/classes moving as is
    methods: dict[int, list[str]] = field(default_factory=dict)  # class index -> methods
    done: list[str] = field(default_factory=list)


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
) -> SplitResult:
    """Split `source` (module `module`) into an engine and the driver `driver_module`.

    `names`: `"auto"` (everything `classify` calls database work) or a list of
    `func`, `Class` (moves whole) and `Class.method`. `engine_module` defaults to
    `module` (the file stays in place as the engine); when it differs, the engine's
    relative imports are re-based for its new package. `driver_source` is the driver's
    current text, None when it is new (it gets `driver_header`, default L6 with the
    original AUDIENCE). Without `partial`, the engine ends with an L5 header
    (`engine_header`), no runtime SQLAlchemy import and no database code, or the step
    is refused. When nothing is left to move, both texts come back unchanged.
    """
    tree = cst.parse_module(source)
    driver_tree = cst.parse_module(driver_source) if driver_source is not None else None
    engine_module = engine_module or module
    if driver_module in (module, engine_module):
        raise CodemodRefusal("the driver module must differ from the engine module")
    classification = classify_module(tree)
    package = package_of(module)
    graph = ModuleGraph.build(tree, package)
    selection = _select(graph, classification, names, partial, driver_module, driver_tree)
    unchanged = SplitResult(
        source,
        driver_source or "",
        already_split=selection.done,
        classification=classification,
    )
    if not selection.whole and not selection.methods:
        return unchanged

    splits = _split_classes(graph, selection, module)
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

    engine, tc_names = _build_engine(
        graph, plan, selection, splits, staying_uses, driver_module, partial
    )
    engine_text = _engine_header(engine.code, partial, engine_header, hybrid_note)
    if driver_tree is None:
        header = driver_header or HeaderSpec(
            "L6",
            audience=read_header(source).get("AUDIENCE"),
            role=f"Database operations of {engine_module.rsplit('.', 1)[-1]}",
        )
        driver_tree = cst.parse_module(header.apply("").replace("\n", tree.default_newline))
    driver = _build_driver(tree, graph, plan, splits, driver_tree, driver_module, module)
    driver_text = driver.code
    if package_of(engine_module) != package:
        rebased = rebase_relative_imports(
            cst.parse_module(engine_text), package, package_of(engine_module)
        )
        engine_text = rebased.code

    moved = [name for index in sorted(selection.whole) for name in graph.defined_names(index)] + [
        f"{graph.defined_names(i)[0]}.{m}"
        for i, ms in sorted(selection.methods.items())
        for m in ms
    ]
    return SplitResult(
        engine_text,
        driver_text,
        moved=moved,
        carried=_names(graph, plan.carried),
        duplicated=_names(graph, plan.duplicated),
        driver_classes={
            graph.defined_names(i)[0]: split.driver_name for i, split in sorted(splits.items())
        },
        type_checking_imports=tc_names,
        already_split=selection.done,
        classification=classification,
    )


def _names(graph: ModuleGraph, indexes: set[int]) -> list[str]:
    return [name for index in sorted(indexes) for name in graph.defined_names(index)]


# --- which code moves --------------------------------------------------------------------


def _select(
    graph: ModuleGraph,
    classification: list[Classification],
    names: Sequence[str] | Auto,
    partial: bool,
    driver_module: str,
    driver_tree: cst.Module | None,
) -> _Selection:
    selection = _Selection()
    if isinstance(names, str):
        if names != "auto":
            raise CodemodRefusal(f"names must be a list or 'auto', not {names!r}")
        if partial:
            raise CodemodRefusal("a partial split needs the names of the code to extract")
        for verdict in classification:
            if verdict.kind == "function" and verdict.is_db:
                selection.whole.add(_index(graph, verdict.name))
            elif verdict.kind == "class" and verdict.verdict in ("db", "mixed"):
                index = _index(graph, verdict.name)
                if verdict.verdict == "db":
                    selection.whole.add(index)
                    continue
                prefix = verdict.name + "."
                selection.methods[index] = [
                    c.name[len(prefix) :]
                    for c in classification
                    if c.kind == "method" and c.name.startswith(prefix) and c.is_db
                ]
        return selection
    driver_graph = (
        ModuleGraph.build(driver_tree, package_of(driver_module)) if driver_tree else None
    )
    for name in dict.fromkeys(names):
        if "." in name:
            _select_method(graph, name, selection, driver_tree)
            continue
        binding = graph.single_binding(name)
        if binding is not None and binding.kind == "definition":
            statement = graph.module.body[binding.index]
            if not isinstance(statement, cst.FunctionDef | cst.ClassDef):
                raise CodemodRefusal(f"{name} is not a function or class")
            selection.whole.add(binding.index)
        elif graph.imported_from(name, driver_module) or (
            driver_graph is not None and name in driver_graph.bindings and binding is None
        ):
            selection.done.append(name)
        elif binding is not None:
            raise CodemodRefusal(f"{name} is not defined in the module (it is imported)")
        else:
            raise CodemodRefusal(f"{name} is not defined in the module")
    return selection


def _select_method(
    graph: ModuleGraph, name: str, selection: _Selection, driver_tree: cst.Module | None
) -> None:
    class_name, _, method = name.partition(".")
    binding = graph.single_binding(class_name)
    statement = graph.module.body[binding.index] if binding else None
    if not isinstance(statement, cst.ClassDef):
        raise CodemodRefusal(f"{class_name} is not a class of the module")
    methods = {
        item.name.value: item for item in statement.body.body if isinstance(item, cst.FunctionDef)
    }
    in_driver = driver_tree is not None and _driver_has(driver_tree, class_name, method)
    if in_driver and (method not in methods or _forwards(methods[method], method)):
        selection.done.append(name)
    elif method not in methods:
        raise CodemodRefusal(f"{class_name} has no method {method}")
    else:
        assert binding is not None
        selection.methods.setdefault(binding.index, []).append(method)


def _driver_has(driver: cst.Module, class_name: str, method: str) -> bool:
    for statement in driver.body:
        if isinstance(statement, cst.ClassDef) and statement.name.value == f"{class_name}Driver":
            return any(
                isinstance(item, cst.FunctionDef) and item.name.value == method
                for item in statement.body.body
            )
    return False


def _forwards(node: cst.FunctionDef, method: str) -> bool:
    """Whether a method is a thin delegate to `self._driver.<method>`."""
    return f"._driver.{method}" in code_of(node.body) and len(code_of(node.body).splitlines()) <= 6


def _index(graph: ModuleGraph, name: str) -> int:
    binding = graph.single_binding(name)
    assert binding is not None
    return binding.index


def _split_classes(graph: ModuleGraph, selection: _Selection, module: str) -> dict[int, ClassSplit]:
    splits: dict[int, ClassSplit] = {}
    for index, methods in sorted(selection.methods.items()):
        klass = graph.module.body[index]
        assert isinstance(klass, cst.ClassDef)
        driver_name = f"{klass.name.value}Driver"
        if driver_name in graph.bindings:
            raise CodemodRefusal(f"{module} already defines {driver_name}")
        splits[index] = split_class(klass, methods, driver_name)
    return splits


def _class_uses(
    graph: ModuleGraph, selection: _Selection, splits: dict[int, ClassSplit]
) -> tuple[set[str], dict[int, set[str]]]:
    """(global names the moved methods use, index -> names the staying class part uses)."""
    moving: set[str] = set()
    staying: dict[int, set[str]] = {}
    for index, methods in selection.methods.items():
        klass = graph.module.body[index]
        assert isinstance(klass, cst.ClassDef)
        staying_parts: list[cst.CSTNode] = [*klass.decorators, *klass.bases, *klass.keywords]
        for item in klass.body.body:
            if isinstance(item, cst.FunctionDef) and item.name.value in methods:
                moving |= graph.globals_in(item)
            else:
                staying_parts.append(item)
        for annotation in splits[index].annotations:
            moving |= graph.globals_in(annotation)
        staying[index] = set().union(*(graph.globals_in(part) for part in staying_parts))
    return moving, staying


# --- the engine ----------------------------------------------------------------------------


def _build_engine(
    graph: ModuleGraph,
    plan: MovePlan,
    selection: _Selection,
    splits: dict[int, ClassSplit],
    staying_uses: dict[int, set[str]],
    driver_module: str,
    partial: bool,
) -> tuple[cst.Module, list[str]]:
    tree = graph.module
    body = [splits[i].engine if i in splits else s for i, s in enumerate(tree.body)]
    engine = remove_statements(tree.with_changes(body=body), plan.moving)

    staying = [i for i in range(len(tree.body)) if i not in plan.moving]
    used = set().union(*(staying_uses.get(i, graph.uses[i]) for i in staying))
    used |= all_names(tree)
    moved_names = _names(graph, plan.moving)
    back = [n for n in moved_names if not n.startswith("_") or n in used]
    back += [split.driver_name for split in splits.values()]

    engine_graph = ModuleGraph.build(engine, graph.package)
    unused = {
        name
        for name in plan.imports
        if name != "annotations" and not engine_graph.users(name) and name not in all_names(engine)
    }
    engine = remove_import_bindings(engine, engine_graph, unused)
    relative = uses_relative_imports(tree)
    specs = [ImportSpec(driver_module, name, None, relative) for name in back]
    engine = add_imports(engine, specs, graph.package, prefer_relative=relative)
    if partial:
        return engine, []
    _refuse_leftover_db(engine, classify_module(tree))
    _refuse_runtime_db_uses(graph, plan, selection)
    return _db_imports_to_type_checking(engine, graph)


def _refuse_leftover_db(engine: cst.Module, original: list[Classification]) -> None:
    """Refuse when database code stays in the engine (evidence at its original lines)."""
    before = {c.name: c for c in original}
    leftover = [
        before.get(c.name, c) for c in classify_module(engine) if c.kind != "class" and c.is_db
    ]
    if leftover:
        shown = "; ".join(f"{c.name} ({', '.join(c.reasons)})" for c in leftover)
        raise CodemodRefusal(
            f"the engine would still do database work: {shown}. List it too, or split with partial"
        )


def _refuse_runtime_db_uses(graph: ModuleGraph, plan: MovePlan, selection: _Selection) -> None:
    """Refuse when code staying in the engine uses a SQLAlchemy import at runtime."""
    moved: set[int] = set()
    for index in plan.moving:
        moved |= {id(node) for node in _walk(graph.module.body[index])}
    for index, methods in selection.methods.items():
        klass = graph.module.body[index]
        assert isinstance(klass, cst.ClassDef)
        for item in klass.body.body:
            if isinstance(item, cst.FunctionDef) and item.name.value in methods:
                moved |= {id(node) for node in _walk(item)}
    wrapper = MetadataWrapper(graph.module, unsafe_skip_copy=True)
    scope = wrapper.resolve(ScopeProvider)[graph.module]
    positions = wrapper.resolve(PositionProvider)
    assert scope is not None
    runtime: list[str] = []
    for name, bindings in graph.bindings.items():
        if not any(
            b.kind == "import"
            and b.spec
            and is_db_module(b.spec.module)
            and not b.spec.type_checking
            for b in bindings
        ):
            continue
        lines = sorted(
            positions[access.node].start.line
            for assignment in scope[name]
            for access in assignment.references
            if id(access.node) not in moved
            and not access.is_annotation
            and not isinstance(access.node, cst.SimpleString)
        )
        if lines:
            runtime.append(f"{name} at line {lines[0]}")
    if runtime:
        raise CodemodRefusal(
            "the engine would still use SQLAlchemy at runtime: " + ", ".join(runtime)
        )


def _walk(node: cst.CSTNode) -> list[cst.CSTNode]:
    found: list[cst.CSTNode] = []
    stack = [node]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(current.children)
    return found


def _db_imports_to_type_checking(
    engine: cst.Module, graph: ModuleGraph
) -> tuple[cst.Module, list[str]]:
    """Database imports the engine uses only in annotations go under `if TYPE_CHECKING:`."""
    engine_graph = ModuleGraph.build(engine, graph.package)
    wrapper = MetadataWrapper(engine, unsafe_skip_copy=True)
    scope = wrapper.resolve(ScopeProvider)[engine]
    positions = wrapper.resolve(PositionProvider)
    assert scope is not None
    unused: set[str] = set()
    hints: dict[str, ImportSpec] = {}
    runtime: list[str] = []
    for name, bindings in engine_graph.bindings.items():
        for binding in bindings:
            spec = binding.spec
            if binding.kind != "import" or spec is None or spec.type_checking:
                continue
            if not is_db_module(spec.module):
                continue
            accesses = [a for assignment in scope[name] for a in assignment.references]
            lines = [
                positions[a.node].start.line
                for a in accesses
                if not a.is_annotation and not isinstance(a.node, cst.SimpleString)
            ]
            if lines:
                runtime.append(f"{name} at line {lines[0]}")
            elif accesses:
                hints[name] = ImportSpec(spec.module, spec.name, spec.asname, spec.relative, True)
            else:
                unused.add(name)
    if runtime:
        raise CodemodRefusal(
            "the engine would still use SQLAlchemy at runtime: " + ", ".join(runtime)
        )
    engine = remove_import_bindings(engine, engine_graph, unused | set(hints))
    if hints:
        engine = add_imports(engine, list(hints.values()), graph.package)
        if not has_future_annotations(engine):
            engine = engine.visit(_QuoteAnnotations(set(hints)))
    return engine, sorted(hints)


class _QuoteAnnotations(cst.CSTTransformer):
    """Annotations naming type-checking-only imports become strings (no runtime lookup)."""

    def __init__(self, names: set[str]) -> None:
        self.names = names

    def leave_Annotation(
        self, original_node: cst.Annotation, updated_node: cst.Annotation
    ) -> cst.Annotation:
        inner = updated_node.annotation
        if isinstance(inner, cst.SimpleString | cst.ConcatenatedString):
            return updated_node
        named = {n.value for n in _walk_names(inner)}
        if not named & self.names:
            return updated_node
        text = code_of(inner)
        quote = '"' if '"' not in text else "'"
        if quote in text:
            raise CodemodRefusal(f"cannot quote the annotation {text}: it holds both quotes")
        return updated_node.with_changes(annotation=cst.SimpleString(quote + text + quote))


def _walk_names(node: cst.CSTNode) -> list[cst.Name]:
    return [inner for inner in _walk(node) if isinstance(inner, cst.Name)]


def _engine_header(
    text: str, partial: bool, header: HeaderSpec | None, hybrid_note: str | None
) -> str:
    if partial:
        return set_header(text, hybrid=True, hybrid_note=hybrid_note)
    return (header or HeaderSpec("L5")).apply(text)


# --- the driver ----------------------------------------------------------------------------


def _build_driver(
    tree: cst.Module,
    graph: ModuleGraph,
    plan: MovePlan,
    splits: dict[int, ClassSplit],
    driver: cst.Module,
    driver_module: str,
    module: str,
) -> cst.Module:
    driver_package = package_of(driver_module)
    driver_graph = ModuleGraph.build(driver, driver_package)
    for bindings in driver_graph.bindings.values():
        for binding in bindings:
            if binding.spec is not None and binding.spec.module == module:
                raise CodemodRefusal(
                    f"{driver_module} imports {module}: a driver must not import the engine"
                )
    duplicates: set[int] = set()
    for index in plan.duplicated:
        names = graph.defined_names(index)
        existing = [driver_graph.single_binding(n) for n in names]
        if all(b is None for b in existing):
            duplicates.add(index)
        elif not all(
            b is not None
            and code_of(driver.body[b.index]).strip() == code_of(tree.body[index]).strip()
            for b in existing
        ):
            raise CodemodRefusal(f"{driver_module} already defines {', '.join(names)} differently")
    new_names = _names(graph, plan.moving) + [s.driver_name for s in splits.values()]
    clashes = [name for name in new_names if name in driver_graph.bindings]
    if clashes:
        raise CodemodRefusal(f"{driver_module} already defines {', '.join(clashes)}")

    specs = in_source_order(graph, plan.imports)
    future = ImportSpec("__future__", "annotations", None, False)
    if has_future_annotations(tree) and not any(s.same_import(future) for s in specs):
        specs.insert(0, future)
    driver = add_imports(driver, specs, driver_package)
    statements: list[Statement] = []
    for index in sorted(plan.moving | duplicates | set(splits)):
        node = splits[index].driver if index in splits else tree.body[index]
        statements.append(rebase_relative_imports(node, graph.package, driver_package))
    return append_statements(driver, statements)


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
