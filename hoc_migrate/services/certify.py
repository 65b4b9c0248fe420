"""`report`: the migration certificate of a plan, from a branch or the working tree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from hoc_migrate.adapters.git_repo import GitRepo
from hoc_migrate.adapters.repo_root import find_repo_root
from hoc_migrate.core.certificate import certificate_status, render_certificate
from hoc_migrate.core.run_summary import RunSummary
from hoc_migrate.services.recovery import recover
from hoc_migrate.services.run_data import summarize_branch, summarize_working_tree
from hoc_migrate.services.verify import LayerChecker


@dataclass(frozen=True)
class Certificate:
    run: RunSummary
    status: str  # CLEAN | LOCKED (with documented technical debt) | FAILED
    markdown: str


def certify(
    plan_path: Path,
    *,
    branch: str | None = None,
    base: str | None = None,
    repo: Path | None = None,
    checker: LayerChecker | None = None,
    today: dt.date | None = None,
) -> Certificate:
    root = find_repo_root(repo)
    if branch is None:
        # From the commit apply would start from, as dry-run does; the working tree only
        # outside git or before the first commit.
        if (root / ".git").exists():
            with GitRepo(root) as git_repo:
                recover(git_repo, refuse_if_busy=False)
                if git_repo.has_commits() or base is not None:
                    commit = git_repo.resolve_commit(base or "HEAD")
                    run = summarize_working_tree(
                        plan_path,
                        root,
                        checker=checker,
                        today=today,
                        tree=git_repo.tree(commit),
                        source=f"{base or 'HEAD'} {commit[:12]} (the plan computed in memory, "
                        "not applied)",
                    )
                    return Certificate(run, certificate_status(run), render_certificate(run))
        run = summarize_working_tree(plan_path, root, checker=checker, today=today)
    else:
        with GitRepo(root) as git_repo:
            recover(git_repo, refuse_if_busy=False)
            run = summarize_branch(
                git_repo, plan_path, branch, base=base, checker=checker, today=today
            )
    return Certificate(run, certificate_status(run), render_certificate(run))
