"""Mapping between repo-relative file paths and dotted module names, through the source roots."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from posixpath import normpath

# `#!/usr/bin/env python3`, `#!/usr/bin/python -u`, `#!/usr/bin/env -S python3.12 -X dev`.
_PYTHON_SHEBANG = re.compile(rb"#!\S*[/ ](?:\S+ )*python[0-9.]*(?:\s.*)?")


def is_python_script(path: str, source: bytes) -> bool:
    """A file without a suffix whose shebang runs Python (`scripts/deploy`): Python, by
    its content, as a `.py` file is by its name."""
    if "." in path.rpartition("/")[2] or not source.startswith(b"#!"):
        return False
    return _PYTHON_SHEBANG.fullmatch(source.split(b"\n", 1)[0].rstrip()) is not None


def normalize_root(root: str) -> str:
    """'backend/' -> 'backend'; '.' and '' -> ''."""
    r = normpath(root.strip().replace("\\", "/")) if root.strip() else ""
    return "" if r in (".", "") else r.strip("/")


def module_for_path(path: str, source_roots: Iterable[str]) -> str | None:
    """'backend/app/x/y.py' with root 'backend' -> 'app.x.y'; packages map to their folder.

    The deepest matching source root wins. Returns None for non-Python files and files
    outside every source root.
    """
    if not path.endswith(".py"):
        return None
    best: str | None = None
    for root in source_roots:
        r = normalize_root(root)
        if r == "":
            rel = path
        elif path.startswith(r + "/"):
            rel = path[len(r) + 1 :]
        else:
            continue
        if best is None or len(rel) < len(best):
            best = rel
    if best is None:
        return None
    parts = best[:-3].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    if not parts or not all(p.isidentifier() for p in parts):
        return None
    return ".".join(parts)


def _root_relative(path: str, source_roots: Iterable[str]) -> str | None:
    best: str | None = None
    for root in source_roots:
        r = normalize_root(root)
        if r == "":
            rel = path
        elif path.startswith(r + "/"):
            rel = path[len(r) + 1 :]
        else:
            continue
        if best is None or len(rel) < len(best):
            best = rel
    return best


def context_module(
    path: str, source_roots: Iterable[str], is_package_folder: Callable[[str], bool]
) -> str | None:
    """The dotted name a `.py` or `.pyi` file's relative imports resolve against, for
    rewriting it: inside a source root, its path, whatever the file's name
    (`importlib.import_module` loads `pkg/unicode17-0-0.py` by that name); outside every
    root (tests, docs, scripts), the name pytest gives a test module: counted from the first
    folder up that is not a package (`is_package_folder`: it holds an `__init__.py`)."""
    if path.endswith(".pyi"):
        path = path[:-1]
    if not path.endswith(".py"):
        return None
    parts = path[:-3].split("/")
    rel = _root_relative(path, source_roots)
    if rel is not None:
        parts = rel[:-3].split("/")
    else:
        start = len(parts) - 1
        while start > 0 and is_package_folder("/".join(parts[:start])):
            start -= 1
        parts = parts[start:]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts) if parts and all(parts) else None


def candidate_paths(module: str, source_root: str) -> tuple[str, str]:
    """Where module 'a.b' may live under a root: ('root/a/b.py', 'root/a/b/__init__.py')."""
    r = normalize_root(source_root)
    base = module.replace(".", "/")
    prefix = f"{r}/" if r else ""
    return f"{prefix}{base}.py", f"{prefix}{base}/__init__.py"


def package_of(module: str, is_package: bool) -> str:
    """The package a module's relative imports resolve against."""
    if is_package:
        return module
    return module.rpartition(".")[0]


def resolve_relative(package: str, level: int, target: str | None) -> str | None:
    """Resolve `from <level dots><target> import ...` inside `package`.

    Returns None when the relative import climbs above the top-level package.
    """
    if level == 0:
        return target
    parts = package.split(".") if package else []
    up = level - 1
    if up > len(parts) or (up == len(parts) and not target):
        return None
    base = parts[: len(parts) - up]
    if target:
        base = base + target.split(".")
    return ".".join(base) if base else None


def follow(module: str, renames: Mapping[str, str]) -> str:
    """`module` after `renames` (old -> new dotted names; the longest old prefix wins)."""
    for old in sorted(renames, key=len, reverse=True):
        if module == old or module.startswith(old + "."):
            return renames[old] + module[len(old) :]
    return module
