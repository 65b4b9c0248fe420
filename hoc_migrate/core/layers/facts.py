"""What one parse of a file yields (its "facts"); the rules are evaluated from facts alone.

Facts depend only on the file's bytes (never on the configuration or the file's path), so
they are cached by content hash and shared by identical files and by moved files.
`encode_facts`/`decode_facts` turn them into plain tuples for the cache and for worker
processes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hoc_migrate.core.layers.header import NO_HEADER, Header
from hoc_migrate.core.layers.suppressions import Suppression

#: Bump when the facts' shape or the scanner's behaviour changes: old cache entries are ignored.
FACTS_VERSION = 2


@dataclass(frozen=True)
class ImportFact:
    """One `import` or `from ... import` statement, as written (resolution comes later)."""

    module: str  # `from X import ...`: X ('' for `from . import x`); `import a, b`: ''
    names: tuple[str, ...]  # imported names; for `import a.b, c`: the modules ('a.b', 'c')
    level: int  # leading dots of a relative import
    line: int  # 1-based
    col: int  # 1-based
    end_line: int
    is_from: bool
    type_checking: bool = False  # under `if TYPE_CHECKING:` / `if typing.TYPE_CHECKING:`
    in_function: bool = False  # inside a def (a lazy import; still a runtime import)


@dataclass(frozen=True)
class ParseProblem:
    line: int
    col: int
    message: str


@dataclass(frozen=True)
class FileFacts:
    header: Header = NO_HEADER
    imports: tuple[ImportFact, ...] = ()
    route_lines: tuple[int, ...] = ()  # lines of route definitions (`@router.get("/x")`)
    db_call_line: int = 0  # first call like `session.execute(...)`; 0 = none
    suppressions: tuple[Suppression, ...] = ()
    parse_error: ParseProblem | None = None
    empty: bool = False  # only whitespace (an empty `__init__.py`)


def encode_facts(facts: FileFacts) -> tuple[Any, ...]:
    h = facts.header
    return (
        FACTS_VERSION,
        (
            h.layer,
            h.layers,
            h.hybrid,
            h.layer_line,
            h.description,
            h.audience,
            h.audience_line,
            h.fields,
        ),
        tuple(
            (
                i.module,
                i.names,
                i.level,
                i.line,
                i.col,
                i.end_line,
                i.is_from,
                i.type_checking,
                i.in_function,
            )
            for i in facts.imports
        ),
        facts.route_lines,
        facts.db_call_line,
        tuple((s.line, s.rules, s.reason, s.problem) for s in facts.suppressions),
        None
        if facts.parse_error is None
        else (facts.parse_error.line, facts.parse_error.col, facts.parse_error.message),
        facts.empty,
    )


def decode_facts(data: tuple[Any, ...]) -> FileFacts | None:
    """The facts from `encode_facts`; None for data of another FACTS_VERSION or shape."""
    try:
        version, h, imports, routes, db_line, suppressions, error, empty = data
        if version != FACTS_VERSION:
            return None
        header = (
            NO_HEADER
            if h[3] == 0 and not h[7]
            else Header(
                layer=h[0],
                layers=tuple(h[1]),
                hybrid=h[2],
                layer_line=h[3],
                description=h[4],
                audience=h[5],
                audience_line=h[6],
                fields=tuple((k, v) for k, v in h[7]),
            )
        )
        return FileFacts(
            header=header,
            imports=tuple(ImportFact(*i) for i in imports),
            route_lines=tuple(routes),
            db_call_line=db_line,
            suppressions=tuple(Suppression(*s) for s in suppressions),
            parse_error=None if error is None else ParseProblem(*error),
            empty=empty,
        )
    except (TypeError, ValueError, IndexError):
        return None
