"""The code of an extracted database part: its driver method, and the engine's call of it.

The driver method takes the part's inputs (annotated as the method's parameters were), the
engine data the engine computes for it (`_hoist`) and the engine attributes it reads by value, runs the part's statements and returns what the
engine reads afterwards. The engine method keeps its other statements; the part's place
holds `x = await self._driver.fetch_x(...)`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import libcst as cst

from codemods._hoist import without_hoisted
from codemods._layout import INDENT, bracketed
from codemods._method_parts import MethodPlan, Part
from codemods._module_graph import code_of
from codemods._relayout import relayout
from codemods._self_use import self_name

DRIVER_ATTRIBUTE = "_driver"


def argument_name(attribute: str, taken: Sequence[str]) -> str:
    """The parameter a `self.<attribute>` value is passed as."""
    name = attribute.lstrip("_") or attribute
    while name in taken or name == "self":
        name += "_"
    return name


def driver_method(
    plan: MethodPlan,
    part: Part,
    renames: Mapping[str, str],
    attribute_annotations: Mapping[str, str],
    line_length: int,
) -> cst.FunctionDef:
    """`def <part.name>(self, ...)` holding the part's statements; `attribute_annotations`:
    the annotations of the engine attributes passed by value (from `__init__`)."""
    node = plan.node
    annotations = _param_annotations(node)
    params = ["self"]
    for name in part.inputs:
        annotation = annotations.get(name)
        params.append(f"{name}: {annotation}" if annotation else name)
    hoisted = [h.parameter for h in part.hoisted_parameters]
    params += hoisted
    taken = [*part.inputs, *hoisted]
    passed: dict[str, str] = {}
    for attribute in part.arguments:
        parameter = argument_name(attribute, taken)
        taken.append(parameter)
        passed[attribute] = parameter
        annotation = attribute_annotations.get(attribute)
        params.append(f"{parameter}: {annotation}" if annotation else parameter)
    returns = ""
    if part.tail and part.returns and node.returns is not None:
        returns = f" -> {code_of(node.returns.annotation)}"
    elif not part.returns and not part.outputs:
        returns = " -> None"
    prefix = "async def" if part.is_async else "def"
    header = bracketed(
        INDENT, f"{prefix} {part.name}(", params, f"){returns}:", line_length=line_length
    )
    parsed = cst.parse_statement(dedent(header) + "\n    pass\n")
    assert isinstance(parsed, cst.FunctionDef)
    transformer = _SelfToDriver(self_name(node), passed, renames)
    statements: list[cst.BaseStatement] = []
    for original in (*part.imports, *part.statements):
        statement = without_hoisted(original, part.hoisted).visit(transformer)
        assert isinstance(statement, cst.BaseStatement)
        statements.append(relayout(statement, INDENT * 2, line_length))
    statements[0] = _without_leading_blank(statements[0])
    if part.outputs:
        statements.append(cst.parse_statement(f"return {', '.join(part.outputs)}\n"))
    body = cst.IndentedBlock(body=statements)
    return parsed.with_changes(body=body)


def engine_call(part: Part, self_name: str, depth: int, line_length: int) -> cst.BaseStatement:
    """The statement that replaces the part in the engine method."""
    indent = INDENT * (2 + depth)
    arguments = [
        *part.inputs,
        *(h.code for h in part.hoisted_parameters),
        *(f"{self_name}.{a}" for a in part.arguments),
    ]
    call = f"{self_name}.{DRIVER_ATTRIBUTE}.{part.name}("
    awaited = "await " if part.is_async else ""
    if part.tail and part.returns:
        opening = f"return {awaited}{call}"
    elif part.outputs and not part.tail:
        opening = f"{', '.join(part.outputs)} = {awaited}{call}"
    else:
        opening = f"{awaited}{call}"
    text = bracketed(indent, opening, arguments, ")", line_length=line_length)
    statement = cst.parse_statement(dedent(text) + "\n")
    first = part.statements[0]
    leading = getattr(first, "leading_lines", ())
    return statement.with_changes(leading_lines=leading)


def rewrite_engine_method(plan: MethodPlan, line_length: int) -> cst.FunctionDef:
    """The engine method with each part replaced by its call."""
    name = self_name(plan.node) or "self"
    starts = {id(part.statements[0]): part for part in plan.parts}
    skipped = {id(s) for part in plan.parts for s in part.statements}
    moved_imports = plan.dropped

    class _Replace(cst.CSTTransformer):
        def leave_IndentedBlock(
            self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
        ) -> cst.IndentedBlock:
            body: list[cst.BaseStatement] = []
            for original, updated in zip(original_node.body, updated_node.body, strict=True):
                part = starts.get(id(original))
                if part is not None:
                    body.append(engine_call(part, name, part.depth, line_length))
                elif id(original) not in skipped and id(original) not in moved_imports:
                    body.append(updated)
            if not body:
                body.append(cst.parse_statement("pass\n"))
            return updated_node.with_changes(body=body)

    result = plan.node.visit(_Replace())
    assert isinstance(result, cst.FunctionDef)
    return result


class _SelfToDriver(cst.CSTTransformer):
    """In a driver method: `self.x` read by value -> its parameter; `self._load()` -> the
    renamed driver method."""

    def __init__(
        self, self_name: str | None, passed: Mapping[str, str], renames: Mapping[str, str]
    ) -> None:
        self.self_name = self_name
        self.passed = passed
        self.renames = renames

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        if not (
            self.self_name is not None
            and isinstance(updated_node.value, cst.Name)
            and updated_node.value.value == self.self_name
        ):
            return updated_node
        attribute = updated_node.attr.value
        if attribute in self.passed:
            return cst.Name(self.passed[attribute])
        if attribute in self.renames:
            return updated_node.with_changes(
                value=cst.Name("self"), attr=cst.Name(self.renames[attribute])
            )
        return updated_node.with_changes(value=cst.Name("self"))


def rename_self_calls(node: cst.FunctionDef, renames: Mapping[str, str]) -> cst.FunctionDef:
    """A method moving whole to the driver, with its calls of other moved methods renamed."""
    result = node.visit(_SelfToDriver(self_name(node), {}, renames))
    assert isinstance(result, cst.FunctionDef)
    return result


def _param_annotations(node: cst.FunctionDef) -> dict[str, str]:
    params = node.params
    found: dict[str, str] = {}
    for param in (*params.posonly_params, *params.params, *params.kwonly_params):
        if param.annotation is not None:
            found[param.name.value] = code_of(param.annotation.annotation)
    return found


def dedent(text: str) -> str:
    """Text laid out at its final indentation, as LibCST parses it at the top level."""
    lines = text.split("\n")
    width = len(lines[0]) - len(lines[0].lstrip(" "))
    return "\n".join(line[width:] if line[:width].strip() == "" else line for line in lines)


def _without_leading_blank(statement: cst.BaseStatement) -> cst.BaseStatement:
    lines = list(getattr(statement, "leading_lines", ()))
    while lines and lines[0].comment is None:
        lines.pop(0)
    return statement.with_changes(leading_lines=lines)
