"""Lay out again a statement a split moved to another depth or shortened.

A database statement keeps its layout when it moves, but `ruff format` lays a statement
out by where it ends up: one that now fits on a line is joined, one whose bracket's
content now fits on a line of its own is split there. Only those two shapes are produced
(what `ruff format` and black write for them); a statement holding a comment or a magic
trailing comma, or needing more, keeps its layout.
"""

from __future__ import annotations

import re

import libcst as cst

from codemods._layout import INDENT
from codemods._module_graph import code_of
from codemods._statements import walk_nodes

_MAGIC_COMMA = re.compile(r",\s*\n\s*[)\]}]")


class _Join(cst.CSTTransformer):
    """Line breaks inside brackets become nothing, or a space after a comma / around an
    operator."""

    def leave_ParenthesizedWhitespace(
        self, original_node: cst.ParenthesizedWhitespace, updated_node: cst.ParenthesizedWhitespace
    ) -> cst.SimpleWhitespace:
        return cst.SimpleWhitespace("")

    def on_leave(self, original_node: cst.CSTNodeT, updated_node: cst.CSTNodeT) -> cst.CSTNodeT:
        updated = super().on_leave(original_node, updated_node)
        spaced = isinstance(original_node, cst.Comma | cst.BaseBinaryOp | cst.BaseCompOp)
        spaced |= isinstance(original_node, cst.BaseBooleanOp)
        if not spaced or not isinstance(updated, cst.CSTNode):
            return updated  # type: ignore[return-value]
        changes = {}
        for side in ("whitespace_before", "whitespace_after"):
            before = getattr(original_node, side, None)
            if isinstance(before, cst.ParenthesizedWhitespace):
                changes[side] = cst.SimpleWhitespace(" ")
        return updated.with_changes(**changes) if changes else updated


def one_line(node: cst.CSTNode) -> str | None:
    """`node`'s code on one line, None when it holds a comment or a magic trailing comma."""
    code = code_of(node)
    if any(isinstance(n, cst.Comment) for n in walk_nodes(node)) or _MAGIC_COMMA.search(code):
        return None
    joined = node.visit(_Join())
    assert isinstance(joined, cst.CSTNode)
    return code_of(joined).strip()


def relayout(statement: cst.BaseStatement, indent: str, line_length: int) -> cst.BaseStatement:
    """`statement`, to sit at `indent`, laid out as `ruff format` would (when it can tell)."""
    if not isinstance(statement, cst.SimpleStatementLine) or "\n" not in code_of(statement).strip():
        return statement
    joined = one_line(statement.with_changes(leading_lines=[]))
    if joined is None:
        return statement
    text = joined
    if len(indent + joined) > line_length:
        argument = _last_argument(statement)
        split = None
        if argument is not None and joined.endswith(f"({argument})"):
            head = joined[: -len(argument) - 1]
            if len(indent + head) <= line_length and len(indent + INDENT + argument) <= line_length:
                split = f"{head}\n{INDENT}{argument}\n)"
        if split is None:
            return statement
        text = split
    parsed = cst.parse_statement(text + "\n")
    return parsed.with_changes(leading_lines=statement.leading_lines)


def _last_argument(statement: cst.SimpleStatementLine) -> str | None:
    """The one argument of the call a statement ends with (`x = await f(ARG)`), on one line."""
    if len(statement.body) != 1:
        return None
    small = statement.body[0]
    value = small.value if isinstance(small, cst.Expr | cst.Assign | cst.Return) else None
    if isinstance(value, cst.Await):
        value = value.expression
    if not isinstance(value, cst.Call) or len(value.args) != 1 or value.args[0].star:
        return None
    return one_line(value.args[0].with_changes(comma=cst.MaybeSentinel.DEFAULT))
