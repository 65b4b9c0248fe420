"""The commit series: moves first with content unchanged, then the edits (core.commits)."""

from __future__ import annotations

from pathlib import Path

from hoc_migrate.adapters.filesystem import DiskTree
from hoc_migrate.core.changes import Overlay
from hoc_migrate.core.commits import StepState, commit_series


def base(tmp_path: Path) -> DiskTree:
    for name, text in {"a.py": "A\n", "b.py": "B\n", "c.py": "C\n"}.items():
        (tmp_path / name).write_text(text)
    return DiskTree(tmp_path)


def test_a_file_recreated_where_one_moved_away_is_written_even_with_the_same_content(
    tmp_path: Path,
) -> None:
    tree = base(tmp_path)
    overlay = Overlay(tree)
    overlay.move("a.py", "moved/a.py")
    overlay.write("a.py", b"A\n")  # e.g. a copy left behind, identical to the original
    overlay.write("moved/a.py", b"A edited\n")
    specs = commit_series(
        "p",
        overlay.state(),
        overlay.change_set(),
        [StepState("step 1 (move)", overlay.state())],
        tree.read_bytes,
        per_step=True,
    )
    assert [s.renames for s in specs] == [(("a.py", "moved/a.py"),), ()]
    assert specs[1].writes == {"a.py": b"A\n", "moved/a.py": b"A edited\n"}
    assert specs[1].deletes == ()


def test_a_file_moved_onto_a_deleted_one_is_not_deleted_afterwards(tmp_path: Path) -> None:
    tree = base(tmp_path)
    overlay = Overlay(tree)
    overlay.delete("b.py")
    overlay.move("a.py", "b.py")
    specs = commit_series(
        "p",
        overlay.state(),
        overlay.change_set(),
        [StepState("step 1", overlay.state())],
        tree.read_bytes,
        per_step=True,
    )
    assert [s.renames for s in specs] == [(("a.py", "b.py"),)]
    assert all("b.py" not in s.deletes for s in specs)
