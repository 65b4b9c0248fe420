"""`report`: the migration certificate, every number measured on the result."""

from __future__ import annotations

from pathlib import Path

from tests.apply.conftest import MOVE_RULES, STORE, D, run, write_plan
from tests.conftest import git

WITH_DEBT = f"""\
name: shop-lock
source_roots: [backend]
scope: [{D}]
steps:
  - move: {{from: {D}/drivers/order_rules.py, to: {D}/engines/order_rules.py}}
  - fix_header: {{path: {STORE}, hybrid: true, note: split pending (M25)}}
debt:
  - path: {STORE}
    rules: [SQLALCHEMY_RUNTIME, LAYER_BOUNDARY]
    reason: HYBRID file, class split pending M25
    milestone: M25
"""


def field(text: str, name: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(f"{name}: "))


def test_certificate_of_an_applied_branch_is_clean_with_measured_numbers(shop: Path) -> None:
    plan = write_plan(shop, MOVE_RULES)
    assert run("apply", plan, "--branch", "lock", "--repo", shop).exit_code == 0

    result = run("report", plan, "--branch", "lock", "--repo", shop)

    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert text.startswith("# Shop Lock — Migration Certificate\n# Status: CLEAN\n")
    assert field(text, "STATUS") == "STATUS: CLEAN"
    assert field(text, "VIOLATIONS_REMEDIATED") == "VIOLATIONS_REMEDIATED: 1"
    assert field(text, "FILES_MOVED") == "FILES_MOVED: 1"
    assert field(text, "FILES_MODIFIED") == "FILES_MODIFIED: 1"
    assert field(text, "FILES_CREATED") == "FILES_CREATED: 0"
    branch_tip = git(shop, "rev-parse", "lock").strip()[:12]
    assert field(text, "BRANCH").startswith(f"BRANCH: lock ({branch_tip} over base ")
    assert "│   ├── order_rules.py" in text or "├── order_rules.py" in text
    assert "L5 — CLEAN (MOVED from backend/app/hoc/cus/shop/drivers/order_rules.py)" in text
    assert "| INV-INT-001 | L5 cannot import sqlalchemy at runtime |" in text
    assert "STATUS: CLEAN" in result.stderr


def test_only_accepted_debt_left_means_locked(shop: Path) -> None:
    plan = write_plan(shop, WITH_DEBT)
    applied = run("apply", plan, "--branch", "lock", "--repo", shop)
    assert applied.exit_code == 0, applied.stderr

    out = shop / "docs" / "SHOP_LOCK.md"
    result = run("report", plan, "--branch", "lock", "--out", out, "--repo", shop)

    assert result.exit_code == 0, result.stderr
    text = out.read_text()
    assert field(text, "STATUS") == "STATUS: LOCKED (with documented technical debt)"
    assert "order_store.py" in field(text, "TECHNICAL_DEBT")
    assert "| HYBRID file, class split pending M25 | M25 |" in text
    assert "L5/L6 HYBRID — accepted debt" in text
    assert (
        "| `backend/app/hoc/cus/shop/drivers/order_store.py` | 1 LAYER_BOUNDARY, 1 SQLALCHEMY_RUNTIME |"
        in text
    )
    assert "stale" not in text


def test_an_error_that_predates_the_plan_leaves_the_certificate_open(shop: Path) -> None:
    (shop / f"{D}/drivers/refund_service.py").write_text("# Layer: L6 — Drivers\nX = 1\n")
    git(shop, "add", "-A")
    git(shop, "commit", "-qm", "a banned name")
    plan = write_plan(shop, MOVE_RULES)

    result = run("report", plan, "--repo", shop)  # the plan computed in memory

    # Not the change's doing (apply verifies it): the same verdict, and the error named.
    assert result.exit_code == 0
    assert field(result.stdout, "STATUS") == "STATUS: OPEN (errors that predate the change remain)"
    assert "- 1 error not covered by accepted debt, none of them added by the change" in (
        result.stdout
    )
    assert "BANNED_NAMING at backend/app/hoc/cus/shop/drivers/refund_service.py" in result.stdout
    assert "(the plan computed in memory, not applied)" in result.stdout


def test_report_out_outside_the_repository_is_refused(shop: Path, tmp_path: Path) -> None:
    plan = write_plan(shop, MOVE_RULES)
    result = run("report", plan, "--out", tmp_path / "cert.md", "--repo", shop)
    assert result.exit_code == 2
    assert "outside the repository" in result.stderr
    assert not (tmp_path / "cert.md").exists()


def test_report_without_a_branch_starts_from_head_as_apply_does(shop: Path) -> None:
    plan = write_plan(shop, MOVE_RULES)
    git(shop, "add", "-A")
    git(shop, "commit", "-qm", "the plan")
    head = git(shop, "rev-parse", "HEAD").strip()[:12]
    # An uncommitted layer error: apply would not see it, so neither does report.
    (shop / f"{D}/drivers/refund_service.py").write_text("# Layer: L6 — Drivers\nX = 1\n")

    result = run("report", plan, "--repo", shop)

    assert result.exit_code == 0, result.stderr
    assert field(result.stdout, "STATUS") == "STATUS: CLEAN"
    assert f"# Source: HEAD {head} (the plan computed in memory, not applied)" in result.stdout
