"""Names a module binds other than through `import a.b` (used to avoid shadowing on edits)."""

from __future__ import annotations

import libcst as cst


def bound_names(tree: cst.CSTNode, *, class_bodies: bool = False) -> frozenset[str]:
    """Every name the file binds in any scope, except roots of plain `import a.b` statements.

    Conservative: a name bound in any function is treated as taken everywhere; class-body
    attributes are left out (they never shadow a module-level name) unless `class_bodies`
    (a bare name read in a class body may be its attribute).
    """
    collector = _BoundNames(class_bodies)
    tree.visit(collector)
    return frozenset(collector.names)


class _BoundNames(cst.CSTVisitor):
    def __init__(self, class_bodies: bool = False) -> None:
        super().__init__()
        self.names: set[str] = set()
        self._class_bodies = class_bodies
        self._in_class_body: list[bool] = [False]

    def _target(self, node: cst.BaseExpression | cst.BaseAssignTargetExpression) -> None:
        if isinstance(node, cst.Name):
            if self._class_bodies or not self._in_class_body[-1]:
                self.names.add(node.value)
        elif isinstance(node, cst.Tuple | cst.List):
            for element in node.elements:
                self._target(element.value)
        elif isinstance(node, cst.StarredElement):
            self._target(node.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._target(node.name)
        self._in_class_body.append(False)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._in_class_body.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._target(node.name)
        self._in_class_body.append(True)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._in_class_body.pop()

    def visit_Param(self, node: cst.Param) -> None:
        self.names.add(node.name.value)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._target(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._target(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._target(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._target(node.target)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._target(node.target)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._target(node.target)

    def visit_AsName(self, node: cst.AsName) -> None:  # with/except/import ... as name
        self._target(node.name)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        if not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                if alias.asname is None and isinstance(alias.name, cst.Name):
                    self._target(alias.name)
        return True
