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

from codemods._header import read_header
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

# The engines depend on their drivers' protocols (`protocol: true`), in the domain's schemas.
PROTOCOL_PLAN = f"""\
name: ops-protocols
steps:
  - split_hybrid:
      path: {OPS}/engines/anomaly_engine.py
      driver: {OPS}/drivers/anomaly_driver.py
      names: auto
      protocol: true
  - split_hybrid:
      path: {OPS}/engines/incident_engine.py
      driver: {OPS}/drivers/incident_driver.py
      names: auto
      protocol: true
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


def module_constants(source: str) -> set[str]:
    """The names a module binds by top-level assignment (its constants)."""
    found: set[str] = set()
    for node in ast.parse(source).body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        found |= {t.id for t in targets if isinstance(t, ast.Name)}
    return found


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
    tree = ast.parse(driver)
    decisions = [
        f"line {node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.If | ast.IfExp | ast.Match | ast.While)
    ]
    assert decisions == []
    # The engine's business constants stay with it: the driver neither holds nor reads
    # them, nor looks anything up in a constant of its own; it is passed the values.
    original = (FIXTURE / OPS / engine_path).read_text(encoding="utf-8")
    constants = module_constants(original)
    held = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} & constants
    assert held == set()
    lookups = [
        f"line {node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and node.value.id in module_constants(driver) | constants
    ]
    assert lookups == []
    assert module_constants(engine) >= constants - {"__all__"}
    # What the engine imports from the driver are the driver's operations and classes.
    imported = {
        alias.name
        for node in ast.parse(engine).body
        if isinstance(node, ast.ImportFrom) and node.module and node.module.endswith("_driver")
        for alias in node.names
    }
    defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)}
    assert imported <= defined
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
    # The next severity is the engine's decision: it computes it and passes it in.
    assert 'ESCALATION_ORDER = ("low", "high", "critical")' in incident
    assert (
        "            await self._driver.update_incident(incident_id, ESCALATION_ORDER[level + 1])\n"
        in incident
    )
    assert ".values(severity=severity)" in show(applied, "drivers/incident_driver.py")
    assert "if TYPE_CHECKING:\n    from sqlalchemy.ext.asyncio import AsyncSession\n" in incident
    budget = show(applied, "engines/budget_engine.py")
    assert "class BudgetStatus:" in budget  # the types its callers import stay
    assert "from app.hoc.cus.ops.drivers.budget_driver import" in budget  # imported back


@pytest.mark.slow
def test_one_operation_is_one_driver_method(applied: Applied) -> None:
    """AnomalyDetector and AnomalyReview write the same anomaly: the insert is written once,
    in a base class both their drivers derive from (the fixture's suite runs through it)."""
    driver = show(applied, "drivers/anomaly_driver.py")
    assert driver.count("def insert_cost_anomaly(") == 1
    assert "class AnomalyDriverBase:\n" in driver
    assert "class AnomalyDetectorDriver(AnomalyDriverBase):\n" in driver
    assert "class AnomalyReviewDriver(AnomalyDriverBase):\n" in driver
    engine = show(applied, "engines/anomaly_engine.py")
    assert (
        "        anomaly = self._driver.insert_cost_anomaly(tenant_id, deviation, severity)\n"
        in (engine.split("class AnomalyReview:")[1])
    )


@pytest.mark.slow
def test_headers_describe_the_new_modules(applied: Applied) -> None:
    engine = show(applied, "engines/anomaly_engine.py")
    assert "# Role: Cost anomaly detection (baselines, severity)\n" in engine
    # The split is done: the note saying it was pending goes.
    assert "# Note:" not in engine and "split pending" not in engine
    driver = show(applied, "drivers/anomaly_driver.py")
    assert "# Layer: L6 — Drivers\n# AUDIENCE: CUSTOMER\n" in driver
    role = read_header(driver)["Role"]
    assert role.startswith("Database operations of anomaly_engine: insert_cost_anomaly,")
    assert role.count("insert_cost_anomaly") == 1


@pytest.mark.slow
def test_plan_explain_tells_split_methods_from_moved_ones(applied: Applied) -> None:
    result = cli("plan", "explain", applied.repo / "plans/split_ops.yaml", "--repo", applied.repo)
    assert result.exit_code == 0, result.stdout + result.stderr
    driver = "app.hoc.cus.ops.drivers.anomaly_driver"
    assert f"  moved to {driver}: AnomalyDetector.recent_anomalies\n" in result.stdout
    assert (
        f"  split: its database statements go to {driver}: AnomalyDetector.baseline_for, "
        "AnomalyDetector.check, AnomalyReview.flag\n"
    ) in result.stdout
    assert (
        "ESCALATION_ORDER[level + 1] stays (engine data: computed in the engine, passed as "
        "severity)"
    ) in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SPLITS))
def test_the_produced_files_pass_ruff(applied: Applied, name: str, tmp_path: Path) -> None:
    assert ruff_problems(applied, "split", list(SPLITS[name]), tmp_path) == []


def ruff_problems(applied: Applied, branch: str, paths: list[str], folder: Path) -> list[str]:
    """What `ruff format --check` and `ruff check --select E,W,F,I` say of the files, with
    the fixture's settings."""
    (folder / "pyproject.toml").write_bytes((FIXTURE / "pyproject.toml").read_bytes())
    targets = []
    for relative in paths:
        target = folder / Path(relative).name
        target.write_text(show(applied, relative, branch), encoding="utf-8")
        targets.append(str(target))
    problems = []
    for command in (["format", "--check", "--diff"], ["check", "--select", "E,W,F,I"]):
        done = subprocess.run(
            [sys.executable, "-m", "ruff", *command, *targets],
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            problems.append(done.stdout + done.stderr)
    return problems


@pytest.mark.slow
def test_with_protocol_the_engine_depends_on_the_driver_s_protocol(
    applied: Applied, tmp_path: Path
) -> None:
    plan = tmp_path / "protocols.yaml"
    plan.write_text(PROTOCOL_PLAN, encoding="utf-8")
    result = cli("apply", plan, "--branch", "typed", "--base", "main", "--repo", applied.repo)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "PASSED   command:" in result.stderr  # the fixture's suite, through the protocols
    protocols = show(applied, "schemas/anomaly_driver_protocol.py", "typed")
    assert protocols.startswith("# Layer: L5 — Domain Schemas\n# AUDIENCE: CUSTOMER\n")
    assert "class AnomalyDetectorDriverProtocol(Protocol):\n" in protocols
    # Inherited from the shared base, the operation is part of both protocols.
    assert (
        protocols.count(
            "    def insert_cost_anomaly(self, tenant_id: str, deviation, severity): ..."
        )
        == 2
    )
    assert "from sqlalchemy" not in protocols
    engine = show(applied, "engines/anomaly_engine.py", "typed")
    assert (
        "from app.hoc.cus.ops.schemas.anomaly_driver_protocol import (\n"
        "    AnomalyDetectorDriverProtocol,\n"
    ) in engine
    assert (
        "        self._driver: AnomalyDetectorDriverProtocol = driver or AnomalyDetectorDriver("
        in engine
    )
    incident = show(applied, "engines/incident_engine.py", "typed")
    assert "driver: IncidentDeskDriverProtocol | None = None" in incident
    assert git(applied.repo, "show", f"typed:{OPS}/schemas/__init__.py") is not None
    produced = [
        "engines/anomaly_engine.py",
        "schemas/anomaly_driver_protocol.py",
        "schemas/incident_driver_protocol.py",
    ]
    assert ruff_problems(applied, "typed", produced, tmp_path) == []


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
