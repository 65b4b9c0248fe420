"""One finding model: a finding is its rule, its file and its subject (the imported module,
the header field and value, the banned pattern), followed through a plan's renames; never its
line or its message. A pure rename of a package or an audience folder adds and removes nothing.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from hoc_migrate.core.layers.findings import Finding, Renames, match_findings
from hoc_migrate.core.verification import LayerComparison
from hoc_migrate.services.layer_view import make_layer_checker
from hoc_migrate.services.migration import compute, prepare_migration
from hoc_migrate.services.verify import VerifyInput, layer_comparison, module_renames_of
from tests.conftest import ROOT

HOC = "backend/app/hoc"


def _rename(tmp_path: Path, source: str, target: str) -> LayerComparison:
    """The layer comparison verification makes for a plan that only moves `source`."""
    repo = tmp_path / "aos"
    shutil.copytree(ROOT / "fixtures" / "aos", repo, ignore=shutil.ignore_patterns("__pycache__"))
    plan = repo / "plans" / "rename.yaml"
    plan.parent.mkdir()
    plan.write_text(
        f"name: rename\nsource_roots: [backend]\nscope: [{source}]\n"
        f"steps:\n  - move: {{from: {source}, to: {target}}}\n",
        encoding="utf-8",
    )
    migration = prepare_migration(plan, repo)
    result = compute(migration)
    renames = module_renames_of(result.changes, migration.source_roots)
    for outcome in result.outcomes:
        renames.update(outcome.module_renames)
    inp = VerifyInput(
        result.plan, migration.source_roots, migration.tree, result.tree, result.changes, renames
    )
    checker = make_layer_checker(migration.config, source_roots=migration.source_roots)
    comparison, _ = layer_comparison(inp, checker, dt.date(2026, 1, 24))
    return comparison


def _messages(findings: tuple[Finding, ...], rule: str) -> set[str]:
    return {f.message for f in findings if f.rule == rule}


@pytest.mark.slow
def test_renaming_the_audience_folder_adds_and_removes_no_finding(tmp_path: Path) -> None:
    comparison = _rename(tmp_path, f"{HOC}/cus", f"{HOC}/customer")

    before, after = comparison.before, comparison.after
    assert len(before.findings) == len(after.findings) > 80
    assert comparison.removed == ()
    assert comparison.new_errors == comparison.new_warnings == comparison.new_accepted == ()
    assert comparison.passed
    # The messages name the folder, so they changed; the identities did not.
    assert _messages(before.findings, "AUDIENCE_MISMATCH") == {
        "header says AUDIENCE: INTERNAL but the file is under cus/ (CUSTOMER)"
    }
    assert _messages(after.findings, "AUDIENCE_MISMATCH") == {
        "header says AUDIENCE: INTERNAL but the file is under customer/ (CUSTOMER)"
    }
    assert _messages(before.findings, "CROSS_DOMAIN") != _messages(after.findings, "CROSS_DOMAIN")


@pytest.mark.slow
def test_renaming_the_whole_hoc_package_adds_and_removes_no_finding(tmp_path: Path) -> None:
    comparison = _rename(tmp_path, HOC, "backend/app/houseofcards")

    assert len(comparison.before.findings) == len(comparison.after.findings) > 80
    assert comparison.removed == ()
    assert comparison.new_errors == comparison.new_warnings == comparison.new_accepted == ()
    modules = {f.module for f in comparison.after.findings if f.module}
    assert any(m.startswith("app.houseofcards.") for m in modules)


def _finding(
    rule: str, file: str, message: str, *, module: str | None = None, subject: str = ""
) -> Finding:
    return Finding(rule, "error", file, 3, 1, message, module, subject=subject)


def test_identity_is_rule_file_and_subject_never_line_or_message() -> None:
    old = _finding("AUDIENCE_MISMATCH", "a/cus/x.py", "under cus/", subject="AUDIENCE: INTERNAL")
    new = _finding(
        "AUDIENCE_MISMATCH", "a/customer/x.py", "under customer/", subject="AUDIENCE: INTERNAL"
    )
    renames = Renames(files={"a/cus/x.py": "a/customer/x.py"})

    assert match_findings([old], [new], renames) == match_findings([], [])
    # Another header value is another finding, whatever the message says.
    other = _finding(
        "AUDIENCE_MISMATCH", "a/customer/x.py", "under cus/", subject="AUDIENCE: FOUNDER"
    )
    match = match_findings([old], [other], renames)
    assert match.added == (other,) and match.removed == (old,)


def test_an_import_findings_subject_follows_module_renames_submodules_included() -> None:
    old = _finding("LAYER_BOUNDARY", "a/x.py", "L5 may not import L7", module="app.hoc.cus.m.orm")
    new = _finding("LAYER_BOUNDARY", "a/x.py", "reworded", module="app.hoc.customer.m.orm")
    assert new.subject == "app.hoc.customer.m.orm"  # an import finding's subject is its module

    renames = Renames(modules={"app.hoc.cus": "app.hoc.customer"})
    assert match_findings([old], [new], renames).added == ()
    # Without the rename it is one finding gone and one new.
    assert match_findings([old], [new]).added == (new,)
    # A header subject that happens to look like a module name is not renamed.
    header = _finding("HEADER_CLAIM_MISMATCH", "a/x.py", "m", subject="app.hoc.cus")
    assert renames.key(header) == ("HEADER_CLAIM_MISMATCH", "a/x.py", "app.hoc.cus")
