"""Plan paths: repository-relative, '/'-separated, never leaving the repository."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from posixpath import normpath

_DRIVE = re.compile(r"^[A-Za-z]:")


def path_problem(path: str) -> str | None:
    """Why `path` cannot be used in a plan, or None when it is a safe repo-relative path."""
    if not path or not path.strip():
        return "the path is empty"
    if "\x00" in path or "\n" in path or "\r" in path:
        return "the path contains a control character (NUL or a line break)"
    if path.startswith(("/", "\\", "~")) or _DRIVE.match(path):
        return f"'{path}' is absolute; plan paths are relative to the repository root"
    parts = path.replace("\\", "/").split("/")
    if ".." in parts:
        return f"'{path}' contains '..'; plan paths may not leave the repository"
    if parts[0] == ".git" or ".git" in parts:
        return f"'{path}' is inside .git"
    return None


def clean(path: str) -> str:
    """Normalize a safe path: 'a//b/./c/' -> 'a/b/c'."""
    p = normpath(path.replace("\\", "/")).strip("/")
    return "" if p == "." else p


def is_glob(path: str) -> bool:
    return any(c in path for c in "*?[")


def match_glob(pattern: str, files: Iterable[str]) -> list[str]:
    """Files matching a plan glob; '**' spans folders, '*' stays within one folder."""
    regex = _glob_regex(clean(pattern))
    return sorted(f for f in files if regex.fullmatch(f))


def _glob_regex(pattern: str) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[":
            j = pattern.find("]", i)
            if j == -1:
                out.append(re.escape(pattern[i]))
                i += 1
            else:
                out.append(fnmatch.translate(pattern[i : j + 1])[4:-3])
                i = j + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))


def parent(path: str) -> str:
    return path.rpartition("/")[0]


def ancestors(path: str) -> list[str]:
    """'a/b/c.py' -> ['a', 'a/b'] (folders, outermost first)."""
    parts = path.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def is_package_init(path: str) -> bool:
    """'pkg/__init__.py' (or its stub): the file that makes its folder a package."""
    return path.rpartition("/")[2] in ("__init__.py", "__init__.pyi")


def init_move_problem(init: str, files: Iterable[str]) -> str | None:
    """Why a package's `__init__.py` cannot be moved on its own: moving it renames the
    package, and the other modules of its folder would stay behind under the old name.
    None when the folder holds no other module."""
    folder = parent(init)
    others = sorted(
        f
        for f in files
        if f.startswith(folder + "/")
        and f.endswith((".py", ".pyi"))
        and f not in (init, init + "i")
    )
    if not others:
        return None
    more = ", ..." if len(others) > 1 else ""
    return (
        f"{init} makes {folder} a package, which holds other modules too ({others[0]}{more}): "
        f"move the folder {folder}, or move those modules first"
    )
