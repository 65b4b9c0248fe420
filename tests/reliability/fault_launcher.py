"""Run `hoc-migrate ARGS` with one fault injected at a named point (test helper, run as a script).

    HOC_FAULT=<point>:<action> python tests/reliability/fault_launcher.py apply plan.yaml ...

Points wrap the functions apply goes through, so a fault lands exactly there:

    journal      after the apply journal (lock) is written
    worktree     after `git worktree add`
    commit-1     after the first commit (the moves), before the next
    commit-2     after the second commit (between the edit commits)
    mid-commit   inside a commit: files written and added, `git commit` not yet run
    verify       during the static verification (layer check, compile, imports)
    command      while the plan's verification command would run
    branch       right after the branch is created
    pr           while the PR files are written (after the first patch file)
    cleanup      as the worktree is being removed (success or failure path)
    write=TEXT   the first file write (Path.write_bytes / write_text) to a path containing TEXT

Actions: `kill` (SIGKILL: a crash, nothing runs after it), `int` (SIGINT: Ctrl-C), `term` and
`hup` (SIGTERM, SIGHUP: `timeout`, a CI cancellation, a closed terminal), `enospc`
and `erofs` (the next write fails: disk full, read-only file system), `gitfail` (the git
command fails).
"""

from __future__ import annotations

import errno
import functools
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from hoc_migrate.adapters import journal  # noqa: E402
from hoc_migrate.adapters.git_repo import GitRepo  # noqa: E402
from hoc_migrate.core.errors import GitError  # noqa: E402
from hoc_migrate.services import apply as apply_service  # noqa: E402

POINTS = (
    "journal",
    "worktree",
    "commit-1",
    "commit-2",
    "mid-commit",
    "verify",
    "command",
    "branch",
    "pr",
    "cleanup",
)
ACTIONS = ("kill", "int", "term", "hup", "enospc", "erofs", "gitfail")
SIGNALLED = {"int": signal.SIGINT, "term": signal.SIGTERM, "hup": signal.SIGHUP}


def fault(action: str) -> None:
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    if action in SIGNALLED:
        signal.raise_signal(SIGNALLED[action])  # the handler raises (KeyboardInterrupt, ...)
        return
    if action == "enospc":
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    if action == "erofs":
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))
    if action == "gitfail":
        raise GitError("git commit failed: fatal: injected failure")
    raise AssertionError(action)


def after(target: Callable[..., Any], action: str, nth: int = 1) -> Callable[..., Any]:
    calls = 0

    @functools.wraps(target)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        result = target(*args, **kwargs)
        calls += 1
        if calls == nth:
            fault(action)
        return result

    return wrapper


def before(
    target: Callable[..., Any], action: str, when: Callable[..., bool]
) -> Callable[..., Any]:
    fired = False

    @functools.wraps(target)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal fired
        if not fired and when(*args, **kwargs):
            fired = True
            fault(action)
        return target(*args, **kwargs)

    return wrapper


def lock_worktree_index(target: Callable[..., Any]) -> Callable[..., Any]:
    """After `git worktree add`, another git process holds the worktree's index lock."""

    @functools.wraps(target)
    def wrapper(self: GitRepo, path: Path, *args: Any, **kwargs: Any) -> Any:
        result = target(self, path, *args, **kwargs)
        gitdir = (path / ".git").read_text().partition("gitdir:")[2].strip()
        (Path(gitdir) / "index.lock").write_text("")
        return result

    return wrapper


def install(point: str, action: str) -> None:
    always: Callable[..., bool] = lambda *a, **k: True  # noqa: E731
    if action == "indexlock":
        GitRepo.add_worktree = lock_worktree_index(GitRepo.add_worktree)  # type: ignore[method-assign]
    elif point == "journal":
        journal.begin = after(journal.begin, action)
    elif point == "worktree":
        GitRepo.add_worktree = after(GitRepo.add_worktree, action)  # type: ignore[method-assign]
    elif point in ("commit-1", "commit-2"):
        GitRepo.commit = after(GitRepo.commit, action, int(point[-1]))  # type: ignore[method-assign]
    elif point == "mid-commit":
        GitRepo.run = before(  # type: ignore[method-assign]
            GitRepo.run, action, lambda self, *args, **kw: "commit" in args[:3]
        )
    elif point == "verify":
        name = "verify_static"  # looked up in apply's module when it runs: patched there
        setattr(apply_service, name, before(getattr(apply_service, name), action, always))
    elif point == "command":
        name = "branch_command_check"
        setattr(apply_service, name, before(getattr(apply_service, name), action, always))
    elif point == "branch":
        GitRepo.set_branch = after(GitRepo.set_branch, action)  # type: ignore[method-assign]
    elif point == "pr":
        GitRepo.format_patch = after(GitRepo.format_patch, action)  # type: ignore[method-assign]
    elif point == "cleanup":
        # Apply's own worktree, not a scratch one (`<name>--env`, removed before the branch).
        def own(self: GitRepo, path: Path, *args: Any, **kwargs: Any) -> bool:
            return "--" not in path.name

        GitRepo.remove_worktree = before(GitRepo.remove_worktree, action, own)  # type: ignore[method-assign]
    elif point.startswith("write="):
        text = point.partition("=")[2]
        fired: list[bool] = []

        def first_write_there(self: Path, *args: Any, **kwargs: Any) -> bool:
            if fired or text not in str(self):
                return False
            fired.append(True)
            return True

        for name in ("write_bytes", "write_text"):
            setattr(Path, name, before(getattr(Path, name), action, first_write_there))
    else:
        raise AssertionError(point)


if __name__ == "__main__":
    # As in a terminal: a shell starts background jobs with SIGINT ignored, and Python keeps
    # an ignored SIGINT; Ctrl-C must raise KeyboardInterrupt here wherever this runs from.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    spec = os.environ.get("HOC_FAULT", "")
    if spec:
        point, _, action = spec.partition(":")
        install(point, action)
    from hoc_migrate.cli import main

    main(sys.argv[1:])
