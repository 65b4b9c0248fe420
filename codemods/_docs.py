"""Exact dotted module names in comments and docstrings (rope's `docs=True`).

Text only, no parsing of the code around them: a comment or a docstring that names
`pkg.core` (or `pkg.core.Thing`) names `pkg.new.core` after the move. Other strings are
the rewriter's (exact paths) or a reference to review (longer strings).
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Mapping

from codemods._dotted import Renames


def _pattern(old: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w.]){re.escape(old)}(?![\w])")


def _docstring_lines(tree: ast.AST) -> set[tuple[int, int]]:
    """(first line, last line) of every docstring."""
    spans: set[tuple[int, int]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                spans.add((body[0].lineno, body[0].end_lineno or body[0].lineno))
    return spans


def rewrite_docs(source: str, renames: Mapping[str, str]) -> str:
    """`source` with the old dotted names in comments and docstrings followed."""
    rename = Renames(renames)
    olds = [old for old, _ in rename.pairs() if old in source]
    if not olds:
        return source
    try:
        tree = ast.parse(source)
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (SyntaxError, tokenize.TokenError, ValueError):
        return source
    docstrings = _docstring_lines(tree)
    lines = source.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    edits: list[tuple[int, int, str]] = []
    patterns = {old: _pattern(old) for old in olds}
    for token in tokens:
        if (
            token.type == tokenize.COMMENT
            or token.type == tokenize.STRING
            and (token.start[0], token.end[0]) in docstrings
        ):
            pass
        else:
            continue
        begin = starts[token.start[0] - 1] + token.start[1]
        end = starts[token.end[0] - 1] + token.end[1]
        text = source[begin:end]
        for old, pattern in patterns.items():
            for match in pattern.finditer(text):
                tail = text[match.start() :]
                new = rename.apply(old) or old
                if new.startswith(old + ".") and tail.startswith(new):
                    continue  # already the new name (a module moved into itself)
                edits.append((begin + match.start(), begin + match.end(), new))
    if not edits:
        return source
    out = []
    last = 0
    for begin, end, new in sorted(set(edits)):
        if begin < last:
            continue
        out.append(source[last:begin])
        out.append(new)
        last = end
    out.append(source[last:])
    return "".join(out)
