"""Errors name the file the user wrote: a module that does not parse is named by its path in
the tree the plan starts from, with its line, even when the plan moved it first. (A moved
file the move does not need to edit moves as it is, unparsed: these ones need an edit.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from hoc_migrate.cli import app
from tests.conftest import GIT_ENV

BROKEN = "from . import b\n\n\nX = = 1\n"
FILES: dict[str, str | bytes] = {
    "src/app/__init__.py": "",
    "src/app/a.py": BROKEN,
    "src/app/b.py": "X = 1\n",
    "src/app/pkg/__init__.py": "",
    "src/app/pkg/broken.py": "from app.pkg import b\nclass C(\n",
    "src/app/user.py": "from app import a\n",
}
PLAN = "name: p\nsource_roots: [src]\nsteps:\n  - move: {{from: {src}, to: {dst}}}\n"


def run(repo: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--repo", str(repo)])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(autouse=True)
def _git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)


@pytest.mark.parametrize("command", ["dry-run", "apply"])
def test_a_moved_module_that_does_not_parse_is_named_where_the_user_wrote_it(
    repo_factory,
    command: str,  # type: ignore[no-untyped-def]
) -> None:
    repo = repo_factory(FILES)
    plan = repo / "plan.yaml"
    plan.write_text(PLAN.format(src="src/app/a.py", dst="src/app/sub/c.py"))
    extra = ["--branch", "b"] if command == "apply" else []

    code, out, err = run(repo, command, str(plan), *extra)

    assert code == 2 and out == ""
    first = err.splitlines()[0]
    assert first.startswith("error: step 1 (move): src/app/a.py:4: does not parse"), err
    assert "moved to src/app/sub/c.py" in first
    assert "  src/app/a.py:4: " in err  # the problem line, with the base path too
    assert "src/app/sub/c.py:4" not in err


def test_a_module_of_a_moved_package_is_named_by_its_old_path(repo_factory) -> None:  # type: ignore[no-untyped-def]
    repo = repo_factory(FILES)
    plan = repo / "plan.yaml"
    plan.write_text(PLAN.format(src="src/app/pkg", dst="src/app/lib"))

    code, _, err = run(repo, "dry-run", str(plan))

    assert code == 2
    assert "src/app/pkg/broken.py:2: does not parse (moved to src/app/lib/broken.py)" in err
    assert "src/app/lib/broken.py:2" not in err


def test_a_file_that_did_not_move_keeps_its_name(repo_factory) -> None:  # type: ignore[no-untyped-def]
    repo = repo_factory(
        {
            "src/app/__init__.py": "",
            "src/app/b.py": "X = 1\n",
            "src/app/user.py": "from app import b\nif (:\n",
        }
    )
    plan = repo / "plan.yaml"
    plan.write_text(PLAN.format(src="src/app/b.py", dst="src/app/d.py"))

    code, _, err = run(repo, "dry-run", str(plan))

    assert code == 2
    assert "src/app/user.py:2: does not parse" in err and "moved to" not in err
