"""Files and folders the user names for output (`check --output`, the baseline, `report --out`,
`pr --out`, `apply --pr-out`, `plan suggest -o`): where they may go, and how they are written.

A target must lie inside the repository and be reached without a symbolic link from the
repository's root down (a link, committed or not, could send the write anywhere). Without
`force` it may not be inside a git directory (`check --output .git/HEAD` would break the
repository; a submodule's or nested repository's `.git`, folder or gitfile, counts too) nor
overwrite a file git tracks, in the repository or in a submodule or nested repository on the
way (`check --output src/app/routes.py` would lose it); when git cannot tell, it is refused.
A baseline is the one tracked file a command rewrites on purpose. Files are written under
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
    inside = None if force else _git_dir_on_the_way(root, rel, dirs)
    if inside is not None:
        of = f" of {inside}" if inside else ""
        raise UsageError(
            f"{option} {path}: inside the git directory{of} (writing there can break the "
            "repository)",
            hint="pick a path in the working tree, or pass --force",
        )
    if entries is None and (not rel.parts or target.is_dir()):
        raise UsageError(f"{option} {path}: is a folder", hint="name a file")
    if entries is not None and target.exists() and not target.is_dir():
        raise UsageError(f"{option} {path}: is a file, not a folder", hint="name a folder")
    if dirs is not None and not force and not tracked_ok:
        wanted = [rel] if entries is None else [rel / entry for entry in entries]
        _refuse_tracked(root, wanted, option, path)
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


def _git_dir_on_the_way(root: Path, rel: Path, dirs: tuple[Path, Path] | None) -> str | None:
    """The work tree (repo-relative, "" for the repository itself) whose git directory
    `root/rel` lies in, or is: a `.git` folder or gitfile anywhere on the way (a submodule's,
    a nested repository's) counts. None when it lies in none."""
    for index, part in enumerate(rel.parts):
        if part.lower() == ".git":  # any case: a case-insensitive disk's `.GIT` is `.git`
            return Path(*rel.parts[:index]).as_posix() if index else ""
    target = root / rel
    if dirs is not None and any(target == d or d in target.parents for d in dirs):
        return ""
    return None


def _work_trees_on_the_way(root: Path, folder: Path) -> list[Path]:
    """The folders from `root` down to `folder` (relative to `root`) that hold a `.git`: the
    repository, then each submodule or nested repository."""
    found = [Path()]
    for index in range(1, len(folder.parts) + 1):
        below = Path(*folder.parts[:index])
        if os.path.lexists(root / below / ".git"):
            found.append(below)
    return found


def _refuse_tracked(root: Path, wanted: Sequence[Path], option: str, path: Path) -> None:
    """UsageError when a file of `wanted` is tracked by the repository or by a submodule or
    nested repository on the way, or when git cannot tell (a broken gitfile)."""
    for top in _work_trees_on_the_way(root, wanted[0].parent):
        try:
            tracked = _tracked(root / top, [w.relative_to(top) for w in wanted], top != Path())
        except _Unknown as exc:
            raise UsageError(
                f"{option} {path}: cannot tell whether git tracks it in {top.as_posix() or '.'} "
                f"({exc})",
                hint="pick another path, or pass --force to write it anyway",
            ) from None
        if tracked:
            where = f" (in the repository at {top.as_posix()})" if top != Path() else ""
            raise UsageError(
                f"{option} {path}: would overwrite {(top / tracked[0]).as_posix()}, which git "
                f"tracks{where}",
                hint="pick another path, or pass --force to overwrite it",
            )


class _Unknown(Exception):
    """`git ls-files` failed: what it tracks is unknown (never taken for "nothing")."""


# What makes git look at another repository than the one in the folder it runs in.
_REPOSITORY_ENV = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR")


def _tracked(root: Path, paths: Sequence[Path], nested: bool) -> list[str]:
    """Which of `paths` (relative to `root`; folders: anything below) git tracks there.
    `nested`: `root` is a submodule or nested repository (the user's GIT_DIR is not its).
    Raises _Unknown when git cannot say."""
    env = {**os.environ, "GIT_LITERAL_PATHSPECS": "1"}
    if nested:
        env = {k: v for k, v in env.items() if k not in _REPOSITORY_ENV}
    try:
        done = subprocess.run(
            ["git", "ls-files", "-z", "--", *(p.as_posix() for p in paths)],
            cwd=root,
            capture_output=True,
            check=False,
            env=env,
        )
    except OSError as exc:
        raise _Unknown(f"git could not run: {exc.strerror or exc}") from None
    if done.returncode != 0:
        told = os.fsdecode(done.stderr).strip().splitlines()
        raise _Unknown(told[-1] if told else f"git ls-files exit {done.returncode}")
    return [os.fsdecode(p) for p in done.stdout.split(b"\0") if p]
