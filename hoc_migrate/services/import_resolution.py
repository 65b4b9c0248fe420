"""Do a file's imports of the project's own modules resolve in a tree?

For `import a.b` the module must exist; for `from a.b import n`, `a.b.n` must be a module or
`n` must be defined at the top level of `a.b` (when that cannot be known, for a star import
or a module `__getattr__`, it counts as resolved). Only modules inside the source roots are
checked; imports guarded by `try: ... except ImportError` are optional and never reported.
A package that puts an import hook on `sys.meta_path` (toolz's `tlz` builds its modules at
import time) has submodules and names no file shows: they count as resolved too.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from hoc_migrate.core.modules import (
    candidate_paths,
    module_for_path,
    normalize_root,
    package_of,
    resolve_relative,
)
from hoc_migrate.ports import TreeReader

_OPTIONAL_IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}
# `sys.meta_path.append(finder)`, `sys.path_hooks.insert(0, hook)`, `sys.meta_path += [...]`
_IMPORT_HOOK = re.compile(rb"\b(?:meta_path|path_hooks)\s*(?:\.\s*(?:append|insert|extend)\b|\+=)")


@dataclass(frozen=True)
class UnresolvedImport:
    file: str
    line: int
    target: str  # the absolute module
    name: str | None  # for `from target import name`
    reason: str

    def key(self) -> tuple[str, str | None]:
        return self.target, self.name

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


def top_level_names(trees: Iterable[TreeReader], source_roots: Sequence[str]) -> set[str]:
    """The top-level packages and modules of the project (in any of `trees`)."""
    names: set[str] = set()
    for tree in trees:
        for root in source_roots:
            r = normalize_root(root)
            prefix = f"{r}/" if r else ""
            for path in tree.iter_files(r):
                rel = path[len(prefix) :]
                head, sep, _ = rel.partition("/")
                if sep:
                    names.add(head)
                elif head.endswith(".py"):
                    names.add(head[:-3])
    return {n for n in names if n.isidentifier()}


def importable_packages(tree: TreeReader, source_roots: Sequence[str]) -> list[str]:
    """The regular top-level packages (with an `__init__.py`) and modules of the source
    roots: what `import name` must load from this tree. (A folder without `__init__.py` is
    a namespace portion any other path entry may take precedence over.)"""
    found = []
    for name in sorted(top_level_names([tree], source_roots)):
        for root in source_roots:
            prefix = f"{normalize_root(root)}/" if normalize_root(root) else ""
            if tree.exists(f"{prefix}{name}/__init__.py") or tree.exists(f"{prefix}{name}.py"):
                found.append(name)
                break
    return found


class ModuleIndex:
    """Which modules exist in one tree, and which names each defines (parsed on demand)."""

    def __init__(self, tree: TreeReader, source_roots: Sequence[str]) -> None:
        self.tree = tree
        self.roots = [normalize_root(r) for r in source_roots]
        self._defined: dict[str, set[str] | None] = {}
        self._hooked: dict[str, bool] = {}

    def module_file(self, module: str) -> str | None:
        """The file of `module` ('' for a namespace package folder), None when it is absent.
        In a package with an import hook, a module no file holds is its nearest package's."""
        found = self._file(module)
        if found is None and self.hooked(module.partition(".")[0]):
            package = module
            while found is None and "." in package:
                package = package.rpartition(".")[0]
                found = self._file(package)
        return found

    def hooked(self, top: str) -> bool:
        """Whether a module of the top-level package `top` installs an import hook."""
        if top not in self._hooked:
            self._hooked[top] = any(
                path.endswith(".py") and _IMPORT_HOOK.search(self.tree.read_bytes(path))
                for root in self.roots
                for path in self.tree.iter_files(f"{root}/{top}" if root else top)
            )
        return self._hooked[top]

    def _file(self, module: str) -> str | None:
        for root in self.roots:
            file_path, init_path = candidate_paths(module, root)
            if self.tree.exists(file_path) and not self.tree.is_dir(file_path):
                return file_path
            if self.tree.exists(init_path):
                return init_path
            folder = init_path.rpartition("/")[0]
            if self.tree.is_dir(folder):
                return ""
        return None

    def defines(self, module_file: str, name: str) -> bool:
        if module_file == "":
            return False  # a namespace package defines nothing itself
        if module_file not in self._defined:
            self._defined[module_file] = _defined_names(self.tree.read_bytes(module_file))
        names = self._defined[module_file]
        if names is None or name in names:
            return True
        module = module_for_path(module_file, self.roots)  # a hook fills modules in at import
        return module is not None and self.hooked(module.partition(".")[0])


def unresolved_imports(
    tree: TreeReader,
    path: str,
    source_roots: Sequence[str],
    project: set[str],
    index: ModuleIndex | None = None,
    *,
    module: str | None = None,
) -> list[UnresolvedImport]:
    """The imports of `path` (a file of `tree`) that point inside the project and miss.
    `module` is the file's dotted name (default: from its place in a source root)."""
    module = module or module_for_path(path, source_roots)
    if module is None:
        return []
    try:
        parsed = ast.parse(tree.read_bytes(path), filename=path)
    except (SyntaxError, ValueError):
        return []  # the compile check reports it
    index = index or ModuleIndex(tree, source_roots)
    package = package_of(module, path.endswith(("/__init__.py", "/__init__.pyi")))
    found: list[UnresolvedImport] = []
    for node in _required_imports(parsed):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in project and index.module_file(alias.name) is None:
                    found.append(
                        UnresolvedImport(
                            path,
                            node.lineno,
                            alias.name,
                            None,
                            f"import {alias.name}: no such module",
                        )
                    )
            continue
        target = resolve_relative(package, node.level, node.module)
        shown = "." * node.level + (node.module or "")
        if target is None or target.split(".")[0] not in project:
            continue
        target_file = index.module_file(target)
        if target_file is None:
            found.append(
                UnresolvedImport(
                    path, node.lineno, target, None, f"from {shown}: no module {target}"
                )
            )
            continue
        for alias in node.names:
            name = alias.name
            if name == "*" or index.module_file(f"{target}.{name}") is not None:
                continue
            if not index.defines(target_file, name):
                found.append(
                    UnresolvedImport(
                        path,
                        node.lineno,
                        target,
                        name,
                        f"from {shown} import {name}: {target} has no module or name '{name}'",
                    )
                )
    return found


def _catches_import_errors(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(
        (isinstance(k, ast.Name) and k.id in _OPTIONAL_IMPORT_ERRORS)
        or (isinstance(k, ast.Attribute) and k.attr in _OPTIONAL_IMPORT_ERRORS)
        for k in kinds
    )


def _required_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement, except those in a `try` body that catches ImportError.
    (Statements only: an import is never inside an expression, so the far more numerous
    expression nodes are not walked.)"""

    def visit(statements: list[ast.stmt], optional: bool) -> Iterator[ast.Import | ast.ImportFrom]:
        for stmt in statements:
            if isinstance(stmt, ast.Import | ast.ImportFrom):
                if not optional:
                    yield stmt
            elif isinstance(stmt, ast.Try | ast.TryStar):
                catches = any(_catches_import_errors(h) for h in stmt.handlers)
                yield from visit(stmt.body, optional or catches)
                for handler in stmt.handlers:
                    yield from visit(handler.body, optional)
                yield from visit(stmt.orelse, optional)
                yield from visit(stmt.finalbody, optional)
            elif isinstance(stmt, ast.Match):
                for case in stmt.cases:
                    yield from visit(case.body, optional)
            else:
                for attr in ("body", "orelse", "finalbody"):
                    block = getattr(stmt, attr, None)
                    if isinstance(block, list):
                        yield from visit(block, optional)

    yield from visit(tree.body, False)


def _defined_names(source: bytes) -> set[str] | None:
    """The names a module defines at its top level; None when that cannot be known."""
    try:
        parsed = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    names: set[str] = set()
    pending: list[ast.stmt] = list(parsed.body)
    while pending:
        stmt = pending.pop()
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if stmt.name == "__getattr__":
                return None
            names.add(stmt.name)
            continue
        if isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                if alias.name == "*":
                    return None
                names.add(alias.asname or alias.name)
            continue
        if isinstance(stmt, ast.Import):
            names.update(a.asname or a.name.split(".")[0] for a in stmt.names)
            continue
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
        # Definitions nested in if/try/with/for blocks count (conditional definitions).
        for attr in ("body", "orelse", "finalbody", "handlers"):
            block = getattr(stmt, attr, None)
            if isinstance(block, list):
                for child in block:
                    if isinstance(child, ast.ExceptHandler):
                        pending.extend(child.body)
                    elif isinstance(child, ast.stmt):
                        pending.append(child)
        if isinstance(stmt, ast.Match):
            for case in stmt.cases:
                pending.extend(case.body)
    return names
