"""Where hoc-migrate keeps the state nobody reads: in the repository's git directory.

`<git-common-dir>/hoc-migrate/` (`.git/hoc-migrate/` in a plain clone; the main repository's
for a linked worktree) holds the check cache, the apply journal and lock, the worktrees of
running applies, run records, staging folders and the default PR files. No commit can hold
or replace anything there (git refuses `.git` in a tree, and a clone never copies it), so
nothing a repository brings can plant a cache entry, a run record or a link that would send
a write elsewhere. A check of a folder outside any git repository keeps its cache in the
user's cache directory (`$XDG_CACHE_HOME/hoc-migrate`, else `~/.cache/hoc-migrate`).

Folders are made one at a time and must be real folders (a symbolic link or a file in the
way is refused); files are written to a new temporary name, then renamed into place, so
nothing is ever written through a link and a crash leaves the old file or the new one.

This module imports little (the standard library, core.errors): `check` replays load it.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from hoc_migrate.core.errors import UsageError

STATE_DIR = "hoc-migrate"
#: The folder older versions kept their state in, inside the working tree. Nothing reads it
#: now (a commit could carry one); it is still skipped when listing a tree.
LEGACY_DIR = ".hoc-migrate"
_GITFILE_MAX = 4096  # a `.git` file or `commondir` is one line


def git_dirs(work_tree: Path) -> tuple[Path, Path] | None:
    """(git dir, common git dir) of the git work tree whose top folder is `work_tree`, as
    `git rev-parse --absolute-git-dir --git-common-dir` gives them; None when `work_tree`
    is not the top of one. Read from `.git` (a folder, or a `gitdir:` file as in linked
    worktrees and submodules) and `commondir`, without starting git, unless GIT_DIR or
    GIT_COMMON_DIR says otherwise."""
    if "GIT_DIR" in os.environ or "GIT_COMMON_DIR" in os.environ:
        return _asked_git(work_tree)
    dot_git = work_tree / ".git"
    try:
        found = os.stat(dot_git)  # `.git` may be a link the user made; no commit can make one
    except OSError:
        return None
    if stat.S_ISDIR(found.st_mode):
        git_dir = Path(os.path.realpath(dot_git))
    elif stat.S_ISREG(found.st_mode):
        pointer = _read_line(dot_git)
        if pointer is None or not pointer.startswith("gitdir:"):
            return None
        git_dir = Path(os.path.realpath(work_tree / pointer[len("gitdir:") :].strip()))
    else:
        return None
    common = git_dir
    shared = _read_line(git_dir / "commondir")
    if shared:
        common = Path(os.path.realpath(git_dir / shared))
    if not (git_dir / "HEAD").is_file() or not (common / "objects").is_dir():
        return None
    return git_dir, common


def _read_line(path: Path) -> str | None:
    try:
        with open(path, "rb") as handle:
            data = handle.read(_GITFILE_MAX)
    except OSError:
        return None
    return os.fsdecode(data).strip()


def _asked_git(work_tree: Path) -> tuple[Path, Path] | None:
    import subprocess  # rare: only with GIT_DIR or GIT_COMMON_DIR set

    try:
        done = subprocess.run(
            ["git", "rev-parse", "--absolute-git-dir", "--git-common-dir"],
            cwd=work_tree,
            capture_output=True,
            check=False,
        )
    except OSError:
        return None
    lines = os.fsdecode(done.stdout).splitlines()
    if done.returncode != 0 or len(lines) != 2:
        return None
    git_dir = Path(os.path.realpath(lines[0]))
    return git_dir, Path(os.path.realpath(work_tree / lines[1]))


def user_cache_dir() -> Path:
    """hoc-migrate's folder in the user's cache directory (XDG base directory spec)."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / STATE_DIR


def state_root(repo_root: Path) -> tuple[Path, tuple[str, ...]]:
    """(a folder that exists, the parts below it) of the state folder of `repo_root`."""
    dirs = git_dirs(repo_root)
    if dirs is not None:
        return dirs[1], (STATE_DIR,)
    import hashlib  # only for a tree outside git

    key = hashlib.blake2b(os.fsencode(repo_root.resolve()), digest_size=8).hexdigest()
    return user_cache_dir().parent, (STATE_DIR, "trees", key)


def state_path(repo_root: Path, *parts: str) -> Path:
    """`<state folder>/<parts...>` of `repo_root`, not created (for reading)."""
    base, own = state_root(repo_root)
    return base.joinpath(*own, *parts)


def workspace(repo_root: Path, *parts: str) -> Path:
    """`<state folder>/<parts...>` of `repo_root`, created when missing (every folder a real
    one: a link or a file in the way is refused)."""
    base, own = state_root(repo_root)
    base.mkdir(parents=True, exist_ok=True)  # the git dir exists; a cache dir may not yet
    return make_folders(base, (*own, *parts))


def cache_folder(repo_root: Path) -> Path | None:
    """The check cache's folder of `repo_root`, made; None when it cannot be (a read-only
    git directory, a link in the way): the check then runs without a cache."""
    try:
        return workspace(repo_root, "cache")
    except (OSError, UsageError):
        return None


def make_folders(base: Path, parts: tuple[str, ...] | list[str]) -> Path:
    """Create `base/parts...` folder by folder, refusing any that is a link or not a folder."""
    path = base
    for part in parts:
        path = path / part
        with contextlib.suppress(FileExistsError):
            os.mkdir(path)
        found = os.lstat(path)
        if not stat.S_ISDIR(found.st_mode):
            what = "a symbolic link" if stat.S_ISLNK(found.st_mode) else "not a folder"
            raise UsageError(
                f"{path} is {what}; hoc-migrate never writes through a link or over a file",
                hint="remove it (hoc-migrate recreates the folder)",
            )
    return path


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` under a new temporary name in its folder, then rename it into
    place: a reader sees the old file or the new one, and a link at `path` is replaced, never
    followed. The file gets the mode a plain write gives it: the replaced file's, else what
    the umask leaves of 0666 (never mkstemp's 0600). The folder must exist."""
    tmp = _new_temporary(path)
    try:
        tmp.write_bytes(data)
        with contextlib.suppress(FileNotFoundError):
            replaced = os.lstat(path)
            if stat.S_ISREG(replaced.st_mode):
                os.chmod(tmp, stat.S_IMODE(replaced.st_mode))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _new_temporary(path: Path) -> Path:
    """A new empty file beside `path`, created exclusively (ours, not a link), mode 0666 so
    that the umask decides, as for any file the user's tools write."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    while True:
        tmp = path.with_name(f".{path.name[:64]}.{os.urandom(6).hex()}.tmp")
        try:
            os.close(os.open(tmp, flags, 0o666))
        except FileExistsError:
            continue
        return tmp
