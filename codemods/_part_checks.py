"""What an extracted database part uses of `self`, and the constructs that cannot leave
its method (a `yield`, `nonlocal`, `global`, a `break` out of it, a `return` when the part
does not end the method, setting engine state, calling an engine method)."""

from __future__ import annotations

from typing import Protocol

import libcst as cst

from codemods._errors import CodemodRefusal
from codemods._statements import walk_nodes


class Analysis(Protocol):
    """The method being split, as the checks need it."""

    self_name: str | None
    methods: set[str]
    moved_whole: set[str]

    def refuse(self, node: cst.CSTNode, why: str) -> CodemodRefusal: ...


def is_db_handle(attribute: str) -> bool:
    """`self.session`, `self._db`, `self.session_factory`: what a driver holds, not data."""
    words = attribute.lower().strip("_").split("_")
    return any(word in _DB_HANDLE_WORDS for word in words)


_DB_HANDLE_WORDS = ("session", "engine", "db", "conn", "connection", "factory", "uow", "tx")


class PartChecker(cst.CSTVisitor):
    """What a part uses of `self`, and the constructs that cannot leave the method."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.depth_loop = 0
        self.is_async = False
        self.returns = False
        self.returns_at: cst.CSTNode | None = None
        self.state: set[str] = set()
        self.arguments: set[str] = set()
        self.calls: set[str] = set()
        self.written: set[int] = set()

    def refuse(self, node: cst.CSTNode, why: str) -> CodemodRefusal:
        return self.analysis.refuse(node, why)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # a nested function is its own scope (moves as it is)

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Yield(self, node: cst.Yield) -> bool:
        raise self.refuse(node, "yields inside its database statements")

    def visit_Nonlocal(self, node: cst.Nonlocal) -> bool:
        raise self.refuse(node, "uses nonlocal inside its database statements")

    def visit_Global(self, node: cst.Global) -> bool:
        raise self.refuse(node, "uses global inside its database statements")

    def visit_Await(self, node: cst.Await) -> bool:
        self.is_async = True
        return True

    def visit_For(self, node: cst.For) -> bool:
        self.is_async |= node.asynchronous is not None
        self.depth_loop += 1
        return True

    def leave_For(self, original_node: cst.For) -> None:
        self.depth_loop -= 1

    def visit_While(self, node: cst.While) -> bool:
        self.depth_loop += 1
        return True

    def leave_While(self, original_node: cst.While) -> None:
        self.depth_loop -= 1

    def visit_With(self, node: cst.With) -> bool:
        self.is_async |= node.asynchronous is not None
        return True

    def visit_Break(self, node: cst.Break) -> bool:
        if not self.depth_loop:
            raise self.refuse(node, "breaks out of a loop around its database statements")
        return False

    def visit_Continue(self, node: cst.Continue) -> bool:
        if not self.depth_loop:
            raise self.refuse(node, "continues a loop around its database statements")
        return False

    def visit_Return(self, node: cst.Return) -> bool:
        self.returns = True
        self.returns_at = self.returns_at or node
        return True

    def visit_AssignTarget(self, node: cst.AssignTarget) -> bool:
        self._written(node.target)
        return True

    def visit_AugAssign(self, node: cst.AugAssign) -> bool:
        self._written(node.target)
        return True

    def visit_AnnAssign(self, node: cst.AnnAssign) -> bool:
        self._written(node.target)
        return True

    def _written(self, target: cst.BaseExpression) -> None:
        name = self.analysis.self_name
        for inner in walk_nodes(target):
            if (
                isinstance(inner, cst.Attribute)
                and isinstance(inner.value, cst.Name)
                and inner.value.value == name
            ):
                raise self.refuse(
                    inner,
                    f"sets self.{inner.attr.value} inside its database statements "
                    "(the driver cannot set the engine's state)",
                )

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        name = self.analysis.self_name
        if not (isinstance(node.value, cst.Name) and node.value.value == name):
            return True
        attribute = node.attr.value
        if attribute in self.analysis.methods:
            if attribute not in self.analysis.moved_whole:
                raise self.refuse(
                    node,
                    f"calls self.{attribute}, which stays in the engine, inside its database "
                    "statements (assign its result to a name before them)",
                )
            self.calls.add(attribute)
        elif is_db_handle(attribute):
            self.state.add(attribute)
        else:
            self.arguments.add(attribute)
        return False

    def visit_Name(self, node: cst.Name) -> bool:
        if node.value == self.analysis.self_name:
            raise self.refuse(node, f"passes {node.value} itself to the database code")
        return False

    def visit_Call(self, node: cst.Call) -> bool:
        if isinstance(node.func, cst.Name) and node.func.value in ("super", "locals", "vars"):
            raise self.refuse(node, f"calls {node.func.value}() inside its database statements")
        return True
