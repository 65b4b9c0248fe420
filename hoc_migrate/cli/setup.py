"""`hoc-migrate init` and `hoc-migrate config show|docs`: the first hour with a project."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from hoc_migrate.cli._app import App, HelpGroup, app, errors_to_exit_codes, stderr, stdout
from hoc_migrate.core.errors import UsageError


class ShowFormat(StrEnum):
    text = "text"
    json = "json"


config_app = App(
    help="The layer check's configuration: the effective values, the reference.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
    cls=HelpGroup,
)
app.add_typer(config_app, name="config")


def _root(repo: Path | None, paths: list[Path]) -> Path:
    from hoc_migrate.adapters.check_config import find_check_root

    return find_check_root(paths, repo)


@app.command("init")
def init(
    repo: Annotated[
        Path | None,
        typer.Option(
            "--repo", metavar="DIR", help="The repository (default: the git work tree around here)."
        ),
    ] = None,
    show: Annotated[
        bool, typer.Option("--print", help="Print the configuration instead of writing it.")
    ] = False,
) -> None:
    """Inspect the repository and write a commented [tool.hoc-migrate] section (appended to
    pyproject.toml, else a new hoc-migrate.toml)."""
    from hoc_migrate.services.project_setup import init_repository

    with errors_to_exit_codes():
        root = _root(repo, [])
        target, text = init_repository(root, write=not show)
        if show:
            typer.echo(text, nl=False)
            return
        stderr.print(f"wrote the hoc-migrate configuration to {target}", markup=False)
        stderr.print("next: `hoc-migrate config show`, then `hoc-migrate check`", markup=False)


@config_app.command("show")
def show(
    path: Annotated[
        Path | None,
        typer.Argument(metavar="PATH", help="The path a check would start from (default: all)."),
    ] = None,
    repo: Annotated[
        Path | None, typer.Option("--repo", metavar="DIR", help="The repository.")
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            metavar="FILE",
            help="A pyproject.toml or hoc-migrate.toml (default: found).",
        ),
    ] = None,
    fmt: Annotated[
        ShowFormat, typer.Option("--format", "-f", help="Text for people, JSON for tools.")
    ] = ShowFormat.text,
) -> None:
    """Print the effective configuration, each value with where it came from."""
    from hoc_migrate.core.layers.config_show import render_config, render_config_json
    from hoc_migrate.services.project_setup import show_config

    with errors_to_exit_codes():
        given = [path] if path is not None else []
        if path is not None and not path.exists():
            raise UsageError(f"no such path: {path}")
        root = _root(repo, given)
        shown = show_config(root, path.resolve() if path else None, config)
        text = (
            render_config_json(shown.entries)
            if fmt is ShowFormat.json
            else render_config(shown.entries, shown.config)
        )
        stdout.print(text, markup=False, highlight=False, end="")


@config_app.command("docs")
def docs() -> None:
    """Print the configuration reference (docs/configuration.md) generated from the keys."""
    from hoc_migrate.core.layers.config_keys import render_reference

    typer.echo(render_reference(), nl=False)
