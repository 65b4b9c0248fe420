"""Which names a file's imports bind, to which dotted paths, in which scope and block."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import libcst as cst

from codemods._cst_nodes import as_name, dotted_name, import_from_base

#: A scope: id() of the Module, FunctionDef or ClassDef node, and whether it is a class body.
Scope = tuple[int, bool]


@dataclass(frozen=True)
class Site:
    """Where an import statement is: its line, the block holding it, its rank in the file."""

    line: cst.CSTNode
    block: int  # id() of the enclosing Module, IndentedBlock or one-line suite
    order: int
    scope: Scope  # the scope the import binds its names in


@dataclass(frozen=True)
class Binding:
    #: The dotted path the bound name refers to (a module, or a definition in one).
    path: str
    #: Bound by `import a.b.c` without alias: the name is the root `a` and `path` is `a`.
    plain: bool
    site: Site


class ImportScan:
    """The file's import bindings, found by walking statement lists only (no expressions)."""

    def __init__(self, package: str | None, tree: cst.Module) -> None:
        self._package = package
        self.module_block = id(tree)
        self.bindings: dict[str, list[Binding]] = {}
        #: (dotted name, block) of every `import a.b` without alias.
        self.plain_imports: set[tuple[str, int]] = set()
        #: id() of every statement line holding an import.
        self.import_lines: set[int] = set()
        #: Every module an import names (absolute): `import a.b`, the `a.b` of `from a.b`.
        self.imported: set[str] = set()
        self._count = 0
        self._walk(tree.body, id(tree), (id(tree), False))

    def _walk(self, body: Sequence[cst.CSTNode], block: int, scope: Scope) -> None:
        for stmt in body:
            if isinstance(stmt, cst.SimpleStatementLine):
                self._scan(Site(stmt, block, self._count, scope), stmt.body)
                continue
            inner = scope
            if isinstance(stmt, cst.FunctionDef | cst.ClassDef):
                inner = (id(stmt), isinstance(stmt, cst.ClassDef))
            for suite in _suites(stmt):
                if isinstance(suite, cst.SimpleStatementSuite):
                    self._scan(Site(suite, id(suite), self._count, inner), suite.body)
                elif isinstance(suite, cst.IndentedBlock):
                    self._walk(suite.body, id(suite), inner)

    def _bind(self, name: str, binding: Binding) -> None:
        known = self.bindings.setdefault(name, [])
        # Per scope: `import a.x` in a function binds its own `a` even when the module also
        # has an `import a.y`; chains in the function go through (and stay next to) its import.
        if all(
            (b.path, b.plain, b.site.scope) != (binding.path, binding.plain, binding.site.scope)
            for b in known
        ):
            known.append(binding)

    def _scan(self, site: Site, body: Sequence[cst.BaseSmallStatement]) -> None:
        self._count += 1
        if not any(isinstance(stmt, cst.Import | cst.ImportFrom) for stmt in body):
            return
        self.import_lines.add(id(site.line))
        for stmt in body:
            if isinstance(stmt, cst.Import):
                for alias in stmt.names:
                    name = dotted_name(alias.name)
                    self.imported.add(name)
                    if alias.asname is not None:
                        self._bind(as_name(alias), Binding(name, False, site))
                    else:
                        root = name.partition(".")[0]
                        self._bind(root, Binding(root, True, site))
                        self.plain_imports.add((name, site.block))
            elif isinstance(stmt, cst.ImportFrom):
                base = import_from_base(stmt, self._package)
                if base is None:
                    continue
                self.imported.add(base)
                if isinstance(stmt.names, cst.ImportStar):
                    continue
                for alias in stmt.names:
                    name = dotted_name(alias.name)
                    self._bind(as_name(alias), Binding(f"{base}.{name}", False, site))


def _suites(node: cst.CSTNode) -> Iterator[cst.BaseSuite]:
    """The statement suites of a compound statement, `elif`/`else`/`except`/`case` included."""
    body = getattr(node, "body", None)
    if isinstance(body, cst.BaseSuite):
        yield body
    for name in ("handlers", "cases"):
        for part in getattr(node, name, ()):
            yield from _suites(part)
    for name in ("orelse", "finalbody"):
        part = getattr(node, name, None)
        if part is not None:
            yield from _suites(part)
