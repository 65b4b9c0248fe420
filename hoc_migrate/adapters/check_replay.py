"""Replaying a whole `hoc-migrate check` command: same command line, folder, environment,
date and code, and an unchanged tree, configuration and baseline -> the same output and exit
code, written without importing the checker or the CLI framework (their import is most of a
warm run).

A replay is recorded only by a run whose result came from the stored result (check_memo.py),
so it replays exactly what that run printed; it is vouched for by the same answers of the
tree plus the files the command read or looked for outside it (configuration files, the
baseline, `.git` markers: see `watched_paths`). Only runs whose stdout and stderr are not
terminals are recorded or replayed: their output is plain text, the same bytes every time.
The command line is part of the key, so each set of options (-q, --statistics, --exit-zero,
--color, ...) replays its own output; -v/--verbose is never replayed: it tells what each
stage did, and a replay does none of them.

Replays live in the state folder (workspace.py) of the git work tree around the folder the
command starts from (`--repo DIR`, else the current folder): `.git/hoc-migrate/cache/`, or
the user's cache directory outside git. Nothing in the checked tree itself is ever read as
a replay, so no commit can bring one.

This module imports the standard library, the file-system adapter and workspace.py only.
"""

from __future__ import annotations

import gc
import marshal
import os
import sys
import time
import zlib
from pathlib import Path  # loaded by the file-system adapter anyway

from hoc_migrate import __version__
from hoc_migrate.adapters.filesystem import DiskTree, same_answers
from hoc_migrate.adapters.workspace import STATE_DIR, git_dirs, make_folders, user_cache_dir
from hoc_migrate.core.errors import UsageError

# Only what annotations need, without importing `typing`: every import here is paid by
# every replayed run.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import Any, TypeAlias

    Watched: TypeAlias = tuple[str, Any]  # (absolute path, its signature: see `_signature`)

REPLAY_VERSION = 1
MAX_REPLAYS = 8
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Volatile variables a shell sets per command; they never change what a check prints.
_IGNORED_ENV = frozenset({"_", "OLDPWD", "SHLVL"})


def plain_output() -> bool:
    """Whether this run's output can be recorded or replayed: neither stream a terminal."""
    try:
        return not (os.isatty(1) or os.isatty(2))
    except OSError:
        return False


def _verbose(argv: Sequence[str]) -> bool:
    """Whether the command asks for -v/--verbose: it says what each stage did and how long
    it took, which a replay did not do. (Any short-option group with a `v` counts: at worst
    a command is checked when it could have been replayed.)"""
    for arg in argv:
        if arg == "--":
            return False
        if arg == "--verbose" or (arg[:1] == "-" and arg[1:2] != "-" and "v" in arg):
            return True
    return False


def _code_state() -> list[tuple[str, int, int]]:
    """Size and mtime of every module of hoc_migrate (rules, rendering and CLI alike) and of
    the folders packages are installed in (an upgraded dependency may print differently)."""
    found = []
    for folder, _, names in os.walk(_PACKAGE):
        for name in names:
            if name.endswith(".py"):
                st = os.stat(os.path.join(folder, name))
                found.append((os.path.join(folder, name), st.st_size, st.st_mtime_ns))
    for entry in sys.path:
        if entry.endswith("-packages") and os.path.isdir(entry):
            st = os.stat(entry)
            found.append((entry, 0, st.st_mtime_ns))
    return sorted(found)


def _material(argv: Sequence[str]) -> str:
    """Everything besides the tree that decides what this command prints: the command line,
    the folder, the environment, the date, the streams' encodings, the code."""
    env = sorted((k, v) for k, v in os.environ.items() if k not in _IGNORED_ENV)
    return repr(
        (
            REPLAY_VERSION,
            __version__,
            sys.version,
            sys.executable,
            tuple(argv),
            os.getcwd(),
            env,
            (sys.stdout.encoding, sys.stdout.errors, sys.stderr.encoding, sys.stderr.errors),
            _today(),  # debt expires by the date
            _code_state(),
        )
    )


def _today() -> str:
    return time.strftime("%Y-%m-%d")  # local time, as `datetime.date.today()` in the check


def _file_name(material: str) -> str:
    # A checksum only names the file; the record holds the whole material, compared exactly.
    data = material.encode("utf-8", "surrogatepass")
    return f"replay-{zlib.crc32(data):08x}{zlib.adler32(data):08x}.marshal"


def _signature(path: str) -> Any:
    """What must not change about a watched path: None when missing; for a folder, that it
    is one; for a file, its size, times and identity."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if os.path.isdir(path):
        return "dir"
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def watched_paths(paths: Iterable[Path]) -> list[Watched]:
    """The signatures of `paths` now (recorded with a replay, compared when replaying)."""
    return [(str(p), _signature(str(p))) for p in dict.fromkeys(paths)]


def _start_folder(argv: Sequence[str]) -> str:
    """Where to look for the repository: `--repo DIR` when given, else the current folder."""
    for i, arg in enumerate(argv):
        if arg == "--repo" and i + 1 < len(argv):
            return os.path.abspath(argv[i + 1])
        if arg.startswith("--repo="):
            return os.path.abspath(arg.partition("=")[2])
    return os.getcwd()


def _replay_folder(argv: Sequence[str]) -> tuple[Path, tuple[str, ...]]:
    """(a folder that exists, the parts below it) of where this command's replays live: the
    state folder of the git work tree around the start folder (the first `.git` found
    walking up, as the check finds its root), else the user's cache directory."""
    folder = _start_folder(argv)
    while True:
        if os.path.lexists(os.path.join(folder, ".git")):
            dirs = git_dirs(Path(folder))
            if dirs is not None:
                return dirs[1], (STATE_DIR, "cache")
            break
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    cache = user_cache_dir()
    return cache.parent, (cache.name, "replays")


def replay(argv: Sequence[str]) -> int | None:
    """Write the recorded output of this command and return its exit code, or None when
    there is nothing to replay (the caller then runs the command)."""
    if not plain_output() or _verbose(argv):
        return None
    # The record holds thousands of small objects; cyclic collections walking them again and
    # again would cost more than the checks (this process ends soon after, or re-enables it).
    gc.disable()
    try:
        return _replay(argv)
    finally:
        gc.enable()


def _replay(argv: Sequence[str]) -> int | None:
    material = _material(argv)
    base, parts = _replay_folder(argv)
    try:
        with open(base.joinpath(*parts, _file_name(material)), "rb") as handle:
            data = marshal.loads(handle.read())  # at once: `marshal.load` reads in bits
    except (OSError, EOFError, ValueError, TypeError):
        return None  # none yet, or damaged: run the command
    try:
        if data["version"] != REPLAY_VERSION or data["material"] != material:
            return None
        if any(_signature(path) != sig for path, sig in data["watched"]):
            return None
        if not same_answers(DiskTree(Path(data["root"])), data["answers"]):
            return None
        out, err, code = data["stdout"], data["stderr"], data["code"]
    except Exception:  # noqa: BLE001 a damaged record of any shape: run the command
        return None
    try:
        _write_all(1, out)
        _write_all(2, err)
    except BrokenPipeError:  # `check | head`: the reader has what it wanted
        pass
    return int(code)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def record(
    root: Path,
    argv: Sequence[str],
    *,
    answers: Sequence[tuple[str, str, Any]],
    watched: list[Watched],
    stdout: bytes,
    stderr: bytes,
    code: int,
) -> None:
    """Store what this command printed, for `replay`; never fails the command."""
    if _verbose(argv):
        return  # never replayed (see `_verbose`)
    # The checker's own helpers: imported here, on the recording run, which has loaded them.
    from hoc_migrate.adapters.check_cache import is_racy, keep_newest, write_cache_file

    now = time.time_ns()
    if any(isinstance(sig, tuple) and is_racy(sig, now) for _, sig in watched):
        return  # a file changed just now may change again unseen: do not vouch
    material = _material(argv)
    document = {
        "version": REPLAY_VERSION,
        "material": material,
        "root": str(root),
        "answers": list(answers),
        "watched": watched,
        "stdout": stdout,
        "stderr": stderr,
        "code": code,
    }
    try:
        base, parts = _replay_folder(argv)
        base.mkdir(parents=True, exist_ok=True)
        folder = make_folders(base, parts)
        write_cache_file(folder / _file_name(material), marshal.dumps(document))
    except (OSError, ValueError, UsageError):
        return  # a read-only cache, a link in the way: the next run checks, nothing is lost
    keep_newest(folder, "replay-*.marshal", MAX_REPLAYS)
