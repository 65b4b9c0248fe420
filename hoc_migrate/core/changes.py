"""Change sets: what a plan does to a tree, computed in memory before anything is written.

`Overlay` is a TreeReader over a base tree that records writes, deletes and moves. It keeps
each file's identity across moves, so the change set can report renames (old and new path)
and the git adapter can record them as renames.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from hoc_migrate.core.tree import TreeReader


class ChangeKind(StrEnum):
    ADDED = "added"
    DELETED = "deleted"
    MODIFIED = "modified"
    RENAMED = "renamed"


@dataclass(frozen=True)
class FileChange:
    kind: ChangeKind
    path: str  # the path after the change (for DELETED: the path that disappears)
    old_path: str | None  # before: set for RENAMED, MODIFIED and DELETED
    before: bytes | None
    after: bytes | None

    @property
    def content_changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class ChangeSet:
    changes: tuple[FileChange, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.changes)

    def of_kind(self, kind: ChangeKind) -> list[FileChange]:
        return [c for c in self.changes if c.kind is kind]

    @property
    def renamed(self) -> list[FileChange]:
        return self.of_kind(ChangeKind.RENAMED)

    @property
    def added(self) -> list[FileChange]:
        return self.of_kind(ChangeKind.ADDED)

    @property
    def deleted(self) -> list[FileChange]:
        return self.of_kind(ChangeKind.DELETED)

    @property
    def modified(self) -> list[FileChange]:
        return self.of_kind(ChangeKind.MODIFIED)

    def paths_after(self) -> list[str]:
        return [c.path for c in self.changes if c.kind is not ChangeKind.DELETED]

    def touched(self) -> set[str]:
        """Every path the change reads or writes, before and after."""
        out = {c.path for c in self.changes}
        out.update(c.old_path for c in self.changes if c.old_path)
        return out


_ids = itertools.count(1)

# (base paths gone, touched path -> (identity, content)): what an Overlay holds at one moment.
OverlayState = tuple[frozenset[str], dict[str, tuple[str, bytes]]]


@dataclass
class _Entry:
    identity: str  # the base path it came from, or "new:<n>" for a created file
    content: bytes


@dataclass
class Overlay:
    """A TreeReader over `base` with in-memory writes, deletes and moves."""

    base: TreeReader
    _entries: dict[str, _Entry] = field(default_factory=dict)  # path -> entry, when touched
    _gone: set[str] = field(default_factory=set)  # base paths that no longer exist there
    _base_files: set[str] | None = None
    _folders: set[str] | None = None  # every folder holding a file now (None: recompute)

    # -- TreeReader -------------------------------------------------------------------
    def _base_set(self) -> set[str]:
        if self._base_files is None:
            self._base_files = set(self.base.iter_files())
        return self._base_files

    def iter_files(self, under: str = "") -> Iterator[str]:
        prefix = under.rstrip("/") + "/" if under else ""
        files = (self._base_set() - self._gone) | set(self._entries)
        for path in sorted(files):
            if not prefix or path.startswith(prefix) or path == under:
                yield path

    def read_bytes(self, path: str) -> bytes:
        entry = self._entries.get(path)
        if entry is not None:
            return entry.content
        if path in self._gone or path not in self._base_set():
            raise FileNotFoundError(path)
        return self.base.read_bytes(path)

    def size(self, path: str) -> int:
        entry = self._entries.get(path)
        if entry is not None:
            return len(entry.content)
        if path in self._gone or path not in self._base_set():
            raise FileNotFoundError(path)
        return self.base.size(path)

    def exists(self, path: str) -> bool:
        return self.is_file(path) or self.is_dir(path)

    def is_file(self, path: str) -> bool:
        return path in self._entries or (path in self._base_set() and path not in self._gone)

    def is_dir(self, path: str) -> bool:
        if not path:
            return True
        if self._folders is None:
            files = (self._base_set() - self._gone) | set(self._entries)
            self._folders = {f[:i] for f in files for i, c in enumerate(f) if c == "/"}
        return path.rstrip("/") in self._folders

    # -- edits --------------------------------------------------------------------------
    def _take(self, path: str) -> _Entry:
        self._folders = None
        entry = self._entries.pop(path, None)
        if entry is None:
            content = self.read_bytes(path)
            entry = _Entry(identity=path, content=content)
            self._gone.add(path)
        return entry

    def write(self, path: str, content: bytes) -> None:
        """Create or overwrite `path`."""
        if not self.is_file(path):
            self._folders = None  # a new file may add folders
        if path in self._entries:
            self._entries[path].content = content
        elif self.is_file(path):
            # An untouched base file (`_take` without reading what is overwritten anyway).
            self._gone.add(path)
            self._entries[path] = _Entry(identity=path, content=content)
        elif path in self._gone and all(e.identity != path for e in self._entries.values()):
            # A base file deleted and then written again is that file, modified (or not at
            # all), never a deletion plus an unrelated new file at the same path. (The path
            # stays in `_gone`: the entry, not the base, holds its content from now on.)
            self._entries[path] = _Entry(identity=path, content=content)
        else:
            self._entries[path] = _Entry(identity=f"new:{next(_ids)}", content=content)

    def delete(self, path: str) -> None:
        self._take(path)

    def move(self, src: str, dst: str) -> None:
        """Move a file, keeping its identity (so it is reported as a rename)."""
        if src == dst:
            return
        entry = self._take(src)
        if self.is_file(dst):
            self._take(dst)  # replaced: the old destination is deleted
        self._entries[dst] = entry
        self._folders = None

    def origin(self, path: str) -> str | None:
        """The base path of the file now at `path` (itself when it did not move); None for a
        file created since, or none at all."""
        entry = self._entries.get(path)
        if entry is not None:
            return None if entry.identity.startswith("new:") else entry.identity
        return path if self.is_file(path) else None

    # -- results ------------------------------------------------------------------------
    def snapshot(self) -> dict[str, tuple[str, bytes]]:
        """Touched state: path -> (identity, content). Cheap: untouched files are not copied."""
        return {p: (e.identity, e.content) for p, e in self._entries.items()}

    def gone(self) -> frozenset[str]:
        return frozenset(self._gone)

    def state(self) -> OverlayState:
        return self.gone(), self.snapshot()

    def change_set(self) -> ChangeSet:
        return diff_states(self.base, frozenset(), {}, self.gone(), self.snapshot())


def diff_states(
    base: TreeReader,
    gone_before: frozenset[str],
    before: dict[str, tuple[str, bytes]],
    gone_after: frozenset[str],
    after: dict[str, tuple[str, bytes]],
) -> ChangeSet:
    """The change between two overlay states over the same base (identities match files)."""

    # identity -> path, for every identity each state touched
    path_before = {ident: path for path, (ident, _) in before.items()}
    path_after = {ident: path for path, (ident, _) in after.items()}

    def content_before(identity: str) -> tuple[str, bytes] | None:
        if identity in path_before:
            p = path_before[identity]
            return p, before[p][1]
        if identity.startswith("new:") or identity in gone_before:
            return None
        return identity, base.read_bytes(identity)

    changes: list[FileChange] = []
    identities = set(path_after) | set(path_before) | (gone_after - gone_before)
    for identity in sorted(identities, key=lambda i: path_after.get(i, path_before.get(i, i))):
        old = content_before(identity)
        if identity in path_after:
            new_path = path_after[identity]
            new_content = after[new_path][1]
        elif identity.startswith("new:") or identity in gone_after:
            new_path, new_content = "", b""
            if old is None:
                continue
            changes.append(FileChange(ChangeKind.DELETED, old[0], old[0], old[1], None))
            continue
        else:  # back to the base state
            new_path, new_content = identity, base.read_bytes(identity)
        if old is None:
            changes.append(FileChange(ChangeKind.ADDED, new_path, None, None, new_content))
        elif old[0] != new_path:
            changes.append(FileChange(ChangeKind.RENAMED, new_path, old[0], old[1], new_content))
        elif old[1] != new_content:
            changes.append(FileChange(ChangeKind.MODIFIED, new_path, old[0], old[1], new_content))
    return ChangeSet(tuple(changes))
