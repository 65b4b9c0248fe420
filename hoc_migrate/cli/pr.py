"""`hoc-migrate pr PLAN --branch NAME`: patch series, one diff and PR.md for a branch."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from hoc_migrate.cli._app import app, errors_to_exit_codes, stdout


class SplitBy(StrEnum):
    domain = "domain"
    folder = "folder"


@app.command("pr")
def pr_command(
    plan: Annotated[Path, typer.Argument(metavar="PLAN", help="The plan file (YAML).")],
    branch: Annotated[
        str, typer.Option("--branch", metavar="NAME", help="The branch `apply` created.")
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="DIR",
            help="A folder inside the repository (default: .git/hoc-migrate/pr/BRANCH/).",
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Write the folder even over files git tracks."),
    ] = False,
    base: Annotated[
        str | None,
        typer.Option(
            "--base", metavar="REV", help="The branch's base (default: recorded by apply)."
        ),
    ] = None,
    split_by: Annotated[
        SplitBy | None,
        typer.Option("--split-by", help="Also one patch and one PR.md per domain or folder."),
    ] = None,
    repo: Annotated[
        Path | None,
        typer.Option("--repo", metavar="DIR", help="The repository (default: current)."),
    ] = None,
) -> None:
    """Write the branch as `git am` patches, one `git diff -M` patch, and PR.md.

    PR.md is ready for `gh pr create --body-file`. Prints the files written."""
    # Imported here so that other commands do not load git.
    from hoc_migrate.services.pr import write_pr

    with errors_to_exit_codes():
        output = write_pr(
            plan,
            branch=branch,
            out=out,
            base=base,
            split_by=split_by.value if split_by else None,
            repo=repo,
            force=force,
        )
    written = [output.description, output.diff, *output.series]
    for part in output.parts:
        written += [part.diff, part.description]
    for path in written:
        stdout.print(str(path), markup=False)
