"""The certificate and the PR description render only what the run measured."""

from __future__ import annotations

import datetime as dt

from hoc_migrate.core.certificate import CLEAN, FAILED, LOCKED, OPEN, render_certificate
from hoc_migrate.core.changes import ChangeKind, ChangeSet, FileChange
from hoc_migrate.core.layers.findings import FileInfo, Finding
from hoc_migrate.core.layers.rule_set import RuleSet
from hoc_migrate.core.plan import DebtEntry, Plan, Step
from hoc_migrate.core.report import render_pr_body
from hoc_migrate.core.run_summary import RunSummary, StepSummary
from hoc_migrate.core.verification import (
    CheckOutcome,
    CheckStatus,
    LayerCheck,
    VerificationReport,
    compare_checks,
)

D = "backend/app/hoc/cus/shop"
HOC_V1 = RuleSet(generation="v1")  # the tree of these runs is judged by the HOC preset
DEBT = DebtEntry(f"{D}/drivers/bridges.py", ("SQLALCHEMY_RUNTIME",), "HYBRID: M25", milestone="M25")


def run(after_findings: tuple[Finding, ...], *, debt=(), checks=()) -> RunSummary:  # type: ignore[no-untyped-def]
    plan = Plan(
        name="shop-lock",
        description="Lock the shop domain.",
        steps=(Step(1, "move", {"from": "x", "to": "y", "why": "pure engine"}),),
        scope=(D,),
        debt=tuple(debt),
        file="plans/shop.yaml",
    )
    moved = FileChange(
        ChangeKind.RENAMED, f"{D}/engines/rules.py", f"{D}/drivers/rules.py", b"x\n", b"x\n"
    )
    before = LayerCheck(
        (
            Finding(
                "HEADER_LOCATION_MISMATCH",
                "warning",
                f"{D}/drivers/rules.py",
                1,
                1,
                "L5 in drivers",
                subject="Layer: L5",
            ),
            *after_findings,
        ),
        {f"{D}/drivers/rules.py": FileInfo(f"{D}/drivers/rules.py", "L5")},
        rules=HOC_V1,
    )
    after = LayerCheck(
        after_findings,
        {
            f"{D}/engines/rules.py": FileInfo(f"{D}/engines/rules.py", "L5"),
            f"{D}/drivers/bridges.py": FileInfo(
                f"{D}/drivers/bridges.py", "L5", hybrid=True, declared_layers=("L5", "L6")
            ),
            f"{D}/drivers/__init__.py": FileInfo(f"{D}/drivers/__init__.py", "L6"),
        },
        rules=HOC_V1,
    )
    comparison = compare_checks(
        before,
        after,
        file_renames={moved.old_path or "": moved.path},
        module_renames={},
        debt=list(debt),
        today=dt.date(2026, 1, 24),
    )
    verification = VerificationReport(
        tuple(checks)
        or (CheckOutcome("compile", CheckStatus.PASSED, "2 changed file(s) compile"),),
        comparison,
    )
    return RunSummary(
        plan=plan,
        steps=(
            StepSummary(1, "move", "step 1 (move)", "done", "pure engine", files=(moved.path,)),
        ),
        changes=ChangeSet((moved,)),
        comparison=comparison,
        verification=verification,
        scope=(D,),
        date=dt.date(2026, 1, 24),
        source="branch lock (abc) over base def",
        branch="lock",
    )


SQL = Finding(
    "SQLALCHEMY_RUNTIME",
    "error",
    f"{D}/drivers/bridges.py",
    3,
    1,
    "sqlalchemy",
    "sqlalchemy",
    subject="sqlalchemy",
)


def status_line(text: str) -> str:
    return next(line for line in text.splitlines() if line.startswith("STATUS:"))


def test_clean_when_no_error_and_no_debt() -> None:
    text = render_certificate(run(()))
    assert status_line(text) == f"STATUS: {CLEAN}"
    assert "# Status: CLEAN" in text
    assert "VIOLATIONS_REMEDIATED: 1" in text
    assert "FILES_MOVED: 1" in text and "FILES_CREATED: 0" in text
    assert "| INV-INT-001 | L5 cannot import sqlalchemy at runtime |" in text
    assert "✅ ENFORCED" in text
    # The file tree shows each file's layer, state and how it changed.
    assert "rules.py" in text and "L5 — CLEAN (MOVED from" in text
    assert "bridges.py" in text and "L5/L6 HYBRID — CLEAN" in text


def test_locked_when_only_accepted_debt_remains() -> None:
    text = render_certificate(run((SQL,), debt=[DEBT]))
    assert status_line(text) == f"STATUS: {LOCKED}"
    assert (
        "| `backend/app/hoc/cus/shop/drivers/bridges.py` | 1 SQLALCHEMY_RUNTIME | HYBRID: M25 | M25 | - |"
        in text
    )
    assert "⚠️ 1 finding(s) accepted as debt (bridges.py)" in text
    assert "TECHNICAL_DEBT: 1 finding(s) in 1 file(s)" in text


def test_open_when_an_error_is_not_covered_failed_when_a_check_failed() -> None:
    assert status_line(render_certificate(run((SQL,)))) == f"STATUS: {OPEN}"
    failed_check = CheckOutcome("command", CheckStatus.FAILED, "`pytest` failed (exit 1)")
    text = render_certificate(run((), checks=[failed_check]))
    assert status_line(text) == f"STATUS: {FAILED}"
    assert "- verification check failed: command" in text


def test_pr_body_says_what_why_and_how_it_was_verified() -> None:
    body = render_pr_body(run((SQL,), debt=[DEBT]))
    assert body.startswith("# shop-lock\n\nLock the shop domain.\n")
    assert "- **step 1 (move)**: pure engine" in body
    assert "### Moved (1)" in body
    assert "| HEADER_LOCATION_MISMATCH | 1 | 0 | -1 |" in body
    assert "### Findings removed (1)" in body
    assert (
        "| `backend/app/hoc/cus/shop/drivers/bridges.py` | SQLALCHEMY_RUNTIME | 1 | HYBRID: M25 | M25 | - |"
        in body
    )
    assert "| compile | ✅ passed | 2 changed file(s) compile |" in body


def test_a_move_that_kept_a_shim_is_listed_as_a_move_and_references_keep_their_backticks() -> None:
    import dataclasses

    old, new = f"{D}/engines/pricing.py", f"{D}/engines/prices.py"
    changes = ChangeSet(
        (
            FileChange(ChangeKind.ADDED, new, None, None, b"x = 1\n"),
            FileChange(ChangeKind.MODIFIED, old, old, b"x = 1\n", b"from .prices import *\n"),
        )
    )
    step = StepSummary(1, "move", "step 1 (move)", "done", renames=((old, new),))
    summary = dataclasses.replace(
        run(()), steps=(step,), changes=changes, references=("README.md:1: Use `pricing`.",)
    )
    body = render_pr_body(summary)
    assert "### Moved (1)" in body
    assert f"| `{old}` | `{new}` | a shim stays at the old path |" in body
    assert "### Created (0)" in body and "### Modified (0)" in body
    assert "1 file moved (1 with a shim at the old path), 0 created" in body
    assert "- ``README.md:1: Use `pricing`.``" in body
