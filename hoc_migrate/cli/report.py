"""`hoc-migrate report PLAN`: the migration certificate, from a branch or the working tree.

Exit 0 when the status is CLEAN, LOCKED (only accepted debt remains) or OPEN (the change
verified; errors that predate it remain), 1 when FAILED.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hoc_migrate.cli._app import app, errors_to_exit_codes, stderr


@app.command("report")
def report_command(
    plan: Annotated[Path, typer.Argument(metavar="PLAN", help="The plan file (YAML).")],
    branch: Annotated[
        str | None,
        typer.Option(
            "--branch", metavar="NAME", help="Certify this branch (default: the plan in memory)."
        ),
    ] = None,
    base: Annotated[
        str | None,
        typer.Option(
            "--base",
            metavar="REV",
            help="The branch's base (default: recorded by apply); without --branch, the "
            "commit the plan is computed from (default: HEAD).",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="FILE",
            help="Write the certificate to this file (inside the repository).",
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Write --out even over a file git tracks or in .git."),
    ] = False,
    repo: Annotated[
        Path | None,
        typer.Option("--repo", metavar="DIR", help="The repository (default: current)."),
    ] = None,
) -> None:
    """Write the migration certificate; every number in it is measured on the result.

    Exit 0: CLEAN, LOCKED (only accepted debt remains) or OPEN (verified, with errors that
    predate the change); 1: FAILED; 2: could not run."""
    # Imported here so that other commands do not load libcst, git and the codemods.
    from hoc_migrate.adapters.output_files import output_target, write_output
    from hoc_migrate.adapters.repo_root import find_repo_root
    from hoc_migrate.core.certificate import FAILED
    from hoc_migrate.services.certify import certify

    with errors_to_exit_codes():
        target = None
        if out is not None:  # refused before any work
            root = find_repo_root(repo)
            target = output_target(out, root, option="--out", force=force)
        certificate = certify(plan, branch=branch, base=base, repo=repo)
        if target is not None:
            write_output(target, root, certificate.markdown.encode("utf-8"))
    if target is None:
        typer.echo(certificate.markdown, nl=False)
    else:
        stderr.print(f"certificate written to {target}", markup=False)
    stderr.print(f"STATUS: {certificate.status}", markup=False)
    raise typer.Exit(1 if certificate.status == FAILED else 0)
