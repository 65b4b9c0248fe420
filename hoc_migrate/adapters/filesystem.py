"""The working tree on disk as a TreeReader, confined to one root folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from hoc_migrate.core.errors import UsageError

# Folders that never hold code a migration should touch or a check should read.
SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".hoc-migrate",
        "__pycache__",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        "node_modules",
        ".eggs",
    }
)


class DiskTree:
    """Reads files below `root`. Never follows a symlinked directory (no loops, nothing
    outside the root), and refuses paths that would leave the root."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        if not self.root.is_dir():
            raise UsageError(f"not a folder: {root}")

    def _abs(self, path: str) -> Path:
        p = (self.root / path) if path else self.root
        # Resolve symlinks so that a link pointing outside the repository is refused.
        resolved = p.resolve()
        if resolved != self.root and self.root not in resolved.parents:
            raise UsageError(f"path leaves the repository: {path}")
        return p

    def iter_files(self, under: str = "") -> Iterator[str]:
        start = self._abs(under)
        if start.is_file():
            yield under
            return
        prefix = f"{under.rstrip('/')}/" if under else ""
        for dirpath, dirnames, filenames in os.walk(start, followlinks=False):
            dirnames[:] = sorted(
                d
                for d in dirnames
                if d not in SKIPPED_DIRS
                and not d.endswith(".egg-info")
                and not os.path.islink(os.path.join(dirpath, d))
            )
            rel_dir = os.path.relpath(dirpath, start).replace(os.sep, "/")
            rel_dir = "" if rel_dir == "." else rel_dir + "/"
            for name in sorted(filenames):
                full = os.path.join(dirpath, name)
                if os.path.isfile(full):  # skips dangling links, sockets, fifos
                    yield f"{prefix}{rel_dir}{name}"

    def read_bytes(self, path: str) -> bytes:
        return self._abs(path).read_bytes()

    def exists(self, path: str) -> bool:
        try:
            return self._abs(path).exists()
        except UsageError:
            return False

    def is_dir(self, path: str) -> bool:
        try:
            return self._abs(path).is_dir()
        except UsageError:
            return False

    def is_symlink(self, path: str) -> bool:
        return (self.root / path).is_symlink()
