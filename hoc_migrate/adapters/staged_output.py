"""A set of output files published all at once: written in the state folder's `tmp/` (in the
git directory), then moved.

A crash, Ctrl-C or a failed write while the files are written leaves only the staging folder
(removed on the way out, or by the next command's recovery once its writer is dead); the
target folder holds the previous outputs or the new ones, never half of each.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from hoc_migrate.adapters.workspace import state_path, workspace

STAGING_PREFIX = "staging-"


@contextlib.contextmanager
def staged_folder(repo_root: Path, target: Path, owned: Iterable[str]) -> Iterator[Path]:
    """Yields an empty folder to write into; on success its entries replace `owned` entries of
    `target` (entries of `owned` it did not write are removed as stale; anything else in
    `target` is left alone)."""
    tmp = workspace(repo_root, "tmp")
    # Named after its writer (for recovery) and its target (for a human looking in tmp/).
    prefix = f"{STAGING_PREFIX}{os.getpid()}-{target.name}-"
    staging = Path(tempfile.mkdtemp(prefix=prefix, dir=tmp))
    try:
        yield staging
        _publish(staging, target, frozenset(owned))
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _publish(staging: Path, target: Path, owned: frozenset[str]) -> None:
    existing = {p.name for p in target.iterdir()} if target.is_dir() else None
    if existing is None or existing <= owned:
        # The whole folder is ours: two renames, so a reader sees old or new, never a mix.
        with contextlib.suppress(_CrossDevice):
            _swap_folder(staging, target, existing is not None)
            return
    # `target` also holds the user's files (or lies on another device): entry by entry,
    # the description last, so a complete PR.md means a complete set.
    target.mkdir(parents=True, exist_ok=True)
    names = sorted(owned, key=lambda name: (name == "PR.md", name))
    for name in names:
        new, old = staging / name, target / name
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old)
        elif old.exists() or old.is_symlink():
            old.unlink()
        if new.exists():
            shutil.move(str(new), str(old))


class _CrossDevice(Exception):
    pass


def _swap_folder(staging: Path, target: Path, replace: bool) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    retired = staging.with_name(staging.name + "-retired")
    try:
        if replace:
            os.rename(target, retired)
        try:
            os.rename(staging, target)
        except OSError:
            if replace:
                os.rename(retired, target)  # put the old outputs back
            raise
    except OSError as error:
        if error.errno == errno.EXDEV:
            raise _CrossDevice from error
        raise
    shutil.rmtree(retired, ignore_errors=True)


def discard_stale_staging(repo_root: Path, alive: Callable[[int], bool]) -> list[Path]:
    """Remove staging folders whose writer (by pid) is no longer running (never this process's
    own: it may be writing one right now)."""
    removed = []
    folder = state_path(repo_root, "tmp")
    for path in folder.glob(f"{STAGING_PREFIX}*") if folder.is_dir() else ():
        pid = path.name[len(STAGING_PREFIX) :].partition("-")[0]
        if pid.isdigit() and (int(pid) == os.getpid() or alive(int(pid))):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed
