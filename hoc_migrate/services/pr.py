"""`pr`: the branch as patches a reviewer or a PR tool takes, plus the PR description.

Writes (inside the repository only) `series/NNNN-*.patch` (`git format-patch` of the branch over
its base, which `git am` applies), `<branch>.diff` (one `git diff -M` patch) and `PR.md`; with a
split, `parts/NN-<part>/{changes.diff,PR.md}` for each part, each applying over the base alone.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from hoc_migrate.adapters.git_repo import GitRepo
from hoc_migrate.adapters.repo_root import find_repo_root
from hoc_migrate.adapters.workspace import is_inside, workspace
from hoc_migrate.core.errors import UsageError
from hoc_migrate.core.report import render_pr_body
from hoc_migrate.core.run_summary import RunSummary
from hoc_migrate.core.split import part_slug, split_changes
from hoc_migrate.services.apply import safe_name
from hoc_migrate.services.recovery import recover
from hoc_migrate.services.run_data import summarize_branch
from hoc_migrate.services.verify import LayerChecker

PR_FILE = "PR.md"


@dataclass(frozen=True)
class PrPart:
    name: str
    paths: tuple[str, ...]
    diff: Path
    description: Path


@dataclass
class PrOutput:
    directory: Path
    series: list[Path]
    diff: Path
    description: Path
    run: RunSummary
    parts: list[PrPart] = field(default_factory=list)


def output_dir(repo_root: Path, out: Path | None, default: tuple[str, ...]) -> Path:
    """`out` (relative to the current folder) if inside the repository, else refuse."""
    if out is None:
        return workspace(repo_root, *default)
    target = out if out.is_absolute() else Path.cwd() / out
    if not is_inside(target, repo_root):
        raise UsageError(
            f"--out {out}: outside the repository {repo_root}",
            hint="hoc-migrate writes only inside the repository; pick a folder in it",
        )
    if is_inside(target, repo_root / ".git"):
        raise UsageError(f"--out {out}: inside .git")
    return target.resolve()


def write_pr(
    plan_path: Path,
    *,
    branch: str,
    out: Path | None = None,
    base: str | None = None,
    split_by: str | None = None,
    repo: Path | None = None,
    checker: LayerChecker | None = None,
    today: dt.date | None = None,
) -> PrOutput:
    root = find_repo_root(repo)
    with GitRepo(root) as git_repo:
        recover(git_repo, refuse_if_busy=False)
        run = summarize_branch(git_repo, plan_path, branch, base=base, checker=checker, today=today)
        assert run.base is not None and run.tip is not None
        directory = output_dir(git_repo.root, out, ("pr", safe_name(branch)))
        directory.mkdir(parents=True, exist_ok=True)
        series_dir = directory / "series"
        if series_dir.is_dir():
            for old in series_dir.glob("*.patch"):
                old.unlink()
        series_dir.mkdir(exist_ok=True)
        series = git_repo.format_patch(run.base, run.tip, series_dir)
        diff = directory / f"{safe_name(branch)}.diff"
        diff.write_bytes(git_repo.diff(run.base, run.tip))
        description = directory / PR_FILE
        description.write_text(render_pr_body(run), encoding="utf-8")
        output = PrOutput(directory, series, diff, description, run)
        parts_dir = directory / "parts"
        if parts_dir.is_dir() and _made_by_us(parts_dir):
            shutil.rmtree(parts_dir)
        if split_by is not None:
            for index, (name, paths) in enumerate(split_changes(run.changes, split_by).items(), 1):
                folder = parts_dir / part_slug(index, name)
                folder.mkdir(parents=True, exist_ok=True)
                part_diff = folder / "changes.diff"
                part_diff.write_bytes(git_repo.diff(run.base, run.tip, paths))
                part_md = folder / PR_FILE
                part_md.write_text(render_pr_body(run.restricted(paths, name)), encoding="utf-8")
                output.parts.append(PrPart(name, tuple(paths), part_diff, part_md))
        return output


def _made_by_us(parts_dir: Path) -> bool:
    """Only folders holding our two files are replaced; anything else is left alone."""
    for child in parts_dir.iterdir():
        if not child.is_dir() or {p.name for p in child.iterdir()} - {"changes.diff", PR_FILE}:
            return False
    return True
