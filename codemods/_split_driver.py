"""The driver half of a split: the moved functions, the driver classes and the imports
they need, appended to the driver module (new, or already holding earlier splits)."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from codemods._class_split import ClassSplit
from codemods._errors import CodemodRefusal
from codemods._module_graph import (
    ImportSpec,
    ModuleGraph,
    MovePlan,
    Statement,
    add_imports,
    append_statements,
    code_of,
    has_future_annotations,
    in_source_order,
    package_of,
    rebase_relative_imports,
)


def driver_role(engine_module: str, driver: cst.Module, line_length: int) -> str:
    """`Database operations of <engine>: insert_x, fetch_y, ...`: what the driver holds."""
    held: list[str] = []  # each once: a shared operation is in the base class only
    for statement in driver.body:
        if isinstance(statement, cst.FunctionDef) and not statement.name.value.startswith("_"):
            held.append(statement.name.value)
        elif isinstance(statement, cst.ClassDef) and isinstance(statement.body, cst.IndentedBlock):
            held += [
                item.name.value
                for item in statement.body.body
                if isinstance(item, cst.FunctionDef) and not item.name.value.startswith("_")
            ]
    stem = engine_module.rsplit(".", 1)[-1]
    return listing_role(f"Database operations of {stem}", held, line_length)


def listing_role(role: str, names: Sequence[str], line_length: int) -> str:
    """`<role>: a, b, ...`: as many of `names` (each once) as fit on the `# Role:` line."""
    held = list(dict.fromkeys(names))
    for count in range(len(held), 0, -1):
        more = ", ..." if count < len(held) else ""
        candidate = f"{role}: {', '.join(held[:count])}{more}"
        if len(f"# Role: {candidate}") <= line_length:
            return candidate
    return role


def build_driver(
    tree: cst.Module,
    graph: ModuleGraph,
    plan: MovePlan,
    splits: dict[int, ClassSplit],
    driver: cst.Module,
    driver_module: str,
    module: str,
    base: cst.ClassDef | None = None,
) -> cst.Module:
    """`driver` with what moves appended; `base`: the operations the driver classes share,
    written before the first of them."""
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
    new_names = [n for i in sorted(plan.moving) for n in graph.defined_names(i)] + [
        s.driver_name for s in splits.values()
    ]
    if base is not None:
        new_names.append(base.name.value)
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
        if index in splits and base is not None:
            statements.append(base)
            base = None
        node = splits[index].driver if index in splits else tree.body[index]
        statements.append(rebase_relative_imports(node, graph.package, driver_package))
    return append_statements(driver, statements)
