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

SHIM_MARKER = "# hoc-migrate: compatibility shim"
SHIM_MARKER_BYTES = SHIM_MARKER.encode()

# The shim's code, lines short enough for any line length a linter asks: the module names
# are written once, in `_OLD` and `_NEW`.
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
        if action == "error" and not issubclass(category, DeprecationWarning):
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
    quotes = '"' * 3
    lines = [
        f"{SHIM_MARKER} (moved to {new})",
        f"{quotes}Deprecated: this module moved.",
        "",
        f"`{old}` is `{new}` under its old name.",
        quotes,
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


def parent_attribute_line(name: str, new: str) -> bytes:
    """The line that keeps `pkg.<name>` set by `import pkg`, as the old import did."""
    package, _, last = new.rpartition(".")
    alias = "" if last == name else f" as {name}"
    statement = f"from {package} import {last}{alias}" if package else f"import {new} as {name}"
    return f"{statement}  # noqa: E402, F401 (hoc-migrate shim)\n".encode()
