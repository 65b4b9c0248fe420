"""The errors of a codemod run, as hoc-migrate reports them: the file and its line."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import libcst

from codemods._errors import CodemodRefusal
from hoc_migrate.adapters.source_text import UnencodableText
from hoc_migrate.core.errors import PlanError, Problem, SourceParseError


@contextmanager
def reported(path: str) -> Iterator[None]:
    """LibCST parse errors, undecodable sources, codemod refusals and text the file's
    encoding cannot hold, as errors naming the file and its line."""
    try:
        yield
    except libcst.ParserSyntaxError as exc:
        raise SourceParseError(
            path,
            exc.raw_line,
            "does not parse",
            exc.message,
            hint="fix the syntax error (or exclude the file) and run the plan again",
        ) from None
    except (UnicodeDecodeError, SyntaxError) as exc:
        line = getattr(exc, "lineno", None)
        raise SourceParseError(
            path, line, f"is not readable Python source ({exc.__class__.__name__})", str(exc)
        ) from None
    except CodemodRefusal as exc:
        raise PlanError(f"{path}: {exc}", [Problem(str(exc), file=path)]) from None
    except UnencodableText as exc:
        where = exc.where or path
        raise PlanError(
            f"{where}: its encoding ({exc.encoding}) cannot hold {exc.char!r} "
            f"(U+{ord(exc.char):04X}), which the plan would write at line {exc.line}",
            [Problem(f"{exc.char!r} is not in {exc.encoding}", file=where, line=exc.line)],
            hint=f"convert the file to UTF-8, or keep the plan's text to what {exc.encoding} holds",
        ) from None
