"""`shim: true` keeps importers hoc-migrate cannot rewrite (another project, a computed
import name) working exactly as before the move."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.moves.support import apply, export, project, write_plan

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
    assert (branch / "src/pkg/__init__.py").read_text() == (
        "from ._core import VALUE\n"
        "from pkg import _core as core  # noqa: E402, F401 (hoc-migrate shim)\n"
    )


def test_the_shims_pass_a_strict_linter(branch: Path) -> None:
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    done = subprocess.run(
        [
            ruff,
            "check",
            "--isolated",
            "--no-cache",
            "--preview",  # pycodestyle's blank-line rules (E3), which flake8 checks
            "--select",
            "E,W,F,UP,B",
            "--line-length",
            "79",
            "src/pkg/core.py",
            "src/pkg/sub/__init__.py",
        ],
        cwd=branch,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout
    # pycodestyle's E203 (flake8's defaults) flags black's `x[len(a) :]`; ruff does not.
    assert " :]" not in (branch / "src/pkg/sub/__init__.py").read_text()
