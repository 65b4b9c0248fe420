"""Moves on the layouts real projects have, with plans that name no source roots.

Flat and src layouts, tests and docs outside the package, several top-level packages: the
roots are found from the project's metadata or its tree (and `dry-run` says which and why),
and every Python file of the repository that names a moved module follows it.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.moves.support import apply, dry_run, export, project, pytest_passes, run, write_plan
from tests.reliability.harness import cli

pytestmark = pytest.mark.slow

FLAT = {
    "pyproject.toml": """\
        [project]
        name = "shapes"
        version = "1.0"

        [tool.pytest.ini_options]
        pythonpath = ["."]
        filterwarnings = ["error"]
        """,
    "shapes/__init__.py": '"""Shapes."""\n\nfrom shapes.core import area\n',
    "shapes/core.py": "def area(w, h):\n    return w * h\n",
    "shapes/report.py": "from .core import area\n\n\ndef report(w, h):\n    return f'{area(w, h)}'\n",
    "tests/conftest.py": """\
        import pytest

        from shapes.core import area


        @pytest.fixture
        def unit():
            return area(1, 1)
        """,
    "tests/test_core.py": """\
        import shapes.core
        from shapes import core


        def test_area(unit):
            assert shapes.core.area(2, 3) == 6 == core.area(3, 2)
            assert unit == 1
        """,
    "docs/conf.py": "import shapes.core\n\nversion = shapes.core.__name__\n",
    "examples/demo.py": "from shapes.core import area\n\nprint(area(2, 2))\n",
}


def test_a_flat_layout_moves_with_its_tests_docs_and_examples(tmp_path: Path) -> None:
    repo = project(tmp_path / "shapes", FLAT)
    plan = write_plan(
        tmp_path,
        """\
        name: geometry
        steps:
          - move: {from: shapes/core.py, to: shapes/geometry/core.py}
        verify:
          command: ["{python}", -m, pytest, -q, -p, no:cacheprovider]
        """,
    )
    dry = dry_run(plan, repo, "--no-check")
    assert dry.code == 0, dry.stderr
    assert "source roots: . (packages at the repository root: shapes)" in dry.stderr
    for path in ("tests/conftest.py", "tests/test_core.py", "docs/conf.py", "examples/demo.py"):
        assert f"+++ b/{path}" in dry.stdout, path
    assert "+++ b/shapes/geometry/__init__.py" in dry.stdout  # a new package, not a folder

    applied = apply(plan, repo)
    assert applied.code == 0, applied.stdout + applied.stderr
    tree = export(repo, "moved", tmp_path / "branch")
    assert (tree / "tests/conftest.py").read_text().splitlines()[2] == (
        "from shapes.geometry.core import area"
    )
    assert "1 passed" in pytest_passes(tree)  # the project's own test, on the branch
    demo = run(tree, "-c", "import runpy; runpy.run_path('examples/demo.py')")
    assert demo.stdout == "4\n", demo.stderr


SRC = {
    "pyproject.toml": """\
        [build-system]
        requires = ["setuptools"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "inventory"
        version = "1.0"

        [project.scripts]
        inventory = "inventory.cli:main"

        [tool.setuptools.packages.find]
        where = ["src"]

        [tool.pytest.ini_options]
        pythonpath = ["src"]
        """,
    "src/inventory/__init__.py": "",
    "src/inventory/cli.py": "from inventory.stock import count\n\n\ndef main():\n    print(count())\n",
    "src/inventory/stock.py": "def count():\n    return 3\n",
    "src/labels/__init__.py": "from inventory.stock import count as COUNT\n",
    "tests/test_cli.py": """\
        from inventory import cli


        def test_main(capsys):
            cli.main()
            assert capsys.readouterr().out == "3\\n"
        """,
}


def test_a_src_layout_with_two_packages_finds_its_root_in_the_metadata(tmp_path: Path) -> None:
    repo = project(tmp_path / "inventory", SRC)
    plan = write_plan(
        tmp_path,
        """\
        name: commands
        steps:
          - move: {from: src/inventory/cli.py, to: src/inventory/commands/cli.py}
          - move: {from: src/inventory/stock.py, to: src/inventory/_stock.py}
        verify:
          command: ["{python}", -m, pytest, -q, -p, no:cacheprovider]
        """,
    )
    dry = dry_run(plan, repo, "--no-check")
    assert dry.code == 0, dry.stderr
    assert "source roots: src (pyproject.toml [tool.setuptools.packages.find] where)" in dry.stderr
    applied = apply(plan, repo)
    assert applied.code == 0, applied.stdout + applied.stderr
    tree = export(repo, "moved", tmp_path / "branch")
    pyproject = (tree / "pyproject.toml").read_text()
    assert 'inventory = "inventory.commands.cli:main"' in pyproject  # the entry point follows
    assert (tree / "src/labels/__init__.py").read_text() == (
        "from inventory._stock import count as COUNT\n"
    )
    assert (tree / "tests/test_cli.py").read_text().startswith("from inventory.commands import cli")
    pytest_passes(tree)


def test_a_file_whose_name_is_not_an_identifier_is_rewritten_too(tmp_path: Path) -> None:
    # rich keeps generated tables in `_unicode_data/unicode17-0-0.py`, loaded by name.
    files = {
        "pyproject.toml": '[project]\nname = "cells"\nversion = "1"\n',
        "cells/__init__.py": "",
        "cells/widths.py": "WIDE = 2\n",
        "cells/_data/__init__.py": "",
        "cells/_data/unicode17-0-0.py": "from cells.widths import WIDE\n\nTABLE = [WIDE]\n",
        "cells/load.py": (
            "import importlib\n\n\ndef table():\n"
            '    return importlib.import_module("cells._data.unicode17-0-0").TABLE\n'
        ),
    }
    repo = project(tmp_path / "cells", files)
    plan = write_plan(
        tmp_path,
        "name: w\nsteps:\n  - move: {from: cells/widths.py, to: cells/_widths.py}\n",
    )
    dry = dry_run(plan, repo, "--no-check")
    assert dry.code == 0, dry.stderr
    assert "-from cells.widths import WIDE\n+from cells._widths import WIDE\n" in dry.stdout
    assert apply(plan, repo).code == 0
    tree = export(repo, "moved", tmp_path / "branch")
    done = run(tree, "-c", "from cells.load import table; print(table())")
    assert done.stdout == "[2]\n", done.stderr


def test_stubs_move_with_their_module_and_their_relative_imports_follow(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[project]\nname = "typed"\nversion = "1"\n',
        "typed/__init__.py": "",
        "typed/base.py": "class Base: ...\n",
        "typed/base.pyi": "class Base: ...\n",
        "typed/api.py": "from .base import Base\n\n\ndef make():\n    return Base()\n",
        "typed/api.pyi": "from .base import Base\n\ndef make() -> Base: ...\n",
        "typed/py.typed": "",
    }
    repo = project(tmp_path / "typed", files)
    plan = write_plan(
        tmp_path, "name: s\nsteps:\n  - move: {from: typed/api.py, to: typed/public/api.py}\n"
    )
    dry = dry_run(plan, repo, "--no-check")
    assert dry.code == 0, dry.stderr
    assert "rename from typed/api.pyi\nrename to typed/public/api.pyi" in dry.stdout
    # The stub's own relative import is re-based like the module's.
    assert dry.stdout.count("-from .base import Base\n+from ..base import Base\n") == 2


PLUG = {
    "setup.cfg": """\
        [metadata]
        name = plug

        [options]
        packages =
            plug
        package_dir =
            =src
        """,
    "tox.ini": "[pytest]\ntestpaths = testing\npythonpath = src\n",
    "src/plug/__init__.py": "from ._hooks import HookImpl\n",
    "src/plug/_result.py": "class Result:\n    pass\n",
    "src/plug/_hooks.py": """\
        \"\"\"Hook implementations.\"\"\"

        from ._result import Result


        class HookImpl:
            result = Result
        """,
    "src/plug/_callers.py": "from ._hooks import HookImpl\n\n\ndef call():\n    return HookImpl()\n",
    "testing/test_call.py": """\
        from plug._callers import call
        from plug._hooks import HookImpl


        def test_call():
            assert isinstance(call(), HookImpl)
        """,
}


def test_a_module_moved_to_a_new_package_init_keeps_its_code(tmp_path: Path) -> None:
    # pluggy's `_hooks.py` as `_hookspace/__init__.py`: the module becomes the package.
    repo = project(tmp_path / "plug", PLUG)
    plan = write_plan(
        tmp_path,
        """\
        name: hookspace
        steps:
          - move: {from: src/plug/_hooks.py, to: src/plug/_hookspace/__init__.py}
        verify:
          command: ["{python}", -m, pytest, -q, -p, no:cacheprovider]
        """,
    )
    dry = dry_run(plan, repo, "--no-check")
    assert dry.code == 0, dry.stderr
    assert "rename from src/plug/_hooks.py\nrename to src/plug/_hookspace/__init__.py" in dry.stdout
    assert "  total: 1 renamed, 0 added, 0 deleted" in dry.stderr  # no package marker
    applied = apply(plan, repo)
    assert applied.code == 0, applied.stdout + applied.stderr
    tree = export(repo, "moved", tmp_path / "branch")
    # Its code, with its relative import re-based from `plug` to `plug._hookspace`.
    assert (tree / "src/plug/_hookspace/__init__.py").read_text() == textwrap.dedent(
        PLUG["src/plug/_hooks.py"]
    ).replace("from ._result", "from .._result")
    assert (tree / "src/plug/_callers.py").read_text().startswith("from ._hookspace import")
    assert "packages =\n    plug\n    plug._hookspace\n" in (tree / "setup.cfg").read_text()
    pytest_passes(tree)

    # The inverse plan, on that branch, gives back the project as it was.
    inverse = write_plan(
        tmp_path,
        """\
        name: back
        steps:
          - move: {from: src/plug/_hookspace/__init__.py, to: src/plug/_hooks.py}
        verify:
          command: ["{python}", -m, pytest, -q, -p, no:cacheprovider]
        """,
    )
    back = cli("apply", inverse, "--branch", "back", "--base", "moved", "--repo", repo)
    assert back.code == 0, back.stdout + back.stderr
    tree = export(repo, "back", tmp_path / "back")
    for name, text in PLUG.items():
        assert (tree / name).read_text() == textwrap.dedent(text), name
    assert not (tree / "src/plug/_hookspace").exists()
