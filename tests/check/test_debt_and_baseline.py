"""Accepted debt (accepted, stale, expired), inline suppressions, the baseline, result diffs."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from hoc_migrate.core.errors import ConfigError
from hoc_migrate.core.layers.baseline import parse_baseline, render_baseline
from hoc_migrate.core.layers.config import CheckConfig, DebtEntry
from hoc_migrate.core.layers.findings import Status
from hoc_migrate.core.layers.result import diff_results
from tests.check.support import HOC, check

TODAY = dt.date(2026, 1, 24)
HYBRID = "# Layer: L5/L6 — HYBRID (pending refactor)\n# AUDIENCE: CUSTOMER\n"
BRIDGES = HYBRID + "import sqlalchemy\n\n\ndef record():\n    from sqlalchemy.orm import Session\n"
FILES: dict[str, str | bytes] = {
    f"{HOC}/drivers/bridges.py": BRIDGES,
    f"{HOC}/engines/iam_service.py": "# Layer: L5 — Domain Engines\n",
}


def config(*debt: DebtEntry) -> CheckConfig:
    return CheckConfig(source_roots=("backend",), debt=debt, origin="pyproject.toml")


def entry(
    path: str, rules: tuple[str, ...], *, expires: dt.date | None = None, index: int = 0
) -> DebtEntry:
    return DebtEntry(path, rules, "HYBRID file, split pending M25", "HOC-1", "M25", expires, index)


# -- debt -------------------------------------------------------------------------------------
def test_debt_accepts_what_it_covers_and_the_run_passes_on_that() -> None:
    debt = entry(f"{HOC}/drivers/*.py", ("SQLALCHEMY_RUNTIME",))
    result = check(FILES, config=config(debt), today=TODAY, ignore=["BANNED_NAMING"])
    accepted = result.with_status(Status.ACCEPTED_DEBT)
    assert [f.rule for f in accepted] == ["SQLALCHEMY_RUNTIME", "SQLALCHEMY_RUNTIME"]
    assert accepted[0].note == "HYBRID file, split pending M25"
    assert result.errors() == [] and result.exit_code == 0
    assert result.stale_debt == () and result.expired_debt == ()


def test_expired_debt_fails_the_run_and_accepts_nothing() -> None:
    debt = entry("backend/app/hoc/**/bridges.py", ("*",), expires=dt.date(2026, 1, 1))
    result = check(FILES, config=config(debt), today=TODAY, ignore=["BANNED_NAMING"])
    assert result.expired_debt == (debt,)
    assert sorted(f.rule for f in result.errors()) == [
        "EXPIRED_DEBT",
        "SQLALCHEMY_RUNTIME",
        "SQLALCHEMY_RUNTIME",
    ]
    (expired,) = [f for f in result.findings if f.rule == "EXPIRED_DEBT"]
    assert expired.file == "pyproject.toml" and "2026-01-01" in expired.message
    assert result.exit_code == 1


def test_debt_that_covers_nothing_is_stale_but_only_when_it_was_judged() -> None:
    stale = entry(f"{HOC}/drivers/gone.py", ("SQLALCHEMY_RUNTIME",), index=0)
    elsewhere = entry("backend/app/hoc/cus/policies", ("LAYER_BOUNDARY",), index=1)
    result = check(FILES, config=config(stale, elsewhere), today=TODAY)
    assert result.stale_debt == (stale, elsewhere)
    assert [f.severity for f in result.findings if f.rule == "STALE_DEBT"] == ["warning", "warning"]
    # Checking only the integrations domain: the policies entry is not judged, gone.py is
    # not checked either, so neither is reported stale.
    narrowed = check(FILES, config=config(stale, elsewhere), today=TODAY, domain="integrations")
    assert narrowed.stale_debt == ()


# -- suppressions -----------------------------------------------------------------------------
def test_inline_suppression_with_reason_silences_only_its_rules() -> None:
    files = {
        f"{HOC}/drivers/execution.py": "# Layer: L6 — Drivers\n"
        "from app.services.connectors import run  # hoc: ignore[LEGACY_IMPORT] deferred: connectors\n",
        "backend/app/services/connectors.py": "def run(): ...\n",
    }
    result = check(files)
    statuses = {f.rule: f.status for f in result.findings if f.rule != "HEADER_CLAIM_MISMATCH"}
    assert statuses == {"LEGACY_IMPORT": Status.SUPPRESSED, "LAYER_BOUNDARY": Status.ACTIVE}
    assert [f.note for f in result.with_status(Status.SUPPRESSED)] == ["deferred: connectors"]


def test_suppression_on_a_continuation_line_of_a_multiline_import() -> None:
    files = {
        f"{HOC}/engines/e.py": "# Layer: L5\nfrom sqlalchemy import (\n"
        "    select,  # hoc: ignore[SQLALCHEMY_RUNTIME] migration script only\n)\n"
    }
    assert check(files).errors() == []


def test_suppression_without_reason_is_itself_an_error_and_silences_nothing() -> None:
    files = {
        f"{HOC}/engines/e.py": "# Layer: L5\nimport sqlalchemy  # hoc: ignore[SQLALCHEMY_RUNTIME]\n"
        "import sqlmodel  # hoc: ignore[NO_SUCH_RULE] because\n"
    }
    result = check(files)
    assert sorted((f.rule, f.line) for f in result.errors()) == [
        ("BAD_SUPPRESSION", 2),
        ("BAD_SUPPRESSION", 3),
        ("SQLALCHEMY_RUNTIME", 2),
        ("SQLALCHEMY_RUNTIME", 3),
    ]


# -- baseline ---------------------------------------------------------------------------------
def test_baseline_round_trip_survives_a_line_shift_and_catches_new_findings() -> None:
    before = check(FILES)
    text = render_baseline(before.findings)
    keys = parse_baseline(text, "baseline.json")
    assert "line" not in text
    shifted = dict(FILES)
    shifted[f"{HOC}/drivers/bridges.py"] = BRIDGES.replace(
        "import sqlalchemy", "\n\nimport sqlalchemy"
    )
    same = check(shifted, baseline=keys)
    assert same.errors() == [] and same.exit_code == 0
    assert len(same.with_status(Status.BASELINED)) == len(before.findings)
    shifted[f"{HOC}/engines/new_service.py"] = "# Layer: L5\n"
    grown = check(shifted, baseline=keys)
    assert [(f.rule, f.file.rsplit("/", 1)[1]) for f in grown.errors()] == [
        ("BANNED_NAMING", "new_service.py")
    ]


def test_baseline_entries_are_identities_and_version_1_files_still_match() -> None:
    result = check(FILES)
    document = json.loads(render_baseline(result.findings))
    assert document["version"] == 2
    naming = next(e for e in document["findings"] if e["rule"] == "BANNED_NAMING")
    # The subject, not the message: rewording a message keeps a baseline valid.
    assert naming["subject"] == "*_service.py" and "match" not in naming
    legacy = {
        "version": 1,
        "findings": [
            {"rule": f.rule, "file": f.file, "match": f.module or f.message}
            for f in result.findings
        ],
    }
    keys = parse_baseline(json.dumps(legacy), "old-baseline.json")
    held = check(FILES, baseline=keys)
    assert held.errors() == [] and held.baseline_fixed == 0


def test_baseline_counts_fixed_entries() -> None:
    keys = parse_baseline(render_baseline(check(FILES).findings), "b.json")
    fixed = dict(FILES)
    del fixed[f"{HOC}/engines/iam_service.py"]
    assert check(fixed, baseline=keys).baseline_fixed == 1


def test_bad_baseline_lists_every_problem() -> None:
    text = '{"version": 1, "findings": [{"rule": 1}, {"rule": "A", "file": "f", "match": "m", "count": 0}]}'
    with pytest.raises(ConfigError) as caught:
        parse_baseline(text, "b.json")
    assert len(caught.value.problems) == 2


# -- diff of two results ----------------------------------------------------------------------
def test_diff_reports_what_a_change_adds_and_removes_following_renames() -> None:
    before = check(FILES)
    after_files = {
        f"{HOC}/drivers/bridges.py": HYBRID + "import sqlalchemy\n",  # lazy import removed
        f"{HOC}/engines/iam_engine.py": "# Layer: L5 — Domain Engines\nimport sqlmodel\n",
    }
    after = check(after_files)
    diff = diff_results(
        before,
        after,
        file_renames={f"{HOC}/engines/iam_service.py": f"{HOC}/engines/iam_engine.py"},
    )
    assert sorted((f.rule, f.module) for f in diff.removed) == [
        ("BANNED_NAMING", None),
        ("SQLALCHEMY_RUNTIME", "sqlalchemy.orm"),
    ]
    assert [(f.rule, f.module) for f in diff.added] == [("SQLALCHEMY_RUNTIME", "sqlmodel")]
    assert [f.rule for f in diff.added_errors] == ["SQLALCHEMY_RUNTIME"]
