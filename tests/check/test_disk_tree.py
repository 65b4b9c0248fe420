"""DiskTree: confined to its root without resolving every path, listing like os.walk."""

from __future__ import annotations

from pathlib import Path

import pytest

from hoc_migrate.adapters.filesystem import DiskTree
from hoc_migrate.core.errors import UsageError


@pytest.fixture
def tree(tmp_path: Path) -> DiskTree:
    root, outside = tmp_path / "repo", tmp_path / "outside"
    for path in ("repo/pkg/a.py", "repo/pkg/z.py", "repo/pkg/sub/b.py", "repo/top.py"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(f"# {path}\n")
    outside.mkdir()
    (outside / "secret.py").write_text("SECRET = 1\n")
    (root / "pkg" / "leak.py").symlink_to(outside / "secret.py")
    (root / "leakdir").symlink_to(outside)
    (root / "pkg" / "alias.py").symlink_to(root / "pkg" / "a.py")
    (root / "pkgalias").symlink_to(root / "pkg")
    (root / ".venv" / "lib").mkdir(parents=True)
    (root / ".venv" / "lib" / "x.py").write_text("")
    return DiskTree(root)


def test_listing_is_files_then_folders_sorted_without_links_or_skipped_folders(
    tree: DiskTree,
) -> None:
    assert list(tree.iter_files()) == ["top.py", "pkg/a.py", "pkg/z.py", "pkg/sub/b.py"]
    assert list(tree.iter_files("pkg/sub")) == ["pkg/sub/b.py"]
    assert list(tree.iter_files("pkg/a.py")) == ["pkg/a.py"]


@pytest.mark.parametrize(
    "path",
    ["pkg/leak.py", "leakdir/secret.py", "../outside/secret.py", "pkg/../../outside/secret.py"],
)
def test_paths_leading_outside_are_refused(tree: DiskTree, path: str) -> None:
    with pytest.raises(UsageError, match="leaves the repository"):
        tree.read_bytes(path)
    assert not tree.exists(path)
    assert tree.file_stat(path) is None


def test_an_absolute_path_is_refused(tree: DiskTree, tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        tree.read_bytes(str(tmp_path / "outside" / "secret.py"))


def test_links_that_stay_inside_are_read(tree: DiskTree) -> None:
    assert tree.read_bytes("pkg/alias.py") == b"# repo/pkg/a.py\n"
    assert tree.read_bytes("pkgalias/sub/b.py") == b"# repo/pkg/sub/b.py\n"
    assert tree.read_bytes("pkg/sub/../a.py") == b"# repo/pkg/a.py\n"
    assert tree.is_dir("pkgalias") and not tree.is_dir("leakdir")
    # A stat vouches for plain files only: a link's target may change behind it.
    assert tree.file_stat("pkg/alias.py") is None
    assert tree.file_stat("pkg/a.py") is not None
