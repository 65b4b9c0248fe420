"""Lay out the code a codemod writes the way `ruff format` (and black) would.

Only for the few shapes the codemods generate: a bracketed list after a prefix (a call's
arguments, a def's parameters). It fits on one line; else the list goes on its own
indented line; else one item per line with a trailing comma. A list that had a trailing
comma (the "magic trailing comma") stays one item per line.
"""

from __future__ import annotations

from collections.abc import Sequence

DEFAULT_LINE_LENGTH = 88
INDENT = "    "


def bracketed(
    indent: str,
    opening: str,
    items: Sequence[str],
    closing: str,
    *,
    line_length: int = DEFAULT_LINE_LENGTH,
    magic_comma: bool = False,
) -> str:
    """`opening` ends with the bracket, `closing` starts with its partner; no newline at
    the end. `indent` is the statement's own indentation."""
    joined = ", ".join(items)
    one_line = f"{indent}{opening}{joined}{closing}"
    if not magic_comma and len(one_line) <= line_length and "\n" not in one_line:
        return one_line
    inner = indent + INDENT
    if not magic_comma and items and len(inner + joined) <= line_length:
        return f"{indent}{opening}\n{inner}{joined}\n{indent}{closing}"
    lines = "".join(f"{inner}{item},\n" for item in items)
    return f"{indent}{opening}\n{lines}{indent}{closing}"
