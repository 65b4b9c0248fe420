"""Rewrite every reference to renamed modules (or moved definitions) in one source file.

Shared by `move_module` and `rewrite_import`. A plain `CSTTransformer` (no metadata
providers: they cost several times a plain pass) over one file:

* import statements are rewritten in place, keeping relative/absolute style, aliases and
  the names the file binds (`from a import b` -> `from c import d as b`);
* attribute chains through an imported module (`a.b.f` after `import a.b`) follow;
* string literals that are exactly a dotted path (`"a.b.f"`, `"a.b:f"`) follow.

Bound names never change, so `__all__` and the rest of the file keep working untouched.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import libcst as cst
from libcst.codemod import CodemodContext

from codemods._dotted import FilePlace, Renames, file_place, is_within, last
from codemods._fast_path import fast_rewrite
from codemods._import_scan import ImportScan
from codemods._rewriter import InsertImports, Rewriter

__all__ = [
    "FilePlace",
    "context_is_package",
    "file_place",
    "may_reference",
    "rewrite_module_references",
    "rewrite_tree",
]


def context_is_package(context: CodemodContext) -> bool:
    """An `__init__.py` (or `__main__.py`): its relative imports resolve against itself."""
    if context.full_package_name is not None:
        return context.full_module_name == context.full_package_name
    return str(context.filename or "").endswith("__init__.py")


def may_reference(source: str, *, module: str | None, renames: Mapping[str, str]) -> bool:
    """False only when the file surely needs no change (no parsing: a text search).

    Every reference to a module names its last segment somewhere (`import a.b`,
    `from . import b`, `from .b import f`, `"a.b.f"`), so a file without it as a word is
    untouched, unless the file itself is one of the moved modules.
    """
    for old, new in renames.items():
        if module and (is_within(module, old) or is_within(module, new)):
            return True
        word = last(old)
        if word in source and re.search(rf"\b{re.escape(word)}\b", source):
            return True
    return False


def rewrite_module_references(
    source: str,
    *,
    module: str,
    is_package: bool,
    renames: Mapping[str, str],
    names: Sequence[str] | None = None,
    moved_from: str | None = None,
    warnings: list[str] | None = None,
) -> str:
    """The file's source with every reference to `renames` (old -> new) rewritten.

    `module` is the file's dotted name (`is_package` for an `__init__.py`). `moved_from`
    is the file's old dotted name when the file itself is moved: its own relative imports
    are then re-based from the old package to the new one. `names` restricts the rewrite
    to those definitions of each old module (`from A import X` -> `from B import X`).
    Returns `source` itself when nothing changes; raises `libcst.ParserSyntaxError` when
    the source does not parse. References left alone on purpose (a name bound to several
    modules) are described in `warnings`, if given.

    Most files take a fast path (`codemods/_fast_path.py`: stdlib `ast` and text splices,
    proven to give the same bytes); the rest are rewritten with LibCST.
    """
    fast = fast_rewrite(
        source,
        module=module,
        is_package=is_package,
        renames=renames,
        names=names,
        moved_from=moved_from,
    )
    if fast is not None:
        return fast
    return _rewrite_with_libcst(
        source,
        module=module,
        is_package=is_package,
        renames=renames,
        names=names,
        moved_from=moved_from,
        warnings=warnings,
    )


def _rewrite_with_libcst(
    source: str,
    *,
    module: str,
    is_package: bool,
    renames: Mapping[str, str],
    names: Sequence[str] | None = None,
    moved_from: str | None = None,
    warnings: list[str] | None = None,
) -> str:
    """`rewrite_module_references` through LibCST only (the reference the fast path
    must equal)."""
    tree = cst.parse_module(source)
    place = file_place(module, is_package, Renames(renames), moved_from)
    new_tree, found = rewrite_tree(tree, Renames(renames, names), place)
    if warnings is not None:
        warnings.extend(found)
    if new_tree is tree:
        return source
    code = new_tree.code
    return source if code == source else code


def rewrite_tree(
    tree: cst.Module, renames: Renames, place: FilePlace
) -> tuple[cst.Module, list[str]]:
    """The rewritten tree (the same object when nothing changed) and warnings."""
    if not renames:
        return tree, []
    scan = ImportScan(place.old_package, tree)
    rewriter = Rewriter(tree, renames, place, scan)
    result = tree.visit(rewriter)
    missing = rewriter.missing_imports()
    if missing:
        result = result.visit(InsertImports(missing))
    if not rewriter.changed:
        return tree, rewriter.warnings
    return result, rewriter.warnings
