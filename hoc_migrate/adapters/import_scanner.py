"""Python source bytes -> FileFacts, with one stdlib `ast` parse per file.

Only statements are visited (imports are statements), never the expressions inside them:
walking every node would cost more than the parse itself. A file that is not valid Python
or not decodable yields facts with a `parse_error`, never an exception.
"""

from __future__ import annotations

import ast
import gc
import io
import re
import tokenize
import warnings
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from hoc_migrate.core.layers.facts import (
    FileFacts,
    ImportFact,
    ParseProblem,
    encode_facts,
)
from hoc_migrate.core.layers.header import HEADER_LINES, Header, parse_header
from hoc_migrate.core.layers.suppressions import MARKER, Suppression, parse_suppression

ROUTE_DECORATORS = frozenset(
    {
        "get",
        "post",
        "put",
        "patch",
        "delete",
        "head",
        "options",
        "trace",
        "api_route",
        "route",
        "websocket",
        "websocket_route",
    }
)
ROUTE_CALLS = frozenset({"add_api_route", "add_route", "add_websocket_route"})

# `session.execute(`, `self.db.commit(`, `conn.scalars(`: what "does database work" means
# for the header-claim rule (a heuristic on the text; imports are the other evidence).
# Found in two steps: a method call (a pattern starting with a literal '.', which the regex
# engine scans for quickly), then the receiver's name just before it.
_DB_METHOD_RE = re.compile(
    r"\.[ \t]*(?:execute|exec|commit|rollback|flush|add|add_all|delete|merge|query|scalars?"
    r"|refresh|begin|stream)[ \t]*\("
)
_DB_RECEIVER_RE = re.compile(r"(?:session|db|conn|connection|cursor)[ \t]*$", re.IGNORECASE)

_Body = Sequence[ast.stmt]


def _db_call(text: str) -> int | None:
    """Offset of the first call like `session.execute(`, or None."""
    for match in _DB_METHOD_RE.finditer(text):
        if _DB_RECEIVER_RE.search(text, max(0, match.start() - 40), match.start()):
            return match.start()
    return None


def decode_python(data: bytes) -> str:
    """Decode as the interpreter would (PEP 263 cookie, BOM). Raises SyntaxError for a bad
    cookie and UnicodeDecodeError for bytes that are not in the declared encoding."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    text = data.decode(encoding)
    return text[1:] if text.startswith("\ufeff") else text


def probe_header(data: bytes) -> Header:
    """The header of a file without parsing it (for imported files that are not checked)."""
    end = 0
    for _ in range(HEADER_LINES):
        found = data.find(b"\n", end)
        if found == -1:
            end = len(data)
            break
        end = found + 1
    text = data[:end].decode("utf-8", errors="replace")
    return parse_header(text[1:] if text.startswith("\ufeff") else text)


def _type_checking_test(test: ast.expr) -> int:
    """1: `if TYPE_CHECKING:` (or `typing.TYPE_CHECKING`, `... and TYPE_CHECKING`);
    -1: `if not TYPE_CHECKING:`; 0: anything else."""
    if isinstance(test, ast.Name) and test.id == "TYPE_CHECKING":
        return 1
    if isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING":
        return 1
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return -_type_checking_test(test.operand)
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return 1 if any(_type_checking_test(v) == 1 for v in test.values) else 0
    return 0


def _is_route_decorator(node: ast.expr) -> bool:
    if not (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ROUTE_DECORATORS
    ):
        return False
    if node.args:
        first = node.args[0]
        return (
            isinstance(first, ast.Constant)
            and isinstance(first.value, str)
            and (first.value == "" or first.value.startswith("/"))
        )
    return any(k.arg == "path" for k in node.keywords)


# Statements holding statement lists besides def, class and if (visited the same way).
_NESTED = (
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.With,
    ast.AsyncWith,
    ast.Try,
    ast.TryStar,
    ast.Match,
)
_ROUTE_HINT_RE = re.compile(
    r"@[ \t]*[\w.]+\.(?:" + "|".join(sorted(ROUTE_DECORATORS)) + r")[ \t]*\("
    r"|add_(?:api_|websocket_)?route\b"
)


def _candidate_lines(text: str) -> list[int]:
    """Sorted line numbers that may hold an import or a route: every import statement has
    the word `import` on one of its lines. A superset (strings count too) is fine: it only
    decides which compound statements the walk may skip."""
    lines: list[int] = []
    line, last = 1, 0
    pos = text.find("import")
    while pos != -1:
        line += text.count("\n", last, pos)
        last = pos
        lines.append(line)
        end = text.find("\n", pos)
        if end == -1:
            break
        pos = text.find("import", end)
    if "@" in text or "add_" in text:
        line, last = 1, 0
        for match in _ROUTE_HINT_RE.finditer(text):
            line += text.count("\n", last, match.start())
            last = match.start()
            lines.append(line)
        lines.sort()
    return lines


def _first_line(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", None)
    return decorators[0].lineno if decorators else node.lineno


def _last_line(node: ast.stmt) -> int:
    return node.end_lineno or node.lineno


class _Collector:
    """Visits only the statements that hold a candidate line, found by binary search in
    each statement list (their first and last lines never decrease): most statements, and
    most function bodies, import nothing and are never looked at. Every import statement
    holds a candidate line (its keyword), as does every route call and route decorator
    (`_ROUTE_HINT_RE`)."""

    def __init__(self, candidates: list[int]) -> None:
        self.imports: list[ImportFact] = []
        self.routes: list[int] = []
        self.candidates = candidates

    def walk(self, body: _Body, lo: int, hi: int, type_checking: bool, in_function: bool) -> None:
        """Visit the statements of `body` holding any of the lines candidates[lo:hi]."""
        candidates = self.candidates
        at = 0
        while lo < hi:
            line = candidates[lo]
            at = bisect_left(body, line, at, key=_last_line)  # the first not ending before
            if at == len(body):
                return
            node = body[at]
            first = _first_line(node)
            if first > line:  # a line between statements (a comment, a blank line)
                lo = bisect_left(candidates, first, lo, hi)
                continue
            inside = bisect_right(candidates, _last_line(node), lo, hi)
            self._visit(node, lo, inside, type_checking, in_function)
            at += 1
            if at == len(body):
                return
            # From the next statement's first line: `import a; import b` share one line.
            lo = bisect_left(candidates, _first_line(body[at]), lo, hi)

    def _visit(
        self, node: ast.stmt, lo: int, hi: int, type_checking: bool, in_function: bool
    ) -> None:
        if isinstance(node, ast.Import | ast.ImportFrom):
            self._add(node, type_checking, in_function)
        elif isinstance(node, ast.Expr):
            call = node.value
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr in ROUTE_CALLS
            ):
                self.routes.append(node.lineno)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            self.routes.extend(d.lineno for d in node.decorator_list if _is_route_decorator(d))
            self.walk(node.body, lo, hi, type_checking, True)
        elif isinstance(node, ast.ClassDef):
            self.walk(node.body, lo, hi, type_checking, in_function)
        elif isinstance(node, ast.If):
            test = _type_checking_test(node.test)
            self.walk(node.body, lo, hi, type_checking or test == 1, in_function)
            self.walk(node.orelse, lo, hi, type_checking or test == -1, in_function)
        elif isinstance(node, _NESTED):
            # for/while/with/try/match: every statement list they hold, in source order.
            for name in ("body", "handlers", "orelse", "finalbody", "cases"):
                block = getattr(node, name, None)
                if not block:
                    continue
                if name in ("handlers", "cases"):  # except handlers, match cases: their bodies
                    for item in block:
                        self.walk(item.body, lo, hi, type_checking, in_function)
                else:
                    self.walk(block, lo, hi, type_checking, in_function)

    def _add(
        self, node: ast.Import | ast.ImportFrom, type_checking: bool, in_function: bool
    ) -> None:
        module, level = "", 0
        if isinstance(node, ast.ImportFrom):
            module, level = node.module or "", node.level or 0
        self.imports.append(
            ImportFact(
                module=module,
                names=tuple(a.name for a in node.names),
                level=level,
                line=node.lineno,
                col=node.col_offset + 1,
                end_line=node.end_lineno or node.lineno,
                is_from=isinstance(node, ast.ImportFrom),
                type_checking=type_checking,
                in_function=in_function,
            )
        )


def _suppressions(text: str) -> tuple[Suppression, ...]:
    """`# hoc: ignore[...]` comments: real comment tokens only, never text inside strings."""
    found: list[Suppression] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT and MARKER in token.string:
                item = parse_suppression(token.string, token.start[0])
                if item is not None:
                    found.append(item)
    except (tokenize.TokenError, SyntaxError):
        pass
    return tuple(found)


def _decode_problem(data: bytes, exc: UnicodeDecodeError | SyntaxError) -> ParseProblem:
    if isinstance(exc, UnicodeDecodeError):
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = data[exc.start : exc.start + 1].hex()
        return ParseProblem(line, col, f"not valid {exc.encoding}: byte 0x{byte} ({exc.reason})")
    return ParseProblem(exc.lineno or 1, 1, f"cannot decode: {exc.msg}")


def scan_source(data: bytes) -> FileFacts:
    """Parse once; never raises for bad input."""
    try:
        text = decode_python(data)
    except (UnicodeDecodeError, SyntaxError) as exc:
        if isinstance(exc, SyntaxError):
            # detect_encoding complains about undecodable bytes in the first two lines
            # without saying where; a plain decode does.
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as precise:
                exc = precise
        return FileFacts(header=probe_header(data), parse_error=_decode_problem(data, exc))
    header = parse_header(text)
    suppressions = _suppressions(text) if MARKER in text else ()
    try:
        with warnings.catch_warnings():
            # Invalid escape sequences and the like warn at parse time; not our business.
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except SyntaxError as exc:
        problem = ParseProblem(exc.lineno or 1, exc.offset or 1, f"syntax error: {exc.msg}")
        return FileFacts(header=header, suppressions=suppressions, parse_error=problem)
    except (ValueError, RecursionError, MemoryError) as exc:
        problem = ParseProblem(1, 1, f"cannot parse: {exc}")
        return FileFacts(header=header, suppressions=suppressions, parse_error=problem)
    candidates = _candidate_lines(text)
    collector = _Collector(candidates)
    collector.walk(tree.body, 0, len(candidates), False, False)
    db_call = _db_call(text)
    return FileFacts(
        header=header,
        imports=tuple(collector.imports),
        route_lines=tuple(collector.routes),
        db_call_line=text.count("\n", 0, db_call) + 1 if db_call is not None else 0,
        suppressions=suppressions,
        empty=not text.strip(),
    )


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while scanning many files: a syntax tree holds no
    cycles (reference counting frees it), yet its many nodes would trigger collections
    that walk every live object again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def scan_many(blobs: Sequence[bytes]) -> list[tuple[Any, ...]]:
    """Worker-process entry point: encoded facts for a batch of files."""
    with paused_gc():
        return [encode_facts(scan_source(data)) for data in blobs]
