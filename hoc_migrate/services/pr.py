"""`pr`: the branch as patches a reviewer or a PR tool takes, plus the PR description.

Writes `series/NNNN-*.patch` (`git format-patch` of the branch over its base, which `git am`
applies), `<branch>.diff` (one `git diff -M` patch) and `PR.md`; with a split,
`parts/NN-<part>/{changes.diff,PR.md}` for each part, each applying over the base alone. They
go into the folder the user names (inside the repository, see adapters/output_files.py), else
into `pr/<branch>/` of the state folder in the git directory (`.git/hoc-migrate/pr/<branch>/`),
a folder hoc-migrate makes itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from hoc_migrate.adapters.git_repo import GitRepo
from hoc_migrate.adapters.output_files import output_target
from hoc_migrate.adapters.repo_root import find_repo_root
from hoc_migrate.adapters.staged_output import staged_folder
from hoc_migrate.adapters.workspace import workspace
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


def pr_entries(branch: str) -> tuple[str, ...]:
    """What `pr` writes into its folder (replacing a previous run's)."""
    return ("series", "parts", f"{safe_name(branch)}.diff", PR_FILE)


def output_dir(
    repo_root: Path, out: Path | None, branch: str, *, option: str = "--out", force: bool = False
) -> Path:
    """The PR folder: `out` (relative to the current folder) when it may be written (inside
    the repository, no link on the way, nothing tracked overwritten unless `force`), else
    refused; by default `pr/<branch>/` of the state folder."""
    if out is None:
        return workspace(repo_root, "pr", safe_name(branch))
    return output_target(out, repo_root, option=option, force=force, entries=pr_entries(branch))


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
    force: bool = False,
    option: str = "--out",
) -> PrOutput:
    root = find_repo_root(repo)
    with GitRepo(root) as git_repo:
        recover(git_repo, refuse_if_busy=False)
        if out is not None:  # a refused folder is refused before any work
            output_dir(git_repo.root, out, branch, option=option, force=force)
        run = summarize_branch(git_repo, plan_path, branch, base=base, checker=checker, today=today)
        assert run.base is not None and run.tip is not None
        directory = output_dir(git_repo.root, out, branch, option=option, force=force)
        owned = pr_entries(branch)
        diff_name = owned[2]
        # Written aside, then moved into place: a crash or a failed write leaves no partial set.
        with staged_folder(git_repo.root, directory, owned) as staging:
            (staging / "series").mkdir()
            series = git_repo.format_patch(run.base, run.tip, staging / "series")
            (staging / diff_name).write_bytes(git_repo.diff(run.base, run.tip))
            (staging / PR_FILE).write_text(render_pr_body(run), encoding="utf-8")
            parts: list[PrPart] = []
            split = split_changes(run.changes, split_by) if split_by else {}
            for index, (name, paths) in enumerate(split.items(), 1):
                folder = Path("parts") / part_slug(index, name)
                (staging / folder).mkdir(parents=True)
                (staging / folder / "changes.diff").write_bytes(
                    git_repo.diff(run.base, run.tip, paths)
                )
                body = render_pr_body(run.restricted(paths, name))
                (staging / folder / PR_FILE).write_text(body, encoding="utf-8")
                parts.append(
                    PrPart(
                        name,
                        tuple(paths),
                        directory / folder / "changes.diff",
                        directory / folder / PR_FILE,
                    )
                )
        return PrOutput(
            directory,
            [directory / "series" / path.name for path in series],
            directory / diff_name,
            directory / PR_FILE,
            run,
            parts,
        )
