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

import functools
import re
from collections.abc import Mapping, Sequence

import libcst as cst
from libcst.codemod import CodemodContext

from codemods._dotted import (
    FilePlace,
    Renames,
    file_place,
    is_within,
    last,
    resolve_relative,
)
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


def _word(word: str) -> re.Pattern[str]:
    return re.compile(rf"\b{re.escape(word)}\b")


class _Dotted:
    """A dotted name standing alone on its left (`a.b`, not `xa.b` or `.a.b`); on its right
    followed by no name character, or (`more=False`) by neither a name character nor a dot.
    It starts with the literal, so the search runs at literal speed."""

    def __init__(self, dotted: str, *, more: bool) -> None:
        tail = r"(?!\w)" if more else r"(?![\w.])"
        self._pattern = re.compile(re.escape(dotted) + tail)

    def search(self, source: str) -> bool:
        for match in self._pattern.finditer(source):
            start = match.start()
            if start == 0 or not (source[start - 1].isalnum() or source[start - 1] in "._"):
                return True
        return False


@functools.lru_cache(maxsize=64)
def _reference_patterns(old: str) -> tuple[tuple[re.Pattern[str] | _Dotted, ...], ...]:
    """For `a.b.c`: the ways a file can reach it, each a set of patterns that must all be
    found: the whole path (`a.b.c`, `a.b.c.f`), a prefix that is itself imported or named
    (`a.b` not followed by a dot: `from a.b import c`, `import a.b as m; m.c`) with the
    remaining names as words, or a relative import starting at one of its names."""
    parts = old.split(".")
    ways: list[tuple[re.Pattern[str] | _Dotted, ...]] = [(_Dotted(old, more=True),)]
    for size in range(1, len(parts)):
        prefix = ".".join(parts[:size])
        ways.append((_Dotted(prefix, more=False), *(_word(p) for p in parts[size:])))
    names = "|".join(re.escape(p) for p in parts)
    ways.append(
        (
            re.compile(rf"\bfrom[\s\\]+\.+(?:[\s\\]*(?:{names})\b|[\s\\]+import\b)"),
            _word(parts[-1]),
        )
    )
    return tuple(ways)


def may_reference(source: str, *, module: str | None, renames: Mapping[str, str]) -> bool:
    """False only when the file surely needs no change (no parsing: a text search).

    A reference to `a.b.c` spells the whole path, or imports a prefix (`from a.b import c`,
    `import a.b as m` then `m.c`) and names the rest, or is a relative import starting at one
    of its names (`from ..c import f`, `from .. import c`); a file with none of these is
    untouched, unless it is itself one of the moved modules. (Looking for the last name
    alone sends most files of a tree to the parser when it is a common word: `int`, `core`.)
    """
    for old, new in renames.items():
        if module and (is_within(module, old) or is_within(module, new)):
            return True
        if last(old) not in source:
            continue
        for way in _reference_patterns(old):
            if all(p.search(source) for p in way):
                return True
    return False


_RELATIVE_FROM = re.compile(r"\bfrom[ \t]+(\.+)[ \t]*([A-Za-z_][\w.]*)?[ \t]+import\b")
_ANY_RELATIVE = re.compile(r"\bfrom[\s\\]+\.")


def relative_imports_change(
    source: str,
    *,
    old_module: str,
    new_module: str,
    is_package: bool,
    renames: Mapping[str, str],
    relative: str = "keep",
    was_package: bool | None = None,
) -> bool:
    """Whether moving a file from `old_module` to `new_module` changes any of its relative
    imports (their target moved, or they are written differently from the new place);
    False means the rewriter would leave every one of them as it is. A text scan: an import
    it cannot read (split by a backslash, say) answers True. `is_package`: the file is a
    package's `__init__.py` at the new place; `was_package`: at the old one (None: the
    same)."""
    readable = _RELATIVE_FROM.findall(source)
    if len(readable) != len(_ANY_RELATIVE.findall(source)):
        return True
    rename = Renames(renames)
    was = is_package if was_package is None else was_package
    old_place = file_place(old_module, was, rename, None, relative)
    new_place = file_place(new_module, is_package, rename, None, relative)
    for dots, name in set(readable):
        target = resolve_relative(old_place.old_package or "", len(dots), name or None)
        if target is None:
            return True
        followed = rename.apply(target) or target
        if new_place.relative_form(followed, new_place.new_package) != (len(dots), name or None):
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
    relative: str = "keep",
    protected: frozenset[str] = frozenset(),
    was_package: bool | None = None,
    shadowed: frozenset[str] = frozenset(),
) -> str:
    """The file's source with every reference to `renames` (old -> new) rewritten.

    `module` is the file's dotted name (`is_package` for an `__init__.py`). `moved_from`
    is the file's old dotted name when the file itself is moved: its own relative imports
    are then re-based from the old package to the new one (`was_package`: it was a
    package's `__init__.py` there; None: as it is now). `names` restricts the rewrite
    to those definitions of each old module (`from A import X` -> `from B import X`).
    Returns `source` itself when nothing changes; raises `libcst.ParserSyntaxError` when
    the source does not parse. References left alone on purpose (a name bound to several
    modules) are described in `warnings`, if given. `relative` is the project's policy for
    the relative imports it writes (see `codemods._dotted.RELATIVE_POLICIES`). `shadowed`
    holds the old module paths their package's `__init__` binds to something else
    (`Renames.shadowed`): `from pkg import name` keeps importing that.

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
        relative=relative,
        protected=protected,
        shadowed=shadowed,
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
        relative=relative,
        protected=protected,
        was_package=was_package,
        shadowed=shadowed,
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
    relative: str = "keep",
    protected: frozenset[str] = frozenset(),
    was_package: bool | None = None,
    shadowed: frozenset[str] = frozenset(),
) -> str:
    """`rewrite_module_references` through LibCST only (the reference the fast path
    must equal)."""
    tree = cst.parse_module(source)
    place = file_place(
        module, is_package, Renames(renames), moved_from, relative, protected, was_package
    )
    new_tree, found = rewrite_tree(tree, Renames(renames, names, shadowed), place)
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
    if not renames and not place.moved:  # a module moved to `pkg/__init__.py` of its name
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
