"""Which code a `split_hybrid` moves: whole functions and classes, and per class the
database methods, each planned (moved whole or its database statements extracted)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import libcst as cst

from codemods._class_split import class_body
from codemods._db_usage import Classification, DbEvidence, module_db_names
from codemods._errors import CodemodRefusal
from codemods._extract_method import plan_method
from codemods._hoist import hoisted_ids
from codemods._method_parts import MethodPlan
from codemods._module_graph import ModuleGraph, code_of, package_of

Auto = Literal["auto"]


@dataclass
class Selection:
    whole: set[int] = field(default_factory=set)  # top-level functions/classes moving as is
    methods: dict[int, list[str]] = field(default_factory=dict)  # class index -> methods
    plans: dict[int, list[MethodPlan]] = field(default_factory=dict)  # class index -> plans
    done: list[str] = field(default_factory=list)

    def moved_nodes(self, graph: ModuleGraph, moving: set[int]) -> set[int]:
        """id() of every node that leaves the engine (whole statements, methods, parts)."""
        found: set[int] = set()
        for index in moving:
            found |= {id(node) for node in walk(graph.module.body[index])}
        for plans in self.plans.values():
            for plan in plans:
                nodes: list[cst.CSTNode] = [plan.node] if plan.whole else []
                kept: set[int] = set()
                for part in plan.parts:
                    nodes += [*part.statements, *part.imports]
                    kept |= hoisted_ids(part.hoisted)
                for node in nodes:
                    found |= {id(inner) for inner in walk(node)} - kept
        return found


def select(
    graph: ModuleGraph,
    classification: list[Classification],
    names: Sequence[str] | Auto,
    partial: bool,
    driver_module: str,
    driver_tree: cst.Module | None,
) -> Selection:
    selection = _names(graph, classification, names, partial, driver_module, driver_tree)
    if not selection.methods:
        return selection
    evidence = DbEvidence(graph.module)
    _plan_classes(graph, selection, evidence, set())
    # Module constants the logic that stays uses stay in the engine: planned again, the
    # database parts reading them are passed their values (`_hoist`).
    kept = _staying_constants(graph, selection)
    if kept:
        _plan_classes(graph, selection, evidence, kept)
    return selection


def _plan_classes(
    graph: ModuleGraph, selection: Selection, evidence: DbEvidence, constants: set[str]
) -> None:
    for index, methods in sorted(selection.methods.items()):
        klass = graph.module.body[index]
        assert isinstance(klass, cst.ClassDef)
        selection.plans[index] = plan_class(klass, methods, evidence, constants)


def _staying_constants(graph: ModuleGraph, selection: Selection) -> set[str]:
    """Module constants (not database names) read by code that stays in the engine: its
    functions and classes, and the constants it keeps."""
    moved = selection.moved_nodes(graph, selection.whole)
    db_names = set(module_db_names(graph.module))

    def reads(index: int) -> set[str]:
        found: set[str] = set()
        for node in walk(graph.module.body[index]):
            if id(node) not in moved:
                found |= graph.node_globals.get(id(node), set())
        return found - db_names

    constants: dict[str, int] = {}
    for name, bindings in graph.bindings.items():
        indexes = {b.index for b in bindings if b.kind == "definition"}
        if len(indexes) == 1 and name not in db_names:
            index = next(iter(indexes))
            if not isinstance(graph.module.body[index], cst.FunctionDef | cst.ClassDef):
                constants[name] = index
    readers = [
        i
        for i, statement in enumerate(graph.module.body)
        if i not in selection.whole and isinstance(statement, cst.FunctionDef | cst.ClassDef)
    ]
    kept: set[str] = set()
    queue = [name for index in readers for name in reads(index)]
    while queue:
        name = queue.pop()
        if name in constants and name not in kept:
            kept.add(name)
            queue += reads(constants[name])
    return kept


def plan_class(
    klass: cst.ClassDef,
    methods: list[str],
    evidence: DbEvidence,
    constants: set[str],
) -> list[MethodPlan]:
    """The plans of `methods`; a method whose parts call another database method of the
    class need it to move whole (a fixed point: planning only ever drops methods)."""
    defs = {
        item.name.value: item for item in class_body(klass) if isinstance(item, cst.FunctionDef)
    }
    whole = set(methods)
    while True:
        plans = [
            plan_method(
                klass.name.value,
                defs[m],
                evidence,
                moved_whole=whole,
                methods=set(defs),
                constants=constants,
            )
            for m in methods
        ]
        now = {m for m, plan in zip(methods, plans, strict=True) if plan.whole}
        if now == whole:
            return plans
        whole = now


def _names(
    graph: ModuleGraph,
    classification: list[Classification],
    names: Sequence[str] | Auto,
    partial: bool,
    driver_module: str,
    driver_tree: cst.Module | None,
) -> Selection:
    selection = Selection()
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
    graph: ModuleGraph, name: str, selection: Selection, driver_tree: cst.Module | None
) -> None:
    class_name, _, method = name.partition(".")
    binding = graph.single_binding(class_name)
    statement = graph.module.body[binding.index] if binding else None
    if not isinstance(statement, cst.ClassDef):
        raise CodemodRefusal(f"{class_name} is not a class of the module")
    methods = {
        item.name.value: item for item in statement.body.body if isinstance(item, cst.FunctionDef)
    }
    in_driver = driver_tree is not None and _driver_class(driver_tree, class_name) is not None
    if in_driver and (method not in methods or _calls_driver(methods[method])):
        selection.done.append(name)
    elif method not in methods:
        raise CodemodRefusal(f"{class_name} has no method {method}")
    else:
        assert binding is not None
        selection.methods.setdefault(binding.index, []).append(method)


def _driver_class(driver: cst.Module, class_name: str) -> cst.ClassDef | None:
    for statement in driver.body:
        if isinstance(statement, cst.ClassDef) and statement.name.value == f"{class_name}Driver":
            return statement
    return None


def _calls_driver(node: cst.FunctionDef) -> bool:
    """Whether a method already reaches the database through `self._driver` only."""
    return "._driver." in code_of(node.body)


def _index(graph: ModuleGraph, name: str) -> int:
    binding = graph.single_binding(name)
    assert binding is not None
    return binding.index


def walk(node: cst.CSTNode) -> list[cst.CSTNode]:
    found: list[cst.CSTNode] = []
    stack = [node]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(current.children)
    return found
