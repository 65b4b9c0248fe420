"""The working tree on disk as a TreeReader, confined to one root folder."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from hoc_migrate.core.errors import UsageError
from hoc_migrate.core.input_limits import not_a_file, special_kind

# Annotations only, without importing `typing`: `check` replays load this module, and every
# import there is paid by every warm run (see adapters/check_replay.py).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from typing import Any

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

#: What tells a file's content changed without reading it (as git's index and ruff's cache
#: do): size, mtime_ns, ctime_ns, inode, device.
FileStat = tuple[int, int, int, int, int]

# Opening with O_NOFOLLOW fails on a symlink: a plain file is then read without resolving
# its path (0 where the flag does not exist: every file is then checked for being a link).
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_LINK_ERRORS = frozenset({errno.ELOOP, errno.EMLINK})  # EMLINK: FreeBSD's answer
# O_NONBLOCK: opening a FIFO must not wait for a writer (it is then refused, not read).
_READ = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)


def _skipped(name: str) -> bool:
    return name in SKIPPED_DIRS or name.endswith(".egg-info")


class DiskTree:
    """Reads files below `root`. Never follows a symlinked directory while listing (no
    loops, nothing outside the root), and refuses paths that would leave the root.

    The root is resolved once; a path is then confined without resolving it: `..`, absolute
    paths and symlinks are the only ways out, so a plain relative path is checked by its
    folder (resolved once per folder and remembered) and by whether the file itself is a
    symlink (resolved only then)."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        if not self.root.is_dir():
            raise UsageError(f"not a folder: {root}")
        self._root = str(self.root)
        self._folders_inside: dict[str, bool] = {"": True}

    def _inside(self, resolved: str) -> bool:
        return resolved == self._root or resolved.startswith(self._root.rstrip(os.sep) + os.sep)

    def _folder_inside(self, folder: str) -> bool:
        known = self._folders_inside.get(folder)
        if known is not None:
            return known
        resolved = os.path.realpath(os.path.join(self._root, folder))
        inside = self._inside(resolved)
        if os.path.isdir(resolved):  # remember real folders only: a missing one may appear
            self._folders_inside[folder] = inside
        return inside

    def _abs(self, path: str, *, final_checked: bool = False) -> str:
        """The absolute path of repo-relative `path`; UsageError when it leaves the root.
        `final_checked`: the caller refuses or checks a symlink as the last segment itself."""
        if not path:
            return self._root
        parts = path.replace(os.sep, "/").split("/")
        full = os.path.join(self._root, path)
        if os.path.isabs(path) or ".." in parts:
            plain = False  # resolve the whole path, as a user could write anything
        else:
            plain = self._folder_inside("/".join(parts[:-1])) and (
                final_checked or not os.path.islink(full)
            )
        if not plain and not self._inside(os.path.realpath(full)):
            raise UsageError(f"path leaves the repository: {path}")
        return full

    def iter_files(self, under: str = "") -> Iterator[str]:
        start = self._abs(under)
        if os.path.isfile(start):
            yield under
            return
        prefix = f"{under.rstrip('/')}/" if under else ""
        yield from self._walk(start, prefix)

    def _walk(self, folder: str, prefix: str) -> Iterator[str]:
        # Files first, then each subfolder, all sorted: the order os.walk(top-down) gives.
        # Only real folders and regular files, as in a git tree: a symlinked file is not
        # source (and may point outside the repository); dangling links, sockets, fifos
        # neither; a symlinked folder is never entered.
        try:
            with os.scandir(folder) as entries:
                listed = list(entries)
        except OSError:
            return
        files = sorted(e.name for e in listed if e.is_file(follow_symlinks=False))
        folders = sorted(
            e.name for e in listed if e.is_dir(follow_symlinks=False) and not _skipped(e.name)
        )
        for name in files:
            yield prefix + name
        for name in folders:
            yield from self._walk(os.path.join(folder, name), f"{prefix}{name}/")

    def read_bytes(self, path: str) -> bytes:
        """A regular file's bytes; a special file (a FIFO, a device) is refused, naming it."""
        full = self._abs(path, final_checked=True)
        try:
            fd = os.open(full, _READ | _NOFOLLOW)
        except OSError as exc:
            if exc.errno not in _LINK_ERRORS:
                raise
            fd = -1
        if fd == -1 or not _NOFOLLOW:
            # A symlink (or no O_NOFOLLOW here): read it only if it stays inside the root.
            if fd != -1:
                os.close(fd)
            if not self._inside(os.path.realpath(full)):
                raise UsageError(f"path leaves the repository: {path}")
            fd = os.open(full, _READ)
        with open(fd, "rb") as handle:
            _refuse_special(path, os.fstat(fd).st_mode)
            return handle.read()

    def size(self, path: str) -> int:
        """A regular file's size (a link followed inside the root only); a special file is
        refused, naming it."""
        found = os.stat(self._abs(path))
        _refuse_special(path, found.st_mode)
        return found.st_size

    def file_stat(self, path: str) -> FileStat | None:
        """Size, times and identity of a regular file (None: missing, a symlink, not a
        file), for telling an unchanged file without reading it."""
        try:
            found = os.stat(self._abs(path, final_checked=True), follow_symlinks=False)
        except (OSError, UsageError):
            return None
        if not stat.S_ISREG(found.st_mode):
            return None
        return _signature(found)

    def exists(self, path: str) -> bool:
        try:
            return os.path.exists(self._abs(path))
        except UsageError:
            return False

    def is_dir(self, path: str) -> bool:
        try:
            return os.path.isdir(self._abs(path))
        except UsageError:
            return False

    def is_symlink(self, path: str) -> bool:
        return (self.root / path).is_symlink()

    def symlinks(self, under: str) -> list[str]:
        """The symbolic links below folder `under` (files and folders), never followed."""
        start = self.root / under
        if start.is_symlink() or not start.is_dir():
            return []
        found = []
        for dirpath, dirnames, filenames in os.walk(start, followlinks=False):
            rel = os.path.relpath(dirpath, self.root).replace(os.sep, "/")
            for name in sorted(dirnames + filenames):
                if os.path.islink(os.path.join(dirpath, name)):
                    found.append(f"{rel}/{name}")
        return sorted(found)


def _refuse_special(path: str, mode: int) -> None:
    kind = special_kind(mode)
    if kind is not None:
        raise not_a_file(path, kind)


def _signature(found: os.stat_result) -> FileStat:
    return (found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino, found.st_dev)


def _plain(path: str) -> bool:
    """A relative path with no `..` (nor `..` in a name, to stay simple): one whose
    confinement its folder decides."""
    return bool(path) and ".." not in path and not os.path.isabs(path)


def same_answers(tree: DiskTree, answers: Iterable[tuple[str, str, Any]]) -> bool:
    """Whether `tree` answers each recorded question (kind, argument, answer) the same way:
    what a stored check result or a replayed output is vouched by."""
    ask: dict[str, Callable[[str], Any]] = {
        "list": lambda arg: tuple(tree.iter_files(arg)),
        "stat": tree.file_stat,
        "exists": tree.exists,
        "is_dir": tree.is_dir,
    }
    prefix = tree._root.rstrip(os.sep) + os.sep
    try:
        for kind, arg, answer in answers:
            if kind == "stat" and _plain(arg) and tree._folder_inside(arg.rpartition("/")[0]):
                # `file_stat` with the confinement its folder check gives, for the thousands
                # of files a check stats (the file itself is not followed if a link).
                try:
                    found = os.stat(prefix + arg, follow_symlinks=False)
                except OSError:
                    got = None
                else:
                    regular = stat.S_ISREG(found.st_mode)
                    got = _signature(found) if regular else None
            else:
                got = ask[kind](arg)
            if got != answer:
                return False
    except (OSError, UsageError, KeyError, TypeError):
        return False
    return True
