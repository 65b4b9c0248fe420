"""The first hour with a plain layered project: `shop` (api, services, repositories, models,
tests/) whose only configuration is an import-linter `layers` contract."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from hoc_migrate.cli import app
from tests.conftest import git, make_repo
from tests.layers.projects import SHOP

#: Words of the HOC topology that a project without the preset never sees (`# Layer:` is its
#: header; PR.md's "## Layer check" heading is not).
HOC_WORDS = re.compile(
    r"\bHOC\b|houseofcards|AUDIENCE|hoc_spine|\bL\d(?:\.\d)?\b|# Layer:|INV-INT|general/"
)


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "shop", SHOP)


def test_check_reports_the_one_real_breach_in_the_projects_own_layer_names(shop: Path) -> None:
    result = run("check", "--repo", shop, "--format", "json", "--no-cache")

    assert result.exit_code == 1, result.stderr
    document = json.loads(result.stdout)
    findings = [(f["rule"], f["file"], f["line"], f["module"]) for f in document["findings"]]
    assert findings == [
        ("LAYER_BOUNDARY", "shop/repositories/orders.py", 2, "shop.services.pricing")
    ]
    assert document["findings"][0]["message"] == (
        "shop.repositories may not import shop.services (shop.services.pricing): "
        "shop.services is a higher layer in contract 'Shop layers'; "
        "shop.repositories may import shop.models"
    )
    layers = {path: info["layer"] for path, info in document["files"].items()}
    assert layers["shop/api/orders.py"] == "shop.api"
    assert layers["shop/models/order.py"] == "shop.models"
    assert layers["tests/test_orders.py"] is None  # not in a layer: not checked


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_no_output_speaks_of_the_hoc_topology(shop: Path, fmt: str) -> None:
    result = run("check", "--repo", shop, "--format", fmt, "--no-cache")

    assert result.exit_code == 1
    assert HOC_WORDS.findall(result.stdout + result.stderr) == []


def write_plan(shop: Path) -> Path:
    plan = shop / "plans" / "pricing.yaml"
    plan.parent.mkdir()
    plan.write_text(
        "name: pricing-to-models\nsteps:\n"
        "  - move: {from: shop/services/pricing.py, to: shop/models/pricing.py}\n",
        encoding="utf-8",
    )
    return plan


@pytest.mark.slow
def test_no_report_dry_run_apply_or_pr_speaks_of_the_hoc_topology(shop: Path) -> None:
    plan = write_plan(shop)
    outputs = []
    for args in (
        ("dry-run", plan),
        ("dry-run", plan, "--format", "json"),
        ("report", plan),
        ("apply", plan, "--branch", "pricing"),
        ("report", plan, "--branch", "pricing"),
        ("pr", plan, "--branch", "pricing", "--out", shop / "pr-out"),
    ):
        result = run(*args, "--repo", shop)
        assert result.exit_code == 0, (args, result.stderr)
        outputs.append(result.stdout + result.stderr)
    pr_md = (shop / "pr-out" / "PR.md").read_text(encoding="utf-8")
    for text in (*outputs, pr_md):
        assert HOC_WORDS.findall(text) == [], text
    # The certificate lists what was checked: the project's contract, kept.
    certificate = outputs[4]
    assert "Governance Invariants" not in certificate
    assert "# Rules: the project's import-linter contracts" in certificate
    assert (
        "| contract 'Shop layers' | layers: shop.api > shop.services > shop.repositories > "
        "shop.models (pyproject.toml) | LAYER_BOUNDARY | ✅ ENFORCED |"
    ) in certificate


@pytest.mark.slow
def test_a_move_between_layers_applies_verified_with_no_header_added(shop: Path) -> None:
    plan = shop / "plans" / "pricing.yaml"
    plan.parent.mkdir()
    plan.write_text(
        "name: pricing-to-models\n"
        "steps:\n"
        "  - move:\n"
        "      from: shop/services/pricing.py\n"
        "      to: shop/models/pricing.py\n"
        "      why: pure computation on the models\n"
        "verify:\n"
        f"  command: [{sys.executable}, -m, pytest, -q]\n",
        encoding="utf-8",
    )

    applied = run("apply", plan, "--branch", "pricing", "--repo", shop)

    assert applied.exit_code == 0, applied.stderr
    assert "PASSED   command:" in applied.stderr
    moved = git(shop, "show", "pricing:shop/models/pricing.py")
    assert moved == (SHOP["shop/services/pricing.py"])  # no header added, nothing else changed
    names = git(shop, "diff", "--name-status", "-M", "main", "pricing").splitlines()
    assert "R100\tshop/services/pricing.py\tshop/models/pricing.py" in names
    assert not any(n.endswith("__init__.py") for n in names)
    repository = git(shop, "show", "pricing:shop/repositories/orders.py")
    assert "from shop.models.pricing import total" in repository
    # The breach is gone on the branch: the project's check passes there.
    git(shop, "checkout", "-q", "pricing")
    assert run("check", "--repo", shop, "--no-cache").exit_code == 0


@pytest.mark.slow
def test_the_move_rewrites_the_tests_outside_the_layers(shop: Path) -> None:
    plan = write_plan(shop)
    assert run("apply", plan, "--branch", "pricing", "--repo", shop).exit_code == 0
    tests = git(shop, "show", "pricing:tests/test_orders.py")
    assert "from shop.models.pricing import total" in tests


def test_with_headers_configured_a_move_writes_the_projects_header(shop: Path) -> None:
    (shop / "hoc-migrate.toml").write_text(
        'headers = true\nlayer_descriptions = {"shop.models" = "Data and pure rules"}\n'
    )
    plan = shop / "plans" / "pricing.yaml"
    plan.parent.mkdir()
    plan.write_text(
        "name: p\nsteps:\n  - move: {from: shop/services/pricing.py, to: shop/models/pricing.py}\n"
    )
    result = run("dry-run", plan, "--repo", shop)
    assert result.exit_code == 0, result.stderr
    assert "+# Layer: shop.models — Data and pure rules\n" in result.stdout
