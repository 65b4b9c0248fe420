"""`hoc-migrate demo`: the bundled fixture migrated end to end (the quick start)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer

from hoc_migrate.cli._app import app, errors_to_exit_codes, stderr, stdout
from hoc_migrate.cli._output import quiet


@app.command("demo")
def demo_command(
    into: Annotated[
        Path | None,
        typer.Option(
            "--into",
            metavar="DIR",
            help="A new, empty folder for the demo repository (default: a temporary folder).",
        ),
    ] = None,
) -> None:
    """Copy the bundled fixture into a new git repository and migrate it: Phase 2.5, then M25.

    Each plan is validated, dry-run, applied to a branch, verified (layer check, compile,
    imports, the fixture's own tests), and written out as PR patches and a certificate."""
    # Imported here so that other commands do not load what the demo needs.
    from hoc_migrate.services.demo import run_demo

    target = into.resolve() if into else Path(tempfile.mkdtemp(prefix="hoc-migrate-demo-"))
    started = time.monotonic()

    def progress(message: str) -> None:
        if not quiet():
            stderr.print(f"[dim]{time.monotonic() - started:5.1f}s[/] {message}", highlight=False)

    with errors_to_exit_codes():
        result = run_demo(target, progress)
    stdout.print(f"\ndemo repository: {result.repo}", markup=False)
    for stage in result.stages:
        verdict = "verified" if stage.verified else "FAILED verification"
        stdout.print(
            f"\n{stage.plan}: layer errors {stage.errors_before} -> {stage.errors_after} "
            f"(accepted debt included); {stage.commits} commits on {stage.branch}, {verdict} "
            f"in {stage.seconds:.1f}s",
            markup=False,
        )
        if stage.pr_dir is not None:
            stdout.print(f"  PR patches and PR.md: {stage.pr_dir}", markup=False)
        if stage.certificate is not None:
            stdout.print(f"  certificate ({stage.status}): {stage.certificate}", markup=False)
    if result.stages:
        stdout.print(
            f"\ntry: cd {result.repo} && git log --oneline --stat main..{result.stages[-1].branch}"
            "\n     hoc-migrate plan suggest --domain integrations --base main --explain"
            "  (the plan the findings suggest, before Phase 2.5)",
            markup=False,
        )
    raise typer.Exit(0 if result.ok else 1)
