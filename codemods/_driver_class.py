"""The driver class a split produces: one public method per database operation.

Methods that move whole and the parts extracted from mixed methods are named from what
they do (`_driver_names`); an operation written twice the same way is one method, two
different operations that would get the same name are told apart by the method they
come from. The constructor takes the engine state the database code needs (the session).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from codemods._driver_names import operation_name
from codemods._init_wiring import assigned_from_params, state_parameter
from codemods._layout import INDENT, bracketed
from codemods._method_parts import MethodPlan, Part
from codemods._module_graph import code_of, statement_leading_blank
from codemods._part_code import driver_method, rename_self_calls


@dataclass
class DriverClass:
    node: cst.ClassDef
    renames: dict[str, str]  # engine method moving whole -> its driver method
    annotations: list[cst.CSTNode] = field(default_factory=list)  # copied from the engine
    operations: list[str] = field(default_factory=list)  # "Class.method -> driver method"
    # Copied into the parts' signatures: their imported names go to the driver too.
    signature_annotations: list[cst.CSTNode] = field(default_factory=list)


class _Names:
    """Driver method names, unique within the class; the same code under one name is one
    method."""

    def __init__(self) -> None:
        self.keys: dict[str, str] = {}

    def claim(self, wanted: str, origin: str, node: cst.FunctionDef) -> tuple[str, bool]:
        """(the name, whether the method is new) for `node` wanting `wanted`."""
        key = code_of(node.with_changes(name=cst.Name("_"), leading_lines=[])).strip()
        candidates = [wanted, f"{wanted}_for_{origin.strip('_')}"]
        candidates += [f"{wanted}_{n}" for n in range(2, 100)]
        for name in candidates:
            if name not in self.keys:
                self.keys[name] = key
                return name, True
            if self.keys[name] == key:
                return name, False
        raise AssertionError("unreachable: 100 operations of the same name")


def build_driver_class(
    klass: cst.ClassDef,
    driver_name: str,
    plans: Sequence[MethodPlan],
    state: Sequence[str],
    init: cst.FunctionDef | None,
    line_length: int,
) -> DriverClass:
    names = _Names()
    renames: dict[str, str] = {}
    for plan in plans:
        if plan.whole:
            assert isinstance(plan.node.body, cst.IndentedBlock)
            wanted = operation_name(plan.node.body.body, plan.method.rsplit(".", 1)[-1])
            renames[_short(plan)], _ = names.claim(wanted, _short(plan), _placeholder(plan))
    members: list[cst.BaseStatement] = []
    operations: list[str] = []
    attribute_annotations = _attribute_annotations(init)
    copied: list[cst.CSTNode] = []  # annotations the parts' signatures take from the engine
    for plan in plans:
        if plan.whole:
            name = renames[_short(plan)]
            node = rename_self_calls(plan.node, renames).with_changes(name=cst.Name(name))
            names.keys[name] = code_of(node.with_changes(name=cst.Name("_"))).strip()
            members.append(statement_leading_blank(node, 1))
            operations.append(f"{plan.method} -> {name} (moves whole)")
            continue
        for part in plan.parts:
            part.name = operation_name(part.statements, _short(plan))
            candidate = driver_method(plan, part, renames, attribute_annotations, line_length)
            copied += _part_annotations(plan, part, init)
            name, new = names.claim(part.name, _short(plan), candidate)
            part.name = name
            operations.append(f"{plan.method} lines {part.line}-{part.end_line} -> {name}")
            if new:
                node = candidate.with_changes(name=cst.Name(name))
                members.append(statement_leading_blank(node, 1))
    init_node, annotations = _driver_init(state, init, line_length)
    if init_node is not None:
        members.insert(0, statement_leading_blank(init_node, 1))
    docstring = cst.parse_statement(
        f'"""Database operations of {klass.name.value} (its engine keeps the logic)."""\n'
    )
    driver = cst.ClassDef(
        name=cst.Name(driver_name),
        body=cst.IndentedBlock(body=[docstring, *members]),
        leading_lines=[],
    )
    return DriverClass(driver, renames, annotations, operations, signature_annotations=copied)


def _part_annotations(
    plan: MethodPlan, part: Part, init: cst.FunctionDef | None
) -> list[cst.CSTNode]:
    """The engine's annotations a part's driver method is written with (their names must be
    imported by the driver too): of the inputs, the attributes passed, a tail's return."""
    params = {p.name.value: p for p in _all_params(plan.node)}
    found = [params[n].annotation for n in part.inputs if n in params]
    if part.tail and part.returns and plan.node.returns is not None:
        found.append(plan.node.returns)
    if init is not None:
        init_params = {p.name.value: p for p in _all_params(init)}
        sources = assigned_from_params(init)
        found += [
            init_params[sources[a]].annotation
            for a in part.arguments
            if sources.get(a) in init_params
        ]
    return [a for a in found if a is not None]


def _all_params(node: cst.FunctionDef) -> list[cst.Param]:
    params = node.params
    return [*params.posonly_params, *params.params, *params.kwonly_params]


def _short(plan: MethodPlan) -> str:
    return plan.method.rsplit(".", 1)[-1]


def _placeholder(plan: MethodPlan) -> cst.FunctionDef:
    """A whole method's identity for naming (before its calls are renamed)."""
    return plan.node


def _driver_init(
    state: Sequence[str], init: cst.FunctionDef | None, line_length: int
) -> tuple[cst.FunctionDef | None, list[cst.CSTNode]]:
    if not state:
        return None, []
    annotations: list[cst.CSTNode] = []
    parameters: dict[str, cst.Param] = {}
    if init is not None:
        parameters = {p.name.value: p for p in (*init.params.params, *init.params.kwonly_params)}
    assigned_from = assigned_from_params(init)
    taken: set[str] = set()
    signature = ["self"]
    assignments = []
    for attribute in state:
        parameter = state_parameter(attribute, taken)
        taken.add(parameter)
        source = parameters.get(assigned_from.get(attribute, ""))
        if source is not None and source.annotation is not None:
            annotations.append(source.annotation)
            signature.append(f"{parameter}: {code_of(source.annotation.annotation)}")
        else:
            signature.append(parameter)
        assignments.append(f"{INDENT}self.{attribute} = {parameter}")
    header = bracketed(INDENT, "def __init__(", signature, ") -> None:", line_length=line_length)
    lines = [line[len(INDENT) :] for line in header.split("\n")]
    node = cst.parse_statement("\n".join([*lines, *assignments]) + "\n")
    assert isinstance(node, cst.FunctionDef)
    return node, annotations


def _attribute_annotations(init: cst.FunctionDef | None) -> dict[str, str]:
    """Engine attribute -> the annotation of the `__init__` parameter it is set from."""
    if init is None:
        return {}
    params = {p.name.value: p for p in (*init.params.params, *init.params.kwonly_params)}
    found: dict[str, str] = {}
    for attribute, parameter in assigned_from_params(init).items():
        param = params.get(parameter)
        if param is not None and param.annotation is not None:
            found[attribute] = code_of(param.annotation.annotation)
    return found
