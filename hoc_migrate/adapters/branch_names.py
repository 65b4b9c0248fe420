"""The branch `apply` creates: a name that is a branch name in its own right.

Checked as git checks a branch name (`git check-ref-format --branch`), then refused when git
would read it as anything but `refs/heads/<name>`: `@{-1}` (the branch checked out before),
`HEAD` and the other names git keeps for itself, a full ref name (`refs/heads/x` would make
`refs/heads/refs/heads/x`), a commit id, the name of a tag or a remote branch, a part too
long for the file a loose ref is stored in, or a name beside which git cannot store it (`a/b`
while a branch `a` exists, or `a` while `a/b` does: a loose ref is a file, its prefix a
folder). Refused before the apply lock is taken, so before the worktree is built.
"""

from __future__ import annotations

import os
import re

from hoc_migrate.adapters.git_repo import GitRepo
from hoc_migrate.core.errors import UsageError

# Names git keeps for itself at the top of the git directory (HEAD, FETCH_HEAD, ORIG_HEAD...).
_PSEUDO_REF = re.compile(r"[A-Z_]*HEAD")
_OBJECT_ID = re.compile(r"[0-9a-fA-F]{40}|[0-9a-fA-F]{64}")
_NAME_MAX = 255  # bytes of one file name: a loose ref is a file per part of the name


def check_branch_name(repo: GitRepo, name: str) -> None:
    """Refuse a name that is not a branch name in its own right, as git checks one
    (`git check-ref-format --branch`), or that git would read as anything but
    `refs/heads/<name>`: `@{-1}`, `HEAD`, `refs/...`, a commit id, a tag's name."""
    problem = _branch_name_problem(repo, name)
    if problem is not None:
        message, hint = problem
        raise UsageError(f"--branch {name!r}: {message}", hint=hint)


def _branch_name_problem(repo: GitRepo, name: str) -> tuple[str, str | None] | None:
    pick = "pick a plain name, such as migrate/integrations"
    if not name or name.startswith("-") or not repo.ok("check-ref-format", "--branch", name):
        return "not a valid branch name (see git check-ref-format)", pick
    expanded = repo.text("check-ref-format", "--branch", name)
    if expanded != name:  # `@{-1}`, `@{-2}`: the branches checked out before
        return f"git reads it as the branch {expanded!r}, not as a new name", pick
    if _PSEUDO_REF.fullmatch(name) or name == "@":
        return "a name git keeps for itself (HEAD, FETCH_HEAD, ...)", pick
    if name.startswith("refs/"):
        short = name.removeprefix("refs/heads/")
        return (
            f"a full ref name; --branch takes the branch's own name (this would make "
            f"refs/heads/{name})",
            f"--branch {short}" if short != name else pick,
        )
    if _OBJECT_ID.fullmatch(name):
        return "a commit id, not a branch name", pick
    longest = max(len(os.fsencode(part)) for part in name.split("/"))
    if longest > _NAME_MAX:
        return (
            f"a part of it is {longest} bytes long; git stores each part of a branch name "
            f"as a file name, at most {_NAME_MAX} bytes",
            "pick a shorter name",
        )
    if repo.ok("rev-parse", "--verify", "-q", name):
        full = repo.text("rev-parse", "--symbolic-full-name", name)
        if full != f"refs/heads/{name}":
            what = full or f"the commit {repo.text('rev-parse', '--verify', '-q', name)[:12]}"
            return f"already names {what} in this repository", pick
    clash = _clashing_branch(repo, name)
    if clash is not None:
        return (
            f"clashes with the branch {clash!r}: git cannot keep both a branch 'a' and a "
            "branch 'a/b'",
            f"pick another name, or delete the branch {clash} first",
        )
    return None


def _clashing_branch(repo: GitRepo, name: str) -> str | None:
    """An existing branch that is a folder-prefix of `name`, or that `name` is one of."""
    parts = name.split("/")
    for count in range(1, len(parts)):
        prefix = "/".join(parts[:count])
        if repo.ok("show-ref", "--verify", "-q", f"refs/heads/{prefix}"):
            return prefix
    below = repo.text("for-each-ref", "--count=1", "--format=%(refname)", f"refs/heads/{name}/")
    return below.removeprefix("refs/heads/") or None
