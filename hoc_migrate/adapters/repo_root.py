"""Finding the target repository: `--repo DIR`, else the git repository of the current folder."""

from __future__ import annotations

from pathlib import Path

import git

from hoc_migrate.core.errors import UsageError


def find_repo_root(explicit: Path | None = None, start: Path | None = None) -> Path:
    if explicit is not None:
        if not explicit.is_dir():
            raise UsageError(f"--repo: no such folder: {explicit}")
        return explicit.resolve()
    here = (start or Path.cwd()).resolve()
    try:
        repo = git.Repo(here, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise UsageError(
            f"{here} is not inside a git repository",
            hint="run hoc-migrate inside the repository to migrate, or pass --repo DIR",
        ) from None
    if repo.working_tree_dir is None:
        raise UsageError(f"{here} is a bare repository; hoc-migrate needs a working tree")
    return Path(repo.working_tree_dir).resolve()
