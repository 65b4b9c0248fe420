"""A literal `setup.py`: entry point strings (its plain dotted strings are the Python
rewriter's)."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterator

from hoc_migrate.adapters.config_refs.values import ConfigRenames, entry

_SIMPLE_STRING = re.compile(r"(?P<prefix>[rRuU]?)(?P<quote>['\"])(?P<body>[^'\"\\\\\n]*)(?P=quote)")


def rewrite_setup_py(source: str, renames: ConfigRenames) -> str:
    """Entry point strings (`"tool = pkg.cli:main"`) of a setup.py; its plain dotted strings
    are the Python rewriter's."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return source
    lines = source.splitlines(keepends=True)
    edits: list[tuple[int, int, int, str]] = []
    for token in tokens:
        match = _SIMPLE_STRING.fullmatch(token.string) if token.type == tokenize.STRING else None
        if match is None or "=" not in match["body"]:
            continue
        new = entry(match["body"], renames)
        if new is not None and new != match["body"]:
            start = token.start[1] + len(match["prefix"]) + 1
            edits.append((token.start[0], start, token.end[1] - 1, new))
    for line_no, start, end, new in reversed(edits):
        line = lines[line_no - 1]
        lines[line_no - 1] = line[:start] + new + line[end:]
    return "".join(lines)


#: The line length a line written into setup.py keeps to where the project sets none (PEP 8's).
PEP8_LINE = 79


def _package_lists(source: str) -> Iterator[tuple[ast.List | ast.Tuple, list[str]]]:
    """Each literal `packages=[...]` (or tuple) of a call whose elements are all strings,
    with those strings; nothing for a file that does not parse."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            value = keyword.value
            if keyword.arg != "packages" or not isinstance(value, ast.List | ast.Tuple):
                continue
            names = [e.value for e in value.elts if isinstance(e, ast.Constant)]
            if len(names) == len(value.elts) and all(isinstance(n, str) for n in names):
                yield value, [str(n) for n in names]


def add_packages(source: str, renames: ConfigRenames) -> str:
    """A literal `packages=[...]` of `setup()` gains the new subpackages of a package it
    lists (as the tool's `packages` list does), written like its last element."""
    if not renames.new_packages or "packages" not in source:
        return source
    lists = list(_package_lists(source))
    lines = source.splitlines(keepends=True)
    for value, names in lists:
        if not names:
            continue
        added = renames.packages_to_add(names)
        last = value.elts[-1]
        if not added or last.end_lineno is None or last.end_col_offset is None:
            continue
        line = lines[last.end_lineno - 1]
        quote = line[last.col_offset] if last.lineno == last.end_lineno else "'"
        texts = [f"{quote}{name}{quote}" for name in added]
        after = line[last.end_col_offset :]
        if after.strip() in (",", ",\\") or after.strip().startswith(", #"):
            # One element a line, each with its comma: the new ones on lines of their own.
            indent = line[: len(line) - len(line.lstrip())]
            lines[last.end_lineno - 1] = line + "".join(f"{indent}{t},\n" for t in texts)
        elif _one_a_line(value.elts) and line[: last.col_offset].isspace():
            # One element a line, the bracket closing on the last one's: the new ones
            # go on lines of their own before it, aligned with the others.
            align = line[: last.col_offset]
            at = last.end_col_offset
            lines[last.end_lineno - 1] = (
                line[:at] + "".join(f",\n{align}{t}" for t in texts) + after
            )
        else:
            at = last.end_col_offset
            longer = line[:at] + "".join(f", {t}" for t in texts) + after
            limit = renames.line_length or PEP8_LINE
            if len(longer.rstrip("\r\n")) > limit and value.lineno == value.end_lineno:
                # Too long for the project's linter: one name a line, with a trailing
                # comma, as black lays out a list that does not fit.
                longer = _exploded(line, value, texts)
            lines[last.end_lineno - 1] = longer
        return "".join(lines)
    return source


def _exploded(line: str, value: ast.List | ast.Tuple, added: list[str]) -> str:
    """`line` with its list `value` one element a line, `added` at the end, each with its
    comma, indented one level more than the line; the bracket closes on a line of its own."""
    assert value.end_col_offset is not None
    indent = line[: len(line) - len(line.lstrip())]
    inner = indent + "    "
    elements = [line[e.col_offset : e.end_col_offset] for e in value.elts] + added
    opening, closing = line[value.col_offset], line[value.end_col_offset - 1]
    body = "".join(f"{inner}{e},\n" for e in elements)
    head, tail = line[: value.col_offset], line[value.end_col_offset :]
    return f"{head}{opening}\n{body}{indent}{closing}{tail}"


def _one_a_line(elements: list[ast.expr]) -> bool:
    """More than one element, each on a line of its own."""
    rows = [e.lineno for e in elements]
    return (
        len(rows) > 1
        and len(set(rows)) == len(rows)
        and all(e.lineno == e.end_lineno for e in elements)
    )


#: What may follow an element alone on its line: its comma, a comment.
_LINE_END = re.compile(r",?\s*(#.*)?")


def drop_packages(source: str, renames: ConfigRenames) -> str:
    """A literal `packages=[...]` of `setup()` without the names that are no package any
    more: an element alone on its line goes with its line, else with the comma before it
    (after it, for the first)."""
    if not renames.gone_packages or "packages" not in source:
        return source
    lists = list(_package_lists(source))
    lines = source.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def at(line_no: int | None, col: int | None) -> int:  # ast columns count UTF-8 bytes
        row = lines[(line_no or 1) - 1]
        return starts[(line_no or 1) - 1] + len(row.encode()[: col or 0].decode())

    cuts: list[tuple[int, int]] = []
    for value, names in lists:
        elts = value.elts
        gone = set(renames.packages_to_drop(names))
        for index, elt in enumerate(elts):
            if names[index] not in gone:
                continue
            start, end = at(elt.lineno, elt.col_offset), at(elt.end_lineno, elt.end_col_offset)
            before = source[starts[elt.lineno - 1] : start]
            after = source[end : starts[elt.end_lineno or elt.lineno]]
            if not before.strip() and _LINE_END.fullmatch(after.strip()):  # its own line
                cuts.append((starts[elt.lineno - 1], starts[elt.end_lineno or elt.lineno]))
            elif index > 0:  # `, 'name'`
                previous = elts[index - 1]
                cuts.append((at(previous.end_lineno, previous.end_col_offset), end))
            elif len(elts) > 1:  # `'name', ` up to the next one
                cuts.append((start, at(elts[1].lineno, elts[1].col_offset)))
            else:  # the only one, and its comma
                cuts.append((start, end + len(after) - len(after.lstrip(", "))))
    for begin, finish in sorted(cuts, reverse=True):
        source = source[:begin] + source[finish:]
    return source
