"""Dotted module paths: renaming by prefix, relative import resolution and rendering.

Pure string functions and values; the LibCST side lives in `codemods/_rewriter.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


def is_dotted(text: str) -> bool:
    # Identifiers are Unicode (PEP 3131): `app.ñandú` is a module name like any other.
    return _DOTTED.fullmatch(text) is not None or all(p.isidentifier() for p in text.split("."))


def is_within(dotted: str, prefix: str) -> bool:
    """'a.b.c' is within 'a.b' and within itself; 'a.bc' is not within 'a.b'."""
    return dotted == prefix or dotted.startswith(prefix + ".")


def parent(dotted: str) -> str:
    return dotted.rpartition(".")[0]


def last(dotted: str) -> str:
    return dotted.rpartition(".")[2]


def package_of(module: str, is_package: bool) -> str:
    """The package a module's relative imports resolve against."""
    return module if is_package else parent(module)


def resolve_relative(package: str, level: int, target: str | None) -> str | None:
    """Absolute name of `from <level dots><target> import ...` inside `package`.

    None when the import climbs above the top-level package.
    """
    if level == 0:
        return target
    parts = package.split(".") if package else []
    up = level - 1
    if up >= len(parts):
        return None
    base = parts[: len(parts) - up]
    if target:
        base += target.split(".")
    return ".".join(base)


def relative_form(target: str, package: str) -> tuple[int, str | None] | None:
    """How `package` reaches `target` relatively: (level, rest), shortest climb first.

    None when they do not share the top-level package (then only an absolute import works).
    """
    target_parts = target.split(".")
    package_parts = package.split(".") if package else []
    if not package_parts or target_parts[0] != package_parts[0]:
        return None
    common = 0
    for mine, theirs in zip(package_parts, target_parts, strict=False):
        if mine != theirs:
            break
        common += 1
    rest = ".".join(target_parts[common:])
    return len(package_parts) - common + 1, rest or None


@dataclass(frozen=True)
class Hit:
    """Where a dotted path goes: `key` matched (old prefix), `new` is the rewritten path."""

    key: str
    new: str
    #: True when the key names a definition (names mode), so its module is `parent(new)`.
    is_symbol: bool


@dataclass(frozen=True)
class ChainTarget:
    """An attribute chain's rewrite: the link at `depth` becomes `module` (`.symbol`)."""

    depth: int
    module: str
    symbol: str | None


class Renames:
    """Old dotted path -> new dotted path; a path follows the longest old prefix it is within.

    In names mode (`names` given) only `old.<name>` moves to `new.<name>`: the keys are
    definitions, not modules, and the modules themselves stay where they are.
    """

    def __init__(
        self,
        renames: Mapping[str, str],
        names: Sequence[str] | None = None,
        shadowed: Iterable[str] = (),
    ) -> None:
        problems = [
            f"{old!r} -> {new!r}"
            for old, new in renames.items()
            if not (is_dotted(old) and is_dotted(new))
        ]
        problems += [repr(n) for n in names or () if not n.isidentifier()]
        if problems:
            raise ValueError("not a dotted Python name: " + ", ".join(problems))
        pairs = {old: new for old, new in renames.items() if old != new}
        if names is not None:
            pairs = {f"{old}.{n}": f"{new}.{n}" for old, new in pairs.items() for n in names}
        self._map = pairs
        self.is_symbols = names is not None
        #: Old module paths that, read as an attribute of their package, are something
        #: else: the package's `__init__` binds the name itself (`from .isoparser import
        #: isoparser` makes `pkg.isoparser` the class). `from pkg import isoparser` and the
        #: chain `pkg.isoparser.x` reach that object, so they do not follow the module.
        self.shadowed = frozenset(shadowed)

    def __bool__(self) -> bool:
        return bool(self._map)

    def pairs(self) -> Iterable[tuple[str, str]]:
        return self._map.items()

    def lookup(self, dotted: str) -> Hit | None:
        """The rename `dotted` follows, if any (longest key first)."""
        parts = dotted.split(".")
        for size in range(len(parts), 0, -1):
            key = ".".join(parts[:size])
            new = self._map.get(key)
            if new is None:
                continue
            # `new` inside `old` (a.b -> a.b.legacy): what is already there stays put, so a
            # second run changes nothing.
            if is_within(new, key) and is_within(dotted, new):
                return None
            return Hit(key, new + dotted[len(key) :], self.is_symbols)
        return None

    def chain_target(self, binding: str, attrs: Sequence[str], plain: bool) -> ChainTarget | None:
        """Where the attribute chain `<binding>.<attrs>` goes, for a name bound to dotted
        path `binding` (`plain`: by `import a.b` itself, not an alias), if anywhere."""
        full = ".".join([binding, *attrs])
        hit = self.lookup(full)
        if hit is None:
            return None
        depth = hit.key.count(".") - binding.count(".")
        # An aliased import of the renamed module itself is rewritten at the import.
        if depth < 0 or (depth == 0 and not plain):
            return None
        if depth > 0 and hit.key in self.shadowed:
            return None  # the chain reads the package's own attribute, not the module
        key_target = hit.new[: len(hit.new) - (len(full) - len(hit.key))]
        module = parent(key_target) if hit.is_symbol else key_target
        symbol = last(key_target) if hit.is_symbol else None
        return ChainTarget(depth, module, symbol)

    def apply(self, dotted: str) -> str | None:
        hit = self.lookup(dotted)
        return None if hit is None else hit.new

    def apply_attribute(self, owner: str, name: str) -> str | None:
        """`apply` for `name` read as an attribute of module `owner`, as `from owner import
        name` reads it: None when that attribute is not the renamed submodule (shadowed)."""
        dotted = f"{owner}.{name}"
        hit = self.lookup(dotted)
        if hit is None or (hit.key == dotted and dotted in self.shadowed):
            return None
        return hit.new


#: How a rewritten import may be relative: as the file wrote it where it can ("keep"), never
#: climbing to a parent package (`from ..x`, as ruff's TID252 `ban-relative-imports =
#: "parents"` bans), or never ("absolute", `ban-relative-imports = "all"`).
RELATIVE_POLICIES = ("keep", "no-parents", "absolute")


@dataclass(frozen=True)
class FilePlace:
    """Where a file's relative imports resolve: before the change, and after it."""

    old_package: str | None
    new_package: str | None
    relative: str = "keep"  # one of RELATIVE_POLICIES
    # Strings never rewritten although they look like a moved module's path: the project's
    # entry point group names (`"markdown.extensions"` names a plugin API, not the package).
    protected: frozenset[str] = frozenset()
    #: The file is a package's `__init__.py`, before and after the change: every submodule
    #: it imports is also a global name of the file (`from .sub import f` binds `sub`).
    package_init: bool = False

    @property
    def moved(self) -> bool:
        return self.old_package != self.new_package

    def relative_form(self, target: str, package: str | None) -> tuple[int, str | None] | None:
        """`relative_form` from `package`, unless the project's policy wants it absolute."""
        form = relative_form(target, package or "")
        if form is None or self.relative == "absolute":
            return None
        if self.relative == "no-parents" and form[0] > 1:
            return None
        return form


def file_place(
    module: str | None,
    is_package: bool,
    renames: Renames,
    moved_from: str | None,
    relative: str = "keep",
    protected: frozenset[str] = frozenset(),
    was_package: bool | None = None,
) -> FilePlace:
    """`module` is the file's dotted name; for the moved file it may be the old or new name.
    `is_package`: the file is a package's `__init__.py`; `was_package`: it was one where it
    was moved from (None: the same), as a module moved to `pkg/__init__.py` was not."""
    if relative not in RELATIVE_POLICIES:
        raise ValueError(f"relative import policy {relative!r} is not one of {RELATIVE_POLICIES}")
    if not module:
        return FilePlace(None, None, relative, protected)
    init = is_package and was_package in (None, True)
    if moved_from is None:
        package = package_of(module, is_package)
        return FilePlace(package, package, relative, protected, init)
    new_module = module
    if module == moved_from:
        new_module = renames.apply(moved_from) or moved_from
    return FilePlace(
        package_of(moved_from, is_package if was_package is None else was_package),
        package_of(new_module, is_package),
        relative,
        protected,
        init,
    )


def bare_submodule_renames(
    imported: Iterable[str], place: FilePlace, renames: Renames, taken: Iterable[str]
) -> dict[str, str]:
    """In a package's `__init__.py`, the bare names of its submodules that follow a rename:
    old name -> how the file names the module now.

    Importing `pkg.sub` (`from .sub import f`, `import pkg.sub.x`) sets the attribute `sub`
    of `pkg`, which is a global name of `pkg/__init__.py`: `del sub`, `sub.f()`. When
    `pkg.sub` becomes `pkg.other`, the rewritten import binds `other` instead (and
    `pkg.x.other`, `x`: `x.other`). `imported` are the modules the file's imports name
    (absolute); `taken`, the names it binds itself, which keep meaning what they meant. A
    submodule that leaves the package has no bare name there any more: not in the result.
    """
    old_package, new_package = place.old_package, place.new_package
    if not (place.package_init and old_package and new_package) or renames.is_symbols:
        return {}
    bound = set(taken)
    found: dict[str, str] = {}
    for module in imported:
        if not module.startswith(old_package + "."):
            continue
        name = module[len(old_package) + 1 :].partition(".")[0]
        if name in bound or name in found:
            continue
        new = renames.apply(f"{old_package}.{name}")
        if new is None or not new.startswith(new_package + "."):
            continue
        reference = new[len(new_package) + 1 :]
        if reference != name and reference.partition(".")[0] not in bound:
            found[name] = reference
    return found


# `__import__('a.b')` returns the top-level package `a`; generated code then walks down to
# the module: `__import__('a.b').b.X` (attrs writes such strings into the code it compiles).
_IMPORT_CALL = re.compile(
    r"__import__\(\s*(?P<quote>['\"])(?P<module>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(?P=quote)\s*\)"
    r"(?P<chain>(?:\.[A-Za-z_]\w*)*)"
)


# A string that is exactly one from-import of a module (jinja2's compiler writes `"from
# jinja2.runtime import " + names` into every template's source): it binds the same names
# wherever the module is, so the module path follows, as in `"a.b:f"`. Code that goes on
# (`"from a.b import f; f()"`) is a longer string: listed to review, never changed.
_NAME = r"[A-Za-z_]\w*(?:[ \t]+as[ \t]+[A-Za-z_]\w*)?"
_FROM_IMPORT_STATEMENT = re.compile(
    r"(?P<head>\s*from[ \t]+)(?P<module>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)"
    rf"(?P<tail>[ \t]+import(?:[ \t]+(?:\*|{_NAME}(?:[ \t]*,[ \t]*{_NAME})*))?\s*)"
)


def rewrite_path_string(
    renames: Renames, value: str, protected: frozenset[str] = frozenset()
) -> str | None:
    """A string's new content when it names a renamed module: exactly a dotted path
    (`"a.b.f"`, `"a.b:f"`), exactly a from-import of one (`"from a.b import "`, the start
    of generated code), or generated code that imports one with `__import__('a.b')` and
    walks down to it (`.b.f`); None when it does not."""
    if value in protected:
        return None
    exact = _exact_path_string(renames, value)
    if exact is not None:
        return exact
    statement = _FROM_IMPORT_STATEMENT.fullmatch(value)
    if statement is not None:
        new_module = None if renames.is_symbols else renames.apply(statement["module"])
        return None if new_module is None else statement["head"] + new_module + statement["tail"]
    if "__import__" not in value:
        return None
    return _rewrite_import_calls(renames, value)


def _rewrite_import_calls(renames: Renames, value: str) -> str | None:
    """`value` with each `__import__('a.b').b` of a renamed module rewritten; None when it
    has none."""
    changed = False

    def swap(match: re.Match[str]) -> str:
        nonlocal changed
        old = match["module"]
        new = renames.apply(old)
        if new is None:
            return match.group(0)
        chain = match["chain"]
        walk = old[len(old.partition(".")[0]) :]  # `.b` of `a.b`: the chain down to it
        if chain.startswith(walk) and (len(chain) == len(walk) or chain[len(walk)] == "."):
            chain = new[len(new.partition(".")[0]) :] + chain[len(walk) :]
        changed = True
        quote = match["quote"]
        return f"__import__({quote}{new}{quote}){chain}"

    result = _IMPORT_CALL.sub(swap, value)
    return result if changed else None


#: Suffixes that make a moved module's name followed by one more part a file name, not an
#: attribute: `"black.schema.json"` is the schema that `black/schema.py` reads, not its
#: `json` import. Such a string is left as it is (and listed as a reference to review).
FILE_SUFFIXES = frozenset(
    {
        *("json", "toml", "yaml", "yml", "ini", "cfg", "txt", "csv", "tsv", "xml"),
        *("html", "htm", "md", "rst", "py", "pyi", "pyc", "pyx", "pxd", "ipynb", "pickle"),
        *("pkl", "gz", "bz2", "xz", "zip", "tar", "whl", "png", "jpg", "jpeg", "gif", "svg"),
        *("ico", "css", "js", "sqlite", "sqlite3", "pem", "crt", "so", "pyd", "dll", "dylib"),
    }
)


def _exact_path_string(renames: Renames, value: str) -> str | None:
    path, colon, attr = value.partition(":")
    if not ("." in path or colon) or not is_dotted(path) or (colon and not is_dotted(attr)):
        return None
    if not colon:
        hit = renames.lookup(path)
        if hit is None or _is_file_name(path, hit.key):
            return None
        return hit.new
    new_full = renames.apply(f"{path}.{attr}")
    if new_full is None or not new_full.endswith(f".{attr}"):
        return None
    return f"{new_full[: -len(attr) - 1]}:{attr}"


def _is_file_name(path: str, key: str) -> bool:
    """`path` is the renamed `key` and a file suffix (`"pkg.schema.json"`)."""
    rest = path[len(key) :]
    return rest.count(".") == 1 and rest[1:].lower() in FILE_SUFFIXES
