"""What the replay measures on a checked-out tree: the suite, the linter, entry points, imports.

Each measure runs the project's own tools from its venvs, in the repository folder, so that
the editable install imports whatever is checked out there.
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from runner import TIMED_OUT, Runner
from workspace import Workspace

SUITE_TIMEOUT = 900.0
LINT_TIMEOUT = 300.0
SCRIPT_TIMEOUT = 60.0
WHEEL_TIMEOUT = 600.0
NO_WHEEL = "no wheel: "


@dataclass
class Suite:
    exit: int
    seconds: float
    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    failing: list[str] = field(default_factory=list)  # test ids that failed or errored
    problem: str = ""  # no JUnit report: why (the command's last lines)

    @property
    def counts(self) -> str:
        if self.problem:
            return f"no report (exit {self.exit})"
        return f"{self.passed}/{self.failed}/{self.errors}"

    def as_good_as(self, base: Suite) -> bool:
        """No test fails that passed on the base, and as many tests pass."""
        if self.problem or self.exit == TIMED_OUT:
            return False
        return set(self.failing) <= set(base.failing) and self.passed >= base.passed


def run_suite(ws: Workspace, run: Runner, command: Sequence[str], label: str) -> Suite:
    """The plan's verify command with `--junitxml`, so that the counts and ids are exact."""
    report = ws.out / f"junit-{label}.xml"
    report.unlink(missing_ok=True)
    argv = [str(ws.python) if part == "{python}" else part for part in command]
    result = run.run([*argv, f"--junitxml={report}"], cwd=ws.repo, timeout=SUITE_TIMEOUT)
    suite = Suite(exit=result.exit, seconds=round(result.seconds, 1))
    if not report.is_file():
        suite.problem = result.tail(6)
        return suite
    try:
        root = ET.parse(report).getroot()
    except ET.ParseError as error:
        suite.problem = f"unreadable JUnit report: {error}"
        return suite
    for case in root.iter("testcase"):
        test_id = f"{case.get('classname', '')}::{case.get('name', '')}"
        outcome = {child.tag for child in case}
        if "failure" in outcome:
            suite.failed += 1
            suite.failing.append(test_id)
        elif "error" in outcome:
            suite.errors += 1
            suite.failing.append(test_id)
        elif "skipped" in outcome:
            suite.skipped += 1
        else:
            suite.passed += 1
    return suite


@dataclass
class Lint:
    tool: str
    exit: int
    findings: int
    by_file_code: dict[str, int]  # "path::CODE" -> count
    problem: str = ""


def run_lint(ws: Workspace, run: Runner) -> Lint:
    """The project's linter with the project's configuration, never fixing anything."""
    tool = ws.project.lint_tool
    binary = ws.lint_venv / "bin" / tool
    if tool == "ruff":
        argv: list[str | Path] = [
            binary,
            "check",
            "--no-fix",
            "--exit-zero",
            "--no-cache",
            "--output-format=json",
            ".",
        ]
    elif tool == "flake8":
        argv = [binary, "--exit-zero", "--format=%(path)s::%(code)s", "."]
    else:
        raise ValueError(f"unknown linter {tool!r}")
    result = run.run(argv, cwd=ws.repo, timeout=LINT_TIMEOUT)
    pairs: list[str] = []
    problem = ""
    if tool == "ruff":
        try:
            for item in json.loads(result.stdout or "[]"):
                path = Path(item["filename"]).resolve()
                pairs.append(f"{_relative(path, ws.repo)}::{item.get('code') or 'E999'}")
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            problem = f"unreadable ruff output: {error}"
    else:
        for line in result.stdout.splitlines():
            path, sep, code = line.rpartition("::")
            if sep:
                pairs.append(f"{Path(path).as_posix().removeprefix('./')}::{code}")
    if result.exit != 0 and not problem:
        problem = result.tail(4)
    counts = Counter(pairs)
    return Lint(tool, result.exit, sum(counts.values()), dict(sorted(counts.items())), problem)


def new_findings(base: Lint, branch: Lint, renames: Mapping[str, str]) -> dict[str, int]:
    """Findings on the branch that the base did not have, per file and code.

    The base's files are followed through the branch's renames, so a moved file that keeps
    its findings adds none."""
    before: Counter[str] = Counter()
    for key, count in base.by_file_code.items():
        path, _, code = key.rpartition("::")
        before[f"{renames.get(path, path)}::{code}"] += count
    after = Counter(branch.by_file_code)
    return dict(sorted((after - before).items()))


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


@dataclass
class EntryPoint:
    group: str
    name: str
    value: str
    ok: bool
    detail: str = ""


_ENTRY_POINTS = """
import importlib.metadata as m, json, sys
dist = m.distribution(sys.argv[1])
print(json.dumps([[ep.group, ep.name, ep.value] for ep in dist.entry_points]))
"""

_LOAD = """
import importlib.metadata as m, sys
group, name = sys.argv[1], sys.argv[2]
[ep] = [ep for ep in m.distribution(sys.argv[3]).entry_points
        if ep.group == group and ep.name == name]
print(ep.load())
"""


def entry_points(ws: Workspace, run: Runner) -> list[tuple[str, str, str]]:
    """The installed distribution's entry points, as the editable install declares them."""
    result = run.run(
        [ws.python, "-c", _ENTRY_POINTS, ws.project.name], cwd=ws.out, timeout=SCRIPT_TIMEOUT
    )
    if not result.ok:
        return []
    return [(group, name, value) for group, name, value in json.loads(result.stdout)]


def check_entry_points(
    ws: Workspace, run: Runner, declared: Sequence[tuple[str, str, str]]
) -> list[EntryPoint]:
    """Each entry point of the base: a console script runs `--help`, any other one loads."""
    checked = []
    for group, name, value in declared:
        if group == "console_scripts":
            result = run.run(
                [ws.tool(name), "--help"], cwd=ws.out, timeout=SCRIPT_TIMEOUT, stdin=""
            )
        else:
            result = run.run(
                [ws.python, "-c", _LOAD, group, name, ws.project.name],
                cwd=ws.out,
                timeout=SCRIPT_TIMEOUT,
            )
        detail = "" if result.ok else _last_line(result.stderr or result.stdout)
        checked.append(EntryPoint(group, name, value, result.ok, detail))
    return checked


def check_imports(ws: Workspace, run: Runner) -> dict[str, str]:
    """`python -c "import PKG"` for each top-level package, outside the repository folder
    (so that only the installed project can answer): "" when it imports, else the error."""
    outcome = {}
    for package in ws.project.packages:
        result = run.run(
            [ws.python, "-c", f"import {package}; print({package}.__file__)"],
            cwd=ws.out,
            timeout=SCRIPT_TIMEOUT,
        )
        outcome[package] = "" if result.ok else _last_line(result.stderr)
    return outcome


def check_wheel(ws: Workspace, run: Runner, label: str) -> list[str]:
    """The project's files that a wheel built from the tree leaves out (`pip wheel .`):
    modules, and the data files inside its packages (a tarball read with `pkgutil.get_data`).

    An editable install imports straight from the folder; users install the wheel, whose
    package list and package data come from the project's metadata (a literal
    `packages=[...]`, setup.cfg's `[options.package_data]`, say). Paths are relative to the
    folder the packages are in (`src` in a src layout). Built from a copy without .git:
    hatch-vcs and setuptools-scm then read PKG-INFO."""
    folder = ws.out / f"wheel-{label}"
    source = ws.out / f"wheel-source-{label}"
    for old in (folder, source):
        shutil.rmtree(old, ignore_errors=True)
    # Built from a copy: an in-tree build leaves build/ behind for the linter to find.
    shutil.copytree(ws.repo, source, ignore=shutil.ignore_patterns(".git", "build", "*.egg-info"))
    built = run.run(
        [ws.python, "-m", "pip", "wheel", "-q", "--no-deps", "-w", folder, "."],
        cwd=source,
        timeout=WHEEL_TIMEOUT,
    )
    shutil.rmtree(source, ignore_errors=True)
    wheels = sorted(folder.glob("*.whl"))
    if not built.ok or not wheels:
        return [f"{NO_WHEEL}{error_line(built.stderr or built.stdout)}"]
    with zipfile.ZipFile(wheels[0]) as wheel:
        shipped = set(wheel.namelist())
    root = ws.repo / "src" if ws.project.layout == "src" else ws.repo
    listed = run.run(["git", "ls-files", "-z", "--", *ws.project.packages], cwd=root, timeout=60)
    files = [name for name in listed.stdout.split("\0") if name]
    return sorted(name for name in files if name not in shipped)


def wheel_lost(
    base_missing: Sequence[str],
    branch_missing: Sequence[str],
    renames: Mapping[str, str],
    layout: str,
) -> list[str]:
    """What the branch's wheel leaves out that the base's shipped: the files the base's
    wheel left out too (a README inside a package, say) followed through the branch's
    renames (repository paths), so that moving one is no loss."""
    prefix = "src/" if layout == "src" else ""
    followed = set()
    for name in base_missing:
        new = renames.get(prefix + name, prefix + name)
        followed.add(new.removeprefix(prefix) if new.startswith(prefix) else new)
    return sorted(set(branch_missing) - followed)


def error_line(text: str) -> str:
    """The line that names the error (the last `SomethingError: ...`), else the last line."""
    found = re.findall(r"^.*\b\w+(?:Error|Exception)\b:.*$", text, flags=re.MULTILINE)
    return re.sub(r"\s+", " ", found[-1].strip())[:200] if found else _last_line(text)


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return re.sub(r"\s+", " ", lines[-1])[:200] if lines else ""


def as_data(value: object) -> object:
    """Dataclasses (and lists of them) as plain data for the JSON report."""
    if isinstance(value, list):
        return [as_data(item) for item in value]
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)  # type: ignore[call-overload]
    return value
