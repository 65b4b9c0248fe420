"""Small LibCST node helpers for dotted names and import statements."""

from __future__ import annotations

import re

import libcst as cst
from libcst import MaybeSentinel

from codemods._dotted import resolve_relative


def dotted_name(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{dotted_name(node.value)}.{node.attr.value}"
    raise TypeError(f"not a dotted name: {type(node).__name__}")


def dotted_name_or_none(node: cst.BaseExpression | None) -> str | None:
    return None if node is None else dotted_name(node)


def build_dotted(dotted: str) -> cst.Name | cst.Attribute:
    head, _, tail = dotted.rpartition(".")
    if not head:
        return cst.Name(tail)
    return cst.Attribute(value=build_dotted(head), attr=cst.Name(tail))


def import_from_base(node: cst.ImportFrom, package: str | None) -> str | None:
    """The absolute module a from-import reads from; None if it cannot be resolved."""
    written = dotted_name_or_none(node.module)
    if not node.relative:
        return written
    if package is None:
        return None
    return resolve_relative(package, len(node.relative), written)


def as_name(alias: cst.ImportAlias) -> str:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return dotted_name(alias.name)


def renamed_alias(alias: cst.ImportAlias, new_name: str) -> cst.ImportAlias:
    """The alias importing `new_name` while binding the same name as before."""
    old_name = dotted_name(alias.name)
    if new_name == old_name:
        return alias
    if alias.asname is not None:
        if as_name(alias) == new_name:
            # `from a import n5 as m0` renamed back to m0: `from a import m0`, as it was before
            # the rename added the alias (a plan and its inverse give back the same bytes).
            return alias.with_changes(name=cst.Name(new_name), asname=None)
        return alias.with_changes(name=cst.Name(new_name))
    return alias.with_changes(name=cst.Name(new_name), asname=cst.AsName(cst.Name(old_name)))


def with_last_comma(
    aliases: list[cst.ImportAlias], comma: cst.Comma | MaybeSentinel
) -> list[cst.ImportAlias]:
    """A group split out of a from-import ends the way the original list ended.

    In a list laid out one name a line, the last name keeps its own comma (and the comment
    after it), indented like the original closing line.
    """
    own = aliases[-1].comma
    if multiline(own) and multiline(comma):
        assert isinstance(own, cst.Comma) and isinstance(comma, cst.Comma)
        assert isinstance(own.whitespace_after, cst.ParenthesizedWhitespace)
        assert isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace)
        closing = own.whitespace_after.with_changes(last_line=comma.whitespace_after.last_line)
        comma = own.with_changes(whitespace_after=closing)
    return [*aliases[:-1], aliases[-1].with_changes(comma=comma)]


def multiline(comma: cst.Comma | MaybeSentinel) -> bool:
    return isinstance(comma, cst.Comma) and isinstance(
        comma.whitespace_after, cst.ParenthesizedWhitespace
    )


_KEEP_ON_EVERY_LINE = re.compile(r"#\s*(noqa|type:|pragma)")


def split_line(
    line: cst.SimpleStatementLine, piece: cst.BaseSmallStatement, first: bool
) -> cst.SimpleStatementLine:
    """One of the lines a split import becomes: comments above stay with the first."""
    comment = line.trailing_whitespace.comment
    keep_comment = first or (comment is not None and bool(_KEEP_ON_EVERY_LINE.match(comment.value)))
    return line.with_changes(
        body=[piece],
        leading_lines=line.leading_lines if first else (),
        trailing_whitespace=line.trailing_whitespace if keep_comment else cst.TrailingWhitespace(),
    )


def plain_import(module: str, alias: str | None) -> cst.Import | cst.ImportFrom:
    """`import module [as alias]`; `from package import name` when the alias is the module's
    own last name (what `import package.name as name` means, in the form linters prefer)."""
    package, _, name = module.rpartition(".")
    if alias is not None and package and alias == name:
        return cst.ImportFrom(module=build_dotted(package), names=[cst.ImportAlias(cst.Name(name))])
    asname = None if alias is None else cst.AsName(cst.Name(alias))
    return cst.Import(names=[cst.ImportAlias(build_dotted(module), asname=asname)])


def _names_column(node: cst.ImportFrom) -> int | None:
    """Where the first name after `(` starts on the import's first line, counted from the
    statement's start; None when the names are not in parentheses opened on that line."""
    if node.lpar is None or not isinstance(node.lpar.whitespace_after, cst.SimpleWhitespace):
        return None
    code = cst.Module(body=[]).code_for_node(node)
    at = code.find("(")
    if at < 0 or "\n" in code[:at] or "\r" in code[:at]:
        return None
    return at + 1 + len(node.lpar.whitespace_after.value)


def _aligned(
    whitespace: cst.BaseParenthesizableWhitespace, old: int, new: int
) -> cst.BaseParenthesizableWhitespace:
    if not isinstance(whitespace, cst.ParenthesizedWhitespace) or not whitespace.indent:
        return whitespace
    if whitespace.last_line.value != " " * old:
        return whitespace
    comments = [
        line.with_changes(whitespace=cst.SimpleWhitespace(" " * new))
        if line.indent and line.comment is not None and line.whitespace.value == " " * old
        else line
        for line in whitespace.empty_lines
    ]
    return whitespace.with_changes(empty_lines=comments, last_line=cst.SimpleWhitespace(" " * new))


def realigned(old: cst.ImportFrom, new: cst.ImportFrom) -> cst.ImportFrom:
    """`new` (`old` with its module rewritten) with the continuation lines that were aligned
    with the first name after the `(` (PEP 8's visual indent) aligned with it again:

        from .functoolz import (is_arity,      from ..functoolz import (is_arity,
                                has_varargs)                             has_varargs)
    """
    before, after = _names_column(old), _names_column(new)
    if before is None or after is None or before == after:
        return new
    if isinstance(new.names, cst.ImportStar):
        return new
    names = [
        alias.with_changes(
            comma=alias.comma.with_changes(
                whitespace_after=_aligned(alias.comma.whitespace_after, before, after)
            )
        )
        if isinstance(alias.comma, cst.Comma)
        else alias
        for alias in new.names
    ]
    rpar = new.rpar
    if rpar is not None:
        rpar = rpar.with_changes(whitespace_before=_aligned(rpar.whitespace_before, before, after))
    return new.with_changes(names=names, rpar=rpar)
