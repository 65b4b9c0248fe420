"""The read-only view of a repository every check and plan works on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol


class TreeReader(Protocol):
    """A read-only view of a repository's files: the working tree, a git commit, or an
    in-memory overlay holding a plan's result. Paths are repo-relative with '/' separators."""

    def iter_files(self, under: str = "") -> Iterator[str]:
        """Every regular file below `under` ('' = the whole tree), sorted, never following
        symlinked directories, skipping VCS and cache folders."""
        ...

    def read_bytes(self, path: str) -> bytes: ...

    def size(self, path: str) -> int:
        """The bytes in file `path`, known without reading it (FileNotFoundError when
        absent): what a capped reader asks first."""
        ...

    def exists(self, path: str) -> bool: ...

    def is_dir(self, path: str) -> bool: ...
