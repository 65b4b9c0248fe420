"""`plan suggest`, one rule at a time: a tree with one finding gets the one step that removes
it (and the plan applies verified with no error left); a finding no step can fix safely
becomes a debt entry with its reason, never a guess."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner, Result

from hoc_migrate.cli import app

D = "backend/app/hoc/cus/shop"

BASE: dict[str, str | bytes] = {
    "pyproject.toml": '[tool.hoc-migrate]\nsource_roots = ["backend"]\n',
    "backend/app/__init__.py": "",
    "backend/app/hoc/__init__.py": "",
    "backend/app/hoc/cus/__init__.py": "",
    f"{D}/__init__.py": "",
    f"{D}/drivers/__init__.py": "# Layer: L6 — Drivers\n",
    f"{D}/engines/__init__.py": "# Layer: L5 — Domain Engines\n",
    f"{D}/schemas/__init__.py": "# Layer: L5 — Domain Schemas\n",
}

ENGINE_HEADER = "# Layer: L5 — Domain Engines\n# AUDIENCE: CUSTOMER\n"
DRIVER_HEADER = "# Layer: L6 — Drivers\n# AUDIENCE: CUSTOMER\n"

DATA_MODULE = (
    ENGINE_HEADER
    + '"""Order types."""\n\nfrom dataclasses import dataclass\nfrom enum import StrEnum\n\n\n'
    "class Status(StrEnum):\n    OPEN = 'open'\n    PAID = 'paid'\n\n\n"
    "@dataclass(frozen=True)\nclass Order:\n    id: int\n    total: float\n    status: Status\n"
)
LOGIC_MODULE = (
    ENGINE_HEADER + '"""Discounts."""\n\n\n'
    "def discount(total: float, loyal: bool) -> float:\n"
    "    if loyal and total > 100:\n        return total * 0.9\n    return total\n"
)
DB_MODULE = (
    DRIVER_HEADER + '"""Order rows."""\n\nfrom sqlalchemy import text\n\n\n'
    "def load(session, order_id):\n"
    "    return session.execute(text('SELECT * FROM orders WHERE id = :i'), {'i': order_id})\n"
)
HYBRID_ENGINE = (
    ENGINE_HEADER + '"""Ledger: thresholds and the rows they read."""\n\n'
    "from sqlalchemy import text\n\nLIMIT = 100\n\n\n"
    "def over_limit(session, account: int) -> bool:\n"
    "    total = session.execute(text('SELECT sum(x) FROM ledger WHERE a = :a'), {'a': account})"
    ".scalar()\n"
    "    return total > LIMIT\n"
)
# A method whose `if` does the database work and decides inside: the split refuses it.
UNSPLITTABLE_ENGINE = (
    ENGINE_HEADER + '"""A flag read from the database."""\n\n'
    "from sqlalchemy import text\n\n\n"
    "class Flags:\n"
    "    def __init__(self, session) -> None:\n        self.session = session\n        self.n = 0\n\n"
    "    def refresh(self) -> None:\n"
    "        if self.session.execute(text('SELECT 1')).scalar():\n            self.n = 1\n"
)


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


RepoFactory = Callable[[dict[str, str | bytes]], Path]


def suggest(repo: Path, *args: str) -> tuple[Result, dict[str, Any] | None]:
    result = run("plan", "suggest", *args, "--repo", repo)
    return result, (yaml.safe_load(result.stdout) if result.stdout.strip() else None)


def only_step(plan: dict[str, Any] | None) -> tuple[str, dict[str, Any]]:
    assert plan is not None
    assert len(plan["steps"]) == 1, plan["steps"]
    ((kind, options),) = plan["steps"][0].items()
    return kind, options


def applies_with_no_error_left(repo: Path, plan: dict[str, Any], left: int = 0) -> None:
    """The plan applies verified; `left` errors remain, all of them the plan's debt."""
    path = repo / "suggested.yaml"
    path.write_text(yaml.safe_dump(plan, sort_keys=False))
    applied = run("apply", path, "--branch", "suggested", "--repo", repo)
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    out = applied.stdout + applied.stderr
    layer = next(line for line in out.splitlines() if "layer check: errors" in line)
    assert f" -> {left}," in layer, layer


def test_a_package_header_that_disagrees_with_its_folder_is_fixed(
    repo_factory: RepoFactory,
) -> None:
    repo = repo_factory({**BASE, f"{D}/drivers/__init__.py": "# Layer: L4 — Runtime\n"})
    result, plan = suggest(repo)
    assert result.exit_code == 0, result.stderr
    assert only_step(plan) == (
        "fix_header",
        {
            "path": f"{D}/drivers/__init__.py",
            "layer": "L6",
            "why": "drivers/ is L6; its __init__ said L4",
        },
    )


def test_a_schema_in_drivers_moves_to_schemas(repo_factory: RepoFactory) -> None:
    repo = repo_factory({**BASE, f"{D}/drivers/order_types.py": DATA_MODULE})
    result, plan = suggest(repo)
    kind, options = only_step(plan)
    assert (kind, options["from"], options["to"]) == (
        "move",
        f"{D}/drivers/order_types.py",
        f"{D}/schemas/order_types.py",
    )
    assert "pure data" in options["why"]
    assert plan is not None and "debt" not in plan


def test_logic_in_drivers_moves_to_engines_under_an_engine_name(
    repo_factory: RepoFactory,
) -> None:
    repo = repo_factory({**BASE, f"{D}/drivers/discounts.py": LOGIC_MODULE})
    _result, plan = suggest(repo)
    kind, options = only_step(plan)
    assert (kind, options["to"]) == ("move", f"{D}/engines/discounts_engine.py")
    assert plan is not None
    applies_with_no_error_left(repo, plan)


@pytest.mark.parametrize(
    ("path", "source", "renamed"),
    [
        (f"{D}/engines/pricing_service.py", LOGIC_MODULE, f"{D}/engines/pricing_engine.py"),
        (f"{D}/drivers/order_service.py", DB_MODULE, f"{D}/drivers/order_driver.py"),
    ],
)
def test_a_banned_name_is_renamed_from_the_content(
    repo_factory: RepoFactory, path: str, source: str, renamed: str
) -> None:
    repo = repo_factory({**BASE, path: source})
    _result, plan = suggest(repo)
    kind, options = only_step(plan)
    assert (kind, options["from"], options["to"]) == ("move", path, renamed)
    assert "*_service.py is banned" in options["why"]
    assert plan is not None
    applies_with_no_error_left(repo, plan)


def test_an_audience_header_its_importers_contradict_is_fixed(
    repo_factory: RepoFactory,
) -> None:
    internal = LOGIC_MODULE.replace("AUDIENCE: CUSTOMER", "AUDIENCE: INTERNAL")
    repo = repo_factory(
        {
            **BASE,
            f"{D}/engines/discounts_engine.py": internal,
            f"{D}/engines/checkout_engine.py": ENGINE_HEADER
            + "from app.hoc.cus.shop.engines.discounts_engine import discount\n\nX = discount\n",
        }
    )
    result, plan = suggest(repo, "--explain")
    assert only_step(plan) == (
        "fix_header",
        {
            "path": f"{D}/engines/discounts_engine.py",
            "audience": "CUSTOMER",
            "why": "only CUSTOMER code imports it; the header said otherwise",
        },
    )
    assert f"imported by: {D}/engines/checkout_engine.py" in result.stderr


def test_a_legacy_import_is_repointed_where_the_hoc_tree_defines_every_name(
    repo_factory: RepoFactory,
) -> None:
    repo = repo_factory(
        {
            **BASE,
            "backend/app/services/__init__.py": "",
            "backend/app/services/prices.py": "def price(x):\n    return x\n",
            f"{D}/engines/prices_engine.py": ENGINE_HEADER + "def price(x):\n    return x\n",
            f"{D}/engines/checkout_engine.py": ENGINE_HEADER
            + "from app.services.prices import price\n\nX = price\n",
        }
    )
    _result, plan = suggest(repo)
    kind, options = only_step(plan)
    assert (kind, options["from"], options["to"]) == (
        "rewrite_import",
        "app.services.prices",
        "app.hoc.cus.shop.engines.prices_engine",
    )
    assert plan is not None
    applies_with_no_error_left(repo, plan)


def test_database_work_in_an_engine_is_split_into_a_driver(repo_factory: RepoFactory) -> None:
    repo = repo_factory({**BASE, f"{D}/engines/ledger.py": HYBRID_ENGINE})
    _result, plan = suggest(repo)
    kind, options = only_step(plan)
    assert kind == "split_hybrid"
    assert (options["path"], options["driver"], options["names"]) == (
        f"{D}/engines/ledger.py",
        f"{D}/drivers/ledger_driver.py",
        "auto",
    )
    assert "engine" not in options  # an engine already: it stays where it is
    assert plan is not None
    applies_with_no_error_left(repo, plan)


def test_a_split_the_codemod_refuses_becomes_debt_with_the_refusal(
    repo_factory: RepoFactory,
) -> None:
    repo = repo_factory(
        {
            **BASE,
            f"{D}/drivers/__init__.py": "# Layer: L4 — Runtime\n",
            f"{D}/engines/flags.py": UNSPLITTABLE_ENGINE,
        }
    )
    result, plan = suggest(repo)
    assert result.exit_code == 0, result.stderr
    kind, _options = only_step(plan)  # the header fix; the split was tried and dropped
    assert kind == "fix_header"
    assert plan is not None
    (debt,) = plan["debt"]
    assert (debt["path"], debt["rules"]) == (f"{D}/engines/flags.py", ["SQLALCHEMY_RUNTIME"])
    assert "cannot split Flags.refresh" in debt["reason"]
    applies_with_no_error_left(repo, plan, left=1)


def test_findings_no_step_can_answer_exit_1_with_their_reasons(
    repo_factory: RepoFactory,
) -> None:
    repo = repo_factory({**BASE, f"{D}/engines/flags.py": UNSPLITTABLE_ENGINE})
    result, plan = suggest(repo)
    assert result.exit_code == 1
    assert plan is None  # no plan: a plan needs a step
    assert "no step can answer the findings" in result.stderr
    assert "cannot split Flags.refresh" in result.stderr


def test_a_clean_tree_gets_no_plan(repo_factory: RepoFactory) -> None:
    repo = repo_factory({**BASE, f"{D}/engines/discounts_engine.py": LOGIC_MODULE})
    result, plan = suggest(repo, "-o", str(repo / "plan.yaml"))
    assert result.exit_code == 0
    assert plan is None
    assert "nothing to suggest: no error to answer" in result.stderr
    assert not (repo / "plan.yaml").exists()


def test_a_step_that_would_add_an_error_is_dropped_and_its_finding_is_debt(
    repo_factory: RepoFactory,
) -> None:
    # No database work, so an engine's name in engines/; but as L5 its import of the L7
    # models would be a new LAYER_BOUNDARY error: the rename is not offered.
    logic_on_models = (
        DRIVER_HEADER + "from app.models.order import OrderRow\n\n\n"
        "def label(row: OrderRow) -> str:\n    return f'#{row.id}'\n"
    )
    repo = repo_factory(
        {
            **BASE,
            f"{D}/drivers/__init__.py": "# Layer: L4 — Runtime\n",
            "backend/app/models/__init__.py": "",
            "backend/app/models/order.py": "class OrderRow:\n    id = 1\n",
            f"{D}/drivers/label_service.py": logic_on_models,
        }
    )
    result, plan = suggest(repo)
    assert result.exit_code == 0, result.stderr
    assert only_step(plan)[0] == "fix_header"
    assert plan is not None
    (debt,) = plan["debt"]
    assert (debt["path"], debt["rules"]) == (f"{D}/drivers/label_service.py", ["BANNED_NAMING"])
    assert debt["reason"].startswith("Deferred: the step would add LAYER_BOUNDARY at ")
    applies_with_no_error_left(repo, plan, left=1)
