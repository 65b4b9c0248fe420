"""The plan's verify command: which one, on which code, and judged against the base.

* Which: the plan's `verify.command`; without one (or `command: auto`), `{python} -m pytest
  -q` when the project configures pytest, and the outcome says so; `command: none` runs
  nothing.
* On which code: the command runs in the branch's worktree with the worktree's source roots
  first on `PYTHONPATH` and an import guard over the project's packages
  (adapters/import_guard.py: an editable install's hook cannot serve the checkout's
  modules); before it runs, the project's top-level packages and the modules the plan moved
  away must resolve to the worktree or nowhere for the command's interpreter (when they
  cannot, the apply stops, exit 2).
* Judged against the base: with `verify.baseline: true`, the command also runs on the base
  (in a worktree of its own; the result is kept per commit) and the runs are compared by
  test id (pytest's JUnit report): only tests the change broke, or that no longer run,
  fail the branch; failures the base already had are reported as such.
"""

from __future__ import annotations

import configparser
import hashlib
import json
import os
import shlex
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from hoc_migrate.adapters.command import with_interpreter
from hoc_migrate.adapters.junit import read_junit
from hoc_migrate.adapters.python_env import command_interpreter, import_locations
from hoc_migrate.core.errors import Problem, UsageError
from hoc_migrate.core.modules import normalize_root
from hoc_migrate.core.plan import Verify
from hoc_migrate.core.test_results import (
    COMPARABLE_EXITS,
    NO_TESTS,
    TestComparison,
    TestRun,
    compare_runs,
    with_junit,
)
from hoc_migrate.core.verification import CheckOutcome, CheckStatus, CommandResult
from hoc_migrate.ports import TreeReader, config_reader

COMMAND = "command"
AUTO_COMMAND: tuple[str, ...] = ("{python}", "-m", "pytest", "-q")
_SHOWN_IDS = 20
_PROBED_MOVES = 50  # old module names asked about (each imports its parent packages)


class CommandRunner(Protocol):
    """Runs a command in `cwd` (the adapter; tests may fake it)."""

    def __call__(
        self,
        command: tuple[str, ...] | str,
        cwd: Path,
        timeout: float,
        env: Mapping[str, str] | None = None,
    ) -> CommandResult: ...


@dataclass(frozen=True)
class VerifyCommand:
    command: tuple[str, ...] | str
    cwd: str | None
    timeout: float
    auto_reason: str | None = None  # why it was chosen, when the plan named none

    @property
    def shown(self) -> str:
        if isinstance(self.command, str):
            return self.command
        return " ".join(w if w == "{python}" else shlex.quote(w) for w in self.command)


def pytest_configuration(tree: TreeReader) -> str | None:
    """Where the project configures pytest, None when it does not."""
    read = config_reader(tree)
    pyproject = read("pyproject.toml")
    if pyproject is not None:
        try:
            tool = tomllib.loads(pyproject.decode("utf-8")).get("tool", {})
        except (UnicodeDecodeError, tomllib.TOMLDecodeError):
            tool = {}
        if isinstance(tool.get("pytest"), dict):
            return "pyproject.toml [tool.pytest]"
    if read("pytest.ini") is not None:
        return "pytest.ini"
    for name, section in (("tox.ini", "pytest"), ("setup.cfg", "tool:pytest")):
        data = read(name)
        if data is not None:
            parser = configparser.ConfigParser(interpolation=None, strict=False)
            try:
                parser.read_string(data.decode("utf-8"))
            except (UnicodeDecodeError, configparser.Error):
                continue
            if parser.has_section(section):
                return f"{name} [{section}]"
    if read("conftest.py") is not None:
        return "conftest.py"
    return None


def resolve_command(settings: Verify, tree: TreeReader) -> VerifyCommand | None:
    """The command to run for a plan's `verify` on `tree`; None: none to run."""
    if settings.command is not None:
        return VerifyCommand(settings.command, settings.command_cwd, settings.timeout)
    if not settings.auto_command:
        return None
    where = pytest_configuration(tree)
    if where is None:
        return None
    reason = f"the plan names no command and the project configures pytest ({where})"
    return VerifyCommand(AUTO_COMMAND, settings.command_cwd, settings.timeout, reason)


def skipped_reason(settings: Verify) -> str:
    if settings.command is None and not settings.auto_command:
        return "`command: none` in the plan"
    return "no command in the plan, and no pytest configuration to run"


def command_env(worktree: Path, source_roots: Sequence[str]) -> dict[str, str]:
    """The environment the command runs with: the worktree's source roots first on
    PYTHONPATH (before any editable install of the user's checkout)."""
    roots = [
        str(worktree / normalize_root(r)) if normalize_root(r) else str(worktree)
        for r in source_roots
    ]
    current = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": os.pathsep.join(roots + ([current] if current else []))}


def ensure_branch_code(
    vc: VerifyCommand,
    worktree: Path,
    env: Mapping[str, str],
    packages: Sequence[str],
    moved_away: Sequence[str] = (),
) -> None:
    """Raise UsageError when the command's interpreter would import one of the project's
    packages, or a module the plan moved away, from somewhere other than the worktree
    (nothing else can be trusted then)."""
    cwd = worktree / vc.cwd if vc.cwd else worktree
    python = command_interpreter(with_interpreter(vc.command), cwd)
    probed = list(dict.fromkeys([*packages, *moved_away[:_PROBED_MOVES]]))
    found = import_locations(python, probed, cwd, env)
    if found is None:
        return  # not a Python we can ask (the command may not be Python at all)
    inside = str(worktree.resolve())
    foreign = {
        name: places
        for name, places in found.items()
        if places and not any(os.path.realpath(p).startswith(inside + os.sep) for p in places)
    }
    if foreign:
        raise UsageError(
            "the verify command would test other code than the branch",
            [
                Problem(f"`{name}` imports from {places[0]}, not from the branch's worktree")
                for name, places in sorted(foreign.items())
            ],
            hint=f"{python} finds the project elsewhere even with the branch first on "
            "PYTHONPATH and editable-install hooks shadowed (a `.pth` that imports the "
            "project at startup, or an interpreter that ignores PYTHONPATH): run "
            "hoc-migrate from an environment without it, or install the project "
            "non-editable",
        )


@dataclass(frozen=True)
class CommandRun:
    result: CommandResult
    tests: TestRun


def run_verify_command(
    vc: VerifyCommand,
    worktree: Path,
    env: Mapping[str, str],
    runner: CommandRunner,
    report: Path,
) -> CommandRun:
    """Run the command in `worktree`, with a JUnit report at `report` when it is pytest."""
    cwd = worktree / vc.cwd if vc.cwd else worktree
    report.unlink(missing_ok=True)
    command = with_junit(vc.command, str(report)) or vc.command
    result = runner(command, cwd, vc.timeout, env)
    tests = read_junit(report, result.returncode) if report.exists() else TestRun(result.returncode)
    report.unlink(missing_ok=True)
    return CommandRun(result, tests)


def baseline_key(base: str, vc: VerifyCommand, python: str) -> str:
    data = json.dumps([base, vc.shown, vc.cwd, python], sort_keys=True)
    return hashlib.sha256(data.encode()).hexdigest()[:32]


def cached_baseline(folder: Path, key: str) -> TestRun | None:
    try:
        data = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return TestRun.from_data(data) if isinstance(data, dict) else None


def store_baseline(folder: Path, key: str, run: TestRun) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{key}.json"
    temporary = folder / f".{key}.{os.getpid()}.tmp"
    temporary.write_text(json.dumps(run.to_data()), encoding="utf-8")
    os.replace(temporary, target)


def _ids(label: str, ids: Sequence[str]) -> list[str]:
    shown = [f"{label}: {test_id}" for test_id in ids[:_SHOWN_IDS]]
    if len(ids) > _SHOWN_IDS:
        shown.append(f"{label}: ... and {len(ids) - _SHOWN_IDS} more")
    return shown


def command_outcome(
    vc: VerifyCommand,
    branch: CommandRun,
    base: TestRun | None,
    renames: Mapping[str, str],
) -> CheckOutcome:
    """The verdict on the branch's run, against the base's run when there is one."""
    shown = f"`{vc.shown}`" + (f" ({vc.auto_reason})" if vc.auto_reason else "")
    result, tests = branch.result, branch.tests
    output = result.output

    def failed(summary: str, details: Sequence[str] = ()) -> CheckOutcome:
        return CheckOutcome(COMMAND, CheckStatus.FAILED, summary, tuple(details), output=output)

    if result.error is not None:
        return failed(f"{shown} could not start: {result.error}")
    if result.timed_out:
        return failed(f"{shown} timed out after {vc.timeout:g}s")
    code = result.returncode
    if code == NO_TESTS and vc.auto_reason and not tests.ran:
        # Chosen by hoc-migrate, not by the plan: a project with no tests has nothing to run.
        return CheckOutcome(
            COMMAND, CheckStatus.PASSED, f"{shown}: no tests collected", output=output
        )
    if base is None:
        if code == 0:
            return CheckOutcome(COMMAND, CheckStatus.PASSED, f"{shown} passed", output=output)
        hint = (
            [
                "if these failures predate the change, leave `verify.baseline` at `auto` (or "
                "`true`): the command then runs on the base too, and only what the change "
                "broke fails"
            ]
            if tests.has_results and tests.failed
            else []
        )
        return failed(f"{shown} failed (exit {code})", _ids("failing", sorted(tests.failed)) + hint)
    return _against_base(shown, branch, base, renames, failed)


def _against_base(
    shown: str,
    branch: CommandRun,
    base: TestRun,
    renames: Mapping[str, str],
    failed: Callable[[str, Sequence[str]], CheckOutcome],
) -> CheckOutcome:
    code, tests = branch.result.returncode, branch.tests
    output = branch.result.output
    if not (tests.has_results and base.has_results):
        if code == 0:
            return CheckOutcome(COMMAND, CheckStatus.PASSED, f"{shown} passed", output=output)
        if base.returncode == 0:
            return failed(f"{shown} failed (exit {code}); it passes on the base", ())
        return failed(
            f"{shown} failed (exit {code}) on the branch and (exit {base.returncode}) on the "
            "base: without test results (pytest's JUnit report) hoc-migrate cannot tell "
            "which failures are new",
            (),
        )
    if code not in COMPARABLE_EXITS and not (code == NO_TESTS and not base.ran):
        return failed(f"{shown} did not run the tests (exit {code})", ())
    comparison: TestComparison = compare_runs(base, tests, renames)
    details = _ids("broken by the change", list(comparison.new_failures))
    details += _ids("no longer runs", list(comparison.missing))
    if comparison.broken:
        summary = (
            f"{shown}: {len(comparison.new_failures)} test(s) fail that passed on the base"
            + (f", {len(comparison.missing)} no longer run" if comparison.missing else "")
        )
        return failed(
            summary, details + _ids("already failing on the base", list(comparison.preexisting))
        )
    summary = f"{shown} passed: nothing the change broke"
    if comparison.preexisting:
        summary += f" ({len(comparison.preexisting)} test(s) already failing on the base)"
    notes = _ids("already failing on the base", list(comparison.preexisting))
    notes += _ids("fixed by the change", list(comparison.fixed))
    return CheckOutcome(COMMAND, CheckStatus.PASSED, summary, tuple(notes), output=output)
