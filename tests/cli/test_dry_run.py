"""`hoc-migrate dry-run`: a diff `git apply` accepts, the layer check before/after, nothing written."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hoc_migrate.cli import app
from tests.conftest import git

PACKAGE = {
    "src/app/__init__.py": "",
    "src/app/drivers/__init__.py": "# Layer: L6 — Drivers\n",
    "src/app/drivers/helpers.py": "def stamp() -> int:\n    return 7\n",
    "src/app/drivers/events.py": (
        "# Layer: L5 — Domain Schemas\n"
        '"""Loop events."""\n'
        "from dataclasses import dataclass\n\n"
        "from .helpers import stamp\n\n\n"
        "@dataclass\n"
        "class LoopEvent:\n"
        "    name: str\n"
        "    stamp: int = stamp()\n"
    ),
    "src/app/engines/__init__.py": "from ..drivers.events import LoopEvent  # re-export\n",
    "src/app/engines/loop.py": (
        "from app.drivers.events import LoopEvent\n"
        "import app.drivers.events as ev\n\n\n"
        "def make() -> tuple[object, object]:\n"
        "    from app.drivers import events  # lazy\n\n"
        "    return events.LoopEvent('x'), ev.LoopEvent('y')\n"
    ),
    "docs/notes.md": "Events live in app.drivers.events for now.\n",
    "plan.yaml": (
        "name: move events\n"
        "source_roots: [src]\n"
        "steps:\n"
        "  - move: {from: src/app/drivers/events.py, to: src/app/schemas/loop_events.py}\n"
    ),
}


def snapshot(root: Path) -> str:
    """A hash of every file (outside .git) and of git's index: proof nothing was written."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and rel.parts[0] != ".git":
            digest.update(str(rel).encode() + b"\0" + path.read_bytes())
    digest.update(git(root, "ls-files", "-s").encode())
    return digest.hexdigest()


def run(repo: Path, *args: str) -> tuple[int, str, str]:
    runner = CliRunner()
    old = Path.cwd()
    os.chdir(repo)
    try:
        result = runner.invoke(app, list(args))
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout, result.stderr


def test_dry_run_prints_an_applicable_diff_and_writes_nothing(repo_factory) -> None:  # type: ignore[no-untyped-def]
    repo = repo_factory(PACKAGE)
    before = snapshot(repo)
    code, out, err = run(repo, "dry-run", "plan.yaml", "--no-check")
    assert code == 0, err
    assert snapshot(repo) == before
    assert "rename from src/app/drivers/events.py" in out
    assert "+from ..schemas.loop_events import LoopEvent  # re-export" in out  # engines/__init__
    assert "+from ..drivers.helpers import stamp" in out  # the moved module's own import
    assert "+    from app.schemas import loop_events as events  # lazy" in out
    assert "step 1 (move): done" in err
    assert "docs/notes.md:1" in err  # a non-Python mention is listed for review, not changed
    # The diff applies, and the result imports and runs.
    subprocess.run(["git", "apply", "--index", "-"], input=out.encode(), cwd=repo, check=True)
    probe = "import app.engines.loop as m, app.engines as e; print(m.make()[0].stamp, e.LoopEvent)"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=repo / "src", capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("7 <class 'app.schemas.loop_events.LoopEvent'>")
    assert (repo / "docs/notes.md").read_text() == PACKAGE["docs/notes.md"]


def test_running_the_plan_again_is_already_done(repo_factory) -> None:  # type: ignore[no-untyped-def]
    repo = repo_factory(PACKAGE)
    code, out, _ = run(repo, "dry-run", "plan.yaml", "--no-check")
    subprocess.run(["git", "apply", "--index", "-"], input=out.encode(), cwd=repo, check=True)
    # Like apply, the dry run starts from HEAD: the applied change, not committed yet, is named.
    code, out, err = run(repo, "dry-run", "plan.yaml", "--no-check")
    assert code == 0
    assert "base: HEAD (" in err
    assert (
        "warning: src/app/drivers/events.py has uncommitted changes; the plan runs on the "
        "commit, without them" in err
    )
    git(repo, "commit", "-q", "-m", "applied")
    code, out, err = run(repo, "dry-run", "plan.yaml", "--no-check")
    assert code == 0
    assert out == ""
    assert "step 1 (move): already done" in err
    assert "nothing to do" in err


def test_json_format_gives_the_change_set_as_data(repo_factory) -> None:  # type: ignore[no-untyped-def]
    repo = repo_factory(PACKAGE)
    code, out, _ = run(repo, "dry-run", "plan.yaml", "--format", "json")
    assert code == 0
    data = json.loads(out)
    kinds = {(c["kind"], c["path"]) for c in data["changes"]}
    assert ("renamed", "src/app/schemas/loop_events.py") in kinds
    assert ("added", "src/app/schemas/__init__.py") in kinds
    assert data["steps"][0]["status"] == "done"
    assert "layer_check" in data


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        (
            "name: x\nsteps:\n  - move: {from: src/app/nope.py, to: src/app/y.py}\n",
            "plan.yaml:4: step 1 (move): 'from' does not exist: src/app/nope.py",
        ),
        (
            "name: x\nsteps:\n  - move: {from: src/app/engines/loop.py}\n",
            "plan.yaml:4: step 1 (move): 'to' is required",
        ),
        ("steps: 3\n", "'name' is required"),
    ],
)
def test_invalid_plans_exit_2_and_write_nothing(repo_factory, plan: str, message: str) -> None:  # type: ignore[no-untyped-def]
    repo = repo_factory(
        {**PACKAGE, "plan.yaml": plan.replace("steps:", "source_roots: [src]\nsteps:", 1)}
    )
    before = snapshot(repo)
    code, out, err = run(repo, "dry-run", "plan.yaml")
    assert code == 2
    assert message in err
    assert out == ""
    assert snapshot(repo) == before


def test_a_source_file_that_does_not_parse_is_named_with_its_line(repo_factory) -> None:  # type: ignore[no-untyped-def]
    broken = {**PACKAGE, "src/app/engines/broken.py": "import app.drivers.events\ndef f(:\n"}
    repo = repo_factory(broken)
    code, out, err = run(repo, "dry-run", "plan.yaml", "--no-check")
    assert code == 2
    assert "src/app/engines/broken.py:2" in err
    assert out == ""


def test_exit_zero_keeps_a_dry_run_that_adds_a_layer_error_at_0(repo_factory) -> None:  # type: ignore[no-untyped-def]
    files = {
        **PACKAGE,
        "src/app/hoc/__init__.py": "",  # a HOC tree: its preset (SQLALCHEMY_RUNTIME) applies
        "src/app/drivers/store.py": "import sqlalchemy\n",
        "plan.yaml": (
            "name: into the engines\n"
            "source_roots: [src]\n"
            "steps:\n"
            "  - move: {from: src/app/drivers/store.py, to: src/app/hoc/cus/x/engines/store.py}\n"
        ),
    }
    repo = repo_factory(files)
    code, out, err = run(repo, "dry-run", "plan.yaml")
    assert code == 1, err
    assert "findings the plan adds" in err
    code, out_zero, err_zero = run(repo, "dry-run", "plan.yaml", "--exit-zero")
    assert code == 0 and out_zero == out and err_zero == err
    quiet = run(repo, "dry-run", "plan.yaml", "-q")
    assert quiet[0] == 1 and quiet[1] == out
    assert quiet[2].startswith("findings the plan adds (")


def test_an_executable_file_keeps_its_mode_in_the_diff(repo_factory) -> None:  # type: ignore[no-untyped-def]
    """A renamed and edited executable module (more-itertools ships `more.py` as 100755) and
    an edited executable script: the diff gives their mode as git has it, so `git apply`
    takes it without a warning."""
    repo = repo_factory(
        {
            "pkg/__init__.py": "",
            "pkg/more.py": "from .recipes import take\n",
            "pkg/recipes.py": "def take():\n    return 1\n",
            "run.py": "#!/usr/bin/env python\nfrom pkg.recipes import take\n",
            "plan.yaml": (
                'name: m\nsource_roots: ["."]\nsteps:\n'
                "  - move: {from: pkg/more.py, to: pkg/core/more.py}\n"
                "  - move: {from: pkg/recipes.py, to: pkg/itertools_recipes.py}\n"
            ),
        }
    )
    for name in ("pkg/more.py", "run.py"):
        (repo / name).chmod(0o755)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "executable")
    code, out, err = run(repo, "dry-run", "plan.yaml", "--no-check")
    assert code == 0, err
    assert "rename from pkg/more.py\nrename to pkg/core/more.py\nindex " in out
    assert out.split("rename to pkg/core/more.py\n")[1].splitlines()[0].endswith(" 100755")
    assert out.split("diff --git a/run.py b/run.py\n")[1].splitlines()[0].endswith(" 100755")
    assert "diff --git a/pkg/core/__init__.py b/pkg/core/__init__.py\nnew file mode 100644" in out
    checked = subprocess.run(
        ["git", "apply", "--check", "-"], input=out.encode(), cwd=repo, capture_output=True
    )
    assert checked.returncode == 0 and checked.stderr == b"", checked.stderr


def test_a_module_moved_twice_keeps_its_findings(repo_factory) -> None:  # type: ignore[no-untyped-def]
    """`views` into a new package, then the package renamed: the finding on its importer is
    the one the base had (followed to where the module ended), neither removed nor added."""
    repo = repo_factory(
        {
            "pyproject.toml": (
                '[project]\nname = "shop"\nversion = "1"\n\n'
                '[tool.hoc-migrate]\nlayers = ["shop.api", "shop.models"]\n'
            ),
            "shop/__init__.py": "",
            "shop/api/__init__.py": "",
            "shop/api/views.py": "X = 1\n",
            "shop/models/__init__.py": "",
            "shop/models/x.py": "from shop.api.views import X\n",
            "plan.yaml": (
                "name: c\nsteps:\n"
                "  - move: {from: shop/api/views.py, to: shop/api/web/views.py}\n"
                "  - move: {from: shop/api/web, to: shop/api/http}\n"
            ),
        }
    )
    code, _, err = run(repo, "dry-run", "plan.yaml")
    assert code == 0, err
    assert "LAYER_BOUNDARY                1 ->    1" in err
    assert "findings the plan adds" not in err
    assert "findings the plan removes" not in err
