"""The verify command tests the branch's code, and is judged against the base.

A real virtual environment with the project installed editable (`pip install -e .`, the
usual development setup): its `.pth` points the environment at the user's checkout, so a
command run in the branch's worktree would test the checkout unless hoc-migrate puts the
branch first.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

from tests.conftest import git
from tests.moves.support import project, write_plan
from tests.reliability.harness import cli

pytestmark = pytest.mark.slow

FILES = {
    "pyproject.toml": """\
        [build-system]
        requires = ["setuptools>=64"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "calc"
        version = "1.0"

        [tool.setuptools.packages.find]
        where = ["src"]

        [tool.pytest.ini_options]
        testpaths = ["tests"]
        """,
    "src/calc/__init__.py": "",
    "src/calc/ops.py": "def add(a, b):\n    return a + b\n",
    "src/calc/plugins/__init__.py": (
        "import importlib\n\n\ndef load(name):\n"
        '    return importlib.import_module(f"calc.plugins.{name}")\n'
    ),
    "src/calc/plugins/double.py": "def run(x):\n    return 2 * x\n",
    "tests/test_calc.py": """\
        from calc.ops import add
        from calc.plugins import load


        def test_add():
            assert add(1, 2) == 3


        def test_plugin():
            assert load("double").run(2) == 4
        """,
}
KNOWN_BUG = "def test_known_bug():\n    assert 1 + 1 == 3, 'an old bug'\n"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment that can run pytest, with nothing of the project in it yet."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    site = next((venv / "lib").glob("python3*/site-packages"))
    # pytest comes from the environment running these tests (appended: it never shadows).
    (site / "zz_test_tools.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


def editable(env: Path, repo: Path) -> Path:
    """Install `repo` editable into `env`; returns its python."""
    python = env / "bin" / "python"
    done = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-e",
            str(repo),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return python


def plan_for(tmp_path: Path, python: Path, move: str, extra: str = "") -> Path:
    verify = f'  command: ["{python}", -m, pytest, -q, -p, no:cacheprovider]\n'
    if extra:
        verify += f"  {extra}\n"
    return write_plan(tmp_path, f"name: calc\nsteps:\n  - {move}\nverify:\n{verify}")


def test_a_move_that_breaks_the_suite_at_run_time_is_not_verified(
    tmp_path: Path, env: Path
) -> None:
    repo = project(tmp_path / "calc", FILES)
    python = editable(env, repo)
    # The move every static check accepts: only the computed import name breaks.
    plan = plan_for(
        tmp_path, python, "move: {from: src/calc/plugins/double.py, to: src/calc/extras/double.py}"
    )
    applied = cli("apply", plan, "--branch", "extras", "--repo", repo)
    assert applied.code == 1, applied.stdout + applied.stderr
    # The failing run is compared with the base's (`baseline: auto`): the change broke it.
    assert "1 test(s) fail that passed on the base" in applied.stderr
    assert "broken by the change: tests.test_calc::test_plugin" in applied.stderr
    assert "no branch was created" in applied.stderr
    assert git(repo, "branch", "--list", "extras") == ""


def test_failures_the_base_already_had_do_not_fail_a_harmless_move(
    tmp_path: Path, env: Path
) -> None:
    repo = project(tmp_path / "calc", {**FILES, "tests/test_known_bug.py": KNOWN_BUG})
    python = editable(env, repo)
    move = "move: {from: src/calc/ops.py, to: src/calc/arith.py}"
    never = plan_for(tmp_path, python, move, "baseline: false")
    without = cli("apply", never, "--branch", "a", "--repo", repo)
    assert without.code == 1, without.stderr
    assert "leave `verify.baseline` at `auto` (or `true`)" in without.stderr

    # By default (`auto`), a failing run is compared with the base's before it is judged.
    plan = plan_for(tmp_path, python, move)
    applied = cli("apply", plan, "--branch", "arith", "--repo", repo)
    assert applied.code == 0, applied.stdout + applied.stderr
    assert "passed: nothing the change broke (1 test(s) already failing on the base)" in (
        applied.stderr
    )
    assert "already failing on the base: tests.test_known_bug::test_known_bug" in applied.stderr
    assert "branch arith created" in applied.stdout


def test_doctests_of_a_module_moved_twice_still_count_as_run(tmp_path: Path, env: Path) -> None:
    """`pytest --doctest-modules` names a doctest by its module (`src.calc.ops::calc.ops.add`):
    with a failure the base already had, the runs are compared, and the moved module's
    doctests are the same tests under their new names, not tests that no longer run."""
    ops = 'def add(a, b):\n    """The sum.\n\n    >>> add(1, 2)\n    3\n    """\n    return a + b\n'
    files = {**FILES, "src/calc/ops.py": ops, "tests/test_known_bug.py": KNOWN_BUG}
    repo = project(tmp_path / "calc", files)
    python = editable(env, repo)
    command = f'["{python}", -m, pytest, -q, -p, no:cacheprovider, --doctest-modules, src, tests]'
    plan = write_plan(
        tmp_path,
        "name: calc\nsteps:\n"
        "  - move: {from: src/calc/ops.py, to: src/calc/core/ops.py}\n"
        "  - move: {from: src/calc/core, to: src/calc/_core}\n"
        f"verify:\n  command: {command}\n",
    )
    applied = cli("apply", plan, "--branch", "core", "--repo", repo)
    assert applied.code == 0, applied.stdout + applied.stderr
    assert "passed: nothing the change broke (1 test(s) already failing on the base)" in (
        applied.stderr
    )


def test_an_environment_that_cannot_be_pointed_at_the_branch_stops_the_apply(
    tmp_path: Path, env: Path
) -> None:
    repo = project(tmp_path / "calc", FILES)
    python = editable(env, repo)
    site = next((env / "lib").glob("python3*/site-packages"))
    # An import hook ahead of every path entry, as some editable backends install.
    hook = site / "aaa_calc_hook.pth"
    finder = (
        "type('F', (), {'find_spec': staticmethod(lambda n, p=None, t=None: "
        "__import__('importlib.machinery').machinery.PathFinder.find_spec("
        f"n, [{str(repo / 'src')!r}]) if n == 'calc' else None)}})"
    )
    hook.write_text(f"import sys; sys.meta_path.insert(0, {finder})\n")
    try:
        plan = plan_for(
            tmp_path, python, "move: {from: src/calc/plugins/double.py, to: src/calc/x/double.py}"
        )
        applied = cli("apply", plan, "--branch", "x", "--repo", repo)
    finally:
        hook.unlink()
    # The hook is shadowed: the branch's code runs, and its broken plugin import fails it.
    assert applied.code == 1, applied.stdout + applied.stderr
    assert "broken by the change: tests.test_calc::test_plugin" in applied.stderr
    assert git(repo, "branch", "--list", "x") == ""

    # A `.pth` that imports the checkout's package at startup cannot be shadowed: refused.
    eager = site / "aaa_calc_eager.pth"
    source = str(repo / "src")
    eager.write_text(f"import sys; sys.path.insert(0, {source!r}); import calc; del sys.path[0]\n")
    try:
        plan = plan_for(tmp_path, python, "move: {from: src/calc/ops.py, to: src/calc/arith.py}")
        applied = cli("apply", plan, "--branch", "y", "--repo", repo)
    finally:
        eager.unlink()
    assert applied.code == 2, applied.stdout + applied.stderr
    assert "the verify command would test other code than the branch" in applied.stderr
    assert f"`calc` imports from {repo / 'src' / 'calc'}" in applied.stderr
    assert git(repo, "branch", "--list", "y") == ""


FLAT = {
    **{k.removeprefix("src/"): v for k, v in FILES.items() if k != "pyproject.toml"},
    "pyproject.toml": FILES["pyproject.toml"].replace('where = ["src"]', 'include = ["calc*"]'),
}


def test_an_editable_import_hook_cannot_serve_the_checkouts_moved_modules(
    tmp_path: Path, env: Path
) -> None:
    """setuptools installs a flat layout editable with a finder on `sys.meta_path` that maps
    `calc.*` to the checkout: a module the plan moved away would still import from there."""
    repo = project(tmp_path / "calc", FLAT)
    python = editable(env, repo)
    site = next((env / "lib").glob("python3*/site-packages"))
    assert list(site.glob("__editable___calc*finder.py")), "setuptools used no import hook"
    plan = plan_for(tmp_path, python, "move: {from: calc/plugins/double.py, to: calc/x/double.py}")
    applied = cli("apply", plan, "--branch", "extras", "--repo", repo)
    assert applied.code == 1, applied.stdout + applied.stderr
    assert "broken by the change: tests.test_calc::test_plugin" in applied.stderr
    assert git(repo, "branch", "--list", "extras") == ""

    harmless = plan_for(tmp_path, python, "move: {from: calc/ops.py, to: calc/arith.py}")
    applied = cli("apply", harmless, "--branch", "arith", "--repo", repo)
    assert applied.code == 0, applied.stdout + applied.stderr
    assert "branch arith created" in applied.stdout


def test_build_outputs_git_ignores_are_there_for_the_branch_too(tmp_path: Path, env: Path) -> None:
    # setuptools-scm and hatch-vcs write `_version.py` at install time: ignored, never
    # committed, yet imported.
    files = {
        **FILES,
        ".gitignore": "src/calc/_version.py\n",
        "src/calc/__init__.py": "from ._version import version\n",
    }
    repo = project(tmp_path / "calc", files)
    (repo / "src/calc/_version.py").write_text("version = '1.0'\n")
    python = editable(env, repo)
    plan = plan_for(tmp_path, python, "move: {from: src/calc/ops.py, to: src/calc/arith.py}")
    applied = cli("apply", plan, "--branch", "arith", "--repo", repo)
    assert applied.code == 0, applied.stdout + applied.stderr
    assert "copied from the checkout (build outputs git ignores): src/calc/_version.py" in (
        applied.stderr
    )
    assert git(repo, "ls-tree", "-r", "--name-only", "arith").count("_version.py") == 0


ENTRY_POINTS = """\
[project.scripts]
calc = "calc.cli:main"

[project.entry-points."calc.plugins"]
double = "calc.plugins.double:run"
"""
USES_ENTRY_POINTS = """\
import subprocess
from importlib.metadata import entry_points


def test_the_plugin_is_found_by_its_entry_point():
    (plugin,) = entry_points(group="calc.plugins")
    assert plugin.load()(3) == 6


def test_the_console_script_runs():
    done = subprocess.run(["calc"], capture_output=True, text=True, check=True)
    assert done.stdout == "calc\\n"
"""


def test_entry_points_the_plan_moved_are_the_branchs_under_test(tmp_path: Path, env: Path) -> None:
    files = {
        **FILES,
        "pyproject.toml": textwrap.dedent(FILES["pyproject.toml"]) + ENTRY_POINTS,
        "src/calc/cli.py": "def main():\n    print('calc')\n",
        "tests/test_entry_points.py": USES_ENTRY_POINTS,
    }
    repo = project(tmp_path / "calc", files)
    python = editable(env, repo)
    plan = write_plan(
        tmp_path,
        "name: calc\nsteps:\n"
        "  - move: {from: src/calc/plugins/double.py, to: src/calc/extras/double.py}\n"
        "  - move: {from: src/calc/cli.py, to: src/calc/commands/cli.py}\n"
        f'verify:\n  command: ["{python}", -m, pytest, -q, -p, no:cacheprovider, '
        "-k, entry_points]\n",
    )
    applied = cli("apply", plan, "--branch", "moved", "--repo", repo)
    assert applied.code == 0, applied.stdout + applied.stderr
    assert "the branch's 2 entry point(s) stand in for those installed for calc 1.0" in (
        applied.stderr
    )
    pyproject = git(repo, "show", "moved:pyproject.toml")
    assert 'calc = "calc.commands.cli:main"' in pyproject
    assert 'double = "calc.extras.double:run"' in pyproject


def test_baseline_true_runs_the_base_once_per_commit_and_says_when_it_reuses_it(
    tmp_path: Path, env: Path
) -> None:
    repo = project(tmp_path / "calc", {**FILES, "tests/test_known_bug.py": KNOWN_BUG})
    python = editable(env, repo)
    plan = plan_for(
        tmp_path, python, "move: {from: src/calc/ops.py, to: src/calc/arith.py}", "baseline: true"
    )
    first = cli("apply", plan, "--branch", "one", "--repo", repo)
    assert first.code == 0, first.stdout + first.stderr
    assert "already failing on the base: tests.test_known_bug::test_known_bug" in first.stderr
    assert "recorded by an earlier apply" not in first.stderr
    second = cli("apply", plan, "--branch", "two", "--repo", repo)
    assert second.code == 0, second.stdout + second.stderr
    assert "is the one recorded by an earlier apply over the same commit and command" in (
        second.stderr
    )
    assert "already failing on the base: tests.test_known_bug::test_known_bug" in second.stderr


def test_without_a_command_pytest_runs_when_configured_and_none_turns_it_off(
    tmp_path: Path, env: Path
) -> None:
    repo = project(tmp_path / "calc", FILES)
    editable(env, repo)
    move = "move: {from: src/calc/plugins/double.py, to: src/calc/x/double.py}"
    plan = write_plan(tmp_path, f"name: calc\nsteps:\n  - {move}\n")
    # `{python}`: the interpreter running hoc-migrate, with the branch first on its path.
    auto = cli("apply", plan, "--branch", "auto", "--repo", repo)
    assert "the plan names no command and the project configures pytest" in auto.stderr, auto.stderr
    assert auto.code == 1, auto.stdout + auto.stderr
    assert "broken by the change: tests.test_calc::test_plugin" in auto.stderr

    off = write_plan(tmp_path, f"name: calc\nsteps:\n  - {move}\nverify:\n  command: none\n")
    skipped = cli("apply", off, "--branch", "off", "--repo", repo)
    assert skipped.code == 0, skipped.stdout + skipped.stderr
    assert "`command: none` in the plan" in skipped.stderr
