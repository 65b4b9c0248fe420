"""Split one class: its database work goes to a `<Name>Driver` class.

A method that only does database work moves whole (under a public name from what it
does); a method that mixes logic and database work keeps its logic, and each run of its
database statements becomes a driver method it calls (`_extract_method`). The engine
class reaches the driver through `self._driver`, which its constructor receives
(`driver: <Name>Driver | None = None`, so existing constructors keep working); a public
method that moves whole keeps a thin delegating method with the same signature. Engine
state the database code reads (`self.session`) is handed to the driver when the engine
builds it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from codemods._driver_class import build_driver_class
from codemods._errors import CodemodRefusal
from codemods._init_wiring import (
    DRIVER_ATTRIBUTE,
    init_assignments,
    wire_init,
    with_new_init,
)
from codemods._layout import DEFAULT_LINE_LENGTH, INDENT, bracketed
from codemods._method_parts import MethodPlan
from codemods._module_graph import dotted, is_docstring
from codemods._part_code import dedent, rewrite_engine_method
from codemods._self_use import decorator_name, method_attributes, param_names, self_name

__all__ = ["DRIVER_ATTRIBUTE", "ClassSplit", "check_method", "class_body", "split_class"]

_KEPT_DECORATORS = {"property", "staticmethod"}
_ENUM_BASES = {"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag"}


@dataclass
class ClassSplit:
    """The two classes a split produces."""

    engine: cst.ClassDef
    driver: cst.ClassDef
    driver_name: str
    delegated: list[str]
    state: list[str]  # engine attributes handed to the driver
    annotations: list[cst.CSTNode] = field(default_factory=list)  # copied into the driver
    operations: list[str] = field(default_factory=list)  # what became which driver method
    signature_annotations: list[cst.CSTNode] = field(default_factory=list)  # of the parts


def split_class(
    klass: cst.ClassDef,
    plans: Sequence[MethodPlan],
    driver_name: str,
    line_length: int = DEFAULT_LINE_LENGTH,
    protocol: str | None = None,
) -> ClassSplit:
    """Split `klass` by `plans` (one per database method) into engine and `driver_name`;
    `protocol`: the type the engine gives its driver (default: the driver class)."""
    name = klass.name.value
    check_class(klass)
    body = list(class_body(klass))
    defs = {item.name.value: item for item in body if isinstance(item, cst.FunctionDef)}
    for plan in plans:
        check_method(name, plan.method.rsplit(".", 1)[-1], defs, whole=plan.whole)
    if DRIVER_ATTRIBUTE in defs or DRIVER_ATTRIBUTE in _class_attributes(body):
        raise CodemodRefusal(f"{name} already has a {DRIVER_ATTRIBUTE}: split it by hand")
    by_method = {plan.method.rsplit(".", 1)[-1]: plan for plan in plans}
    whole = {m: defs[m] for m, plan in by_method.items() if plan.whole}
    staying = {n: d for n, d in defs.items() if n not in whole}
    init = staying.get("__init__")
    if init is not None and "driver" in param_names(init):
        raise CodemodRefusal(f"{name}.__init__ already takes a 'driver' parameter")
    init_attrs = init_assignments(init)
    if DRIVER_ATTRIBUTE in init_attrs:
        raise CodemodRefusal(f"{name} already sets self.{DRIVER_ATTRIBUTE}: split it by hand")

    state = _state(name, whole, staying, set(_class_attributes(body)))
    for plan in plans:
        for part in plan.parts:
            for attribute in part.state:
                _check_part_state(name, plan, attribute, staying, init_attrs, body)
                if attribute not in state:
                    state.append(attribute)
    driver = build_driver_class(klass, driver_name, plans, state, init, line_length)
    engine_body: list[cst.BaseStatement] = []
    delegated: list[str] = []
    private = {m: driver.renames[m] for m in whole if m.startswith("_")}
    for item in body:
        if isinstance(item, cst.FunctionDef) and item.name.value in whole:
            if item.name.value not in private:
                target = driver.renames[item.name.value]
                engine_body.append(_delegate(item, driver_name, target, line_length))
                delegated.append(item.name.value)
            continue
        if isinstance(item, cst.FunctionDef):
            method_plan = by_method.get(item.name.value)
            if method_plan is not None:
                item = rewrite_engine_method(method_plan, line_length)
            item = item.visit(_RouteToDriver(self_name(item), private))  # type: ignore[assignment]
            if item.name.value == "__init__":
                item = wire_init(
                    name, item, driver_name, state, whole, init_attrs, line_length, protocol
                )
        engine_body.append(item)
    if init is None:
        engine_body = with_new_init(klass, engine_body, driver_name, state, line_length, protocol)
    engine = klass.with_changes(body=klass.body.with_changes(body=engine_body))
    return ClassSplit(
        engine,
        driver.node,
        driver_name,
        delegated,
        state,
        driver.annotations,
        driver.operations,
        signature_annotations=driver.signature_annotations,
    )


def class_body(klass: cst.ClassDef) -> Sequence[cst.BaseStatement]:
    if not isinstance(klass.body, cst.IndentedBlock):
        raise CodemodRefusal(f"{klass.name.value} is a one-line class: split it by hand")
    return klass.body.body


def check_class(klass: cst.ClassDef) -> None:
    name = klass.name.value
    for decorator in klass.decorators:
        if decorator_name(decorator).rsplit(".", 1)[-1] == "dataclass":
            raise CodemodRefusal(f"{name} is a dataclass: split its database methods by hand")
    if any(dotted(arg.value).rsplit(".", 1)[-1] in _ENUM_BASES for arg in klass.bases):
        raise CodemodRefusal(f"{name} is an enum: split its database methods by hand")


def check_method(
    klass: str, method: str, defs: dict[str, cst.FunctionDef], *, whole: bool = True
) -> None:
    node = defs.get(method)
    if node is None:
        raise CodemodRefusal(f"{klass} has no method {method}")
    if method.startswith("__") and method.endswith("__") and (whole or method != "__init__"):
        raise CodemodRefusal(
            f"{klass}.{method} does database work: a special method cannot be delegated, "
            "split it by hand"
        )
    decorators = {decorator_name(d) for d in node.decorators}
    if "classmethod" in decorators:
        raise CodemodRefusal(f"{klass}.{method} is a classmethod: split it by hand")
    if "staticmethod" not in decorators and not param_names(node):
        raise CodemodRefusal(f"{klass}.{method} takes no self parameter")
    if not whole and decorators & {"staticmethod", "property"}:
        raise CodemodRefusal(
            f"{klass}.{method} is a {sorted(decorators & {'staticmethod', 'property'})[0]} "
            "mixing logic and database work: split it by hand"
        )


def _class_attributes(body: Sequence[cst.BaseStatement]) -> list[str]:
    names: list[str] = []
    for item in body:
        if isinstance(item, cst.SimpleStatementLine):
            for small in item.body:
                if isinstance(small, cst.Assign):
                    names += [dotted(t.target) for t in small.targets]
                elif isinstance(small, cst.AnnAssign):
                    names.append(dotted(small.target))
    return names


def _state(
    klass: str,
    moved: dict[str, cst.FunctionDef],
    staying: dict[str, cst.FunctionDef],
    class_attributes: set[str],
) -> list[str]:
    """Engine attributes the whole-moving methods need, checked for shared state."""
    init = staying.get("__init__")
    initialised = method_attributes(init).written if init is not None else set()
    logic = {n: method_attributes(d) for n, d in staying.items() if n != "__init__"}
    logic_reads = {a for found in logic.values() for a in found.read}
    logic_writes = {a for found in logic.values() for a in found.written}
    state: list[str] = []
    for method, node in moved.items():
        found = method_attributes(node)
        for attribute in found.read:
            where = f"{klass}.{method} uses self.{attribute}"
            if attribute in moved:
                continue
            if attribute in staying:
                raise CodemodRefusal(
                    f"{where}, which stays in the engine: a driver must not call engine logic"
                )
            if attribute in logic_writes:
                raise CodemodRefusal(
                    f"{where}, which the engine reassigns outside __init__: "
                    "the driver would keep a stale copy"
                )
            if attribute in found.written and attribute in logic_reads:
                raise CodemodRefusal(
                    f"{where} and sets it, while the engine reads it too: "
                    "shared state cannot be split automatically"
                )
            if attribute in initialised or attribute in class_attributes:
                if attribute not in state:
                    state.append(attribute)
            elif not any(attribute in method_attributes(m).written for m in moved.values()):
                raise CodemodRefusal(
                    f"{where}, which {klass} neither sets in __init__ nor defines: split it by hand"
                )
    return state


def _check_part_state(
    klass: str,
    plan: MethodPlan,
    attribute: str,
    staying: dict[str, cst.FunctionDef],
    init_attrs: dict[str, int],
    body: Sequence[cst.BaseStatement],
) -> None:
    where = f"{plan.method} uses self.{attribute} in its database statements"
    writes = {
        a for n, d in staying.items() if n != "__init__" for a in method_attributes(d).written
    }
    if attribute in writes:
        raise CodemodRefusal(
            f"{where}, which the engine reassigns outside __init__: "
            "the driver would keep a stale copy"
        )
    if attribute not in init_attrs and attribute not in _class_attributes(body):
        raise CodemodRefusal(
            f"{where}, which {klass} neither sets in __init__ nor defines: split it by hand"
        )


def _call_arguments(node: cst.FunctionDef) -> list[str]:
    params = node.params
    positional = [p.name.value for p in (*params.posonly_params, *params.params)]
    if self_name(node) is not None:
        positional = positional[1:]
    parts = positional
    if isinstance(params.star_arg, cst.Param):
        parts.append(f"*{params.star_arg.name.value}")
    parts += [f"{p.name.value}={p.name.value}" for p in params.kwonly_params]
    if params.star_kwarg is not None:
        parts.append(f"**{params.star_kwarg.name.value}")
    return parts


class _Yields(cst.CSTVisitor):
    found = False

    def visit_Yield(self, node: cst.Yield) -> bool:
        self.found = True
        return False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # a nested function's yield is its own

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False


def _is_generator(node: cst.FunctionDef) -> bool:
    visitor = _Yields()
    node.body.visit(visitor)
    return visitor.found


def _returns_none(node: cst.FunctionDef) -> bool:
    return node.returns is not None and dotted(node.returns.annotation) == "None"


def _delegate(
    node: cst.FunctionDef, driver_name: str, target_name: str, line_length: int
) -> cst.FunctionDef:
    """`node` with the same signature, forwarding to the driver's `target_name`."""
    owner = self_name(node)
    target = (
        f"{driver_name}.{target_name}"
        if owner is None
        else f"{owner}.{DRIVER_ATTRIBUTE}.{target_name}"
    )
    decorators = [d for d in node.decorators if decorator_name(d) in _KEPT_DECORATORS]
    indent = INDENT * 2
    arguments = _call_arguments(node)
    if "property" in {decorator_name(d) for d in node.decorators}:
        lines = [f"{indent}return {target}"]
    elif node.asynchronous is not None and _is_generator(node):
        item = "item" if "item" not in param_names(node) else "item_"
        lines = [
            bracketed(
                indent, f"async for {item} in {target}(", arguments, "):", line_length=line_length
            ),
            f"{indent}{INDENT}yield {item}",
        ]
    else:
        if _is_generator(node):
            opening = f"yield from {target}("
        elif _returns_none(node):
            opening = f"{'await ' if node.asynchronous else ''}{target}("
        elif node.asynchronous is not None:
            opening = f"return await {target}("
        else:
            opening = f"return {target}("
        lines = [bracketed(indent, opening, arguments, ")", line_length=line_length)]
    forward = cst.parse_statement(dedent("\n".join(lines)) + "\n")
    statements: list[cst.BaseStatement] = []
    first = node.body.body[0] if isinstance(node.body, cst.IndentedBlock) else None
    if first is not None and is_docstring(first):
        statements.append(first)
    statements.append(forward)
    return node.with_changes(decorators=decorators, body=cst.IndentedBlock(body=statements))


class _RouteToDriver(cst.CSTTransformer):
    """`self._load(...)` -> `self._driver.fetch_x(...)` for private methods that moved."""

    def __init__(self, owner: str | None, moved_private: dict[str, str]) -> None:
        self.owner = owner
        self.moved_private = moved_private

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.Attribute:
        if (
            self.owner is not None
            and isinstance(updated_node.value, cst.Name)
            and updated_node.value.value == self.owner
            and updated_node.attr.value in self.moved_private
        ):
            driver = cst.Attribute(updated_node.value, cst.Name(DRIVER_ATTRIBUTE))
            return updated_node.with_changes(
                value=driver, attr=cst.Name(self.moved_private[updated_node.attr.value])
            )
        return updated_node
