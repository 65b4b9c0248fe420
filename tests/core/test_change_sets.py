"""Change sets computed in memory: renames keep identity, and the diff is one `git apply` takes."""

from __future__ import annotations

import subprocess
from pathlib import Path

from hoc_migrate.adapters.filesystem import DiskTree
from hoc_migrate.core.changes import ChangeKind, Overlay
from hoc_migrate.core.commits import StepState, commit_series
from hoc_migrate.core.diff import render_diff
from tests.conftest import git


def tree_files(root: Path) -> dict[str, bytes]:
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and ".git" not in p.relative_to(root).parts:
            out[p.relative_to(root).as_posix()] = p.read_bytes()
    return out


def test_overlay_reports_renames_edits_additions_and_deletions(repo_factory) -> None:  # type: ignore[no-untyped-def]
    repo = repo_factory({"a.py": "x = 1\ny = 2\n", "b.py": "import a\n", "d.py": "gone\n"})
    overlay = Overlay(DiskTree(repo))
    overlay.move("a.py", "pkg/a2.py")
    overlay.write("pkg/a2.py", b"x = 1\ny = 3\n")
    overlay.write("b.py", b"import pkg.a2\n")
    overlay.write("pkg/__init__.py", b"")
    overlay.delete("d.py")
    kinds = {(c.kind, c.old_path, c.path) for c in overlay.change_set().changes}
    assert kinds == {
        (ChangeKind.RENAMED, "a.py", "pkg/a2.py"),
        (ChangeKind.MODIFIED, "b.py", "b.py"),
        (ChangeKind.ADDED, None, "pkg/__init__.py"),
        (ChangeKind.DELETED, "d.py", "d.py"),
    }
    # Nothing was written: the disk is as it was.
    assert tree_files(repo) == {"a.py": b"x = 1\ny = 2\n", "b.py": b"import a\n", "d.py": b"gone\n"}
    assert list(overlay.iter_files()) == ["b.py", "pkg/__init__.py", "pkg/a2.py"]


def test_moving_back_and_forth_is_no_change(repo_factory) -> None:  # type: ignore[no-untyped-def]
    repo = repo_factory({"a.py": "x = 1\n"})
    overlay = Overlay(DiskTree(repo))
    overlay.move("a.py", "b.py")
    overlay.move("b.py", "a.py")
    assert not overlay.change_set()


def test_git_apply_reproduces_the_overlay_exactly(repo_factory) -> None:  # type: ignore[no-untyped-def]
    repo = repo_factory(
        {
            "a.py": "x = 1\ny = 2\n",
            "crlf.py": "a = 1\r\nb = 2\r\n",
            "nonl.py": "no newline",
            "sp ace é.py": "s = 1\n",
            "gone.py": "bye\n",
        }
    )
    overlay = Overlay(DiskTree(repo))
    overlay.move("a.py", "pkg/a2.py")
    overlay.write("pkg/a2.py", b"x = 1\ny = 3\n")
    overlay.write("crlf.py", b"a = 1\r\nb = 3\r\n")
    overlay.write("nonl.py", b"still no newline")
    overlay.move("sp ace é.py", "new é.py")
    overlay.write("pkg/__init__.py", b"")
    overlay.delete("gone.py")
    patch = render_diff(overlay.change_set())
    subprocess.run(
        ["git", "apply", "--index", "-"],
        input=patch.encode("utf-8", "surrogateescape"),
        cwd=repo,
        check=True,
    )
    expected = {p: overlay.read_bytes(p) for p in overlay.iter_files()}
    assert tree_files(repo) == expected
    # git itself sees the pure move as a 100% rename.
    status = git(repo, "diff", "--cached", "-M", "--name-status")
    assert "R100\tsp ace é.py\tnew é.py" in status or 'R100\t"sp ace' in status


def test_commit_series_puts_moves_first_with_content_unchanged(repo_factory) -> None:  # type: ignore[no-untyped-def]
    repo = repo_factory({"a.py": "x = 1\n", "b.py": "import a\n"})
    overlay = Overlay(DiskTree(repo))
    overlay.move("a.py", "c.py")
    step1 = overlay.state()
    overlay.write("b.py", b"import c\n")
    step2 = overlay.state()
    overlay.write("c.py", b"x = 2\n")
    final = overlay.state()
    commits = commit_series(
        "demo",
        final,
        overlay.change_set(),
        [StepState("step 1", step1), StepState("step 2", step2), StepState("step 3", final)],
        DiskTree(repo).read_bytes,
        per_step=True,
    )
    assert commits[0].renames == (("a.py", "c.py"),) and not commits[0].writes
    # step 1 is only the move: nothing left to commit for it.
    assert [c.message for c in commits[1:]] == ["demo: step 2", "demo: step 3"]
    assert commits[1].writes == {"b.py": b"import c\n"}
    assert commits[2].writes == {"c.py": b"x = 2\n"}
    single = commit_series(
        "demo", final, overlay.change_set(), [], DiskTree(repo).read_bytes, per_step=False
    )
    assert len(single) == 2 and single[1].writes == {"b.py": b"import c\n", "c.py": b"x = 2\n"}
