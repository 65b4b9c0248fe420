"""The demo: the bundled fixture migrated end to end, as the quick start promises.

It copies `fixtures/aos` into a new git repository, then for each plan (Phase 2.5, then
M25 on top of it): validates and dry-runs it, applies it to a branch, verifies it, and
writes the PR files and the certificate inside that repository.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import hoc_migrate
from hoc_migrate.core.errors import UsageError
from hoc_migrate.core.layers.findings import Status
from hoc_migrate.services.apply import ApplyRequest, apply_plan
from hoc_migrate.services.certify import certify
from hoc_migrate.services.dry_run import dry_run
from hoc_migrate.services.migration import prepare_migration
from hoc_migrate.services.pr import write_pr

PLANS = (
    ("integrations_phase2_5.yaml", "migrate/integrations-phase-2.5"),
    ("integrations_m25.yaml", "migrate/integrations-m25"),
)
DEMO_IDENTITY = ("hoc-migrate demo", "demo@hoc-migrate.invalid")

Progress = Callable[[str], None]
# Error counts as the seed certificate counts them: accepted debt included.
_COUNTED = (Status.ACTIVE, Status.ACCEPTED_DEBT)


@dataclass
class DemoStage:
    plan: str
    branch: str
    errors_before: int
    errors_after: int
    verified: bool
    commits: int
    pr_dir: Path | None = None
    certificate: Path | None = None
    status: str = ""
    seconds: float = 0.0


@dataclass
class DemoResult:
    repo: Path
    stages: list[DemoStage] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(s.verified for s in self.stages) and len(self.stages) == len(PLANS)


def bundled_files() -> tuple[Path, Path]:
    """The fixture and the plans: shipped inside the wheel, or in the source checkout."""
    package = Path(hoc_migrate.__file__).resolve().parent
    for base in (package / "_demo", package.parent):
        fixture, plans = base / "fixtures" / "aos", base / "plans"
        if (fixture / "backend").is_dir() and plans.is_dir():
            return fixture, plans
    raise UsageError("the bundled fixture (fixtures/aos) and plans are not installed")


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise UsageError(f"git {' '.join(args)} failed in {repo}: {done.stderr.strip()}")
    return done.stdout


def make_demo_repo(target: Path, fixture: Path) -> Path:
    """A fresh git repository holding the fixture, committed on `main`."""
    if target.exists() and any(target.iterdir()):
        raise UsageError(f"--into {target}: the folder is not empty", hint="give a new folder")
    shutil.copytree(
        fixture,
        target,
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache", "*.pyc"),
    )
    _git(target, "init", "-q", "-b", "main")
    # Commits need an identity; keep the user's, or give this throwaway repository one.
    for key, value in zip(("user.name", "user.email"), DEMO_IDENTITY, strict=True):
        probe = subprocess.run(["git", "config", key], cwd=target, capture_output=True)
        if probe.returncode != 0 or not probe.stdout.strip():
            _git(target, "config", key, value)
    _git(target, "add", "-A")
    _git(target, "commit", "-q", "-m", "AOS backend before Phase 2.5 (hoc-migrate fixture)")
    return target


def run_demo(target: Path, progress: Progress) -> DemoResult:
    fixture, plans = bundled_files()
    progress(f"copying the fixture into a new git repository at {target}")
    repo = make_demo_repo(target, fixture)
    result = DemoResult(repo)
    for plan_file, branch in PLANS:
        started = time.monotonic()
        plan_path = plans / plan_file
        progress(f"{plan_file}: validating the plan against the tree")
        migration = prepare_migration(plan_path, repo)
        progress(
            f"{plan_file}: dry run ({len(migration.plan.steps)} steps, layer check before/after)"
        )
        preview = dry_run(migration)
        before = preview.before.counts_by_rule(statuses=_COUNTED) if preview.before else {}
        after = preview.after.counts_by_rule(statuses=_COUNTED) if preview.after else {}
        progress(f"{plan_file}: applying to branch {branch} in a worktree, then verifying")
        applied = apply_plan(ApplyRequest(plan_path=plan_path, branch=branch, repo=repo))
        stage = DemoStage(
            plan=migration.plan.name,
            branch=branch,
            errors_before=sum(before.values()),
            errors_after=sum(after.values()),
            verified=applied.verified,
            commits=len(applied.commits),
        )
        result.stages.append(stage)
        if not applied.verified:
            stage.seconds = time.monotonic() - started
            progress(f"{plan_file}: verification FAILED; stopping")
            return result
        progress(f"{plan_file}: writing the PR patches, PR.md and the certificate")
        pr = write_pr(plan_path, branch=branch, repo=repo)
        stage.pr_dir = pr.directory
        certificate = certify(plan_path, branch=branch, repo=repo)
        stage.certificate = pr.directory / "CERTIFICATE.md"
        stage.certificate.write_text(certificate.markdown, encoding="utf-8")
        stage.status = certificate.status
        # The next plan builds on this one: check its branch out in the demo repository.
        _git(repo, "checkout", "-q", branch)
        stage.seconds = time.monotonic() - started
    return result
