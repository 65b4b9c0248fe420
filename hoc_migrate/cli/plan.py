"""`hoc-migrate plan validate|schema|explain`."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from hoc_migrate.cli._app import errors_to_exit_codes, plan_app, recover_first, stdout
from hoc_migrate.cli._output import detail, progress

REPO_OPTION = typer.Option(
    None,
    "--repo",
    metavar="DIR",
    help="The repository the plan applies to (default: the current git repo).",
)
PLAN_ARGUMENT = typer.Argument(
    ..., metavar="PLAN", help="The plan file (YAML; - reads standard input)."
)


@plan_app.command("validate")
def validate(plan: Path = PLAN_ARGUMENT, repo: Path | None = REPO_OPTION) -> None:
    """Check a plan's format, that it fits the repository's tree, and that its steps run (in
    memory, nothing written). Exit 2 when it does not."""
    # Imported here so that other commands do not load libcst, git and the codemods.
    from hoc_migrate.services.migration import prepare_migration, trial_run

    with errors_to_exit_codes():
        recover_first(repo)
        migration = prepare_migration(plan, repo)
        trial_run(migration, progress())
        steps = len(migration.plan.steps)
        detail(f"source roots: {', '.join(r or '.' for r in migration.source_roots)}")
        for step in migration.plan.steps:
            detail(f"  {step.label}")
        stdout.print(
            f"{migration.plan.file}: valid ({steps} step{'s' if steps != 1 else ''}) for "
            f"{migration.repo_root}",
            markup=False,
        )


@plan_app.command("schema")
def schema() -> None:
    """Print the JSON Schema of the plan format (for editors and CI)."""
    from hoc_migrate.core.plan_schema import PLAN_SCHEMA

    typer.echo(json.dumps(PLAN_SCHEMA, indent=2))


@plan_app.command("explain")
def explain(
    plan: Path = PLAN_ARGUMENT,
    step: int | None = typer.Argument(None, metavar="STEP", help="Only this step (1-based)."),
    repo: Path | None = REPO_OPTION,
) -> None:
    """Show what each step will do and why (for split_hybrid: how each function is classified)."""
    from hoc_migrate.services.migration import explain_steps, prepare_migration

    with errors_to_exit_codes():
        recover_first(repo)
        migration = prepare_migration(plan, repo)
        for line in explain_steps(migration, step, progress()):
            stdout.print(line, markup=False, highlight=False)
