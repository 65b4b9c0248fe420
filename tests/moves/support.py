"""Small real projects in temporary git repositories, migrated as a user would, then run.

Each test builds a project in the layout it is about, writes a plan the way a new user
would (no `source_roots`), and judges the result by what the project itself runs: its own
tests, its console scripts, its linter.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path

from tests.conftest import make_repo
from tests.reliability.harness import Outcome, cli


def project(path: Path, files: dict[str, str]) -> Path:
    """A git repository holding `files` (dedented), committed once."""
    return make_repo(path, {name: textwrap.dedent(text) for name, text in files.items()})


def write_plan(tmp_path: Path, text: str) -> Path:
    plan = tmp_path / "plan.yaml"
    plan.write_text(textwrap.dedent(text), encoding="utf-8")
    return plan


def dry_run(plan: Path, repo: Path, *args: str) -> Outcome:
    return cli("dry-run", plan, "--repo", repo, *args)


def apply(plan: Path, repo: Path, branch: str = "moved") -> Outcome:
    return cli("apply", plan, "--branch", branch, "--repo", repo)


def export(repo: Path, rev: str, destination: Path) -> Path:
    """The tree of `rev` as plain files (not a repository)."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", rev], cwd=repo, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(destination, filter="data")
    return destination


def run(tree: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python ARGS` in `tree`, with nothing of this repository on the path."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"},
        timeout=300,
    )


def pytest_passes(tree: Path) -> str:
    """Run the project's own tests in `tree`; returns pytest's last line."""
    done = run(tree, "-m", "pytest", "-q", "-p", "no:cacheprovider")
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.strip().splitlines()[-1]
