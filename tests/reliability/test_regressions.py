"""Defects the property and hostile-input suites found, each pinned by a small direct test."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from codemods._references import rewrite_module_references
from hoc_migrate.adapters.filesystem import DiskTree
from hoc_migrate.adapters.plan_file import load_plan_data
from hoc_migrate.core.changes import ChangeKind, Overlay
from hoc_migrate.core.errors import PlanError
from tests.conftest import git, make_repo
from tests.reliability.harness import apply_patch, cli


def rewrite(source: str, renames: dict[str, str], module: str = "app.user") -> str:
    return rewrite_module_references(
        dedent(source), module=module, is_package=False, renames=renames
    )


def test_renaming_back_drops_the_alias_the_first_rename_added() -> None:
    there = rewrite("from app.lib import m0\n", {"app.lib.m0": "app.lib.n5"})
    assert there == "from app.lib import n5 as m0\n"
    assert rewrite(there, {"app.lib.n5": "app.lib.m0"}) == "from app.lib import m0\n"
    # An alias the user chose stays.
    assert rewrite("from app.lib import m0 as x\n", {"app.lib.m0": "app.lib.n5"}) == (
        "from app.lib import n5 as x\n"
    )


def test_a_lazy_import_is_rewritten_in_place_and_never_hoisted_to_module_level() -> None:
    source = """\
        import app.other


        def lazy():
            import app.old.mod
            return app.old.mod.VALUE
        """
    assert rewrite(source, {"app.old.mod": "app.new.mod"}) == dedent(
        """\
        import app.other


        def lazy():
            import app.new.mod
            return app.new.mod.VALUE
        """
    )


def test_non_ascii_module_names_are_module_names() -> None:
    assert rewrite("from app.a import A\n", {"app.a": "app.ñandú"}) == "from app.ñandú import A\n"


def test_a_base_file_deleted_then_written_again_is_unchanged_not_deleted_and_added(
    tmp_path: Path,
) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text('"""Marker."""\n')
    overlay = Overlay(DiskTree(tmp_path))
    overlay.delete("pkg/__init__.py")
    overlay.write("pkg/__init__.py", b'"""Marker."""\n')
    assert not overlay.change_set()
    overlay.delete("pkg/__init__.py")
    assert not overlay.is_file("pkg/__init__.py")
    overlay.write("pkg/__init__.py", b"changed\n")
    assert [(c.kind, c.path) for c in overlay.change_set().changes] == [
        (ChangeKind.MODIFIED, "pkg/__init__.py")
    ]


def test_plan_yaml_nested_thousands_deep_is_a_plan_error() -> None:
    with pytest.raises(PlanError, match="nests too deeply"):
        load_plan_data("name: x\nsteps: " + "[" * 20_000 + "]" * 20_000 + "\n", "plan.yaml")


PACKAGE: dict[str, str | bytes] = {
    "src/app/__init__.py": "",
    "src/app/a.py": "A = 1\n",
    "src/app/b.py": "from app.a import A\n",
    "src/app/lib/__init__.py": "",
    "src/app/lib/deep/__init__.py": "from .m import M\n",
    "src/app/lib/deep/m.py": "M = 2\n",
    "src/app/hoc/__init__.py": "",
    "src/app/hoc/cus/__init__.py": "",
    "src/app/hoc/cus/alpha/__init__.py": "",  # no header: nothing to update on a move
    "src/app/hoc/cus/alpha/engines/__init__.py": "",
    "src/app/hoc/cus/alpha/engines/e.py": "# Layer: L5 — Domain Engines\n# AUDIENCE: CUSTOMER\nE = 1\n",
    "src/app/hoc/fdr/__init__.py": "",
}


def dry_run(tmp_path: Path, repo: Path, steps: str) -> tuple[int, str, str]:
    plan = tmp_path / "plan.yaml"
    plan.write_text(f"name: t\nsource_roots: [src]\nsteps:\n{steps}", encoding="utf-8")
    out = cli("dry-run", plan, "--repo", repo, "--no-check")
    return out.code, out.stdout, out.stderr


def apply_and_commit(repo: Path, patch: str) -> None:
    assert apply_patch(repo, patch) is None
    git(repo, "commit", "-q", "-m", "applied")


def test_a_chain_of_moves_run_again_is_already_done(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", dict(PACKAGE))
    chain = (
        "  - move: {from: src/app/a.py, to: src/app/t.py}\n"
        "  - move: {from: src/app/t.py, to: src/app/c.py}\n"
    )
    code, diff, _ = dry_run(tmp_path, repo, chain)
    assert code == 0
    apply_and_commit(repo, diff)
    code, diff, err = dry_run(tmp_path, repo, chain)
    assert (code, diff) == (0, "")
    assert "step 1 (move): already done" in err
    assert "later steps moved src/app/t.py on to src/app/c.py" in err


def test_extracting_then_moving_the_package_run_again_is_already_done(tmp_path: Path) -> None:
    files = {
        **PACKAGE,
        "src/app/lib/deep/m.py": "from dataclasses import dataclass\n\n\n@dataclass\nclass D:\n    x: int = 1\n",
    }
    repo = make_repo(tmp_path / "repo", files)
    steps = (
        "  - extract_schema: {from: src/app/lib/deep/m.py, to: src/app/lib/deep/s.py, names: [D]}\n"
        "  - move: {from: src/app/lib/deep, to: src/app/lib/inner}\n"
    )
    code, diff, err = dry_run(tmp_path, repo, steps)
    assert code == 0, err
    apply_and_commit(repo, diff)
    code, diff, err = dry_run(tmp_path, repo, steps)
    assert (code, diff) == (0, ""), err
    assert "step 1 (extract_schema): already done" in err


def test_a_folder_a_move_created_goes_away_when_the_move_is_undone(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", dict(PACKAGE))
    code, diff, _ = dry_run(
        tmp_path,
        repo,
        "  - move: {from: src/app/a.py, to: src/app/x/y/a.py}\n"
        "  - move: {from: src/app/x/y/a.py, to: src/app/a.py}\n",
    )
    assert (code, diff) == (0, "")  # created src/app/x/__init__.py and x/y/, then removed
    code, diff, _ = dry_run(
        tmp_path, repo, "  - move: {from: src/app/a.py, to: src/app/x/y/a.py}\n"
    )
    assert "+++ b/src/app/x/y/__init__.py" in diff
    apply_and_commit(repo, diff)
    code, diff, err = dry_run(
        tmp_path, repo, "  - move: {from: src/app/x/y/a.py, to: src/app/a.py}\n"
    )
    assert "deleted file mode 100644" in diff and "--- a/src/app/x/__init__.py" in diff
    assert "removed src/app/x/y/__init__.py: hoc-migrate created it" in err


def test_folders_a_move_created_go_away_when_emptied_after_their_package_moved_on(
    tmp_path: Path,
) -> None:
    # Found by the property suite: a module moved into a new x/y/, x moved on to z, then the
    # module moved back. Every folder hoc-migrate created goes (z/y/ too, whose docstring
    # must follow the move to be recognised), so the plan run again changes nothing.
    repo = make_repo(tmp_path / "repo", dict(PACKAGE))
    steps = (
        "  - move: {from: src/app/a.py, to: src/app/x/y/a.py}\n"
        "  - move: {from: src/app/x, to: src/app/z}\n"
        "  - move: {from: src/app/z/y/a.py, to: src/app/a.py}\n"
    )
    code, diff, err = dry_run(tmp_path, repo, steps)
    assert (code, diff) == (0, ""), err
    assert "removed src/app/z/y/__init__.py: hoc-migrate created it" in err
    assert "removed src/app/z/__init__.py: hoc-migrate created it" in err


def test_a_folder_the_plan_created_and_later_emptied_is_already_done_run_again(
    tmp_path: Path,
) -> None:
    # Step 2 moves the folder step 1 created; step 3 takes its only file out again: run a
    # second time, step 2 finds its 'from' gone, which is the plan's own doing.
    repo = make_repo(tmp_path / "repo", dict(PACKAGE))
    steps = (
        "  - move: {from: src/app/a.py, to: src/app/new/a.py}\n"
        "  - move: {from: src/app/new, to: src/app/newer}\n"
        "  - move: {from: src/app/newer/a.py, to: src/app/lib/a.py}\n"
    )
    code, diff, err = dry_run(tmp_path, repo, steps)
    assert code == 0, err
    apply_and_commit(repo, diff)
    code, diff, err = dry_run(tmp_path, repo, steps)
    assert (code, diff) == (0, ""), err
    assert "src/app/new was this plan's, later steps emptied it" in err


def test_a_package_moved_to_a_new_folder_keeps_its_own_init(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", dict(PACKAGE))
    code, diff, err = dry_run(
        tmp_path, repo, "  - move: {from: src/app/lib/deep, to: src/app/util}\n"
    )
    assert code == 0, err
    apply_and_commit(repo, diff)
    assert (repo / "src/app/util/__init__.py").read_text() == "from .m import M\n"


def test_a_package_moved_across_audiences_updates_only_declared_audiences(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", dict(PACKAGE))
    code, diff, err = dry_run(
        tmp_path, repo, "  - move: {from: src/app/hoc/cus/alpha, to: src/app/hoc/fdr/alpha}\n"
    )
    assert code == 0, err
    apply_and_commit(repo, diff)
    assert (repo / "src/app/hoc/fdr/alpha/engines/e.py").read_text() == (
        "# Layer: L5 — Domain Engines\n# AUDIENCE: FOUNDER\nE = 1\n"
    )
    assert (repo / "src/app/hoc/fdr/alpha/__init__.py").read_text() == ""


def test_disk_and_git_trees_list_the_same_files_symlinks_excluded(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", dict(PACKAGE))
    (repo / "src/app/link.py").symlink_to(repo / "src/app/a.py")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a link")
    committed = [
        line.split("\t")[1]
        for line in git(repo, "ls-tree", "-r", "HEAD").splitlines()
        if line.startswith("100")
    ]
    assert list(DiskTree(repo).iter_files()) == sorted(committed)
    assert DiskTree(repo).symlinks("src/app") == ["src/app/link.py"]
