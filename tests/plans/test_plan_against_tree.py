"""A valid plan is checked against the tree before anything runs: every problem at once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hoc_migrate.adapters.filesystem import DiskTree
from hoc_migrate.adapters.plan_file import load_plan_data
from hoc_migrate.core.errors import PlanError
from hoc_migrate.core.plan import parse_plan
from hoc_migrate.services.plan_validation import validate_against_tree

TREE = {
    "src/app/__init__.py": "",
    "src/app/a.py": "A = 1\n",
    "src/app/b.py": "B = 1\n",
    "src/app/pkg/__init__.py": "",
    "src/app/pkg/m.py": "M = 1\n",
    "README.md": "docs\n",
}


def check(root: Path, steps: str) -> list[str]:
    data, lines = load_plan_data(f"name: t\nsteps:\n{steps}", "plan.yaml")
    plan = parse_plan(data, lines, "plan.yaml")
    try:
        validate_against_tree(plan, DiskTree(root), ["src"])
    except PlanError as exc:
        return [str(p) for p in exc.problems]
    return []


@pytest.fixture
def root(tmp_path: Path) -> Path:
    for name, text in TREE.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def test_a_fitting_plan_passes_including_moves_that_free_a_destination(root: Path) -> None:
    assert (
        check(
            root,
            "  - move: {from: src/app/a.py, to: src/app/c.py}\n"
            "  - move: {from: src/app/b.py, to: src/app/a.py}\n"
            "  - move: {from: src/app/pkg, to: src/app/newpkg}\n"
            "  - fix_header: {path: 'src/app/newpkg/*.py', layer: L5}\n",
        )
        == []
    )


def test_every_problem_against_the_tree_is_reported(root: Path) -> None:
    problems = check(
        root,
        "  - move: {from: src/app/missing.py, to: src/app/x.py}\n"
        "  - move: {from: src/app/a.py, to: src/app/b.py}\n"
        "  - move: {from: /etc/passwd, to: src/app/p.py}\n"
        "  - move: {from: src/app/a.py, to: ../outside.py}\n"
        "  - move: {from: src/app/a.py, to: src/app/a.py}\n"
        "  - move: {from: src/app/a.py, to: src/app/A.py}\n"
        "  - move: {from: src/app/a.py, to: 'src/app/has space.py'}\n"
        "  - move: {from: src/app/pkg, to: src/app/pkg/inner}\n"
        "  - fix_header: {path: 'src/nothing/*.py'}\n"
        "  - move: {from: README.md, to: src/app/readme.py}\n",
    )
    assert problems == [
        "plan.yaml:3: step 1 (move): 'from' does not exist: src/app/missing.py",
        "plan.yaml:4: step 2 (move): 'to' already exists: src/app/b.py",
        "plan.yaml:5: step 3 (move): 'from': '/etc/passwd' is absolute; plan paths are relative "
        "to the repository root",
        "plan.yaml:6: step 4 (move): 'to': '../outside.py' contains '..'; plan paths may not "
        "leave the repository",
        "plan.yaml:7: step 5 (move): 'src/app/a.py' is moved onto itself",
        "plan.yaml:8: step 6 (move): 'src/app/a.py' -> 'src/app/A.py' only changes letter case, "
        "which breaks on case-insensitive file systems (macOS, Windows); move it through "
        "another name in two plans",
        "plan.yaml:9: step 7 (move): 'to' is not an importable module path inside a source root "
        "(src): src/app/has space.py",
        "plan.yaml:10: step 8 (move): cannot move the package src/app/pkg into itself",
        "plan.yaml:11: step 9 (fix_header): 'path' matches no file: src/nothing/*.py",
        "plan.yaml:12: step 10 (move): a file move goes from a .py file to a .py file",
    ]


def test_a_source_moved_away_by_an_earlier_step_is_named(root: Path) -> None:
    problems = check(
        root,
        "  - move: {from: src/app/a.py, to: src/app/c.py}\n"
        "  - move: {from: src/app/a.py, to: src/app/d.py}\n",
    )
    # step 2's source was moved by step 1 and its destination is free: "already done" is not
    # possible, so it is an error naming step 1.
    assert problems == [
        "plan.yaml:4: step 2 (move): 'from' does not exist: src/app/a.py (step 1 moved it away)"
    ]


def test_a_package_init_moved_without_the_modules_beside_it_is_refused(root: Path) -> None:
    # The package `app.pkg` would be renamed `app.flat`, leaving `app.pkg.m` behind.
    problems = check(root, "  - move: {from: src/app/pkg/__init__.py, to: src/app/flat.py}\n")
    assert problems == [
        "plan.yaml:3: step 1 (move): src/app/pkg/__init__.py makes src/app/pkg a package, which "
        "holds other modules too (src/app/pkg/m.py): move the folder src/app/pkg, or move "
        "those modules first"
    ]
    # Once its modules have gone, the package's `__init__.py` may become a module.
    assert (
        check(
            root,
            "  - move: {from: src/app/pkg/m.py, to: src/app/m.py}\n"
            "  - move: {from: src/app/pkg/__init__.py, to: src/app/flat.py}\n",
        )
        == []
    )


@pytest.mark.skipif(os.name == "nt", reason="symlinks")
def test_symlinks_pointing_outside_are_refused(root: Path, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    outside = tmp_path_factory.mktemp("outside")
    (root / "src/app/escape").symlink_to(outside, target_is_directory=True)
    (root / "src/app/link.py").symlink_to(root / "src/app/b.py")
    problems = check(
        root,
        "  - move: {from: src/app/a.py, to: src/app/escape/a.py}\n"
        "  - move: {from: src/app/a.py, to: src/app/link.py}\n",
    )
    assert problems == [
        "plan.yaml:3: step 1 (move): 'to': src/app/escape/a.py is or passes through a symbolic "
        "link; hoc-migrate does not move or write through links",
        "plan.yaml:4: step 2 (move): 'to': src/app/link.py is or passes through a symbolic link; "
        "hoc-migrate does not move or write through links",
    ]
