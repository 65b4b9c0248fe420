"""What goes wrong in a codemod, as errors naming the file and the line: a parse error, a
refusal, text the file's encoding cannot hold."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import libcst

from codemods._errors import CodemodRefusal
from hoc_migrate.adapters.source_text import UnencodableText
from hoc_migrate.core.errors import PlanError, Problem, SourceParseError


def _python_error(source: bytes) -> SyntaxError | None:
    """Python's own syntax error of `source`, if it has one: its line is the statement's
    (LibCST's native parser may name the line after it)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(source, "<source>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        return exc
    except ValueError:  # a NUL byte: LibCST's own message says it
        return None
    return None


@contextmanager
def reported(path: str, source: bytes) -> Iterator[None]:
    """Run a codemod on `source` (the file `path`), its failures raised as HocMigrateErrors."""
    try:
        yield
    except libcst.ParserSyntaxError as exc:
        python = _python_error(source)
        line, detail = exc.raw_line, exc.message
        if python is not None and python.lineno:
            line = python.lineno
            detail = f"{python.msg} (column {python.offset or 0})"
        raise SourceParseError(
            path,
            line,
            "does not parse",
            detail,
            hint="fix the syntax error (or exclude the file) and run the plan again",
        ) from None
    except (UnicodeDecodeError, SyntaxError) as exc:
        lineno = getattr(exc, "lineno", None)
        raise SourceParseError(
            path, lineno, f"is not readable Python source ({exc.__class__.__name__})", str(exc)
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
