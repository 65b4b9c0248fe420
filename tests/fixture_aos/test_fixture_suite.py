"""The AOS fixture's own test suite passes on a pristine copy of the fixture.

Later tests migrate the fixture and re-run this suite on the result to prove that a
migration kept behaviour; that proof is worthless unless the suite passes before any
migration, from a copy (nothing may depend on the fixture's location in this repository).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "aos"


def copy_fixture(destination: Path) -> Path:
    """A clean copy of fixtures/aos (no bytecode or caches from earlier runs)."""
    target = destination / "aos"
    shutil.copytree(FIXTURE, target, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    return target


def run_fixture_suite(root: Path) -> subprocess.CompletedProcess[str]:
    """`python -m pytest` inside the fixture, isolated from this project's pytest settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.pop("PYTHONPATH", None)  # the fixture's own config puts backend/ on the path
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_the_fixture_suite_passes_on_a_copy(tmp_path: Path) -> None:
    done = run_fixture_suite(copy_fixture(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    summary = done.stdout.strip().splitlines()[-1]
    passed = re.search(r"(\d+) passed", summary)
    assert passed is not None, summary
    assert int(passed.group(1)) >= 80
    assert "failed" not in summary and "error" not in summary and "skipped" not in summary


@pytest.mark.slow
def test_the_fixture_suite_fails_when_behaviour_changes(tmp_path: Path) -> None:
    """The suite really exercises the code: breaking the anomaly detection is noticed."""
    root = copy_fixture(tmp_path)
    module = root / "backend/app/hoc/cus/integrations/drivers/cost_snapshots.py"
    source = module.read_text(encoding="utf-8")
    assert "case z if z >= 6.0:" in source
    module.write_text(
        source.replace("case z if z >= 6.0:", "case z if z >= 60.0:"), encoding="utf-8"
    )
    done = run_fixture_suite(root)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "test_cost.py" in done.stdout
