"""What counts as a new layer error, what the plan's debt covers, and exact expectations."""

from __future__ import annotations

import datetime as dt

from hoc_migrate.core.layers.findings import Finding
from hoc_migrate.core.plan import DebtEntry, Expectation
from hoc_migrate.core.verification import (
    LayerCheck,
    compare_checks,
    expectation_problems,
)

TODAY = dt.date(2026, 1, 24)


def finding(rule: str, file: str, line: int = 1, module: str | None = None, sev: str = "error"):
    subject = module if module is not None else ""
    return Finding(rule, sev, file, line, 1, f"{rule} in {file}", module, subject=subject)


def compare(before, after, *, renames=None, modules=None, debt=()):  # type: ignore[no-untyped-def]
    return compare_checks(
        LayerCheck(tuple(before)),
        LayerCheck(tuple(after)),
        file_renames=renames or {},
        module_renames=modules or {},
        debt=list(debt),
        today=TODAY,
    )


def test_findings_that_only_disappear_pass_and_are_listed_as_removed() -> None:
    gone = finding("LEGACY_IMPORT", "a/x.py", module="app.services.y")
    kept = finding("BANNED_NAMING", "a/z_service.py")
    result = compare([gone, kept], [kept])
    assert result.passed
    assert result.removed == (gone,)
    assert result.new_errors == ()


def test_a_finding_that_moves_lines_or_follows_its_file_through_a_move_is_not_new() -> None:
    before = finding("LEGACY_IMPORT", "d/cost.py", 3, module="app.services.gov")
    after = finding("LEGACY_IMPORT", "e/cost_engine.py", 40, module="app.services.gov")
    result = compare([before], [after], renames={"d/cost.py": "e/cost_engine.py"})
    assert result.passed and result.removed == () and result.new_errors == ()


def test_an_import_finding_follows_the_renamed_module() -> None:
    before = finding("LAYER_BOUNDARY", "e/a.py", module="app.drivers.events")
    after = finding("LAYER_BOUNDARY", "e/a.py", module="app.schemas.events")
    assert compare([before], [after], modules={"app.drivers.events": "app.schemas.events"}).passed


def test_a_new_error_fails_unless_accepted_debt_covers_it() -> None:
    new = finding("SQLALCHEMY_RUNTIME", "pkg/engines/bridges.py", module="sqlalchemy")
    result = compare([], [new])
    assert not result.passed
    assert result.new_errors == (new,)

    debt = DebtEntry("pkg/**/bridges.py", ("SQLALCHEMY_RUNTIME",), "M25: class split")
    covered = compare([], [new], debt=[debt])
    assert covered.passed
    assert [a.entry.reason for a in covered.new_accepted] == ["M25: class split"]
    assert covered.unaccepted_errors == ()


def test_a_second_identical_error_in_the_same_file_is_new() -> None:
    one = finding("SQLALCHEMY_RUNTIME", "e/a.py", 1, module="sqlalchemy")
    two = finding("SQLALCHEMY_RUNTIME", "e/a.py", 9, module="sqlalchemy")
    assert compare([one], [one, two]).new_errors == (two,)


def test_new_warnings_never_fail() -> None:
    warning = finding("CROSS_DOMAIN", "a.py", sev="warning")
    result = compare([], [warning])
    assert result.passed and result.new_warnings == (warning,)


def test_debt_for_another_rule_or_path_does_not_cover() -> None:
    new = finding("SQLALCHEMY_RUNTIME", "pkg/engines/a.py")
    debt = [
        DebtEntry("pkg/engines/a.py", ("LEGACY_IMPORT",), "other rule"),
        DebtEntry("pkg/drivers", ("SQLALCHEMY_RUNTIME",), "other folder"),
    ]
    result = compare([], [new], debt=debt)
    assert result.new_errors == (new,)
    assert {e.reason for e in result.stale_debt} == {"other rule", "other folder"}


def test_expired_debt_covers_nothing_and_fails_the_run() -> None:
    new = finding("SQLALCHEMY_RUNTIME", "pkg/a.py")
    old = finding("SQLALCHEMY_RUNTIME", "pkg/a.py")
    debt = DebtEntry("pkg", ("SQLALCHEMY_RUNTIME",), "was due", expires=dt.date(2025, 12, 31))
    result = compare([old], [new], debt=[debt])
    assert result.new_errors == ()
    assert result.expired_debt == (debt,)
    assert not result.passed
    assert result.unaccepted_errors == (new,)


def test_expectations_compare_error_and_per_rule_counts() -> None:
    check = LayerCheck(
        (
            finding("LEGACY_IMPORT", "a.py"),
            finding("LEGACY_IMPORT", "b.py"),
            finding("CROSS_DOMAIN", "c.py", sev="warning"),
        )
    )
    assert expectation_problems(Expectation(errors=2, by_rule={"CROSS_DOMAIN": 1}), check) == []
    assert expectation_problems(
        Expectation(errors=55, by_rule={"LEGACY_IMPORT": 21, "BANNED_NAMING": 0}), check
    ) == ["errors: expected 55, found 2", "LEGACY_IMPORT: expected 21, found 2"]
