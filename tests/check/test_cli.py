"""`hoc-migrate check` through typer's CliRunner: exit codes, formats, baseline, filters."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hoc_migrate.cli import app

HOC = "backend/app/hoc/cus/integrations"
ROOT = Path(__file__).resolve().parents[2]
CLEAN = "# Layer: L6 — Drivers\n# AUDIENCE: CUSTOMER\nimport sqlalchemy\n"


def write(root: Path, files: dict[str, str]) -> Path:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()  # the repository root marker the CLI looks for
    return write(
        tmp_path,
        {
            f"{HOC}/drivers/store.py": CLEAN,
            f"{HOC}/engines/iam_service.py": "# Layer: L5 — Domain Engines\nimport sqlmodel\n",
        },
    )


def run(repo: Path, *args: str) -> tuple[int, str, str]:
    runner = CliRunner()
    result = runner.invoke(app, ["check", "--repo", str(repo), *args])
    return result.exit_code, result.stdout, result.stderr


def test_errors_exit_1_with_text_grouped_by_rule(repo: Path) -> None:
    code, out, err = run(repo, str(repo / HOC))
    assert code == 1
    assert "BANNED_NAMING: 1 error" in out and "SQLALCHEMY_RUNTIME: 1 error" in out
    assert out.rstrip().endswith("2 errors, 0 warnings in 2 files")
    assert "checked 2 files" in err and "source roots: backend (found)" in err


def test_clean_tree_exits_0(repo: Path) -> None:
    (repo / HOC / "engines" / "iam_service.py").unlink()
    code, out, _ = run(repo)
    assert code == 0
    assert out.strip() == "0 errors, 0 warnings in 1 file"


def test_json_sarif_and_github_formats(repo: Path) -> None:
    code, out, _ = run(repo, "--format", "json")
    assert code == 1 and json.loads(out)["summary"]["errors"] == 2
    code, out, _ = run(repo, "-f", "sarif")
    assert json.loads(out)["version"] == "2.1.0"
    code, out, _ = run(repo, "-f", "github", "--select", "BANNED_NAMING")
    assert out.splitlines()[0].startswith(f"::error file={HOC}/engines/iam_service.py,line=1")


def test_select_ignore_and_domain_filters(repo: Path) -> None:
    assert run(repo, "--ignore", "BANNED_NAMING,SQLALCHEMY_RUNTIME")[0] == 0
    assert run(repo, "--domain", "integrations", "--select", "LEGACY_IMPORT")[0] == 0
    # A filter that leaves no file checked nothing: it says so instead of passing.
    code, _, err = run(repo, "--domain", "policies")
    assert code == 2 and "no Python file of domain policies found" in err
    assert run(repo, "--audience", "fdr")[0] == 2
    code, _, err = run(repo, "--select", "NOPE")
    assert code == 2 and "unknown rule NOPE" in err


def test_write_baseline_then_only_new_findings_fail(repo: Path) -> None:
    code, _, err = run(repo, "--write-baseline")
    assert code == 0 and "wrote 2 findings" in err
    baseline = repo / ".hoc-migrate" / "baseline.json"
    assert json.loads(baseline.read_text())["findings"][0]["rule"] == "BANNED_NAMING"
    assert run(repo, "--baseline", str(baseline))[0] == 0
    write(repo, {f"{HOC}/engines/x_service.py": "# Layer: L5\n"})
    code, out, _ = run(repo, "--baseline", str(baseline))
    assert code == 1 and "x_service.py" in out and "iam_service.py" not in out


def test_output_file_and_cache(repo: Path) -> None:
    code, out, err = run(repo, "-f", "json", "-o", str(repo / "report.json"))
    assert code == 1 and out == ""
    assert json.loads((repo / "report.json").read_text())["summary"]["errors"] == 2
    assert "2 errors" in err
    _, _, err = run(repo)
    assert "(0 parsed, 2 from cache" in err
    _, _, err = run(repo, "--no-cache")
    assert "(2 parsed, 0 from cache" in err


def test_could_not_run_exits_2_with_one_clear_message(repo: Path, tmp_path: Path) -> None:
    code, _, err = run(repo, str(repo / "missing"))
    assert code == 2 and "no such path" in err and "missing" in err
    code, _, err = run(repo, "-o", str(tmp_path.parent / "outside.json"))
    assert code == 2 and "outside the repository" in err
    code, _, err = run(repo, "--format", "xml")
    assert code == 2 and "'xml' is not one of 'text', 'json'" in " ".join(
        err.replace("│", " ").split()
    )
    code, _, err = run(repo, "--baseline", str(repo / "nope.json"))
    assert code == 2 and "baseline file not found" in err


def test_bad_config_lists_every_problem_and_exits_2(repo: Path) -> None:
    (repo / "pyproject.toml").write_text(
        "[tool.hoc-migrate]\nsource_rots = ['backend']\ncache = 'yes'\n"
        "severity = {CROSS_DOMAIN = 'fatal'}\n"
    )
    code, out, err = run(repo)
    assert code == 2 and out == ""
    assert "3 problems" in err
    assert "source_rots: unknown key (did you mean 'source_roots'?)" in err
    assert "cache: expected true or false" in err and "severity.CROSS_DOMAIN" in err


def test_explicit_config_file(repo: Path) -> None:
    config = repo / "strict.toml"
    config.write_text("banned_patterns = ['*_engine.py']\nsource_roots = ['backend']\n")
    write(repo, {f"{HOC}/engines/a_engine.py": "# Layer: L5\n"})
    code, out, err = run(repo, "--config", str(config), "--select", "BANNED_NAMING")
    assert code == 1 and "a_engine.py" in out and "iam_service.py" not in out
    assert "source roots: backend\n" in err  # configured, not found
    code, _, err = run(repo, "--config", str(repo / "none.toml"))
    assert code == 2 and "no such configuration file" in err
    code, _, err = run(repo, "--audience", "martians")
    assert code == 2 and "unknown audience" in err


def test_check_loads_no_migration_machinery_yet_every_command_is_listed() -> None:
    # `check` is run in CI on every push: starting it must not import libcst, GitPython or
    # the codemods (the other commands import them when they run).
    probe = (
        "import sys\n"
        "from hoc_migrate.cli import app\n"
        "from typer.main import get_command\n"
        "print(sorted(get_command(app).commands))\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'libcst', 'git', 'codemods'}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    commands, heavy = done.stdout.splitlines()
    names = ["apply", "check", "config", "demo", "dry-run", "init", "plan", "pr", "report"]
    assert commands == str(names)
    assert heavy == "[]"
    help_text = CliRunner().invoke(app, ["--help"]).stdout
    for name in names:
        assert name in help_text


def test_exit_zero_reports_the_errors_but_exits_0(repo: Path) -> None:
    failing = run(repo)
    code, out, err = run(repo, "--exit-zero")
    assert (failing[0], code) == (1, 0)
    assert out == failing[1] and "2 errors" in out
    # It never hides a check that could not run.
    assert run(repo, "--exit-zero", "--select", "NOPE")[0] == 2


def test_statistics_count_the_findings_per_rule_most_frequent_first(repo: Path) -> None:
    write(repo, {f"{HOC}/engines/quotes.py": "# Layer: L5 — Domain Engines\nimport sqlalchemy\n"})
    code, out, _ = run(repo, "--statistics")
    assert code == 1
    rows = [line.split("\t") for line in out.splitlines()[:-1]]
    assert [[cell.strip() for cell in row[:3]] for row in rows] == [
        ["2", "SQLALCHEMY_RUNTIME", "error"],
        ["1", "BANNED_NAMING", "error"],
    ]
    assert (
        rows[0][3]
        == "A file of a layer that must not touch the database imports a runtime-banned module (sqlalchemy, sqlmodel) at run time."
    )
    assert out.splitlines()[-1] == "3 errors, 0 warnings in 3 files"
    assert "iam_service.py" not in out  # counted, not listed

    code, out, _ = run(repo, "--statistics", "--format", "json")
    assert code == 1
    assert json.loads(out)[0] == {
        "rule": "SQLALCHEMY_RUNTIME",
        "severity": "error",
        "count": 2,
        "summary": "A file of a layer that must not touch the database imports a runtime-banned module (sqlalchemy, sqlmodel) at run time.",
    }


def test_statistics_with_a_format_that_lists_findings_is_refused(repo: Path) -> None:
    code, out, err = run(repo, "--statistics", "--format", "sarif")
    assert code == 2 and out == ""
    assert "--statistics counts the findings as text or json, not sarif" in err
