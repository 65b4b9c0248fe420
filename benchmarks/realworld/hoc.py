"""hoc-migrate as a user runs it on the project: plan validate, dry-run, apply.

Each command runs from the project's venv (so `{python}` in the plan is the project's
interpreter) in the repository folder; what it printed is read back for the table: exit
codes, times, the verdict, the references it listed for review, its verification lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from runner import Result, Runner
from workspace import BASE_BRANCH, Workspace

BRANCH = "hoc-realworld"
HOC_TIMEOUT = 1800.0  # apply runs the project's suite as its verify command
# hoc-migrate's verification lines ("PASSED   compile: ..."), not pytest's ("FAILED tests/...").
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_CHECK_LINE = re.compile(r"^(PASSED|FAILED|SKIPPED|ERROR|WARNING)\s{2,}[^\s\[]")


@dataclass
class Command:
    exit: int
    seconds: float
    summary: str = ""  # the last lines it printed, for the notes

    @classmethod
    def of(cls, result: Result, lines: int = 4) -> Command:
        return cls(result.exit, round(result.seconds, 1), result.tail(lines))


@dataclass
class HocRun:
    validate: Command
    dry_run: Command | None = None
    diff_lines: int = 0
    diff_applies: bool | None = None  # `git apply --check` on the base
    diff_check: str = ""
    dry_run_references: list[str] = field(default_factory=list)
    apply: Command | None = None
    verdict: str = "not run"  # verified | failed | could not run | exit N | not run
    apply_references: list[str] = field(default_factory=list)
    verification: list[str] = field(default_factory=list)
    apply_failures: list[str] = field(default_factory=list)  # tests its verify command failed
    apply_reason: str = ""  # why apply refused: the failed check and the first error it printed
    branch_kept: bool = False


def run_hoc(ws: Workspace, run: Runner, plan: Path) -> HocRun:
    hoc = ws.tool("hoc-migrate")
    run.note("hoc-migrate plan validate")
    validate = run.run([hoc, "plan", "validate", plan], cwd=ws.repo, timeout=HOC_TIMEOUT)
    outcome = HocRun(validate=Command.of(validate))

    run.note("hoc-migrate dry-run")
    dry = run.run([hoc, "dry-run", plan], cwd=ws.repo, timeout=HOC_TIMEOUT)
    outcome.dry_run = Command.of(dry)
    outcome.dry_run_references = references(dry.stderr)
    diff = ws.out / "dry-run.diff"
    diff.write_text(dry.stdout, encoding="utf-8")
    outcome.diff_lines = len(dry.stdout.splitlines())
    if dry.stdout.strip():
        check = run.run(["git", "apply", "--check", diff], cwd=ws.repo, timeout=120)
        outcome.diff_applies = check.ok
        outcome.diff_check = check.tail(3)

    run.note("hoc-migrate apply")
    applied = run.run([hoc, "apply", plan, "--branch", BRANCH], cwd=ws.repo, timeout=HOC_TIMEOUT)
    outcome.apply = Command.of(applied, lines=12)
    outcome.verdict = verdict(applied)
    outcome.apply_references = references(applied.stderr)
    outcome.verification = [
        line.strip() for line in applied.stderr.splitlines() if _CHECK_LINE.match(line.strip())
    ]
    outcome.apply_failures = sorted(hoc_failures(applied.stderr + applied.stdout))
    outcome.apply_reason = refusal_reason(applied.stderr)
    kept = run.run(
        ["git", "rev-parse", "--verify", "--quiet", f"refs/heads/{BRANCH}"],
        cwd=ws.repo,
        timeout=60,
    )
    outcome.branch_kept = kept.ok
    return outcome


def hoc_failures(output: str) -> set[str]:
    """Test ids (in JUnit's `module.Class::name` form) of pytest's `FAILED path::...` lines."""
    ids = set()
    for match in re.finditer(r"^\s*(?:FAILED|ERROR) (\S+?\.py)((?:::\S+)*)", output, re.MULTILINE):
        path, rest = match.group(1), match.group(2).split("::")[1:]
        module = path.removesuffix(".py").replace("/", ".")
        if rest:
            ids.add(".".join([module, *rest[:-1]]) + "::" + rest[-1])
        else:
            ids.add("::" + module)
    return ids


def refusal_reason(stderr: str) -> str:
    """The first failed check and the first error line of its output (pytest's `E   ...`)."""
    text = _ANSI.sub("", stderr)
    failed = re.search(r"^FAILED\s{2,}(.+)$", text, re.MULTILINE)
    error = re.search(r"^\s*E\s{2,}(\S.*)$", text, re.MULTILINE)
    parts = [failed.group(1).strip() if failed else "", error.group(1).strip() if error else ""]
    if not any(parts):
        problems = [line.strip() for line in text.splitlines() if line.strip()]
        return problems[-1] if problems else ""
    return ": ".join(part for part in parts if part)


def verdict(result: Result) -> str:
    if result.exit == 0 and "(verified)" in result.stdout:
        return "verified"
    if result.exit == 1:
        return "failed"
    if result.exit == 2:
        return "could not run"
    return f"exit {result.exit}"


def references(stderr: str) -> list[str]:
    """The "references left to review" block: `path:line: text` lines, indented."""
    found: list[str] = []
    inside = False
    for line in stderr.splitlines():
        if "references left to review" in line or "references to review" in line:
            inside = True
            continue
        if inside:
            if line.startswith("  ") and line.strip():
                found.append(line.strip())
            else:
                inside = False
    return found


def renames(ws: Workspace, run: Runner, rev: str) -> dict[str, str]:
    """Files the branch renamed (git's rename detection), old path -> new path. A module
    moved with a shim left at its old path is a copy to git (the old path was rewritten into
    the shim): copies of files the branch changed count too (`-C`)."""
    result = run.run(
        ["git", "diff", "-M", "-C", "--name-status", "-z", BASE_BRANCH, rev],
        cwd=ws.repo,
        timeout=120,
    )
    fields = result.stdout.split("\0")
    moved: dict[str, str] = {}
    index = 0
    while index < len(fields) and fields[index]:
        status = fields[index]
        if status.startswith(("R", "C")):
            moved[fields[index + 1]] = fields[index + 2]
            index += 3
        else:
            index += 2
    return moved
