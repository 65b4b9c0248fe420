"""Reading input the user names (a plan, a configuration, a baseline), with a cap on the bytes
actually read: the size on disk says nothing about a pipe, `/dev/zero` or a FIFO.

Regular files and pipes (standard input as `-`, `<(command)`, a FIFO) are read up to the cap;
devices and sockets are refused, and FIFOs too for a configuration file (`read_config`). A FIFO no one writes to reads as empty (it is opened without
waiting for a writer). Standard input is read once per process: every reader of `-` gets the
same bytes (`apply - --pr-out DIR` loads the plan twice).
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from hoc_migrate.core.input_limits import (
    MAX_CONFIG_BYTES,
    config_too_large,
    not_a_file,
    special_kind,
)

STDIN = "-"
STDIN_NAME = "<stdin>"
_CHUNK = 1 << 16

# (the stream read, its bytes): standard input as this process first read it.
_stdin_read: tuple[object, bytes] | None = None


class TooLarge(Exception):
    """More than the cap; `size` when known (a regular file), else None (a stream)."""

    def __init__(self, size: int | None) -> None:
        super().__init__(size)
        self.size = size


class NotReadable(Exception):
    """Not a file to read input from (a device, a socket); `kind` says what it is."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def is_stdin(path: Path) -> bool:
    return str(path) == STDIN


def display_name(path: Path) -> str:
    return STDIN_NAME if is_stdin(path) else str(path)


def read_limited(path: Path, limit: int, *, pipes: bool = True) -> bytes:
    """At most `limit` bytes of `path` (`-`: standard input), else TooLarge. Raises
    FileNotFoundError, IsADirectoryError, NotReadable (also for a FIFO unless `pipes`), or
    another OSError."""
    if is_stdin(path):
        return _read_stdin(limit)
    found = os.stat(path)  # a link to a file is read: reading through one writes nothing
    kind = stat.S_IFMT(found.st_mode)
    if kind == stat.S_IFDIR:
        raise IsADirectoryError(path)
    special = special_kind(found.st_mode)
    if special is not None and (kind != stat.S_IFIFO or not pipes):
        raise NotReadable(special)
    if kind == stat.S_IFREG and found.st_size > limit:
        raise TooLarge(found.st_size)
    nonblocking = getattr(os, "O_NONBLOCK", 0)  # only to open a FIFO without a writer
    fd = os.open(path, os.O_RDONLY | nonblocking | getattr(os, "O_BINARY", 0))
    try:
        if nonblocking:
            os.set_blocking(fd, True)
        return _read_fd(fd, limit)
    finally:
        os.close(fd)


def read_config(path: Path, name: str) -> bytes | None:
    """The bytes of configuration file `path` (`name` in messages), None when there is none
    (or it is a folder): at most MAX_CONFIG_BYTES read, and only from a regular file (a FIFO
    would block `check`); UsageError or ConfigError naming the file otherwise."""
    try:
        return read_limited(path, MAX_CONFIG_BYTES, pipes=False)
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None
    except TooLarge as exc:
        raise config_too_large(name, exc.size) from None
    except NotReadable as exc:
        raise not_a_file(name, exc.kind) from None


def _read_fd(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > limit:
        raise TooLarge(None)
    return b"".join(chunks)


def _read_stdin(limit: int) -> bytes:
    global _stdin_read
    stream = sys.stdin
    if _stdin_read is not None and _stdin_read[0] is stream:
        data = _stdin_read[1]
    else:
        if stream is None:
            raise FileNotFoundError(STDIN_NAME)
        data = stream.buffer.read(limit + 1)
        _stdin_read = (stream, data)
    if len(data) > limit:
        raise TooLarge(None)
    return data
