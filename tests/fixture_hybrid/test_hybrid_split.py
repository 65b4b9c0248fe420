"""fixtures/hybrid through `apply`: four HYBRID engines shaped like production code (queries
then decisions, a private helper of the engine, an async session, types used by callers
elsewhere), split by `fixtures/hybrid/plans/split_ops.yaml`.

What a maintainer checks before merging: the fixture's own suite passes on the branch (it
pins the trace of every SQL statement issued, so the same statements with the same
parameters go to the database), the engines do no database work, the drivers hold no
decision, the files pass `ruff format --check` and `ruff check --select E,W,F,I`, and the
plan run again is "already done".
"""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from codemods.split_hybrid import classify
from hoc_migrate.cli import app
from tests.conftest import ROOT, git, make_repo

FIXTURE = ROOT / "fixtures" / "hybrid"
OPS = "backend/app/hoc/cus/ops"
SPLITS = {
    "anomaly": ("engines/anomaly_engine.py", "drivers/anomaly_driver.py"),
    "pattern": ("engines/pattern_engine.py", "drivers/pattern_driver.py"),
    "incident": ("engines/incident_engine.py", "drivers/incident_driver.py"),
    "budget": ("engines/budget_engine.py", "drivers/budget_driver.py"),
}
# A plan that also moves the engine (`engine:`): once applied, its `path` is gone.
MOVE_PLAN = f"""\
name: ops-move
steps:
  - split_hybrid:
      path: {OPS}/engines/anomaly_engine.py
      engine: {OPS}/engines/anomalies.py
      driver: {OPS}/drivers/anomaly_driver.py
      names: auto
verify:
  command: ["{{python}}", -m, pytest, -q, -p, no:cacheprovider]
"""


def cli(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


@dataclass(frozen=True)
class Applied:
    repo: Path
    result: Result


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory) -> Applied:
    files: dict[str, str | bytes] = {
        path.relative_to(FIXTURE).as_posix(): path.read_bytes()
        for path in FIXTURE.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    repo = make_repo(tmp_path_factory.mktemp("hybrid") / "ops", files)
    result = cli("apply", repo / "plans/split_ops.yaml", "--branch", "split", "--repo", repo)
    assert result.exit_code == 0, result.stdout + result.stderr
    return Applied(repo, result)


def show(applied: Applied, path: str, branch: str = "split") -> str:
    return git(applied.repo, "show", f"{branch}:{OPS}/{path}")


def import_sorted(text: str) -> str:
    """Stand-in for the shared import post-pass (isort with the project's settings) until it
    lands: the split places its imports in the import block, the post-pass orders them."""
    import isort

    config = isort.Config(profile="black", line_length=100, known_first_party=["app"])
    return isort.code(text, config=config)


@pytest.mark.slow
def test_the_split_keeps_behaviour_and_the_sql_trace(applied: Applied) -> None:
    stderr = applied.result.stderr
    assert "PASSED   command:" in stderr  # the fixture's suite, with its pinned SQL trace
    assert "errors 12 -> 0" in stderr  # the L5 engines no longer import sqlalchemy/models
    assert "(verified)" in applied.result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SPLITS))
def test_engines_do_no_database_work_and_drivers_no_decision(applied: Applied, name: str) -> None:
    engine_path, driver_path = SPLITS[name]
    engine, driver = show(applied, engine_path), show(applied, driver_path)
    assert [c.name for c in classify(engine) if c.is_db] == []
    runtime = [
        node
        for node in ast.parse(engine).body
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sqlalchemy")
    ]
    assert runtime == []  # only under `if TYPE_CHECKING:`
    decisions = [
        f"line {node.lineno}"
        for node in ast.walk(ast.parse(driver))
        if isinstance(node, ast.If | ast.IfExp | ast.Match | ast.While)
    ]
    assert decisions == []
    # The driver's interface is public: the engine calls no private driver method.
    assert "._driver._" not in engine


@pytest.mark.slow
def test_the_decisions_stay_in_the_engine(applied: Applied) -> None:
    engine = show(applied, "engines/anomaly_engine.py")
    assert 'if deviation >= SEVERITY_THRESHOLDS["critical"]:' in engine
    assert (
        "        anomaly = self._driver.insert_cost_anomaly(tenant_id, deviation, severity)\n"
        in (engine)
    )
    pattern = show(applied, "engines/pattern_engine.py")
    # The private helper stays in the engine, the query and the update went to the driver.
    assert "confidence = self._calculate_fuzzy_confidence(" in pattern
    assert "patterns = self._driver.fetch_failure_pattern()" in pattern
    assert "self._driver.update_failure_pattern(best)" in pattern
    incident = show(applied, "engines/incident_engine.py")
    assert "        existing = await self._driver.fetch_incident(tenant_id, title)\n" in incident
    assert "if TYPE_CHECKING:\n    from sqlalchemy.ext.asyncio import AsyncSession\n" in incident
    budget = show(applied, "engines/budget_engine.py")
    assert "class BudgetStatus:" in budget  # the types its callers import stay
    assert "from app.hoc.cus.ops.drivers.budget_driver import" in budget  # imported back


@pytest.mark.slow
def test_headers_describe_the_new_modules(applied: Applied) -> None:
    engine = show(applied, "engines/anomaly_engine.py")
    assert "# Role: Cost anomaly detection (baselines, severity)\n" in engine
    driver = show(applied, "drivers/anomaly_driver.py")
    assert "# Layer: L6 — Drivers\n# AUDIENCE: CUSTOMER\n" in driver
    assert "# Role: Database operations of anomaly_engine: fetch_cost_baseline," in driver


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SPLITS))
def test_the_produced_files_pass_ruff(applied: Applied, name: str, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_bytes((FIXTURE / "pyproject.toml").read_bytes())
    paths = []
    for relative in SPLITS[name]:
        target = tmp_path / Path(relative).name
        target.write_text(import_sorted(show(applied, relative)), encoding="utf-8")
        paths.append(str(target))
    for command in (["format", "--check", "--diff"], ["check", "--select", "E,W,F,I"]):
        done = subprocess.run(
            [sys.executable, "-m", "ruff", *command, *paths],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_running_the_plan_again_is_already_done(applied: Applied, tmp_path: Path) -> None:
    checkout = tmp_path / "again"
    git(applied.repo, "worktree", "add", "-q", str(checkout), "split")
    result = cli("dry-run", checkout / "plans/split_ops.yaml", "--repo", checkout)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stderr.count("(split_hybrid): already done") == 4
    assert result.stdout == ""  # an empty diff


@pytest.mark.slow
def test_a_split_that_moves_the_engine_is_already_done_the_second_time(
    applied: Applied, tmp_path: Path
) -> None:
    plan = tmp_path / "move.yaml"
    plan.write_text(MOVE_PLAN, encoding="utf-8")
    first = cli("apply", plan, "--branch", "moved", "--base", "main", "--repo", applied.repo)
    assert first.exit_code == 0, first.stdout + first.stderr
    checkout = tmp_path / "moved"
    git(applied.repo, "worktree", "add", "-q", str(checkout), "moved")
    again = cli("dry-run", plan, "--repo", checkout)
    # The path is gone: the step checks the engine and says so instead of failing.
    assert again.exit_code == 0, again.stdout + again.stderr
    assert "(split_hybrid): already done" in again.stderr
    assert "split before:" in again.stderr
