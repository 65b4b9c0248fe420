"""Engine data inside a database statement stays in the engine: it is passed in.

`update(Incident).values(severity=ESCALATION_ORDER[level + 1])`: the next severity is a
business decision on engine data, not database work. When a part of a split method reads a
module constant the engine keeps (its logic uses it too), the largest expression around it
that does no database work and calls nothing (subscripts, arithmetic, comparisons of the
constant and of local values set before the part) is computed by the engine and passed to
the driver method as a parameter, named after the keyword it fills (`severity`). Only in the
part's first statement: nothing of the part has run before it, so computing it first keeps
the order of everything with an effect. Elsewhere the constant alone is passed.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import GlobalScope

from codemods._db_usage import DbEvidence
from codemods._module_graph import code_of
from codemods._relayout import one_line
from codemods._statements import walk_nodes

#: Expressions computed from their parts alone: no call, no await, no database work.
_PURE = (
    cst.Subscript,
    cst.SubscriptElement,
    cst.Index,
    cst.Slice,
    cst.BinaryOperation,
    cst.UnaryOperation,
    cst.Comparison,
    cst.ComparisonTarget,
    cst.BooleanOperation,
    cst.IfExp,
    cst.Attribute,
)
_LEAVES = (
    cst.Name,
    cst.Integer,
    cst.Float,
    cst.Imaginary,
    cst.SimpleString,
    cst.BaseBinaryOp,
    cst.BaseUnaryOp,
    cst.BaseCompOp,
    cst.BaseBooleanOp,
    cst.Dot,
    cst.LeftParen,
    cst.RightParen,
    cst.LeftSquareBracket,
    cst.RightSquareBracket,
    cst.Colon,
    cst.Comma,
    cst.BaseParenthesizableWhitespace,
    cst.TrailingWhitespace,
    cst.EmptyLine,
    cst.Newline,
    cst.Comment,
)


@dataclass(frozen=True)
class Hoisted:
    """An expression of a part the engine computes and passes as `parameter`."""

    node: cst.BaseExpression
    parameter: str
    code: str  # as the engine writes it
    line: int


def hoist(
    statements: Sequence[cst.BaseStatement],
    constants: set[str],
    evidence: DbEvidence,
    is_input: Callable[[cst.Name], bool],
    taken: set[str],
) -> list[Hoisted]:
    """The expressions of `statements` (a part) the engine computes; `is_input`: whether a
    local name read there holds a value set before the part; `taken`: names not to use."""
    if not constants:
        return []
    found: list[Hoisted] = []
    by_code: dict[str, str] = {}
    chosen: set[int] = set()
    every = [(s, _parents(s)) for s in statements]
    used = set(taken) | {"self"}
    used |= {
        n.value
        for s, parents in every
        for n in walk_nodes(s)
        if isinstance(n, cst.Name) and _is_load(n, parents, targets=True)
    }
    for position, (statement, parents) in enumerate(every):
        for node in walk_nodes(statement):
            if not (
                isinstance(node, cst.Name)
                and node.value in constants
                and _is_global(node, evidence)
                and _is_load(node, parents)
            ):
                continue
            if any(id(a) in chosen for a in _ancestors(node, parents)):
                continue
            top: cst.BaseExpression = node
            if position == 0 and isinstance(statement, cst.SimpleStatementLine):
                top = _widest(node, parents, constants, evidence, is_input)
            code = one_line(top) or code_of(top).strip()
            parameter = by_code.get(code) or _parameter(top, parents, used)
            by_code[code] = parameter
            used.add(parameter)
            chosen.add(id(top))
            found.append(Hoisted(top, parameter, code, evidence.line(top)))
    return found


def hoist_notes(hoisted: Sequence[Hoisted]) -> list[str]:
    """What `plan explain` says of them, once per value passed."""
    first = {h.parameter: h for h in reversed(hoisted)}
    return [
        f"line {h.line}: {h.code} stays ("
        + (
            "an engine constant"
            if isinstance(h.node, cst.Name)
            else "engine data: computed in the engine"
        )
        + f", passed as {h.parameter})"
        for h in sorted(first.values(), key=lambda h: h.line)
    ]


def without_hoisted(statement: cst.CSTNodeT, hoisted: Sequence[Hoisted]) -> cst.CSTNodeT:
    """`statement` (a node of the original method) with each hoisted expression replaced by
    its parameter."""
    if not hoisted:
        return statement
    replaced = statement.visit(_Replace({id(h.node): h.parameter for h in hoisted}))
    assert isinstance(replaced, type(statement))
    return replaced


class _Replace(cst.CSTTransformer):
    """Nodes (by identity) -> the names of their parameters."""

    def __init__(self, replacements: dict[int, str]) -> None:
        super().__init__()
        self.replacements = replacements

    def on_leave(self, original_node: cst.CSTNodeT, updated_node: cst.CSTNodeT) -> cst.CSTNodeT:
        name = self.replacements.get(id(original_node))
        return updated_node if name is None else cst.Name(name)  # type: ignore[return-value]


def hoisted_ids(hoisted: Sequence[Hoisted]) -> set[int]:
    """id() of every node of the hoisted expressions (they stay in the engine)."""
    return {id(n) for h in hoisted for n in walk_nodes(h.node)}


def _parents(statement: cst.CSTNode) -> dict[int, cst.CSTNode]:
    return {id(child): node for node in walk_nodes(statement) for child in node.children}


def _ancestors(node: cst.CSTNode, parents: dict[int, cst.CSTNode]) -> list[cst.CSTNode]:
    found = []
    while id(node) in parents:
        node = parents[id(node)]
        found.append(node)
    return found


def _is_global(name: cst.Name, evidence: DbEvidence) -> bool:
    scope = evidence.scopes.get(name)
    if scope is None:
        return False
    assignments = scope[name.value]
    return bool(assignments) and all(isinstance(a.scope, GlobalScope) for a in assignments)


def _is_load(node: cst.Name, parents: dict[int, cst.CSTNode], *, targets: bool = False) -> bool:
    """A value read (`targets`: or set), not an attribute's name or a keyword."""
    parent = parents.get(id(node))
    if isinstance(parent, cst.Attribute) and parent.attr is node:
        return False
    if isinstance(parent, cst.Arg) and parent.keyword is node:
        return False
    return targets or not isinstance(parent, cst.AssignTarget | cst.AugAssign | cst.AnnAssign)


def _widest(
    node: cst.BaseExpression,
    parents: dict[int, cst.CSTNode],
    constants: set[str],
    evidence: DbEvidence,
    is_input: Callable[[cst.Name], bool],
) -> cst.BaseExpression:
    """The largest pure expression around `node` the engine can compute before the part."""
    best = node
    current: cst.CSTNode = node
    while id(current) in parents:
        current = parents[id(current)]
        if not isinstance(current, _PURE):
            break
        if isinstance(current, cst.BaseExpression) and _computable(
            current, constants, evidence, is_input, parents
        ):
            best = current
    return best


def _computable(
    expression: cst.BaseExpression,
    constants: set[str],
    evidence: DbEvidence,
    is_input: Callable[[cst.Name], bool],
    parents: dict[int, cst.CSTNode],
) -> bool:
    if evidence.of(expression):
        return False
    for inner in walk_nodes(expression):
        if not isinstance(inner, _PURE + _LEAVES):
            return False
        if not isinstance(inner, cst.Name) or not _is_load(inner, parents):
            continue
        if inner.value in constants and _is_global(inner, evidence):
            continue
        if _is_global(inner, evidence) or not is_input(inner):
            return False
    return True


def _parameter(node: cst.BaseExpression, parents: dict[int, cst.CSTNode], used: set[str]) -> str:
    """`severity` for `.values(severity=...)`, `escalation_order` for a bare constant."""
    parent = parents.get(id(node))
    wanted = "value"
    if isinstance(parent, cst.Arg) and parent.keyword is not None:
        wanted = parent.keyword.value
    elif isinstance(parent, cst.DictElement) and isinstance(parent.key, cst.SimpleString):
        key = parent.key.evaluated_value
        wanted = key if isinstance(key, str) else wanted
    elif isinstance(node, cst.Name):
        wanted = node.value.lower()
    wanted = re.sub(r"\W", "_", wanted).strip("_") or "value"
    if wanted[0].isdigit() or keyword.iskeyword(wanted):
        wanted = f"{wanted}_"
    name = wanted
    while name in used:
        name += "_"
    return name
