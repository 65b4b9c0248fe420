"""The four output formats: text, JSON, SARIF 2.1.0 (schema-validated), GitHub annotations."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema

from hoc_migrate.core.layers.config import CheckConfig, DebtEntry
from hoc_migrate.core.layers.render import render_github, render_json, render_sarif, render_text
from hoc_migrate.core.layers.result import CheckResult
from tests.check.support import HOC, check

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())


def result() -> CheckResult:
    files: dict[str, str | bytes] = {
        f"{HOC}/drivers/bridges.py": "# Layer: L5/L6 — HYBRID\nimport sqlalchemy\n",
        f"{HOC}/engines/iam_service.py": "# Layer: L5\nimport sqlmodel  # hoc: ignore[SQLALCHEMY_RUNTIME] ok, 100%\n",
        f"{HOC}/engines/plain.py": "x = 1\n",
        f"{HOC}/engines/broken.py": "def f(:\n",
    }
    debt = DebtEntry(f"{HOC}/drivers/bridges.py", ("SQLALCHEMY_RUNTIME",), "M25, pending")
    config = CheckConfig(source_roots=("backend",), debt=(debt,))
    return check(files, config=config, today=dt.date(2026, 1, 1))


def test_text_groups_by_rule_with_counts_and_a_summary() -> None:
    text = render_text(result())
    lines = text.splitlines()
    assert lines[0] == "BANNED_NAMING: 1 error"
    assert "PARSE_ERROR: 1 error" in lines
    assert "SQLALCHEMY_RUNTIME: no active findings (1 accepted debt, 1 suppressed)" in lines
    assert "MISSING_HEADER: 2 warnings" in lines
    assert any("accepted debt" in line and "[M25, pending]" in line for line in lines)
    assert lines[-1] == "2 errors, 2 warnings (1 accepted debt, 1 suppressed) in 4 files"
    assert lines.index("MISSING_HEADER: 2 warnings") > lines.index("PARSE_ERROR: 1 error")


def test_json_lists_every_finding_with_status_and_file_layers() -> None:
    document = json.loads(render_json(result()))
    assert document["summary"]["errors"] == 2
    assert document["summary"]["by_status"] == {"accepted_debt": 1, "active": 4, "suppressed": 1}
    assert {f["rule"] for f in document["findings"]} == {
        "BANNED_NAMING",
        "MISSING_HEADER",
        "PARSE_ERROR",
        "SQLALCHEMY_RUNTIME",
    }
    bridges = document["files"][f"{HOC}/drivers/bridges.py"]
    assert (bridges["layer"], bridges["hybrid"], bridges["source"]) == ("L5", True, "header")
    assert document["layer_distribution"] == {"L5": 3, "L5/L6 HYBRID": 1}


def test_sarif_is_valid_against_the_official_schema() -> None:
    document = json.loads(render_sarif(result()))
    jsonschema.Draft7Validator(SCHEMA).validate(document)
    run = document["runs"][0]
    assert run["tool"]["driver"]["name"] == "hoc-migrate"
    by_rule = {r["ruleId"]: r for r in run["results"] if r["ruleId"] == "SQLALCHEMY_RUNTIME"}
    assert by_rule  # held findings are present, marked as suppressed
    kinds = sorted(r["suppressions"][0]["kind"] for r in run["results"] if "suppressions" in r)
    assert kinds == ["external", "inSource"]
    region = run["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] >= 1 and region["startColumn"] >= 1


def test_sarif_of_a_clean_run_is_valid_too() -> None:
    clean = check({f"{HOC}/engines/ok.py": "# Layer: L5\n"})
    document = json.loads(render_sarif(clean))
    jsonschema.Draft7Validator(SCHEMA).validate(document)
    assert document["runs"][0]["results"] == []


def test_github_annotations_escape_and_skip_held_findings() -> None:
    lines = render_github(result()).splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    assert len(annotations) == 4
    assert f"::error file={HOC}/engines/broken.py,line=1,col=7,title=PARSE_ERROR::syntax" in (
        "\n".join(annotations)
    )
    assert any(a.startswith("::warning ") and "MISSING_HEADER" in a for a in annotations)
    assert lines[-1].startswith("2 errors, 2 warnings")


def test_github_escaping_of_special_characters() -> None:
    files: dict[str, str | bytes] = {
        "backend/app/hoc/cus/x,y/engines/a_service.py": "# Layer: L5\n",
    }
    (line,) = [ln for ln in render_github(check(files)).splitlines() if ln.startswith("::")]
    assert "file=backend/app/hoc/cus/x%2Cy/engines/a_service.py" in line
