"""The LibCST codemods behind the SourceCodemods port.

Sources arrive as bytes; they are decoded as Python would (PEP 263 cookie, BOM) and encoded
back the same way, so encoding, BOM and line endings survive. LibCST parse errors and codemod
refusals become errors naming the file and line.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

import libcst

from codemods import _header
from codemods._errors import CodemodRefusal
from codemods._references import may_reference, rewrite_module_references
from hoc_migrate.adapters.source_text import decode_source, encode_source
from hoc_migrate.core.errors import PlanError, Problem, SourceParseError


@contextmanager
def _reported(path: str) -> Iterator[None]:
    try:
        yield
    except libcst.ParserSyntaxError as exc:
        raise SourceParseError(
            f"{path}:{exc.raw_line}: does not parse",
            [Problem(exc.message, file=path, line=exc.raw_line)],
            hint="fix the syntax error (or exclude the file) and run the plan again",
        ) from None
    except (UnicodeDecodeError, SyntaxError) as exc:
        line = getattr(exc, "lineno", None)
        raise SourceParseError(
            f"{path}: is not readable Python source ({exc.__class__.__name__})",
            [Problem(str(exc), file=path, line=line)],
        ) from None
    except CodemodRefusal as exc:
        raise PlanError(f"{path}: {exc}", [Problem(str(exc), file=path)]) from None


class LibcstCodemods:
    def may_reference(self, source: bytes, *, renames: Mapping[str, str]) -> bool:
        # A byte-level test first: most files of a large tree never mention the module.
        needles = {old.rpartition(".")[2].encode() for old in renames}
        if not any(n in source for n in needles):
            return False
        try:
            text, _ = decode_source(source)
        except (UnicodeDecodeError, SyntaxError):
            return True  # let the rewrite report it with its line
        return may_reference(text, module=None, renames=renames)

    def rewrite_references(
        self,
        source: bytes,
        *,
        path: str,
        module: str,
        is_package: bool,
        renames: Mapping[str, str],
        names: Sequence[str] | None = None,
        moved_from: str | None = None,
    ) -> bytes:
        with _reported(path):
            text, encoding = decode_source(source)
            result = rewrite_module_references(
                text,
                module=module,
                is_package=is_package,
                renames=renames,
                names=names,
                moved_from=moved_from,
            )
        return source if result == text else encode_source(result, encoding)

    def read_header(self, source: bytes) -> Mapping[str, str]:
        try:
            text, _ = decode_source(source)
        except (UnicodeDecodeError, SyntaxError):
            return {}
        return _header.read_header(text)

    def set_header(
        self,
        source: bytes,
        *,
        path: str,
        layer: str | None = None,
        description: str | None = None,
        audience: str | None = None,
        role: str | None = None,
        hybrid: bool = False,
        note: str | None = None,
        fields: Mapping[str, str] | None = None,
    ) -> bytes:
        with _reported(path):
            text, encoding = decode_source(source)
            result = _header.set_header(
                text,
                layer=layer,
                layer_description=description,
                audience=audience,
                role=role,
                hybrid=hybrid,
                hybrid_note=note,
                fields=fields,
            )
        return source if result == text else encode_source(result, encoding)
