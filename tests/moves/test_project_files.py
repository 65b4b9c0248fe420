"""Packaging and tool configuration follow a move where the key's meaning is known; every
other mention is listed, with file and line, and never changed."""

from __future__ import annotations

import json
from pathlib import Path
from textwrap import dedent

import pytest

from tests.moves.support import (
    apply,
    dry_run,
    export,
    project,
    pytest_passes,
    run,
    write_plan,
)
from tests.reliability.harness import cli

pytestmark = pytest.mark.slow

CLI = "def main():\n    print('hello')\n"
MOVE_CLI = "name: c\nsteps:\n  - move: {from: tool/cli.py, to: tool/commands/cli.py}\n"


def moved_tree(tmp_path: Path, files: dict[str, str], plan_text: str = MOVE_CLI) -> Path:
    repo = project(tmp_path / "repo", {"tool/__init__.py": "", "tool/cli.py": CLI, **files})
    result = apply(write_plan(tmp_path, plan_text), repo)
    assert result.code == 0, result.stdout + result.stderr
    return export(repo, "moved", tmp_path / "branch")


def test_pyproject_entry_points_and_tool_settings_follow(tmp_path: Path) -> None:
    pyproject = """\
        [project]
        name = "tool"
        version = "1"

        [project.scripts]
        tool = "tool.cli:main"  # the command line

        [project.entry-points."tool.plugins"]
        hello = 'tool.cli:main'

        [tool.coverage.run]
        source = ["tool.cli"]

        [[tool.mypy.overrides]]
        module = ["tool.cli", "tool.other"]
        ignore_errors = true

        [tool.pytest.ini_options]
        addopts = "-ra -p tool.cli"

        [tool.ruff.lint.per-file-ignores]
        "tool/cli.py" = ["T201"]
        """
    tree = moved_tree(tmp_path, {"pyproject.toml": pyproject})
    assert (tree / "pyproject.toml").read_text() == dedent(pyproject).replace(
        "tool.cli", "tool.commands.cli"
    ).replace('"tool/cli.py"', '"tool/commands/cli.py"')


def test_hatch_build_paths_follow_a_package_rename(tmp_path: Path) -> None:
    """black's pyproject lists the modules mypyc must not compile by path, anchored at the
    root (`"/src/blib2to3/pgen2/__init__.py"`): left as it was, the wheel hook compiled the
    renamed package's `__init__` and nothing said the setting had gone stale."""
    pyproject = """\
        [project]
        name = "tool"
        version = "1"

        [tool.hatch.build.targets.sdist]
        exclude = ["/profiling"]

        [tool.hatch.build.targets.wheel]
        only-include = ["src"]
        sources = ["src"]

        [tool.hatch.build.targets.wheel.hooks.mypyc]
        exclude = [
          # Not performance sensitive:
          "/src/tool/pgen2/__init__.py",
          "/src/tool/cli.py",
        ]
        """
    files = {
        "pyproject.toml": pyproject,
        "src/tool/__init__.py": "",
        "src/tool/cli.py": CLI,
        "src/tool/pgen2/__init__.py": "",
        "src/tool/pgen2/driver.py": "from tool.pgen2 import grammar\n",
        "src/tool/pgen2/grammar.py": "",
    }
    repo = project(tmp_path / "repo", files)
    plan = "name: p\nsteps:\n  - move: {from: src/tool/pgen2, to: src/tool/parser}\n"
    result = apply(write_plan(tmp_path, plan), repo)
    assert result.code == 0, result.stdout + result.stderr
    tree = export(repo, "moved", tmp_path / "branch")
    assert (tree / "pyproject.toml").read_text() == dedent(pyproject).replace(
        "/src/tool/pgen2/", "/src/tool/parser/"
    )
    assert (tree / "src/tool/parser/driver.py").read_text() == "from tool.parser import grammar\n"


def test_setup_cfg_and_a_literal_setup_py_follow(tmp_path: Path) -> None:
    setup_cfg = (
        "[metadata]\nname = tool\n\n[options]\npackages = find:\n\n"
        "[options.entry_points]\nconsole_scripts =\n    tool = tool.cli:main\n"
        "    other = tool.other:main\n\n[mypy-tool.cli]\nignore_errors = True\n"
    )
    setup_py = (
        "from setuptools import setup\n\n"
        'setup(entry_points={"console_scripts": ["tool2 = tool.cli:main"]})\n'
    )
    tree = moved_tree(tmp_path, {"setup.cfg": setup_cfg, "setup.py": setup_py})
    assert (tree / "setup.cfg").read_text() == setup_cfg.replace(
        "tool = tool.cli:main", "tool = tool.commands.cli:main"
    ).replace("[mypy-tool.cli]", "[mypy-tool.commands.cli]")
    assert (tree / "setup.py").read_text() == setup_py.replace("tool.cli", "tool.commands.cli")


def test_import_linter_contracts_follow_a_package_rename(tmp_path: Path) -> None:
    pyproject = (
        '[tool.importlinter]\nroot_package = "tool"\n\n[[tool.importlinter.contracts]]\n'
        'name = "layers"\ntype = "layers"\nlayers = ["tool.cli", "tool.core"]\n'
        'ignore_imports = ["tool.core.x -> tool.cli"]\n'
    )
    files = {"pyproject.toml": pyproject, "tool/core/__init__.py": "", "tool/core/x.py": ""}
    plan = "name: c\nsteps:\n  - move: {from: tool/core, to: tool/engine}\n"
    tree = moved_tree(tmp_path, files, plan)
    assert (tree / "pyproject.toml").read_text() == pyproject.replace("tool.core", "tool.engine")


def test_mentions_inside_longer_strings_comments_and_docs_are_listed(tmp_path: Path) -> None:
    files = {
        "tool/run.py": (
            '"""Runs tool.cli in a subprocess."""\n'
            "import subprocess, sys\n\n"
            "CODE = 'from tool.cli import main; main()'\n"
            "# see tool/cli.py\n"
            "subprocess.run([sys.executable, '-c', CODE])\n"
        ),
        "README.md": "Run `python -m tool.cli`.\n",
    }
    repo = project(tmp_path / "repo", {"tool/__init__.py": "", "tool/cli.py": CLI, **files})
    plan = write_plan(tmp_path, MOVE_CLI)
    dry = dry_run(plan, repo, "--no-check", "--format", "json")
    assert dry.code == 0, dry.stderr
    refs = [(r["path"], r["line"]) for r in json.loads(dry.stdout)["references_to_review"]]
    assert refs == [("README.md", 1), ("tool/run.py", 1), ("tool/run.py", 4), ("tool/run.py", 5)]
    # Listed by apply too, and in the PR description.
    applied = apply(plan, repo)
    assert applied.code == 0, applied.stderr
    assert "tool/run.py:4: CODE = 'from tool.cli import main; main()'" in applied.stderr
    pr = cli("pr", plan, "--branch", "moved", "--repo", repo, "--out", repo / "pr")
    assert pr.code == 0, pr.stderr
    assert "tool/run.py:4" in (repo / "pr" / "PR.md").read_text()


def test_docs_true_rewrites_exact_names_in_comments_and_docstrings(tmp_path: Path) -> None:
    run_py = '"""Wraps tool.cli.main."""\n\nfrom tool.cli import main  # tool.cli is the CLI\n'
    plan = "name: c\nsteps:\n  - move: {from: tool/cli.py, to: tool/commands/cli.py, docs: true}\n"
    tree = moved_tree(tmp_path, {"tool/run.py": run_py}, plan)
    assert (tree / "tool/run.py").read_text() == run_py.replace("tool.cli", "tool.commands.cli")


def test_a_repository_root_source_root_gets_packages_for_new_folders(tmp_path: Path) -> None:
    plan = (
        'name: c\nsource_roots: ["."]\nsteps:\n'
        "  - move: {from: tool/cli.py, to: tool/commands/cli.py}\n"
    )
    tree = moved_tree(tmp_path, {}, plan)
    assert (tree / "tool/commands/__init__.py").is_file()


def test_a_package_moved_whole_keeps_its_inner_relative_imports_byte_for_byte(
    tmp_path: Path,
) -> None:
    inner = "from . import b\nfrom .b import B\nfrom .. import cli\n"
    files = {"tool/core/__init__.py": "", "tool/core/a.py": inner, "tool/core/b.py": "B = 1\n"}
    repo = project(tmp_path / "repo", {"tool/__init__.py": "", "tool/cli.py": CLI, **files})
    plan = write_plan(tmp_path, "name: c\nsteps:\n  - move: {from: tool/core, to: tool/engine}\n")
    dry = dry_run(plan, repo, "--no-check")
    assert dry.code == 0, dry.stderr
    assert "rename from tool/core/a.py\nrename to tool/engine/a.py" in dry.stdout
    assert "similarity index 100%\nrename from tool/core/a.py" in dry.stdout


def test_explicit_package_lists_and_the_version_attribute_follow(tmp_path: Path) -> None:
    pyproject = (
        '[project]\nname = "tool"\ndynamic = ["version"]\n\n[tool.setuptools]\n'
        'packages = ["tool"]\n\n[tool.setuptools.dynamic]\n'
        "version = {attr = 'tool.cli.__version__'}\n"
    )
    setup_py = (
        "from setuptools import setup\n\nsetup(\n    packages=[\n        'tool',\n    ],\n)\n"
    )
    setup_cfg = (
        "[metadata]\nversion = attr: tool.cli.__version__\n\n[options]\npackages =\n    tool\n"
    )
    tree = moved_tree(
        tmp_path, {"pyproject.toml": pyproject, "setup.py": setup_py, "setup.cfg": setup_cfg}
    )
    # The new package `tool.commands` joins every list that names `tool`, so wheels ship it.
    assert (tree / "pyproject.toml").read_text() == pyproject.replace(
        "tool.cli", "tool.commands.cli"
    ).replace('packages = ["tool"]', 'packages = ["tool", "tool.commands"]')
    assert (tree / "setup.py").read_text() == setup_py.replace(
        "        'tool',\n", "        'tool',\n        'tool.commands',\n"
    )
    assert (tree / "setup.cfg").read_text() == setup_cfg.replace(
        "tool.cli", "tool.commands.cli"
    ).replace("    tool\n", "    tool\n    tool.commands\n")


def test_a_plan_and_its_inverse_give_back_the_package_lists(tmp_path: Path) -> None:
    # The package the first plan created leaves the lists when the inverse removes it:
    # setuptools refuses to build a listed package whose folder does not exist.
    pyproject = (
        '[project]\nname = "tool"\nversion = "1"\n\n[tool.setuptools]\npackages = ["tool"]\n'
    )
    setup_py = (
        "from setuptools import setup\n\nsetup(\n    packages=[\n        'tool',\n    ],\n)\n"
    )
    setup_cfg = "[options]\npackages =\n    tool\n"
    files = {"pyproject.toml": pyproject, "setup.py": setup_py, "setup.cfg": setup_cfg}
    repo = project(tmp_path / "repo", {"tool/__init__.py": "", "tool/cli.py": CLI, **files})
    assert apply(write_plan(tmp_path, MOVE_CLI), repo).code == 0
    moved = export(repo, "moved", tmp_path / "moved")
    assert "tool.commands" in (moved / "setup.cfg").read_text()
    inverse = "name: c\nsteps:\n  - move: {from: tool/commands/cli.py, to: tool/cli.py}\n"
    plan = write_plan(tmp_path, inverse)
    back = cli("apply", plan, "--branch", "back", "--base", "moved", "--repo", repo)
    assert back.code == 0, back.stdout + back.stderr
    tree = export(repo, "back", tmp_path / "back")
    for name, text in files.items():
        assert (tree / name).read_text() == text, name
    assert not (tree / "tool/commands").exists()


def test_a_package_hoc_migrate_created_names_itself_after_a_later_move(tmp_path: Path) -> None:
    plan = (
        "name: c\nsteps:\n"
        "  - move: {from: tool/cli.py, to: tool/_core/cli.py}\n"
        "  - move: {from: tool/_core, to: tool/_impl}\n"
    )
    tree = moved_tree(tmp_path, {}, plan)
    assert (tree / "tool/_impl/__init__.py").read_text() == '"""The tool._impl package."""\n'


def test_an_entry_point_group_named_like_a_moved_package_is_not_rewritten(
    tmp_path: Path,
) -> None:
    # Python-Markdown's plugins register under "markdown.extensions", its package's name:
    # the group is an API other projects use, and stays when the package moves.
    pyproject = (
        '[project]\nname = "tool"\nversion = "1"\n\n'
        '[project.entry-points."tool.plugins"]\nbasic = "tool.plugins.basic:Plugin"\n'
    )
    loader = (
        "from importlib.metadata import entry_points\n\n\ndef plugins():\n"
        '    return entry_points(group="tool.plugins")\n\n\nDEFAULT = "tool.plugins.basic"\n'
    )
    files = {
        "pyproject.toml": pyproject,
        "tool/plugins/__init__.py": "",
        "tool/plugins/basic.py": "class Plugin: ...\n",
        "tool/load.py": loader,
    }
    plan = "name: c\nsteps:\n  - move: {from: tool/plugins, to: tool/ext}\n"
    tree = moved_tree(tmp_path, files, plan)
    assert (tree / "tool/load.py").read_text() == loader.replace(
        '"tool.plugins.basic"', '"tool.ext.basic"'
    )
    assert 'basic = "tool.ext.basic:Plugin"' in (tree / "pyproject.toml").read_text()
    assert '[project.entry-points."tool.plugins"]' in (tree / "pyproject.toml").read_text()


def test_a_makefile_naming_the_module_is_listed(tmp_path: Path) -> None:
    """more-itertools' `make check` runs `stubtest more_itertools.more ...`."""
    files = {"Makefile": ".PHONY: check\ncheck:\n\tstubtest tool.cli\n\tpython -m tool.cli\n"}
    repo = project(tmp_path / "repo", {"tool/__init__.py": "", "tool/cli.py": CLI, **files})
    dry = dry_run(write_plan(tmp_path, MOVE_CLI), repo, "--no-check", "--format", "json")
    assert dry.code == 0, dry.stderr
    refs = [(r["path"], r["line"]) for r in json.loads(dry.stdout)["references_to_review"]]
    assert refs == [("Makefile", 3), ("Makefile", 4)]


def test_a_resource_named_after_the_moved_module_is_listed_not_rewritten(
    tmp_path: Path,
) -> None:
    """black's schema reader opens "black.schema.json" beside it: the string is a file name
    that reads like `black.schema` and an attribute; rewritten, the branch's reader looked
    for "black.resources.schema.json"."""
    reader = dedent(
        """\
        import importlib.resources
        import json


        def get_schema():
            fname = "tool.schema.json"
            with importlib.resources.files("tool").joinpath(fname).open() as f:
                return json.load(f)
        """
    )
    files = {
        "tool/__init__.py": "",
        "tool/schema.py": reader,
        "tool/tool.schema.json": '{"line-length": 88}\n',
        "tests/test_schema.py": "from tool.schema import get_schema\n\n\n"
        "def test_schema():\n    assert get_schema() == {'line-length': 88}\n",
    }
    repo = project(tmp_path / "repo", files)
    plan = write_plan(
        tmp_path, "name: s\nsteps:\n  - move: {from: tool/schema.py, to: tool/data/schema.py}\n"
    )
    dry = dry_run(plan, repo, "--no-check", "--format", "json")
    assert dry.code == 0, dry.stderr
    refs = [(r["path"], r["line"]) for r in json.loads(dry.stdout)["references_to_review"]]
    assert refs == [("tool/data/schema.py", 6)]
    applied = apply(plan, repo)
    assert applied.code == 0, applied.stdout + applied.stderr
    tree = export(repo, "moved", tmp_path / "branch")
    assert (tree / "tool/data/schema.py").read_text() == reader
    assert pytest_passes(tree).startswith("1 passed")


def test_a_src_layout_module_named_by_its_repository_path_is_listed(tmp_path: Path) -> None:
    """`src/tool/cli.py` names the module as much as `tool/cli.py` does: black's tox.ini runs
    `{toxinidir}/src/...`, its tests read `PROJECT_ROOT / "src/black/__init__.py"`, hatch
    patterns are anchored `/src/...`."""
    files = {
        "src/tool/__init__.py": "",
        "src/tool/cli.py": CLI,
        "tox.ini": "[testenv]\ncommands = python {toxinidir}/src/tool/cli.py\n",
        "tests/test_cli.py": (
            "from pathlib import Path\n\n"
            'SOURCE = Path(__file__).parents[1] / "src/tool/cli.py"\n'
            'OTHER = "src/tool/cli.pyc", "src/tool/cli_extra.py"\n'
        ),
    }
    repo = project(tmp_path / "repo", files)
    plan = write_plan(
        tmp_path,
        "name: c\nsteps:\n  - move: {from: src/tool/cli.py, to: src/tool/commands/cli.py}\n",
    )
    dry = dry_run(plan, repo, "--no-check", "--format", "json")
    assert dry.code == 0, dry.stderr
    refs = [(r["path"], r["line"]) for r in json.loads(dry.stdout)["references_to_review"]]
    assert refs == [("tests/test_cli.py", 3), ("tox.ini", 2)]


def test_scripts_and_shell_files_that_name_the_module_are_rewritten_or_listed(
    tmp_path: Path,
) -> None:
    files = {
        "pyproject.toml": '[project]\nname = "flatpkg"\nversion = "1"\n',
        "flatpkg/__init__.py": "",
        "flatpkg/core.py": "def area():\n    return 4\n",
        # A Python script without a suffix: Python by its shebang, rewritten.
        "scripts/noext": "#!/usr/bin/env python\nfrom flatpkg.core import area\n\nprint(area())\n",
        # One that does not parse (Python 2): listed, not rewritten.
        "scripts/legacy": "#!/usr/bin/python2\nprint 'x'\nimport flatpkg.core\n",
        "scripts/serve": '#!/bin/bash\nexec python -m flatpkg.core "$@"\n',
        "run.sh": "#!/bin/sh\npython -m flatpkg.core\n",
        "run.bash": "python -m flatpkg.core\n",
        "tools/run.ps1": "python -m flatpkg.core\n",
        "tools/run.bat": "python -m flatpkg.core\n",
        "Dockerfile": 'FROM python:3.12\nCMD ["python", "-m", "flatpkg.core"]\n',
        "docker/Dockerfile.dev": "FROM python:3.12\nCMD python -m flatpkg.core\n",
        "Procfile": "web: python -m flatpkg.core\n",
        "ci.yml": "jobs:\n  run: python -m flatpkg.core\n",
        "tox.ini": "[testenv]\ncommands = python -m flatpkg.core\n",
        "notes.json": '{"module": "flatpkg.core"}\n',
        "LICENSE": "flatpkg.core is not a shebang file\n",
    }
    repo = project(tmp_path / "repo", files)
    plan = write_plan(
        tmp_path, "name: c\nsteps:\n  - move: {from: flatpkg/core.py, to: flatpkg/geometry.py}\n"
    )
    dry = dry_run(plan, repo, "--no-check", "--format", "json")
    assert dry.code == 0, dry.stderr
    refs = [(r["path"], r["line"]) for r in json.loads(dry.stdout)["references_to_review"]]
    assert sorted(refs) == [
        ("Dockerfile", 2),
        ("Procfile", 1),
        ("ci.yml", 2),
        ("docker/Dockerfile.dev", 2),
        ("notes.json", 1),
        ("run.bash", 1),
        ("run.sh", 2),
        ("scripts/legacy", 3),
        ("scripts/serve", 2),
        ("tools/run.bat", 1),
        ("tools/run.ps1", 1),
        ("tox.ini", 2),
    ]
    result = apply(plan, repo)
    assert result.code == 0, result.stdout + result.stderr
    tree = export(repo, "moved", tmp_path / "branch")
    assert (tree / "scripts/noext").read_text().splitlines()[1] == (
        "from flatpkg.geometry import area"
    )
    assert (tree / "scripts/legacy").read_text() == files["scripts/legacy"]
    done = run(tree, "-c", "import runpy; runpy.run_path('scripts/noext')")
    assert done.stdout == "4\n", done.stderr
