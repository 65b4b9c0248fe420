"""Where hoc-migrate keeps its state: the git directory git itself reports (plain clones,
linked worktrees, submodules), the user's cache directory outside git; folders made without
following links."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from hoc_migrate.adapters.workspace import git_dirs, make_folders, state_path, workspace
from hoc_migrate.core.errors import UsageError
from tests.conftest import GIT_ENV, git, make_repo
from tests.reliability.harness import cli


def asked_git(work_tree: Path) -> tuple[Path, Path]:
    out = git(work_tree, "rev-parse", "--absolute-git-dir", "--git-common-dir").splitlines()
    return Path(out[0]).resolve(), (work_tree / out[1]).resolve()


def test_the_git_directories_are_the_ones_git_reports(tmp_path: Path) -> None:
    main = make_repo(tmp_path / "main", {"a.py": "A = 1\n"})
    git(main, "worktree", "add", "-q", "--detach", str(tmp_path / "linked"))
    library = make_repo(tmp_path / "library", {"lib.py": "L = 1\n"})
    subprocess.run(
        ["git", "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(library), "lib"],
        cwd=main,
        check=True,
        env={**os.environ, **GIT_ENV},
    )
    for work_tree in (main, tmp_path / "linked", main / "lib"):
        assert git_dirs(work_tree) == asked_git(work_tree), work_tree
    assert git_dirs(tmp_path / "linked") == (
        (main / ".git" / "worktrees" / "linked").resolve(),
        (main / ".git").resolve(),
    )
    # Every worktree of a repository shares one state folder (and one apply lock).
    assert state_path(tmp_path / "linked") == state_path(main) == main / ".git" / "hoc-migrate"


def test_a_folder_outside_git_keeps_its_cache_in_the_user_cache_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / ".git").write_text("gitdir: /nowhere\n")  # not a git directory: no state there
    cache = workspace(tree, "cache")
    assert cache.parent.parent == tmp_path / "cache-home" / "hoc-migrate" / "trees"
    assert not (tree / ".hoc-migrate").exists() and not Path("/nowhere").exists()


def test_state_folders_are_never_made_through_a_link(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"a.py": "A = 1\n"})
    outside = tmp_path / "outside"
    outside.mkdir()
    (repo / ".git" / "hoc-migrate").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UsageError, match="is a symbolic link; hoc-migrate never writes through"):
        workspace(repo, "cache")
    with pytest.raises(UsageError, match="is not a folder"):
        (tmp_path / "file").write_text("")
        make_folders(tmp_path, ("file", "below"))
    assert list(outside.iterdir()) == []


def test_check_of_a_folder_outside_git_writes_nothing_into_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))
    tree = tmp_path / "tree"
    engines = tree / "backend/app/hoc/cus/shop/engines"
    engines.mkdir(parents=True)
    (engines / "rates.py").write_text("# Layer: L5 — Domain Engines\nRATE = 1\n")
    before = sorted(p.relative_to(tree) for p in tree.rglob("*"))
    first = cli("check", "--repo", tree)
    again = cli("check", "--repo", tree)
    assert (first.code, again.code) == (0, 0), first.stderr
    assert "(1 parsed, 0 from cache" in first.stderr
    assert "(0 parsed, 1 from cache" in again.stderr
    assert sorted(p.relative_to(tree) for p in tree.rglob("*")) == before
    assert list((tmp_path / "cache-home" / "hoc-migrate" / "trees").iterdir())
