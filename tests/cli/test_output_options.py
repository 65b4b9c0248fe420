"""-q/--quiet, -v/--verbose and --color (with NO_COLOR and FORCE_COLOR), as a user sees them
on `check`, `dry-run` and `apply`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

import hoc_migrate.adapters.check_cache as check_cache
from hoc_migrate.cli import app
from hoc_migrate.cli._output import Color, resolve_color
from tests.apply.conftest import MOVE_RULES, SHOP, write_plan
from tests.check.test_cli import HOC, write
from tests.conftest import GIT_ENV, make_repo

ESCAPE = "\x1b["


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A tree whose files are old enough for a stored result to answer (see test_replay)."""
    monkeypatch.setattr(check_cache, "RACY_NS", 0)
    (tmp_path / ".git").mkdir()
    write(
        tmp_path,
        {
            "pyproject.toml": '[tool.hoc-migrate]\nsource_roots = ["backend"]\n',
            f"{HOC}/engines/iam_service.py": "# Layer: L5 — Domain Engines\nimport sqlmodel\n",
        },
    )
    for path in tmp_path.rglob("*"):
        os.utime(path, (1_600_000_000, 1_600_000_000))
    return tmp_path


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    return make_repo(tmp_path / "shop", dict(SHOP))


def invoke(*args: str | Path, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    environ: dict[str, str | None] = {"NO_COLOR": None, "FORCE_COLOR": None, **(env or {})}
    result = CliRunner().invoke(app, [str(a) for a in args], env=environ)
    return result.exit_code, result.stdout, result.stderr


# -- --color ------------------------------------------------------------------------------
def test_color_always_colours_even_a_pipe_and_never_or_auto_does_not(tree: Path) -> None:
    _, coloured, _ = invoke("check", "--repo", tree, "--color", "always")
    _, plain, _ = invoke("check", "--repo", tree, "--color", "never")
    _, auto, _ = invoke("check", "--repo", tree)
    assert ESCAPE in coloured and "BANNED_NAMING" in coloured
    assert ESCAPE not in plain and ESCAPE not in auto
    assert plain == auto  # the same text, byte for byte


def test_no_color_and_force_color_decide_for_auto_and_the_option_wins(tree: Path) -> None:
    assert ESCAPE in invoke("check", "--repo", tree, env={"FORCE_COLOR": "1"})[1]
    assert ESCAPE not in invoke("check", "--repo", tree, env={"NO_COLOR": "1"})[1]
    # Both set: NO_COLOR wins; an empty variable counts as unset.
    both = {"NO_COLOR": "1", "FORCE_COLOR": "1"}
    assert ESCAPE not in invoke("check", "--repo", tree, env=both)[1]
    assert ESCAPE not in invoke("check", "--repo", tree, env={"FORCE_COLOR": ""})[1]
    # The option given on the command line beats either variable.
    assert ESCAPE in invoke("check", "--repo", tree, "--color", "always", env={"NO_COLOR": "1"})[1]
    never = invoke("check", "--repo", tree, "--color", "never", env={"FORCE_COLOR": "1"})
    assert ESCAPE not in never[1] + never[2]


def test_resolve_color_follows_the_conventions() -> None:
    assert resolve_color(Color.auto, {}) is Color.auto
    assert resolve_color(Color.auto, {"NO_COLOR": "0"}) is Color.never  # any value but ""
    assert resolve_color(Color.auto, {"FORCE_COLOR": "0"}) is Color.always
    assert resolve_color(Color.never, {"FORCE_COLOR": "1"}) is Color.never
    assert resolve_color(Color.always, {"NO_COLOR": "1"}) is Color.always


def test_dry_run_colours_its_diff_only_when_asked(shop: Path) -> None:
    plan = write_plan(shop, MOVE_RULES)
    _, coloured, _ = invoke("dry-run", plan, "--repo", shop, "--no-check", "--color", "always")
    _, plain, _ = invoke("dry-run", plan, "--repo", shop, "--no-check")
    assert ESCAPE in coloured and ESCAPE not in plain
    assert plain.startswith("diff --git")


# -- -q / -v ------------------------------------------------------------------------------
def test_check_quiet_prints_the_report_only_and_verbose_says_what_it_did(tree: Path) -> None:
    code, out, err = invoke("check", "--repo", tree)
    assert code == 1 and "checked 1 file" in err
    quiet = invoke("check", "--repo", tree, "-q")
    assert quiet[:2] == (code, out) and quiet[2] == ""

    code, out, err = invoke("check", "--repo", tree, "-v", "--no-cache")
    assert code == 1 and "BANNED_NAMING" in out
    lines = err.splitlines()
    assert lines[0].startswith("scanning 1 file: 1 parsed, 0 from cache, 0 skipped (")
    assert lines[1:5] == [
        "configuration: pyproject.toml",
        "rules: the HOC preset, V1 rules (preset: chosen from the tree: it has a HOC package)",
        "source roots: backend (configured)",
        "cache: off (--no-cache)",
    ]
    assert lines[5].startswith("checked 1 file (1 parsed")


def test_the_output_options_work_before_the_commands_name_too(tree: Path) -> None:
    for before, after in (("-q", "-q"), ("-v", "-v"), ("--color", "--color")):
        tail = ("always",) if before == "--color" else ()
        first = invoke(before, *tail, "check", "--repo", tree, "--no-cache")
        second = invoke("check", "--repo", tree, "--no-cache", after, *tail)
        assert first[:2] == second[:2], before
        assert first[2].splitlines()[1:] == second[2].splitlines()[1:], before  # times differ
    code, _, err = invoke("-q", "check", "-v", "--repo", tree)
    assert code == 2 and "give one of them, not both" in err


def test_check_verbose_says_when_the_cache_answered(tree: Path) -> None:
    invoke("check", "--repo", tree, "--select", "BANNED_NAMING")  # fills the cache
    _, _, err = invoke("check", "--repo", tree, "-v")
    assert "scanning 1 file: 0 parsed, 1 from cache, 0 skipped (" in err
    # Not a git repository: the user's cache directory holds it (nothing written in the tree).
    assert "\ncache: " in err and "/hoc-migrate/trees/" in err
    assert not (tree / ".hoc-migrate").exists()
    _, _, err = invoke("check", "--repo", tree, "-v")  # the same check of the same tree
    assert err.splitlines()[0] == "the stored result of the last check (no file changed)"
    assert "scanning" not in err


def test_dry_run_quiet_prints_the_diff_and_nothing_else(shop: Path) -> None:
    plan = write_plan(shop, MOVE_RULES)
    code, out, err = invoke("dry-run", plan, "--repo", shop)
    assert code == 0 and "step 1 (move): done" in err
    quiet = invoke("dry-run", plan, "--repo", shop, "-q")
    assert quiet == (0, out, "")


def test_dry_run_verbose_names_the_source_roots_and_each_stage(shop: Path) -> None:
    plan = write_plan(shop, MOVE_RULES)
    code, _, err = invoke("dry-run", plan, "--repo", shop, "-v")
    assert code == 0
    assert "source roots: backend" in err
    assert "layer check before" in err and "layer check after" in err
    assert "rewriting references in" in err


def test_apply_quiet_prints_only_the_branch_it_created(shop: Path) -> None:
    plan = write_plan(shop, MOVE_RULES)
    code, out, err = invoke("apply", plan, "--branch", "quiet", "--repo", shop, "-q")
    assert code == 0
    assert out.startswith("branch quiet created at") and err == ""
    code, out, err = invoke("apply", plan, "--branch", "loud", "--repo", shop)
    assert code == 0 and "PASSED   layer check" in err


def test_errors_are_printed_even_when_quiet(shop: Path) -> None:
    code, out, err = invoke("apply", shop / "missing.yaml", "--branch", "x", "--repo", shop, "-q")
    assert code == 2 and out == "" and "error:" in err
