"""Recovery: undo what an interrupted `apply` left behind (a worktree, its journal).

Every command that works on a repository runs `recover` first; it is cheap when there is
nothing to do (one file test and `git worktree prune`).
"""

from __future__ import annotations

from pathlib import Path

from hoc_migrate.adapters import journal
from hoc_migrate.adapters.git_repo import GitRepo
from hoc_migrate.adapters.staged_output import discard_stale_staging
from hoc_migrate.adapters.workspace import git_dirs, state_path
from hoc_migrate.core.errors import UsageError


def recover(repo: GitRepo, *, refuse_if_busy: bool = True) -> list[str]:
    """Undo what an interrupted apply left: its worktree and its journal. Returns what was done.

    A live apply is left alone (and, with `refuse_if_busy`, makes this a UsageError)."""
    done: list[str] = []
    data = journal.read(repo.root)
    if data is not None:
        if journal.holder_alive(data):
            if refuse_if_busy:
                raise UsageError(
                    f"another hoc-migrate apply (pid {data.get('pid')}) is running in this "
                    "repository",
                    hint="wait for it to finish",
                )
            return done
        worktree = data.get("worktree")
        if isinstance(worktree, str) and _ours(repo, Path(worktree)):
            if _exists(Path(worktree)):
                done.append(f"removed the worktree of an interrupted apply: {worktree}")
            repo.remove_worktree(Path(worktree))
        journal.discard(repo.root)
        if not done:
            done.append("removed the journal of an interrupted apply")
    folder = state_path(repo.root, "worktrees")
    registered = {t.path.resolve() for t in repo.worktrees()}
    strays = {p.resolve() for p in folder.iterdir()} if folder.is_dir() else set()
    strays |= {p for p in registered if _ours(repo, p)}
    for path in sorted(strays):
        repo.remove_worktree(path)
        done.append(f"removed a stray worktree: {path}")
    repo.prune_worktrees()
    # No apply runs now: its commit messages and half-written journals are litter.
    leftovers = [
        *state_path(repo.root, "tmp").glob("*commit-message-*"),
        *state_path(repo.root).glob(f".{journal.LOCK_NAME}.*.tmp"),
    ]
    for leftover in leftovers:
        leftover.unlink(missing_ok=True)
    for staging in discard_stale_staging(repo.root, journal.process_alive):
        done.append(f"removed the unfinished outputs of an interrupted run: {staging}")
    return done


def _ours(repo: GitRepo, path: Path) -> bool:
    """Whether `path` lies in hoc-migrate's worktrees folder (a journal names any path)."""
    folder = state_path(repo.root, "worktrees").resolve()
    try:
        return folder in path.resolve().parents
    except (OSError, RuntimeError, ValueError):  # a name too long, a loop of links
        return False


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def recover_repository(repo_root: Path) -> list[str]:
    """`recover` for any command: a no-op outside git, never refusing while an apply runs."""
    if git_dirs(repo_root) is None:
        return []
    with GitRepo(repo_root) as repo:
        return recover(repo, refuse_if_busy=False)
