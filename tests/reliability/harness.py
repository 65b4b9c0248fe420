"""Running hoc-migrate the way a user does, and proving what it did (or did not do).

`repo_state` is everything about a user's repository a failed or refused command must leave
as it was: the files (outside `.git`, where hoc-migrate keeps its state), the index,
the refs, HEAD, `git worktree list` and the stash. `check_migration` runs one plan over one
generated package and checks every property of the property-based suite.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from hoc_migrate.cli import app
from tests.conftest import GIT_ENV, ROOT, git, make_repo, state_dir
from tests.reliability.packages import ROOT as SRC
from tests.reliability.packages import Package, dotted, inverse, plan_yaml, render


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str


def cli(*args: str | Path, stdin: bytes | None = None) -> Outcome:
    """Run the CLI in-process, as `hoc-migrate ARGS` would (exit code, stdout, stderr)."""
    env = {key: value for key, value in GIT_ENV.items()}
    result = CliRunner().invoke(
        app, [str(a) for a in args], input=stdin, env=env, catch_exceptions=False
    )
    # Not `result.stdout`: click turns CRLF into LF there, and a diff must stay byte-exact.
    stdout = result.stdout_bytes.decode("utf-8", "surrogateescape")
    return Outcome(result.exit_code, stdout, result.stderr)


def files_digest(repo: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(repo):
        dirnames[:] = sorted(d for d in dirnames if d != ".git")
        for name in filenames:
            full = Path(dirpath) / name
            rel = str(full.relative_to(repo))
            if full.is_symlink():
                out[rel] = "link:" + os.readlink(full)
            elif not full.is_file():  # a FIFO (hostile cases): reading it would block
                out[rel] = "special"
            else:
                out[rel] = hashlib.sha256(full.read_bytes()).hexdigest()
    return out


def repo_state(repo: Path) -> dict[str, object]:
    """What must be byte-identical before and after a command that writes nothing."""
    has_head = git(repo, "rev-parse", "--verify", "-q", "HEAD", check=False).strip()
    return {
        "files": files_digest(repo),
        "index": git(repo, "ls-files", "-s"),
        "refs": git(repo, "for-each-ref", "--format=%(refname) %(objectname)"),
        "head": git(repo, "symbolic-ref", "-q", "HEAD", check=False) + has_head,
        "worktrees": git(repo, "worktree", "list", "--porcelain"),
        "stash": git(repo, "stash", "list"),
        "leftovers": hoc_leftovers(repo),
    }


def hoc_leftovers(repo: Path) -> list[str]:
    """What an apply may leave only while it runs: its lock, worktrees, temporary files."""
    base = state_dir(repo)
    found = []
    if (base / "apply.lock").exists():
        found.append("apply.lock")
    found += [p.name for p in base.glob(".apply.lock.*")]  # a journal half-written
    for sub in ("worktrees", "tmp"):
        folder = base / sub
        if folder.is_dir():
            found += [f"{sub}/{p.name}" for p in folder.iterdir()]
    found += [p.name for p in repo.glob(".hoc-migrate-move-*")]
    return sorted(found)


# -- running the generated package -------------------------------------------------------
RUNNER = textwrap.dedent(
    """\
    import importlib, os, sys, traceback
    sys.path.insert(0, sys.argv[1])
    tests = sys.argv[2]
    failed = []

    def in_child(action, label):
        pid = os.fork()
        if pid == 0:
            try:
                action()
            except BaseException:
                print(f"--- {label}", file=sys.stderr)
                traceback.print_exc()
                sys.stderr.flush()
                os._exit(1)
            os._exit(0)
        _, status = os.waitpid(pid, 0)
        if status != 0:
            failed.append(label)

    for name in sys.argv[3:]:
        in_child(lambda: importlib.import_module(name), f"import {name}")

    def run_tests():
        module = importlib.import_module(tests)
        for test in sorted(n for n in dir(module) if n.startswith("test_")):
            getattr(module, test)()

    in_child(run_tests, "tests")
    print(" ".join(failed))
    sys.exit(1 if failed else 0)
    """
)


def modules_of(repo: Path) -> list[str]:
    src = repo / SRC
    return sorted(dotted(str(p.relative_to(repo))) for p in src.rglob("*.py"))


def run_package(repo: Path, runner: Path) -> str | None:
    """Import every module of the tree (each in a fresh process) and run its tests; None when
    all is well, else the failures with their tracebacks."""
    modules = modules_of(repo)
    tests = next(m for m in modules if m.endswith("test_generated"))
    done = subprocess.run(
        [sys.executable, "-B", str(runner), str(repo / SRC), tests, *modules],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONWARNINGS": "error"},
    )
    if done.returncode == 0:
        return None
    return f"failed: {done.stdout.strip()}\n{done.stderr[-4000:]}"


# -- one case of the property suite ---------------------------------------------------------
@dataclass
class CaseReport:
    failures: list[str] = field(default_factory=list)

    def fail(self, what: str) -> None:
        self.failures.append(what)


def tree_of(repo: Path, rev: str) -> str:
    return git(repo, "rev-parse", f"{rev}^{{tree}}").strip()


def apply_patch(repo: Path, patch: str) -> str | None:
    """`git apply --index` the patch in `repo`; the error, or None."""
    done = subprocess.run(
        ["git", "apply", "--index", "--whitespace=nowarn", "-"],
        input=patch.encode("utf-8", "surrogateescape"),
        cwd=repo,
        capture_output=True,
        check=False,
        env={**os.environ, **GIT_ENV},
    )
    return None if done.returncode == 0 else done.stderr.decode(errors="replace")


def check_migration(
    work: Path,
    pkg: Package,
    steps: Sequence[dict[str, Any]],
    *,
    use_apply: bool = True,
    check_inverse: bool = True,
) -> list[str]:
    """Every property of one (package, plan) pair; returns what failed (empty: all held)."""
    report = CaseReport()
    repo = make_repo(work / "repo", dict(render(pkg)))
    runner = work / "runner.py"
    runner.write_text(RUNNER, encoding="utf-8")
    plan = work / "plan.yaml"
    plan.write_text(plan_yaml("generated", steps), encoding="utf-8")
    base_tree = tree_of(repo, "HEAD")

    broken = run_package(repo, runner)
    if broken is not None:  # the generator's fault, not the tool's
        raise AssertionError(f"the generated package does not work before the plan:\n{broken}")

    before = repo_state(repo)
    dry = cli("dry-run", plan, "--repo", repo)
    if repo_state(repo) != before:
        report.fail("dry-run wrote to the repository")
    if dry.code != 0:
        report.fail(f"dry-run exit {dry.code}:\n{dry.stderr}")
        return report.failures

    if not dry.stdout:  # the plan's moves cancel out: nothing to do, nothing to apply
        if "nothing to do" not in dry.stderr:
            report.fail(f"an empty diff without 'nothing to do':\n{dry.stderr}")
        if use_apply:
            applied = cli("apply", plan, "--branch", "migrated", "--repo", repo)
            if applied.code != 2 or "the plan changes nothing" not in applied.stderr:
                report.fail(f"apply of a plan that changes nothing: exit {applied.code}")
        return report.failures

    if use_apply:
        applied = cli("apply", plan, "--branch", "migrated", "--repo", repo)
        if applied.code != 0:
            report.fail(f"apply exit {applied.code}:\n{applied.stderr}{applied.stdout}")
        elif hoc_leftovers(repo):
            report.fail(f"apply left {hoc_leftovers(repo)}")

    error = apply_patch(repo, dry.stdout)
    if error is not None:
        report.fail(f"git apply refused the dry-run diff: {error}\n{dry.stdout}")
        return report.failures
    result_tree = git(repo, "write-tree").strip()
    if use_apply and not any(f.startswith("apply exit") for f in report.failures):
        branch_tree = tree_of(repo, "migrated")
        if branch_tree != result_tree:
            diff = git(repo, "diff", "--stat", "--cached", "migrated")
            report.fail(f"the dry-run diff and the applied branch differ:\n{diff}")

    broken = run_package(repo, runner)
    if broken is not None:
        report.fail(f"the migrated package does not work:\n{broken}")

    git(repo, "commit", "-q", "-m", "migrated")
    again = cli("dry-run", plan, "--repo", repo, "--no-check")
    if again.code != 0 or again.stdout:
        report.fail(
            f"a second run changes something (exit {again.code}):\n{again.stdout}{again.stderr}"
        )

    if check_inverse:
        back = work / "inverse.yaml"
        back.write_text(plan_yaml("inverse", inverse(steps)), encoding="utf-8")
        undo = cli("dry-run", back, "--repo", repo, "--no-check")
        if undo.code != 0:
            report.fail(f"the inverse plan cannot run (exit {undo.code}):\n{undo.stderr}")
        elif (error := apply_patch(repo, undo.stdout)) is not None:
            report.fail(f"git apply refused the inverse diff: {error}")
        elif (tree := git(repo, "write-tree").strip()) != base_tree:
            diff = git(repo, "diff", "--cached", "HEAD~1")
            report.fail(f"the inverse plan does not restore the tree ({tree}):\n{diff}")
    return report.failures


__all__ = [
    "ROOT",
    "Outcome",
    "check_migration",
    "cli",
    "hoc_leftovers",
    "repo_state",
    "run_package",
]
