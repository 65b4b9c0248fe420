"""`shim: true` keeps importers hoc-migrate cannot rewrite (another project, a computed
import name) working exactly as before the move."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hoc_migrate.adapters.filesystem import DiskTree
from hoc_migrate.services.steps.doctest_shims import collects_doctest_modules, with_ignored
from tests.moves.support import apply, dry_run, export, project, pytest_passes, write_plan

pytestmark = pytest.mark.slow

FILES = {
    "pyproject.toml": '[project]\nname = "pkg"\nversion = "1"\n\n[tool.setuptools.packages.find]\nwhere = ["src"]\n',
    "src/pkg/__init__.py": "from .core import VALUE\n",
    "src/pkg/core.py": "VALUE = 1\n_private = 2\n",
    "src/pkg/sub/__init__.py": "X = 3\n",
    "src/pkg/sub/mod.py": "Y = 4\n",
}

PLAN = """\
    name: shims
    steps:
      - move: {from: src/pkg/core.py, to: src/pkg/_core.py, shim: true}
      - move: {from: src/pkg/sub, to: src/pkg/newsub, shim: true}
    """

# An importer outside the repository: nothing rewrites it.
OUTSIDE = """\
    import importlib

    import pkg

    assert pkg.core.VALUE == 1, "import pkg still sets pkg.core"
    old = importlib.import_module("pkg.core")
    import pkg._core
    assert old is pkg._core, "the old name is the moved module itself"
    assert old._private == 2, "private names too"
    from pkg.core import _private

    sub = importlib.import_module("pkg.sub.mod")
    import pkg.newsub.mod
    assert sub is pkg.newsub.mod, "a submodule of a moved package is not a second copy"
    assert importlib.import_module("pkg.sub").X == 3
    print("old imports work")
    """


@pytest.fixture(scope="module")
def branch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp_path = tmp_path_factory.mktemp("shims")
    repo = project(tmp_path / "repo", FILES)
    applied = apply(write_plan(tmp_path, PLAN), repo)
    assert applied.code == 0, applied.stdout + applied.stderr
    return export(repo, "moved", tmp_path / "branch")


def outside(tmp_path: Path, branch: Path, *python_options: str) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "user.py"
    script.write_text(textwrap.dedent(OUTSIDE))
    return subprocess.run(
        [sys.executable, *python_options, str(script)],
        cwd=tmp_path,
        env={"PYTHONPATH": str(branch / "src"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_old_imports_get_the_moved_modules_themselves(tmp_path: Path, branch: Path) -> None:
    done = outside(tmp_path, branch)
    assert done.stdout == "old imports work\n", done.stderr


def test_a_blanket_error_filter_shows_the_warning_without_failing(
    tmp_path: Path, branch: Path
) -> None:
    done = outside(tmp_path, branch, "-W", "error")
    assert done.returncode == 0, done.stderr
    assert "MovedModuleWarning: pkg.core moved to pkg._core; import it from there" in done.stderr


def test_asking_for_deprecations_to_fail_makes_it_fail(tmp_path: Path, branch: Path) -> None:
    done = outside(tmp_path, branch, "-W", "error::DeprecationWarning")
    assert done.returncode == 1
    assert "MovedModuleWarning: pkg.core moved to pkg._core" in done.stderr


def test_a_suite_with_filterwarnings_error_passes_and_reports_it(
    tmp_path: Path, branch: Path
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\nfilterwarnings = ["error"]\n'
    )
    (tmp_path / "test_user.py").write_text(
        "import importlib\n\n\ndef test_old_name():\n"
        '    assert importlib.import_module("pkg.core").VALUE == 1\n'
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_user.py"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(branch / "src"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout
    assert "MovedModuleWarning" in done.stdout  # in pytest's warnings summary


def test_the_shim_and_the_parent_attribute_line_are_marked(branch: Path) -> None:
    shim = (branch / "src/pkg/core.py").read_text()
    assert shim.startswith("# hoc-migrate: compatibility shim (moved to pkg._core)\n")
    # Relative, as the rest of that __init__.
    assert (branch / "src/pkg/__init__.py").read_text() == (
        "from ._core import VALUE\n"
        "from . import _core as core  # noqa: E402, F401 (hoc-migrate shim)\n"
    )


def strict_lint(tree: Path, *paths: str) -> subprocess.CompletedProcess[str]:
    """ruff with pycodestyle's blank-line rules (preview) and PEP 8's 79 columns, as flake8
    and black hold a project to."""
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    return subprocess.run(
        [
            ruff,
            "check",
            "--isolated",
            "--no-cache",
            "--preview",  # pycodestyle's blank-line rules (E3), which flake8 checks
            "--select",
            "E,W,F,UP,B,PYI",
            "--line-length",
            "79",
            *paths,
        ],
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_shims_pass_a_strict_linter(branch: Path) -> None:
    done = strict_lint(branch, "src/pkg/core.py", "src/pkg/sub/__init__.py")
    assert done.returncode == 0, done.stdout
    # pycodestyle's E203 (flake8's defaults) flags black's `x[len(a) :]`; ruff does not.
    assert " :]" not in (branch / "src/pkg/sub/__init__.py").read_text()


def test_the_shims_pass_mypy(branch: Path) -> None:
    # A project that runs mypy on its package gets no new error from a shim.
    mypy = str(Path(sys.executable).parent / "mypy")
    done = subprocess.run(
        [mypy, "--no-incremental", "--cache-dir", os.devnull, "pkg/core.py", "pkg/sub/__init__.py"],
        cwd=branch / "src",
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout


# Shaped like more-itertools: a typed flat package whose modules have stubs beside them, its
# `__init__` star-importing them, pytest collecting the doctests of every module.
TYPED = {
    "pyproject.toml": (
        '[project]\nname = "pkg"\nversion = "1"\n\n'
        '[tool.pytest.ini_options]\naddopts = "--doctest-modules"\n'
    ),
    "pkg/__init__.py": "from .recipes import *  # noqa\n",
    "pkg/py.typed": "",
    "pkg/recipes.py": (
        "def take(n, iterable):\n"
        '    """The first n items.\n\n'
        "    >>> take(2, 'abc')\n"
        "    ['a', 'b']\n"
        '    """\n'
        "    return list(iterable)[:n]\n"
    ),
    "pkg/recipes.pyi": (
        "from typing import Iterable, TypeVar\n\n_T = TypeVar('_T')\n\n"
        "def take(n: int, iterable: Iterable[_T]) -> list[_T]: ...\n"
    ),
    "tests/test_recipes.py": (
        "from pkg.recipes import take\n\n\ndef test_take():\n    assert take(1, 'ab') == ['a']\n"
    ),
}

# A shim, then its module moved on with its package: the names are long enough to wrap.
TYPED_PLAN = """\
    name: typed
    steps:
      - move: {from: pkg/recipes.py, to: pkg/implementation/itertools_recipes.py, shim: true}
      - move: {from: pkg/implementation, to: pkg/_implementation_details}
    """
FINAL = "pkg._implementation_details.itertools_recipes"


@pytest.fixture(scope="module")
def typed_branch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp_path = tmp_path_factory.mktemp("typed")
    repo = project(tmp_path / "repo", TYPED)
    applied = apply(write_plan(tmp_path, TYPED_PLAN), repo)
    assert applied.code == 0, applied.stdout + applied.stderr
    return export(repo, "moved", tmp_path / "branch")


def test_a_shim_names_where_its_module_ended_up(typed_branch: Path) -> None:
    shim = (typed_branch / "pkg/recipes.py").read_text()
    stub = (typed_branch / "pkg/recipes.pyi").read_text()
    assert "pkg.implementation." not in shim + stub
    assert shim.startswith(
        "# hoc-migrate: compatibility shim (moved to\n"
        f"# {FINAL})\n"
        '"""Deprecated: this module moved.\n\n'
        f"`pkg.recipes` is `{FINAL}` under its old\n"
        "name.\n"
        '"""\n'
    )
    assert f'_NEW = "{FINAL}"' in shim


def test_a_module_with_a_stub_leaves_a_stub_beside_its_shim(
    tmp_path: Path, typed_branch: Path
) -> None:
    assert (typed_branch / "pkg/recipes.pyi").read_text() == (
        "# hoc-migrate: compatibility shim (moved to\n"
        f"# {FINAL})\n"
        "# The moved module's names under its old name, for type checkers.\n\n"
        f"from {FINAL} import *  # noqa: F403\n"
    )
    # A user's code that imports the old name keeps its types.
    (tmp_path / "user.py").write_text("from pkg.recipes import take\n\nreveal_type(take(1, [1]))\n")
    mypy = str(Path(sys.executable).parent / "mypy")
    done = subprocess.run(
        [mypy, "--no-incremental", "--cache-dir", os.devnull, "user.py"],
        cwd=tmp_path,
        env={"MYPYPATH": str(typed_branch), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout
    assert re.search(r'Revealed type is "(builtins\.)?list\[(builtins\.)?int\]"', done.stdout)


# Shaped like tomlkit: a typed package (py.typed) with inline annotations and no stubs, whose
# users import the modules that move (`from tomlkit.items import Table`).
INLINE = {
    "pyproject.toml": '[project]\nname = "pkg"\nversion = "1"\n',
    "pkg/__init__.py": "",
    "pkg/py.typed": "",
    "pkg/items.py": "def double(x: int) -> int:\n    return 2 * x\n",
    "pkg/model/__init__.py": "X: int = 3\n",
    "pkg/model/table.py": "Y: str = 'y'\n",
}
INLINE_PLAN = """\
    name: inline
    steps:
      - move: {from: pkg/items.py, to: pkg/_items.py, shim: true}
      - move: {from: pkg/model, to: pkg/_model, shim: true}
    """
INLINE_USER = """\
    from pkg.items import double
    from pkg.model import X
    from pkg.model.table import Y

    reveal_type(double(1))
    reveal_type(X)
    reveal_type(Y)
    """


def test_the_shims_of_a_typed_package_keep_its_users_types(tmp_path: Path) -> None:
    repo = project(tmp_path / "repo", INLINE)
    plan = write_plan(tmp_path, INLINE_PLAN)
    planned = dry_run(plan, repo)
    assert (
        "left a shim at pkg/items.py (and a stub re-exporting its names, for type checkers: "
        "pkg/py.typed marks the package typed)" in planned.stderr
    )
    assert "left a shim at pkg/model (and 2 stubs re-exporting their names" in planned.stderr
    applied = apply(plan, repo)
    assert applied.code == 0, applied.stdout + applied.stderr
    branch = export(repo, "moved", tmp_path / "branch")
    assert (
        (branch / "pkg/items.pyi")
        .read_text()
        .endswith("\nfrom pkg._items import *  # noqa: F403\n")
    )
    assert (
        (branch / "pkg/model/table.pyi")
        .read_text()
        .endswith("\nfrom pkg._model.table import *  # noqa: F403\n")
    )
    # A user's code that imports the old names keeps its types: without the stubs, mypy
    # reads the shims, which define none of them.
    (tmp_path / "user.py").write_text(textwrap.dedent(INLINE_USER))
    mypy = str(Path(sys.executable).parent / "mypy")
    done = subprocess.run(
        [mypy, "--no-incremental", "--cache-dir", os.devnull, "user.py"],
        cwd=tmp_path,
        env={"MYPYPATH": str(branch), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout
    revealed = re.findall(r'Revealed type is "(?:builtins\.)?(\w+)"', done.stdout)
    assert revealed == ["int", "int", "str"], done.stdout
    assert strict_lint(branch, "pkg/items.pyi", "pkg/model").returncode == 0


def test_a_typed_package_moved_with_a_shim_stays_typed_under_its_old_name(
    tmp_path: Path,
) -> None:
    files = {
        "pyproject.toml": '[project]\nname = "tk"\nversion = "1"\n',
        "tk/__init__.py": "from tk.mod import f\n",
        "tk/py.typed": "partial\n",
        "tk/mod.py": "def f() -> int:\n    return 1\n",
    }
    repo = project(tmp_path / "repo", files)
    plan = write_plan(tmp_path, "name: r\nsteps:\n  - move: {from: tk, to: toml_kit, shim: true}\n")
    planned = dry_run(plan, repo)
    assert "stub of" not in planned.stderr  # the shim's stubs are not stale stubs
    assert apply(plan, repo).code == 0
    branch = export(repo, "moved", tmp_path / "branch")
    # Type checkers read an installed package only with its marker.
    assert (branch / "tk/py.typed").read_text() == "partial\n"
    assert (branch / "toml_kit/py.typed").read_text() == "partial\n"
    assert "from toml_kit import *" in (branch / "tk/__init__.pyi").read_text()
    assert "from toml_kit.mod import *" in (branch / "tk/mod.pyi").read_text()


def test_an_untyped_package_gets_no_stubs_beside_its_shims(branch: Path) -> None:
    assert not list(branch.rglob("*.pyi"))


def test_the_shim_and_its_stub_pass_a_strict_linter_with_long_names(typed_branch: Path) -> None:
    done = strict_lint(typed_branch, "pkg/recipes.py", "pkg/recipes.pyi", "pkg/__init__.py")
    assert done.returncode == 0, done.stdout


def test_pytest_doctest_modules_skips_the_shim_and_runs_the_doctests_once(
    typed_branch: Path,
) -> None:
    assert (typed_branch / "conftest.py").read_text() == (
        "# hoc-migrate: the compatibility shims left where modules moved are those\n"
        "# modules under their old names; pytest --doctest-modules would import them\n"
        "# from the old paths too and stop on the mismatch.\n"
        "collect_ignore = [\n"
        '    "pkg/recipes.py",\n'
        "]\n"
    )
    last = pytest_passes(typed_branch)  # the doctest and the test
    assert last.startswith("2 passed"), last


def test_collect_ignore_joins_what_the_conftest_already_has() -> None:
    conftest = b'collect_ignore = ["setup.py"]\n'
    once = with_ignored(conftest, "pkg/a.py")
    twice = with_ignored(once, "pkg/b.py")
    assert twice == (
        b'collect_ignore = ["setup.py"]\n\n\n'
        b"# hoc-migrate: the compatibility shims left where modules moved are those\n"
        b"# modules under their old names; pytest --doctest-modules would import them\n"
        b"# from the old paths too and stop on the mismatch.\n"
        b"collect_ignore += [\n"
        b'    "pkg/a.py",\n'
        b'    "pkg/b.py",\n'
        b"]\n"
    )
    assert with_ignored(twice, "pkg/a.py") == twice
    namespace: dict[str, object] = {}
    exec(twice, namespace)
    assert namespace["collect_ignore"] == ["setup.py", "pkg/a.py", "pkg/b.py"]


@pytest.mark.parametrize(
    ("files", "command", "collects"),
    [
        ({"pytest.ini": "[pytest]\naddopts = -ra --doctest-modules\n"}, None, True),
        ({"setup.cfg": "[tool:pytest]\naddopts = --doctest-modules\n"}, None, True),
        ({"pyproject.toml": '[tool.pytest.ini_options]\naddopts = ["-q"]\n'}, None, False),
        ({}, ("{python}", "-m", "pytest", "--doctest-modules", "pkg"), True),
        ({}, "python -m pytest -q --doctest-modules", True),
        ({}, ("{python}", "-m", "pytest", "--doctest-glob=*.rst"), False),
    ],
)
def test_doctest_collection_is_read_from_the_configuration_or_the_verify_command(
    tmp_path: Path,
    files: dict[str, str],
    command: tuple[str, ...] | str | None,
    collects: bool,
) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    assert collects_doctest_modules(DiskTree(tmp_path), command) is collects
