"""`<repo>/.hoc-migrate/`: the one folder hoc-migrate writes to inside a repository.

It carries a `.gitignore` of `*` so nothing in it ever shows up in `git status` or a commit.
"""

from __future__ import annotations

from pathlib import Path

WORKSPACE_DIR = ".hoc-migrate"


def workspace(repo_root: Path, *parts: str) -> Path:
    """`<repo>/.hoc-migrate/<parts...>`, created (with the ignore file) when missing."""
    base = repo_root / WORKSPACE_DIR
    base.mkdir(exist_ok=True)
    ignore = base / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n", encoding="utf-8")
    target = base.joinpath(*parts)
    target.mkdir(parents=True, exist_ok=True)
    return target


def is_inside(path: Path, root: Path) -> bool:
    """Whether `path` (resolved, following links) is `root` or below it."""
    resolved, base = path.resolve(), root.resolve()
    return resolved == base or base in resolved.parents
