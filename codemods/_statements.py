"""The shape of statements, as the method split sees them: the blocks of a compound
statement, what runs before its blocks, whether it decides, the names it always sets."""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst

from codemods._errors import CodemodRefusal
from codemods._module_graph import dotted


def imported_module(small: cst.BaseSmallStatement) -> str:
    if isinstance(small, cst.Import):
        return dotted(small.names[0].name)
    assert isinstance(small, cst.ImportFrom)
    return "." if small.relative else dotted(small.module)


def bound_names(statement: cst.SimpleStatementLine) -> set[str]:
    found: set[str] = set()
    for small in statement.body:
        if isinstance(small, cst.Import | cst.ImportFrom) and not isinstance(
            small.names, cst.ImportStar
        ):
            for alias in small.names:
                found.add(alias.evaluated_alias or dotted(alias.name).split(".")[0])
    return found


def walk_nodes(node: cst.CSTNode | None) -> Iterable[cst.CSTNode]:
    if node is None:
        return
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.children)


def names_in(node: cst.CSTNode) -> list[cst.Name]:
    return [n for n in walk_nodes(node) if isinstance(n, cst.Name)]


class _Decisions(cst.CSTVisitor):
    found: cst.CSTNode | None = None

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.FunctionDef | cst.Lambda | cst.ClassDef):
            return False
        if isinstance(node, cst.If | cst.IfExp | cst.While | cst.Match | cst.CompIf):
            self.found = self.found or node
        return self.found is None


def has_decision(node: cst.CSTNode) -> bool:
    visitor = _Decisions()
    node.visit(visitor)
    return visitor.found is not None


def keyword(statement: cst.CSTNode) -> str:
    names = {
        cst.If: "if",
        cst.For: "for loop",
        cst.While: "while loop",
        cst.Try: "try",
        cst.With: "with block",
        cst.Match: "match",
    }
    return next((v for k, v in names.items() if isinstance(statement, k)), "statement")


def header_parts(statement: cst.CSTNode) -> list[cst.CSTNode]:
    """The parts of a compound statement that run before (or decide on) its blocks."""
    if isinstance(statement, cst.If | cst.While):
        found: list[cst.CSTNode] = [statement.test]
        orelse = statement.orelse
        while isinstance(orelse, cst.If):
            found.append(orelse.test)
            orelse = orelse.orelse
        return found
    if isinstance(statement, cst.For):
        return [statement.target, statement.iter]
    if isinstance(statement, cst.With):
        return list(statement.items)
    if isinstance(statement, cst.Try):
        return [h.type for h in statement.handlers if h.type is not None]
    return [statement]


def blocks_of(statement: cst.BaseCompoundStatement) -> list[cst.IndentedBlock]:
    found: list[cst.BaseSuite] = [statement.body]
    if isinstance(statement, cst.Try):
        found += [h.body for h in statement.handlers]
        found += [s.body for s in (statement.orelse, statement.finalbody) if s is not None]
    elif isinstance(statement, cst.If):
        orelse: cst.If | cst.Else | None = statement.orelse
        while orelse is not None:
            found.append(orelse.body)
            orelse = orelse.orelse if isinstance(orelse, cst.If) else None
    elif isinstance(statement, cst.For | cst.While) and statement.orelse is not None:
        found.append(statement.orelse.body)
    blocks = [b for b in found if isinstance(b, cst.IndentedBlock)]
    if len(blocks) != len(found):
        raise CodemodRefusal(
            f"a one-line {keyword(statement)} mixes database work and logic: split it by hand"
        )
    return blocks


def _targets(target: cst.BaseExpression) -> set[str]:
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, cst.Tuple | cst.List):
        found: set[str] = set()
        for element in target.elements:
            found |= _targets(element.value)
        return found
    if isinstance(target, cst.StarredElement):
        return _targets(target.value)
    return set()


def unconditional_writes(statement: cst.BaseStatement) -> set[str]:
    """Local names a statement always sets when it completes."""
    found: set[str] = set()
    if isinstance(statement, cst.SimpleStatementLine):
        for small in statement.body:
            if isinstance(small, cst.Assign):
                for target in small.targets:
                    found |= _targets(target.target)
            elif (
                isinstance(small, cst.AnnAssign)
                and small.value is not None
                or isinstance(small, cst.AugAssign)
            ):
                found |= _targets(small.target)
            elif isinstance(small, cst.Import | cst.ImportFrom):
                found |= bound_names(statement)
    elif isinstance(statement, cst.With) and isinstance(statement.body, cst.IndentedBlock):
        for item in statement.items:
            if item.asname is not None:
                found |= _targets(item.asname.name)
        for inner in statement.body.body:
            found |= unconditional_writes(inner)
    return found
