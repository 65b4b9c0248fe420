"""Files and folders the user names for output (`check --output`, the baseline, `report --out`,
`pr --out`, `apply --pr-out`): where they may go, and how they are written.

A target must lie inside the repository and be reached without a symbolic link from the
repository's root down (a link, committed or not, could send the write anywhere). Without
`force` it may not be inside the git directory (`check --output .git/HEAD` would break the
repository) nor overwrite a file git tracks (`check --output src/app/routes.py` would lose
it); a baseline is the one tracked file a command rewrites on purpose. Files are written under
a temporary name and renamed into place, so a reader never sees half a report.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from hoc_migrate.adapters.workspace import git_dirs, make_folders, write_atomically
from hoc_migrate.core.errors import UsageError


def output_target(
    path: Path,
    repo_root: Path,
    *,
    option: str,
    force: bool = False,
    tracked_ok: bool = False,
    entries: Sequence[str] | None = None,
) -> Path:
    """The path to write `path` (as typed: relative to the current folder) at, checked.

    `entries`: `path` is a folder of which these entries are (re)written; else it is a file.
    Raises UsageError (nothing written) when the target is refused."""
    root = repo_root.resolve()
    rel = _below(Path(os.path.abspath(path)), root)
    if rel is None:
        raise UsageError(
            f"{option} {path}: outside the repository {root}",
            hint="hoc-migrate writes only inside the repository; pick a path in it",
        )
    current = root
    for part in rel.parts:
        current = current / part
        if current.is_symlink():
            raise UsageError(
                f"{option} {path}: {current.relative_to(root)} is a symbolic link; "
                "hoc-migrate never writes through one",
                hint="pick a path with no link on the way",
            )
    target = root / rel
    dirs = git_dirs(root)
    if not force and _in_git_dir(target, rel, dirs):
        raise UsageError(
            f"{option} {path}: inside the git directory (writing there can break the repository)",
            hint="pick a path in the working tree, or pass --force",
        )
    if entries is None and (not rel.parts or target.is_dir()):
        raise UsageError(f"{option} {path}: is a folder", hint="name a file")
    if entries is not None and target.exists() and not target.is_dir():
        raise UsageError(f"{option} {path}: is a file, not a folder", hint="name a folder")
    if dirs is not None and not force and not tracked_ok:
        wanted = [rel] if entries is None else [rel / entry for entry in entries]
        tracked = tracked_paths(root, wanted)
        if tracked:
            raise UsageError(
                f"{option} {path}: would overwrite {tracked[0]}, which git tracks",
                hint="pick another path, or pass --force to overwrite it",
            )
    return target


def write_output(target: Path, repo_root: Path, data: bytes) -> None:
    """Write a target `output_target` accepted: its folders made (none a link), atomically."""
    root = repo_root.resolve()
    make_folders(root, target.parent.relative_to(root).parts)
    write_atomically(target, data)


def _below(wanted: Path, root: Path) -> Path | None:
    """`wanted` relative to the deepest of its folders that is `root` (links above the root
    allowed: a user may reach the repository through one); None when it is not below it."""
    rel: list[str] = []
    candidate = wanted
    while True:
        if os.path.realpath(candidate) == str(root):
            return Path(*reversed(rel)) if rel else Path()
        if candidate.parent == candidate:
            return None
        rel.append(candidate.name)
        candidate = candidate.parent


def _in_git_dir(target: Path, rel: Path, dirs: tuple[Path, Path] | None) -> bool:
    if rel.parts[:1] == (".git",):
        return True
    return dirs is not None and any(target == d or d in target.parents for d in dirs)


def tracked_paths(root: Path, paths: Sequence[Path]) -> list[str]:
    """Which of `paths` (relative to `root`; folders: anything below) git tracks there."""
    try:
        done = subprocess.run(
            ["git", "ls-files", "-z", "--", *(p.as_posix() for p in paths)],
            cwd=root,
            capture_output=True,
            check=False,
            env={**os.environ, "GIT_LITERAL_PATHSPECS": "1"},
        )
    except OSError:
        return []  # no git: nothing is tracked
    if done.returncode != 0:
        return []
    return [os.fsdecode(p) for p in done.stdout.split(b"\0") if p]
