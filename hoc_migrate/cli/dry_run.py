"""`hoc-migrate dry-run PLAN`: the whole change as a diff, and the layer check before/after.

The diff goes to stdout (so `hoc-migrate dry-run plan.yaml | git apply` works); the summary
goes to stderr. Nothing is written.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from hoc_migrate.cli._app import app, errors_to_exit_codes, recover_first, stderr, stdout
from hoc_migrate.cli._output import progress, quiet
from hoc_migrate.cli.render import print_diff, print_references

if TYPE_CHECKING:
    from hoc_migrate.services.dry_run import DryRun


class DryRunFormat(StrEnum):
    text = "text"
    json = "json"


@app.command("dry-run")
def dry_run_command(
    plan: Path = typer.Argument(..., metavar="PLAN", help="The plan file (YAML)."),
    repo: Path | None = typer.Option(
        None, "--repo", metavar="DIR", help="The repository (default: current)."
    ),
    output_format: DryRunFormat = typer.Option(
        DryRunFormat.text, "--format", help="text: summary + diff; json: the change set as data."
    ),
    check: bool = typer.Option(
        True, "--check/--no-check", help="Run the layer check before/after."
    ),
    context: int = typer.Option(
        3, "--context", "-U", min=0, metavar="N", help="Lines of diff context."
    ),
    base: str | None = typer.Option(
        None,
        "--base",
        metavar="REV",
        help="The commit to run the plan on (default: HEAD, as apply does).",
    ),
    exit_zero: bool = typer.Option(
        False, "--exit-zero", help="Exit 0 even when the result would add a layer error."
    ),
) -> None:
    """Show what a plan would change, as a diff that `git apply` accepts. Writes nothing.

    Exit 0 when the plan can run and adds no layer error, 1 when the result would have a new
    error-severity finding (0 with --exit-zero), 2 when the plan cannot run."""
    # Imported here so that other commands do not load libcst, git and the codemods.
    from hoc_migrate.core.diff import render_diff
    from hoc_migrate.services.dry_run import dry_run_at, dry_run_data

    with errors_to_exit_codes():
        recover_first(repo)
        result = dry_run_at(plan, repo, base=base, check=check, progress=progress())
    if output_format is DryRunFormat.json:
        typer.echo(json.dumps(dry_run_data(result), indent=2))
    else:
        if not quiet():
            _print_summary(result)
        elif result.new_errors:  # with -q, only why it exits 1
            for line in result.added_lines():
                stderr.print(line, markup=False)
        patch = render_diff(result.result.changes, context, result.executables)
        print_diff(stdout, patch)
    raise typer.Exit(1 if result.new_errors and not exit_zero else 0)


def _print_summary(run: DryRun) -> None:
    result = run.result
    plan = result.plan
    changes = result.changes
    count = len(plan.steps)
    stderr.print(
        f"[bold]{plan.name}[/] — {count} step{'s' if count != 1 else ''} (dry run: nothing written)"
    )
    stderr.print(f"  base: {run.base}", markup=False, highlight=False)
    for warning in run.warnings:
        stderr.print(f"  [yellow]warning:[/] {warning}", highlight=False)
    for line in run.settings:
        stderr.print(f"  {line}", markup=False, highlight=False)
    for outcome in result.outcomes:
        touched = len(outcome.changes.changes)
        status = "[green]done[/]" if outcome.status == "done" else f"[dim]{outcome.status}[/]"
        stderr.print(f"  {outcome.step.label}: {status}, {touched} file(s)")
        for line in outcome.shown_renames():
            stderr.print(f"      {line}", markup=False)
        for note in outcome.notes:
            stderr.print(f"      {note}", markup=False)
    stderr.print(
        f"  total: {len(changes.renamed)} renamed, {len(changes.added)} added, "
        f"{len(changes.deleted)} deleted, {len(changes.modified)} modified"
    )
    if result.references:
        print_references(stderr, result.references)
    for line in run.check_summary():
        stderr.print(line, markup=False)
    if result.already_done:
        stderr.print("nothing to do: the plan's effect is already there")
