"""`move` with `shim: true`: the old module path keeps working for importers left behind.

The shim does not copy names: it puts the moved module object itself in `sys.modules` under
the old name, so `from old import _private`, `mock.patch("old.X")`, `isinstance` and module
identity all behave as before. For a package, a finder maps every old submodule name to the
moved one (`old.sub` is `new.sub`, never a second copy). The parent package keeps the
attribute it had (`import pkg; pkg.core`) when its `__init__` used to import the module.

Importing the old name warns with a `DeprecationWarning` subclass. A blanket "every warning
is an error" filter (pytest's `filterwarnings = error`, `python -W error`) shows it instead
of raising: only a filter that asks for deprecations (`error::DeprecationWarning`) or for
this warning by name turns it into an error.
"""

from __future__ import annotations

import ast
import re
import textwrap

SHIM_MARKER = "# hoc-migrate: compatibility shim"
SHIM_MARKER_BYTES = SHIM_MARKER.encode()
_WIDTH = 79
_NAMES = re.compile(rb'^_OLD = "([\w.]+)"\n_NEW = "([\w.]+)"$', re.MULTILINE)
_STAR = re.compile(rb"^from ([\w.]+) import \*", re.MULTILINE)

# The shim's code, lines short enough for any line length a linter asks: the code names the
# modules once, in `_OLD` and `_NEW` (the comment and docstring above them are wrapped).
_WARN = '''\
class MovedModuleWarning(DeprecationWarning):
    """A module moved: import it from its new name."""


def _warn() -> None:
    message = f"{_OLD} moved to {_NEW}; import it from there"
    for action, text, category, _module, _line in _warnings.filters:
        if not issubclass(MovedModuleWarning, category):
            continue
        if text is not None and not text.match(message):
            continue
        # `category` is a class; typeshed also allows a tuple: mypy asks.
        asked = isinstance(category, type) and issubclass(
            category, DeprecationWarning
        )
        if action == "error" and not asked:
            # A blanket `error` did not ask for deprecations to fail: show it.
            with _warnings.catch_warnings():
                _warnings.simplefilter("default", MovedModuleWarning)
                _warnings.warn(message, MovedModuleWarning, stacklevel=3)
            return
        break
    _warnings.warn(message, MovedModuleWarning, stacklevel=3)
'''

# `spec.name[cut:]`, not `[len(_OLD):]`: black writes that `[len(_OLD) :]`, which
# pycodestyle's E203 (flake8's defaults) flags; a plain name is written alike by both.
_FINDER = '''\
class _MovedSubmodules:
    """`_OLD.x` is `_NEW.x`: the same module object, never a second copy."""

    old = _OLD

    def __init__(self) -> None:
        self._specs: dict[int, object] = {}

    def find_spec(self, fullname, path=None, target=None):  # noqa: ANN
        if not fullname.startswith(_OLD + "."):
            return None
        return _util.spec_from_loader(fullname, self)

    def create_module(self, spec):  # noqa: ANN
        cut = len(_OLD)
        module = _importlib.import_module(_NEW + spec.name[cut:])
        self._specs[id(module)] = module.__spec__
        return module

    def exec_module(self, module):  # noqa: ANN
        module.__spec__ = self._specs.pop(id(module), module.__spec__)


def _installed() -> bool:
    return any(getattr(f, "old", None) == _OLD for f in _sys.meta_path)


if not _installed():
    _sys.meta_path.insert(0, _MovedSubmodules())
'''


def shim_source(old: str, new: str, *, package: bool) -> bytes:
    """The module left at the old path."""
    lines = [
        *_notice(old, new),
        "",
        "import importlib as _importlib",
        *(["import importlib.util as _util"] if package else []),
        "import sys as _sys",
        "import warnings as _warnings",
        "",
        f'_OLD = "{old}"',
        f'_NEW = "{new}"',
        "",
        "",
        "",  # two blank lines before the class (pycodestyle's E302)
    ]
    body = _WARN + ("\n\n" + _FINDER if package else "")
    tail = "\n\n_sys.modules[__name__] = _importlib.import_module(_NEW)\n_warn()\n"
    return ("\n".join(lines) + body + tail).encode()


def stub_shim_source(new: str) -> bytes:
    """The stub left beside the shim of a module that had one: type checkers read a stub
    before the module, and the shim alone defines none of the moved module's names. Only
    comments above the import: a stub holds no docstring."""
    return "\n".join([*_stub_notice(new), "", f"from {new} import *  # noqa: F403", ""]).encode()


def _marker_comment(new: str) -> list[str]:
    return textwrap.wrap(
        f"{SHIM_MARKER} (moved to {new})",
        width=_WIDTH,
        subsequent_indent="# ",
        break_long_words=False,
        break_on_hyphens=False,
    )


def _stub_notice(new: str) -> list[str]:
    return [
        *_marker_comment(new),
        "# The moved module's names under its old name, for type checkers.",
    ]


def _notice(old: str, new: str) -> list[str]:
    """The marker comment and the docstring, wrapped where the names are long: no line
    longer than the shortest line length linters ask (PEP 8's 79)."""
    quotes = '"' * 3
    sentence = textwrap.wrap(
        f"`{old}` is `{new}` under its old name.",
        width=_WIDTH,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return [*_marker_comment(new), f"{quotes}Deprecated: this module moved.", "", *sentence, quotes]


def with_notice(source: bytes, old: str, new: str) -> bytes:
    """A shim whose comment and docstring name `new`: after a later step moved the module
    on, its code names the new place and the text above it follows."""
    end = source.find(b'\n"""\n')
    if not source.startswith(SHIM_MARKER_BYTES) or end < 0:
        return source
    return "\n".join(_notice(old, new)).encode() + source[end + 4 :]


def stub_with_notice(source: bytes, new: str) -> bytes:
    """The same for a shim's stub: its leading comment lines name `new`."""
    if not source.startswith(SHIM_MARKER_BYTES):
        return source
    lines = source.splitlines(keepends=True)
    code = next((i for i, line in enumerate(lines) if not line.startswith(b"#")), len(lines))
    return ("\n".join(_stub_notice(new)) + "\n").encode() + b"".join(lines[code:])


def shim_target(source: bytes) -> tuple[str, str] | None:
    """The old and new module names a shim module written by `shim_source` holds."""
    found = _NAMES.search(source)
    return (found[1].decode(), found[2].decode()) if found else None


def stub_shim_target(source: bytes) -> str | None:
    """The module a stub written by `stub_shim_source` re-exports."""
    found = _STAR.search(source)
    return found[1].decode() if found else None


def binds(source: bytes, name: str) -> bool:
    """Whether a module's top level binds `name` (import, assignment, definition)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return True  # unknown: add nothing
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            if any((a.asname or a.name.split(".")[0]) == name for a in node.names):
                return True
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if node.name == name:
                return True
        else:
            for sub in ast.walk(node):
                if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store) and sub.id == name:
                    return True
    return False


def uses_relative_imports(source: bytes) -> bool:
    """Whether a module imports anything relatively (`from . import x`, `from .a import b`)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    return any(isinstance(node, ast.ImportFrom) and node.level for node in ast.walk(tree))


def parent_attribute_line(name: str, new: str, package: str = "") -> bytes:
    """The line that keeps `pkg.<name>` set by `import pkg`, as the old import did; relative
    to `package` (the `__init__`'s own) when given and `new` is inside it, as the rest of an
    `__init__` that imports its modules relatively."""
    parent, _, last = new.rpartition(".")
    alias = "" if last == name else f" as {name}"
    if package and (parent == package or parent.startswith(package + ".")):
        statement = f"from .{parent[len(package) + 1 :]} import {last}{alias}"
    elif parent:
        statement = f"from {parent} import {last}{alias}"
    else:
        statement = f"import {new} as {name}"
    return f"{statement}  # noqa: E402, F401 (hoc-migrate shim)\n".encode()
