"""The HOC preset's second generation (layer-rules-v2.md), chosen from the tree: the spine is
L4, API handlers call it, only the spine crosses domains; drivers may return their schemas."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hoc_migrate.cli import app
from hoc_migrate.core.layers.config import CheckConfig
from tests.check.support import check
from tests.conftest import ROOT

V2 = "backend/app/hoc/cus"
ENGINE = f"{V2}/billing/L5_engines/invoice_engine.py"


def findings(repo: Path, *extra: str) -> list[tuple[str, str, str, str | None]]:
    result = CliRunner().invoke(
        app, ["check", "--repo", str(repo), "--format", "json", "--no-cache", *extra]
    )
    assert result.exit_code in (0, 1), result.stderr
    return sorted(
        (f["rule"], f["severity"], f["file"].rsplit("/", 1)[1], f["module"])
        for f in json.loads(result.stdout)["findings"]
    )


@pytest.fixture
def v2_tree(tmp_path: Path) -> Path:
    repo = tmp_path / "v2"
    shutil.copytree(ROOT / "fixtures" / "hoc_v2", repo)
    return repo


def test_on_a_v2_tree_the_api_calls_the_spine_and_an_engine_may_not_use_another_domain(
    v2_tree: Path,
) -> None:
    assert findings(v2_tree) == [
        (
            "CROSS_DOMAIN",
            "error",
            "invoice_engine.py",
            "app.hoc.cus.accounts.L6_drivers.account_driver",
        )
    ]
    text = CliRunner().invoke(app, ["check", "--repo", str(v2_tree), "--no-cache"]).stdout
    assert "(DOMAIN-003); cross-domain work belongs to cus/hoc_spine/" in text


def test_the_same_tree_under_the_v1_rules_reports_what_v2_allows_and_misses_what_it_forbids(
    v2_tree: Path,
) -> None:
    (v2_tree / "hoc-migrate.toml").write_text('hoc_generation = "v1"\n')
    assert findings(v2_tree) == [
        # Only a warning in V1: cross-domain imports were a smell, not a breach.
        (
            "CROSS_DOMAIN",
            "warning",
            "invoice_engine.py",
            "app.hoc.cus.accounts.L6_drivers.account_driver",
        ),
        ("LAYER_BOUNDARY", "error", "invoice_engine.py", "app.hoc.cus.hoc_spine.services.clock"),
        (
            "LAYER_BOUNDARY",
            "error",
            "invoices.py",
            "app.hoc.cus.hoc_spine.orchestrator.billing_flow",
        ),
    ]


def test_config_show_names_the_generation_the_tree_chose(v2_tree: Path) -> None:
    shown = CliRunner().invoke(app, ["config", "show", "--repo", str(v2_tree)]).stdout
    assert 'hoc_generation = "v2"  # auto: chosen from the tree' in shown
    assert 'preset = "hoc"  # chosen from the tree: it has a HOC package' in shown


HEAD = "# Layer: L5 — Domain Engines\n"


@pytest.mark.parametrize(
    ("imported", "rule", "severity", "why"),
    [
        (f"{V2}/accounts/L5_engines/rules.py", "CROSS_DOMAIN", "error", "DOMAIN-002"),
        (f"{V2}/hoc_spine/orchestrator/flow.py", "LAYER_BOUNDARY", "error", "UP-001"),
        (f"{V2}/hoc_spine/schemas/money.py", None, None, None),  # shared types: allowed
        (f"{V2}/hoc_spine/drivers/audit.py", None, None, None),  # L6, and the spine is shared
        (f"{V2}/billing/L6_drivers/store.py", None, None, None),  # DOMAIN-001
    ],
)
def test_the_v2_import_rules_for_an_engine(
    imported: str, rule: str | None, severity: str | None, why: str | None
) -> None:
    module = imported.removeprefix("backend/").removesuffix(".py").replace("/", ".")
    files: dict[str, str | bytes] = {
        f"{V2}/billing/L5_engines/e.py": f"{HEAD}import {module}\n",
        imported: "x = 1\n",
    }
    result = check(files, config=CheckConfig(source_roots=("backend",), hoc_generation="v2"))
    found = [f for f in result.findings if f.file.endswith("/e.py")]
    assert [(f.rule, f.severity) for f in found] == ([(rule, severity)] if rule else [])
    if why:
        assert why in found[0].message


@pytest.mark.parametrize("generation", ["v1", "v2"])
def test_drivers_may_import_their_schemas_but_not_engines(generation: str) -> None:
    driver = "# Layer: L6 — Drivers\nimport sqlalchemy\n"
    files: dict[str, str | bytes] = {
        f"{V2}/billing/drivers/d.py": driver
        + "from app.hoc.cus.billing.schemas.types import Row\n",
        f"{V2}/billing/L6_drivers/d2.py": driver
        + "from app.hoc.cus.billing.L5_schemas import types\n"
        + "from app.hoc.cus.billing.L5_engines.rules import decide\n",
        f"{V2}/billing/schemas/types.py": "class Row: ...\n",
        f"{V2}/billing/L5_schemas/types.py": "class Row: ...\n",
        f"{V2}/billing/L5_engines/rules.py": "def decide(): ...\n",
    }
    result = check(files, config=CheckConfig(source_roots=("backend",), hoc_generation=generation))
    boundary = [
        (f.file.rsplit("/", 1)[1], f.module) for f in result.findings if f.rule == "LAYER_BOUNDARY"
    ]
    assert boundary == [("d2.py", "app.hoc.cus.billing.L5_engines.rules")]


def test_drivers_importing_schemas_is_configurable() -> None:
    files: dict[str, str | bytes] = {
        f"{V2}/billing/drivers/d.py": "# Layer: L6 — Drivers\nimport sqlalchemy\nfrom app.hoc.cus.billing.schemas import t\n",
        f"{V2}/billing/schemas/t.py": "",
    }
    strict = CheckConfig(source_roots=("backend",), allowed_import_folders={})
    assert [f.rule for f in check(files, config=strict).findings] == ["LAYER_BOUNDARY"]
