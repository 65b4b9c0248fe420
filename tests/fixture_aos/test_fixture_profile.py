"""The layer profile of the AOS fixture before Phase 2.5 (see fixtures/aos/README.md).

The fixture is the integrations domain of the seed document in its state before the
Phase 2.5 plan: 61 errors, of which the plan remediates 6 to reach the seed's 55, plus
10 header warnings. These tests pin that profile through the CLI's JSON output, so that
a change to the fixture (or to the checker) that would make the later migration tests
meaningless fails here first.
"""

from __future__ import annotations

import ast
import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from hoc_migrate.cli import app

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "aos"
DOMAIN = "backend/app/hoc/cus/integrations"

BEFORE_ERRORS = {
    "AUDIENCE_MISMATCH": 1,
    "BANNED_NAMING": 4,
    "LAYER_BOUNDARY": 11,
    "LEGACY_IMPORT": 22,
    "SQLALCHEMY_RUNTIME": 23,
}

# The 12 violations the seed's Phase 2.5 remediated:
# (file in the domain, rule, severity, imported module for import findings).
REMEDIABLE = [
    ("drivers/__init__.py", "HEADER_LOCATION_MISMATCH", "warning", None),
    ("schemas/__init__.py", "HEADER_LOCATION_MISMATCH", "warning", None),
    ("engines/__init__.py", "HEADER_LOCATION_MISMATCH", "warning", None),
    ("drivers/events.py", "HEADER_LOCATION_MISMATCH", "warning", None),
    ("drivers/prevention_contract.py", "HEADER_LOCATION_MISMATCH", "warning", None),
    ("drivers/learning_proof.py", "HEADER_LOCATION_MISMATCH", "warning", None),
    ("drivers/cost_bridges.py", "HEADER_LOCATION_MISMATCH", "warning", None),
    ("drivers/bridges.py", "HEADER_LOCATION_MISMATCH", "warning", None),
    ("drivers/cost_snapshots.py", "HEADER_LOCATION_MISMATCH", "warning", None),
    ("drivers/dispatcher.py", "HEADER_LOCATION_MISMATCH", "warning", None),
    ("drivers/server_registry.py", "AUDIENCE_MISMATCH", "error", None),
    ("drivers/cost_bridges.py", "LEGACY_IMPORT", "error", "app.services.events"),
]

# Every file of the domain before Phase 2.5: the seed's "Final File Structure" with the
# plan's moves undone and its new files not yet written. Nothing else: after the plan the
# domain matches the seed's tree file for file (tests/e2e proves that on the branch).
BEFORE_FILES = {
    "__init__.py",
    "adapters/__init__.py",
    "drivers/__init__.py",
    "drivers/bridges.py",
    "drivers/connector_registry.py",
    "drivers/cost_bridges.py",  # -> engines/cost_bridges_engine.py
    "drivers/cost_safety_rails.py",
    "drivers/cost_snapshots.py",
    "drivers/dispatcher.py",
    "drivers/events.py",  # -> schemas/loop_events.py
    "drivers/execution.py",
    "drivers/external_response_service.py",
    "drivers/identity_resolver.py",
    "drivers/knowledge_plane.py",
    "drivers/learning_proof.py",  # -> engines/learning_proof_engine.py
    "drivers/prevention_contract.py",  # -> engines/prevention_contract.py
    "drivers/server_registry.py",  # -> general/L3_mcp/server_registry.py
    "engines/__init__.py",
    "engines/cus_health_service.py",
    "engines/iam_service.py",
    "facades/__init__.py",
    "facades/connectors_facade.py",
    "facades/cost_bridges_facade.py",
    "facades/datasources_facade.py",
    "facades/governance_facade.py",
    "facades/integrations_facade.py",
    "facades/loop_facade.py",
    "facades/mcp_facade.py",
    "facades/webhooks_facade.py",
    "schemas/__init__.py",
    "vault/__init__.py",
    "vault/engines/__init__.py",
    "vault/engines/cus_credential_service.py",
}

# Legacy modules whose M25 moves (or the shim's rewrite) remove every legacy import.
MIGRATED_LEGACY = {
    "app.services.connectors",
    "app.services.governance.cross_domain",
    "app.services.events",
}


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("aos") / "aos"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    return root


def check(root: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(
        app, ["check", *args, "--repo", str(root), "--no-cache", "--format", "json"]
    )
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


@pytest.fixture(scope="module")
def report(copy: Path) -> dict[str, Any]:
    exit_code, data = check(copy, str(copy / DOMAIN))
    assert exit_code == 1
    return data


def in_domain(path: str) -> str:
    assert path.startswith(DOMAIN + "/"), path
    return path[len(DOMAIN) + 1 :]


def test_the_domain_has_61_errors_by_rule_and_10_header_warnings(report: dict[str, Any]) -> None:
    summary = report["summary"]
    assert summary["errors_by_rule"] == BEFORE_ERRORS
    assert summary["errors"] == 61
    assert summary["warnings"] == 10
    warnings = Counter(f["rule"] for f in report["findings"] if f["severity"] == "warning")
    assert warnings == {"HEADER_LOCATION_MISMATCH": 10}


def test_the_domain_filter_selects_the_same_findings(copy: Path, report: dict[str, Any]) -> None:
    _, whole = check(copy, "--domain", "integrations")
    assert whole["summary"]["errors_by_rule"] == BEFORE_ERRORS
    assert sorted(map(json.dumps, whole["findings"])) == sorted(map(json.dumps, report["findings"]))


@pytest.mark.parametrize(("file", "rule", "severity", "module"), REMEDIABLE)
def test_each_remediable_violation_is_reported(
    report: dict[str, Any], file: str, rule: str, severity: str, module: str | None
) -> None:
    found = [
        f
        for f in report["findings"]
        if in_domain(f["file"]) == file
        and f["rule"] == rule
        and f["severity"] == severity
        and f["module"] == module
    ]
    assert len(found) == 1, found


def test_the_legacy_events_shim_is_also_a_boundary_finding(report: dict[str, Any]) -> None:
    boundary = [
        f
        for f in report["findings"]
        if f["rule"] == "LAYER_BOUNDARY" and in_domain(f["file"]) == "drivers/cost_bridges.py"
    ]
    assert sorted(f["module"] for f in boundary) == [
        "app.services.events",
        "app.services.governance.cross_domain",
    ]


def test_sqlalchemy_runtime_imports_sit_in_the_three_hybrid_files(
    copy: Path, report: dict[str, Any]
) -> None:
    findings = [f for f in report["findings"] if f["rule"] == "SQLALCHEMY_RUNTIME"]
    assert Counter(in_domain(f["file"]) for f in findings) == {
        "drivers/bridges.py": 15,
        "drivers/cost_snapshots.py": 4,
        "drivers/dispatcher.py": 4,
    }
    # Three of them live in record_policy_activation, which Phase 2.5 extracts to an L6
    # driver: that is the difference between 23 now and the seed's 20.
    tree = ast.parse((copy / DOMAIN / "drivers/bridges.py").read_text(encoding="utf-8"))
    function = next(
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name == "record_policy_activation"
    )
    inside = [
        f
        for f in findings
        if in_domain(f["file"]) == "drivers/bridges.py"
        and function.lineno <= f["line"] <= (function.end_lineno or 0)
    ]
    assert len(inside) == 3


def test_legacy_imports_target_only_modules_that_m25_migrates(report: dict[str, Any]) -> None:
    legacy = [f for f in report["findings"] if f["rule"] == "LEGACY_IMPORT"]
    assert {f["module"] for f in legacy} == MIGRATED_LEGACY
    by_file = Counter(in_domain(f["file"]).split("/")[0] for f in legacy)
    assert by_file == {"drivers": 3, "facades": 19}


def test_facades_split_into_l21_and_l4_as_the_seed_counts(report: dict[str, Any]) -> None:
    layers = {
        in_domain(path): info["layer"]
        for path, info in report["files"].items()
        if path.startswith(f"{DOMAIN}/facades/") and not path.endswith("__init__.py")
    }
    assert len(layers) == 8
    assert set(layers.values()) == {"L2.1", "L4"}
    legacy = Counter(
        layers[in_domain(f["file"])]
        for f in report["findings"]
        if f["rule"] == "LEGACY_IMPORT" and in_domain(f["file"]) in layers
    )
    boundary = Counter(
        layers[in_domain(f["file"])]
        for f in report["findings"]
        if f["rule"] == "LAYER_BOUNDARY" and in_domain(f["file"]) in layers
    )
    assert legacy == {"L2.1": 8, "L4": 11}
    assert boundary == {"L2.1": 8}


def test_banned_names_are_the_four_service_files(report: dict[str, Any]) -> None:
    banned = sorted(
        in_domain(f["file"]) for f in report["findings"] if f["rule"] == "BANNED_NAMING"
    )
    assert banned == [
        "drivers/external_response_service.py",
        "engines/cus_health_service.py",
        "engines/iam_service.py",
        "vault/engines/cus_credential_service.py",
    ]


def test_the_domain_holds_only_files_the_seed_accounts_for(report: dict[str, Any]) -> None:
    on_disk = {
        path.relative_to(FIXTURE / DOMAIN).as_posix()
        for path in (FIXTURE / DOMAIN).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert on_disk == BEFORE_FILES
    assert {in_domain(path) for path in report["files"]} == BEFORE_FILES
    assert not (FIXTURE / "backend/app/hoc/cus/general/L3_mcp").exists()


def test_the_schemas_package_is_imported_by_no_l5_module(
    copy: Path, report: dict[str, Any]
) -> None:
    """Its L4 header (until Phase 2.5) would make every L5 importer a boundary finding."""
    assert report["files"][f"{DOMAIN}/schemas/__init__.py"]["layer"] == "L4"
    boundary = [
        f
        for f in report["findings"]
        if f["rule"] == "LAYER_BOUNDARY" and f["module"] == "app.hoc.cus.integrations.schemas"
    ]
    assert boundary == []
