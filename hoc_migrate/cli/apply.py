"""`hoc-migrate apply PLAN --branch NAME`: the plan's result as a verified branch.

Exit 0: applied and verified; 1: verification failed (nothing kept unless --keep-failed);
2: could not run (nothing created, the repository as it was).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hoc_migrate.cli._app import app, errors_to_exit_codes, stderr, stdout
from hoc_migrate.cli._output import info, progress, quiet
from hoc_migrate.cli.render import print_references

if TYPE_CHECKING:
    from hoc_migrate.core.verification import CommandResult
    from hoc_migrate.services.apply import ApplyResult


class CommitMode(StrEnum):
    per_step = "per-step"
    single = "single"


@app.command("apply")
def apply_command(
    plan: Annotated[Path, typer.Argument(metavar="PLAN", help="The plan file (YAML).")],
    branch: Annotated[str, typer.Option("--branch", metavar="NAME", help="The branch to create.")],
    base: Annotated[
        str, typer.Option("--base", metavar="REV", help="The commit to start from.")
    ] = "HEAD",
    commits: Annotated[
        CommitMode,
        typer.Option(
            "--commits",
            help="After the moves commit: one commit per step, or one for all the edits.",
        ),
    ] = CommitMode.per_step,
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace an existing branch (only once verified)."),
    ] = False,
    keep_failed: Annotated[
        bool,
        typer.Option("--keep-failed", help="Keep the branch of a failed verification."),
    ] = False,
    pr_out: Annotated[
        Path | None,
        typer.Option(
            "--pr-out", metavar="DIR", help="Also write the PR patches and PR.md into this folder."
        ),
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout",
            min=0.001,
            metavar="SECONDS",
            help="Seconds the plan's verify command may run (default: the plan's "
            "verify.timeout, else 900).",
        ),
    ] = None,
    repo: Annotated[
        Path | None,
        typer.Option("--repo", metavar="DIR", help="The repository (default: current)."),
    ] = None,
) -> None:
    """Apply a plan to a new branch in a separate worktree, verify it, keep it only if verified.

    Your working tree, index and current branch are never touched. The plan's verify.command
    runs on the branch (it is code: read it before applying a plan you did not write); it is
    printed before it runs. Exit 0: applied and verified; 1: verification failed; 2: could
    not run."""
    # Imported here so that other commands do not load libcst, git and the codemods.
    from hoc_migrate.adapters.command import run_command, shown_command
    from hoc_migrate.adapters.repo_root import find_repo_root
    from hoc_migrate.services.apply import ApplyRequest, apply_plan
    from hoc_migrate.services.pr import output_dir, write_pr

    def announce_then_run(
        command: tuple[str, ...] | str,
        cwd: Path,
        timeout: float,
        env: Mapping[str, str] | None = None,
    ) -> CommandResult:
        # A plan is data, but its verify command is code: say what runs before it does.
        stderr.print(
            f"running the plan's verify command in {cwd} (timeout {timeout:g}s): "
            f"{shown_command(command)}",
            markup=False,
        )
        return run_command(command, cwd, timeout, env)

    request = ApplyRequest(
        plan_path=plan,
        branch=branch,
        base=base,
        force=force,
        per_step=commits is CommitMode.per_step,
        keep_failed=keep_failed,
        repo=repo,
        timeout=timeout,
    )
    with errors_to_exit_codes():
        if pr_out is not None:  # refuse a bad --pr-out before doing anything
            output_dir(find_repo_root(repo), pr_out, branch, option="--pr-out")
        result = apply_plan(request, runner=announce_then_run, progress=progress())
    _print(result)
    if not result.verified:
        raise typer.Exit(1)
    if pr_out is not None:
        with errors_to_exit_codes():
            output = write_pr(
                plan, branch=branch, out=pr_out, base=result.base, repo=repo, option="--pr-out"
            )
        stdout.print(f"PR files written to {output.directory}", markup=False)


def _print(result: ApplyResult) -> None:
    """The branch made (stdout), and on stderr what led there; with -q, only the branch, or
    why verification failed."""
    from hoc_migrate.core.report import verification_lines

    for line in result.recovered:
        info(f"recovered: {line}")
    for line in result.warnings:
        info(f"warning: {line}")
    plan = result.result.plan
    info(f"{plan.name} over {result.base[:12]}: {len(result.commits)} commit(s)")
    for line in result.settings:
        info(f"  {line}")
    for sha, subject in result.commits:
        info(f"  {sha[:12]} {subject}")
    if result.result.references and not quiet():
        print_references(stderr, result.result.references)
    if not quiet() or not result.verified:
        for line in verification_lines(result.verification):
            stderr.print(line, markup=False)
    tip = (result.tip or "")[:12]
    if result.verified:
        stdout.print(f"branch {result.branch} created at {tip} (verified)", markup=False)
    elif result.kept:
        stderr.print(
            f"verification failed; branch {result.branch} kept for inspection at {tip} "
            "(--keep-failed)",
            markup=False,
        )
    else:
        stderr.print(
            "verification failed; no branch was created and the repository is as it was",
            markup=False,
        )
