"""A project's working copy: its sdist (cached), a one-commit git repository, its venvs.

Layout for project NAME under the work folder W (default /tmp/hoc-realworld):
W/NAME/repo (the unpacked sdist, a git repository), W/NAME/venv (the project installed
editable with its test dependencies, and hoc-migrate), W/NAME/lint-venv (the linter alone,
so that it never imports the project's branch), W/NAME/out (JUnit XML, the dry-run diff).
The sdists are cached in ~/.cache/hoc-realworld/sdists and both venvs are kept between runs
(rebuilt when their requirements change); the repository is unpacked anew every run.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from runner import Result, Runner

CACHE = Path.home() / ".cache" / "hoc-realworld"
BASE_BRANCH = "main"
# One fixed date: the base commit has the same id on every run for the same sdist.
FIXED_DATE = "2024-01-01T00:00:00+00:00"
# Build and tool litter a developer's .gitignore would hide; the sdists often ship none.
EXCLUDES = (
    "__pycache__/",
    "*.egg-info/",
    ".pytest_cache/",
    ".hypothesis/",
    ".ruff_cache/",
    ".mypy_cache/",
    "build/",
    "dist/",
    ".eggs/",
)
PIP_TIMEOUT = 900.0
GIT_TIMEOUT = 120.0


class SetupError(Exception):
    """The project could not be prepared (download, unpack, venv); the message says which."""


@dataclass(frozen=True)
class Project:
    name: str
    version: str
    layout: str
    packages: tuple[str, ...]
    tests: str
    test_requires: tuple[str, ...]
    lint_tool: str
    lint_requires: tuple[str, ...]
    lint_config: str
    note: str = ""

    @classmethod
    def from_table(cls, name: str, table: dict[str, object]) -> Project:
        lint = table["lint"]
        assert isinstance(lint, dict)
        return cls(
            name=name,
            version=str(table["version"]),
            layout=str(table["layout"]),
            packages=tuple(_strings(table["packages"])),
            tests=str(table["tests"]),
            test_requires=tuple(_strings(table["test_requires"])),
            lint_tool=str(lint["tool"]),
            lint_requires=tuple(_strings(lint["requires"])),
            lint_config=str(lint.get("config", "")),
            note=str(table.get("note", "")),
        )


@dataclass
class Workspace:
    project: Project
    root: Path
    hoc_migrate: Path
    repo: Path = field(init=False)
    venv: Path = field(init=False)
    lint_venv: Path = field(init=False)
    out: Path = field(init=False)

    def __post_init__(self) -> None:
        self.repo = self.root / "repo"
        self.venv = self.root / "venv"
        self.lint_venv = self.root / "lint-venv"
        self.out = self.root / "out"

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    def tool(self, name: str) -> Path:
        return self.venv / "bin" / name


def _strings(value: object) -> list[str]:
    assert isinstance(value, list)
    return [str(item) for item in value]


def fetch_sdist(project: Project, run: Runner) -> Path:
    """The cached sdist, downloaded with pip the first time."""
    folder = CACHE / "sdists"
    folder.mkdir(parents=True, exist_ok=True)
    found = _cached_sdist(folder, project)
    if found is not None:
        return found
    result = run.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-binary",
            ":all:",
            "--no-deps",
            "-d",
            folder,
            f"{project.name}=={project.version}",
        ],
        cwd=folder,
        timeout=PIP_TIMEOUT,
    )
    found = _cached_sdist(folder, project)
    if not result.ok or found is None:
        raise SetupError(f"pip download {project.name}=={project.version}: {result.tail(3)}")
    return found


def _cached_sdist(folder: Path, project: Project) -> Path | None:
    wanted = f"{_normalise(project.name)}-{project.version}"
    for path in sorted(folder.glob("*.tar.gz")):
        if _normalise(path.name.removesuffix(".tar.gz")) == _normalise(wanted):
            return path
    return None


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def unpack_repo(ws: Workspace, sdist: Path, run: Runner) -> None:
    """The sdist unpacked into a fresh repository with one commit on `main`."""
    if ws.repo.exists():
        shutil.rmtree(ws.repo)
    ws.root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=ws.root) as scratch:
        with tarfile.open(sdist) as archive:
            archive.extractall(scratch, filter="data")  # refuses links and paths outside
        tops = list(Path(scratch).iterdir())
        if len(tops) != 1 or not tops[0].is_dir():
            raise SetupError(f"{sdist.name}: expected one top folder, found {len(tops)}")
        tops[0].rename(ws.repo)
    git = ["git", "-C", ws.repo]
    fixed = {"GIT_AUTHOR_DATE": FIXED_DATE, "GIT_COMMITTER_DATE": FIXED_DATE}
    steps = [
        [*git, "init", "-q", "-b", BASE_BRANCH],
        [*git, "config", "user.name", "hoc-realworld"],
        [*git, "config", "user.email", "hoc-realworld@example.invalid"],
        [*git, "config", "commit.gpgsign", "false"],
    ]
    for argv in steps:
        _check(run.run(argv, cwd=ws.repo, timeout=GIT_TIMEOUT), "git setup")
    (ws.repo / ".git" / "info").mkdir(exist_ok=True)
    (ws.repo / ".git" / "info" / "exclude").write_text("\n".join(EXCLUDES) + "\n")
    _check(run.run([*git, "add", "-A"], cwd=ws.repo, timeout=GIT_TIMEOUT), "git add")
    fixtures = _nested_ignored(ws, run)
    if fixtures:
        added = run.run([*git, "add", "-f", "--", *fixtures], cwd=ws.repo, timeout=GIT_TIMEOUT)
        _check(added, "git add -f")
    saved = dict(run.env)
    run.env.update(fixed)
    try:
        message = f"{ws.project.name} {ws.project.version} from its sdist"
        commit = run.run([*git, "commit", "-q", "-m", message], cwd=ws.repo, timeout=GIT_TIMEOUT)
    finally:
        run.env = saved
    _check(commit, "git commit")


def _nested_ignored(ws: Workspace, run: Runner) -> list[str]:
    """The sdist's files that a `.gitignore` below the root ignores: test fixtures of a tool
    that reads .gitignore files (black's tests/data/*/.gitignore ignore their own siblings),
    which upstream tracks with `git add -f`. What the root .gitignore or EXCLUDES ignore (a
    `_version.py` the build writes, build litter) stays untracked, as in a checkout."""
    listed = run.run(
        ["git", "ls-files", "-z", "--others", "--ignored", "--exclude-standard"],
        cwd=ws.repo,
        timeout=GIT_TIMEOUT,
    )
    _check(listed, "git ls-files --ignored")
    ignored = [name for name in listed.stdout.split("\0") if name]
    if not ignored:
        return []
    sources = run.run(
        ["git", "check-ignore", "-z", "--verbose", "--stdin"],
        cwd=ws.repo,
        timeout=GIT_TIMEOUT,
        stdin="\0".join(ignored) + "\0",
    )
    # -z --verbose: source, line number, pattern, path; four fields per ignored path.
    fields = sources.stdout.split("\0")
    found = []
    for at in range(0, len(fields) - 3, 4):
        source, path = fields[at], fields[at + 3]
        if source.endswith("/.gitignore") and not source.startswith(".git/"):
            found.append(path)
    return found


def prepare_venvs(ws: Workspace, run: Runner) -> None:
    """Both venvs ready, the project installed editable from this run's repository."""
    project = ws.project
    hoc = str(ws.hoc_migrate)
    _ensure_venv(ws.venv, [*project.test_requires, "-e", hoc], run)
    _ensure_venv(ws.lint_venv, list(project.lint_requires), run)
    # hoc-migrate first (its code may have changed since the venv was made), the project
    # last, so that the project's own version wins where hoc-migrate also depends on it.
    pip = [ws.python, "-m", "pip", "install", "-q"]
    _check(run.run([*pip, "-e", hoc], cwd=ws.root, timeout=PIP_TIMEOUT), "install hoc-migrate")
    _check(run.run([*pip, "-e", "."], cwd=ws.repo, timeout=PIP_TIMEOUT), "pip install -e .")


def reinstall_editable(ws: Workspace, run: Runner) -> Result:
    """Regenerate the editable install's metadata and entry points from the checked-out tree."""
    return run.run(
        [ws.python, "-m", "pip", "install", "-q", "--no-deps", "-e", "."],
        cwd=ws.repo,
        timeout=PIP_TIMEOUT,
    )


def _ensure_venv(venv: Path, requirements: list[str], run: Runner) -> None:
    stamp = venv / ".hoc-realworld.json"
    wanted = hashlib.sha256(json.dumps(requirements).encode()).hexdigest()
    if stamp.is_file() and json.loads(stamp.read_text()).get("requirements") == wanted:
        return
    if venv.exists():
        shutil.rmtree(venv)
    created = run.run([sys.executable, "-m", "venv", venv], cwd=venv.parent, timeout=300)
    _check(created, f"python -m venv {venv.name}")
    python = venv / "bin" / "python"
    if requirements:
        installed = run.run(
            [python, "-m", "pip", "install", "-q", *requirements],
            cwd=venv.parent,
            timeout=PIP_TIMEOUT,
        )
        _check(installed, f"pip install into {venv.name}")
    stamp.write_text(json.dumps({"requirements": wanted}))


def _check(result: Result, what: str) -> None:
    if not result.ok:
        raise SetupError(f"{what} failed (exit {result.exit}): {result.tail(3)}")
