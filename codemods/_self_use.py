"""What a method does with `self`: its name for it, and the attributes it reads and sets."""

from __future__ import annotations

import libcst as cst

from codemods._module_graph import dotted


def decorator_name(decorator: cst.Decorator) -> str:
    expression = decorator.decorator
    return dotted(expression.func if isinstance(expression, cst.Call) else expression)


def self_name(node: cst.FunctionDef) -> str | None:
    """The first parameter's name (`self`), None for a staticmethod or no parameter."""
    if "staticmethod" in {decorator_name(d) for d in node.decorators}:
        return None
    params = [*node.params.posonly_params, *node.params.params]
    return params[0].name.value if params else None


def param_names(node: cst.FunctionDef) -> list[str]:
    params = node.params
    names = [p.name.value for p in (*params.posonly_params, *params.params)]
    if isinstance(params.star_arg, cst.Param):
        names.append(params.star_arg.name.value)
    names += [p.name.value for p in params.kwonly_params]
    if params.star_kwarg is not None:
        names.append(params.star_kwarg.name.value)
    return names


class SelfAttributes(cst.CSTVisitor):
    """`self.X` reads and writes inside one node."""

    def __init__(self, self_name: str | None) -> None:
        self.self_name = self_name
        self.read: dict[str, cst.Attribute] = {}
        self.written: set[str] = set()

    def _attribute(self, node: cst.BaseExpression) -> str | None:
        if (
            self.self_name is not None
            and isinstance(node, cst.Attribute)
            and isinstance(node.value, cst.Name)
            and node.value.value == self.self_name
        ):
            return node.attr.value
        return None

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        name = self._attribute(node)
        if name is not None:
            self.read.setdefault(name, node)
        return True

    def visit_AssignTarget(self, node: cst.AssignTarget) -> bool:
        self._write(node.target)
        return True

    def visit_AnnAssign(self, node: cst.AnnAssign) -> bool:
        self._write(node.target)
        return True

    def visit_AugAssign(self, node: cst.AugAssign) -> bool:
        self._write(node.target)
        return True

    def _write(self, target: cst.BaseExpression) -> None:
        name = self._attribute(target)
        if name is not None:
            self.written.add(name)


def self_attributes(node: cst.CSTNode, name: str | None) -> SelfAttributes:
    visitor = SelfAttributes(name)
    node.visit(visitor)
    return visitor


def method_attributes(node: cst.FunctionDef) -> SelfAttributes:
    return self_attributes(node.body, self_name(node))
