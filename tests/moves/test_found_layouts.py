"""Source roots found without `source_roots` in the plan: from each project's packaging
metadata (the repository's, and that of projects in subfolders), else from the tree (a
`src/` folder holding packages, namespace packages included), else from where the absolute
imports point. `dry-run` and `plan explain` say which roots and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from hoc_migrate.services.layout import find_layout
from tests.check.support import MemoryTree
from tests.moves.support import apply, dry_run, export, project, run, write_plan
from tests.reliability.harness import cli

pytestmark = pytest.mark.slow


def test_a_src_folder_holding_a_namespace_package_is_a_source_root(tmp_path: Path) -> None:
    # No `src/acme/__init__.py`, no packaging metadata: `acme` is a namespace package.
    files = {
        "src/acme/tools/util.py": "def f():\n    return 1\n",
        "tests/test_x.py": "from acme.tools.util import f\n\n\ndef test_f():\n    assert f() == 1\n",
    }
    repo = project(tmp_path / "acme", files)
    plan = write_plan(
        tmp_path,
        "name: n\nsteps:\n  - move: {from: src/acme/tools/util.py, to: src/acme/tools/helpers.py}\n",
    )
    dry = dry_run(plan, repo, "--no-check")
    assert dry.code == 0, dry.stderr
    assert (
        "source roots: src (src/ holds acme (a src layout; namespace package: acme))" in dry.stderr
    )
    assert "-from acme.tools.util import f\n+from acme.tools.helpers import f\n" in dry.stdout
    applied = apply(plan, repo)
    assert applied.code == 0, applied.stdout + applied.stderr
    tree = export(repo, "moved", tmp_path / "branch")
    done = run(
        tree, "-c", "import sys; sys.path[:0] = ['src', 'tests']; import test_x; test_x.test_f()"
    )
    assert done.returncode == 0, done.stderr


ALPHA_BETA = {
    "libs/alpha/alpha/__init__.py": "",
    "libs/alpha/alpha/core.py": "def f():\n    return 1\n",
    "libs/beta/beta/__init__.py": "",
    "libs/beta/beta/use.py": "from alpha.core import f\n\nX = f()\n",
}
MOVE_CORE = (
    "name: m\nsteps:\n  - move: {from: libs/alpha/alpha/core.py, to: libs/alpha/alpha/base.py}\n"
)
IMPORT_BETA = (
    "import sys\nsys.path[:0] = ['libs/alpha', 'libs/beta']\nfrom beta.use import X\nprint(X)\n"
)


def _moves_across_roots(tmp_path: Path, files: dict[str, str], roots_line: str) -> None:
    repo = project(tmp_path / "mono", {**ALPHA_BETA, **files})
    plan = write_plan(tmp_path, MOVE_CORE)
    explained = cli("plan", "explain", plan, "--repo", repo)
    assert explained.code == 0, explained.stderr
    assert f"source roots: {roots_line}" in explained.stdout
    dry = dry_run(plan, repo, "--no-check")
    assert dry.code == 0, dry.stderr
    assert f"source roots: {roots_line}" in dry.stderr
    assert "-from alpha.core import f\n+from alpha.base import f\n" in dry.stdout
    applied = apply(plan, repo)
    assert applied.code == 0, applied.stdout + applied.stderr
    tree = export(repo, "moved", tmp_path / "branch")
    done = run(tree, "-c", IMPORT_BETA)
    assert done.stdout == "1\n", done.stderr


SETUPTOOLS = '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'


@pytest.mark.parametrize(
    ("alpha", "alpha_reason"),
    [
        (
            SETUPTOOLS + '\n[project]\nname = "alpha"\nversion = "1"\n',
            "setuptools finds the project's package at alpha",
        ),
        (
            SETUPTOOLS + '\n[tool.setuptools]\npackages = ["alpha"]\n',
            "pyproject.toml [tool.setuptools] packages",
        ),
    ],
)
def test_projects_in_subfolders_are_found_from_their_own_metadata(
    tmp_path: Path, alpha: str, alpha_reason: str
) -> None:
    files = {
        "libs/alpha/pyproject.toml": alpha,
        # No build system and no [tool.setuptools]: setuptools' automatic discovery.
        "libs/beta/pyproject.toml": '[project]\nname = "beta"\nversion = "1"\n',
        # The repository's own pyproject.toml holds only tool settings.
        "pyproject.toml": "[tool.ruff]\nline-length = 100\n",
    }
    roots = (
        f"libs/alpha (project libs/alpha/: {alpha_reason}), "
        "libs/beta (project libs/beta/: packages at the project's root: beta)"
    )
    _moves_across_roots(tmp_path, files, roots)


def test_without_metadata_the_roots_are_where_the_absolute_imports_point(
    tmp_path: Path,
) -> None:
    # No layers configured either: every file votes, not only those in a layer.
    files = {"tests/test_use.py": "from beta.use import X\n\n\ndef test_x():\n    assert X == 1\n"}
    voted = "the folders the absolute imports point to"
    _moves_across_roots(tmp_path, files, f"libs/alpha ({voted}), libs/beta ({voted})")


def test_a_sample_project_among_the_tests_is_no_source_root() -> None:
    tree = MemoryTree(
        {
            "shop/__init__.py": "",
            "tests/data/sample/pyproject.toml": '[project]\nname = "sample"\n',
            "tests/data/sample/sample/__init__.py": "",
        }
    )
    assert find_layout(tree).describe() == [". (packages at the repository root: shop)"]


POETRY = '[tool.poetry]\nname = "tool"\npackages = [{include = "tool", from = "src"}]\n'
PDM = '[tool.pdm.build]\npackage-dir = "src"\n'
HATCH_PACKAGES = '[tool.hatch.build.targets.wheel]\npackages = ["src/tool"]\n'
HATCH_SOURCES = '[tool.hatch.build.targets.wheel]\nsources = ["src"]\n'
SETUP_CFG = "[options]\npackage_dir =\n    =src\npackages = find:\n"
SETUP_PY = 'from setuptools import find_packages, setup\n\nsetup(packages=find_packages("src"))\n'


@pytest.mark.parametrize(
    ("metadata", "root", "reason"),
    [
        ({"pyproject.toml": POETRY}, "src", "pyproject.toml [tool.poetry] packages"),
        (
            {"pyproject.toml": '[tool.flit.module]\nname = "tool"\n'},
            "src",
            "pyproject.toml [tool.flit.module] name",
        ),
        ({"pyproject.toml": PDM}, "src", "pyproject.toml [tool.pdm.build] package-dir"),
        (
            {"pyproject.toml": HATCH_PACKAGES},
            "src",
            "pyproject.toml [tool.hatch.build.targets.wheel] packages",
        ),
        (
            {"pyproject.toml": HATCH_SOURCES},
            "src",
            "pyproject.toml [tool.hatch.build.targets.wheel] sources",
        ),
        (
            {
                "pyproject.toml": '[build-system]\nbuild-backend = "flit_core.buildapi"\n\n'
                '[project]\nname = "tool"\n'
            },
            "src",
            "flit finds the project's package at src/tool",
        ),
        ({"setup.cfg": SETUP_CFG}, "src", "setup.cfg [options] package_dir"),
        ({"setup.py": SETUP_PY}, "src", "setup.py find_packages(where)"),
        (
            {"libs/tool/pyproject.toml": POETRY},
            "libs/tool/src",
            "project libs/tool/: pyproject.toml [tool.poetry] packages",
        ),
    ],
)
def test_each_kind_of_metadata_names_its_root_and_why(
    metadata: dict[str, str], root: str, reason: str
) -> None:
    # The package sits under `src/` of its project, with a decoy package at the root that
    # the tree's shape alone would take.
    where = root.removesuffix("src")
    tree = MemoryTree({**metadata, f"{root}/tool/__init__.py": "", f"{where}decoy/__init__.py": ""})
    layout = find_layout(tree)
    assert [(r.root, r.reason) for r in layout.roots] == [(root, reason)]
