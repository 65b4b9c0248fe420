"""What the services need from the outside world, as Protocols; adapters implement them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Protocol


class TreeReader(Protocol):
    """A read-only view of a repository's files: the working tree, a git commit, or an
    in-memory overlay holding a plan's result. Paths are repo-relative with '/' separators."""

    def iter_files(self, under: str = "") -> Iterator[str]:
        """Every regular file below `under` ('' = the whole tree), sorted, never following
        symlinked directories, skipping VCS and cache folders."""
        ...

    def read_bytes(self, path: str) -> bytes: ...

    def exists(self, path: str) -> bool: ...

    def is_dir(self, path: str) -> bool: ...


class SourceCodemods(Protocol):
    """The per-file transforms (LibCST codemods), behind a boundary so services stay free of
    libcst. Sources are bytes as on disk (encoding, BOM and line endings are kept). Parse
    failures raise SourceParseError naming the file and line; refusals raise PlanError."""

    def may_reference(self, source: bytes, *, renames: Mapping[str, str]) -> bool: ...

    def rewrite_references(
        self,
        source: bytes,
        *,
        path: str,
        module: str,
        is_package: bool,
        renames: Mapping[str, str],
        names: Sequence[str] | None = None,
        moved_from: str | None = None,
    ) -> bytes: ...

    def read_header(self, source: bytes) -> Mapping[str, str]:
        """The header block's fields ('Layer', 'AUDIENCE', 'Role', ...); empty when none."""
        ...

    def set_header(
        self,
        source: bytes,
        *,
        path: str,
        layer: str | None = None,
        description: str | None = None,
        audience: str | None = None,
        role: str | None = None,
        hybrid: bool = False,
        note: str | None = None,
        fields: Mapping[str, str] | None = None,
    ) -> bytes:
        """Set only the given header fields; every other line stays as it was."""
        ...
