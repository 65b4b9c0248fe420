"""The typer application object and the one place that turns exceptions into exit codes."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from typer.core import TyperArgument, TyperCommand, TyperGroup

from hoc_migrate import __version__
from hoc_migrate.cli._output import (
    Color,
    ColorOption,
    Quiet,
    Verbose,
    given_before_command,
    info,
    stderr,
    stdout,
    with_output_options,
)
from hoc_migrate.cli._signals import Terminated
from hoc_migrate.core.errors import HocMigrateError

__all__ = ["app", "errors_to_exit_codes", "plan_app", "recover_first", "stderr", "stdout"]


def _no_type(ctx: object) -> None:
    return None


class _PlainHelp:
    """Help pages without type placeholders: typer prints each parameter's type (`<bool>`,
    `<str>`, `<path>`) next to it, but a flag takes no value, an argument is named by what
    it holds (PLAN, PATH) and every other option by its metavar (DIR, RULES, N). The choices
    of an enumerated option are kept: they are what it takes."""

    def get_params(self, ctx: Any) -> list[Any]:
        params: list[Any] = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            if isinstance(param, TyperArgument):
                param.display_type_rich = _no_type  # type: ignore[method-assign]
            elif getattr(param, "is_flag", False):
                param.metavar = ""
        return params


class HelpCommand(_PlainHelp, TyperCommand):
    pass


class HelpGroup(_PlainHelp, TyperGroup):
    pass


class App(typer.Typer):
    """A typer app whose commands all take -q/-v/--color (see _output.py) and print plain
    help pages."""

    def command(self, name: str | None = None, **kwargs: Any) -> Callable[[Any], Any]:
        register = super().command(name, cls=kwargs.pop("cls", HelpCommand), **kwargs)

        def decorator(function: Callable[..., Any]) -> Callable[..., Any]:
            register(with_output_options(function))
            return function

        return decorator


app = App(
    name="hoc-migrate",
    help="Declarative, verified architecture migrations for layered Python codebases.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    cls=HelpGroup,
)
plan_app = App(
    help="Validate, explain and describe plan files.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
    cls=HelpGroup,
)
app.add_typer(plan_app, name="plan")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"hoc-migrate {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
    quiet: Quiet = False,
    verbose: Verbose = False,
    color: ColorOption = Color.auto,
) -> None:
    """Declarative, verified architecture migrations for layered Python codebases."""
    # Before the command's name as after it: the command reads them when it starts.
    given_before_command(quiet=quiet, verbose=verbose, color=color)


@contextmanager
def errors_to_exit_codes() -> Iterator[None]:
    """Map 'could not run' errors to one clear message on stderr and exit 2."""
    try:
        yield
    except HocMigrateError as exc:
        stderr.print(f"[bold red]error:[/] {exc.summary}", markup=True, highlight=False)
        for problem in exc.problems:
            stderr.print(f"  {problem}", markup=False)
        if exc.hint:
            stderr.print(f"[dim]hint:[/] {exc.hint}", markup=True)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        _say("interrupted")
        raise typer.Exit(130) from None
    except Terminated as exc:  # SIGTERM, SIGHUP: the same cleanup as Ctrl-C has run
        _say(f"interrupted ({exc.name})")
        raise typer.Exit(exc.exit_code) from None
    except OSError as exc:  # a disk full, a read-only folder: could not run, not a crash
        where = f": {exc.filename}" if exc.filename else ""
        stderr.print(f"[bold red]error:[/] {escape(str(exc.strerror or exc))}{escape(where)}")
        stderr.print("[dim]hint:[/] free the space or fix the permissions, then run it again")
        raise typer.Exit(2) from None


def _say(message: str) -> None:
    with contextlib.suppress(OSError):  # SIGHUP: the terminal may be gone
        stderr.print(message, markup=False)


def recover_first(repo: Path | None) -> None:
    """Clean up what an interrupted `apply` left behind, before any other work."""
    # Imported here: git is slow to import, and `check` never needs it.
    from hoc_migrate.adapters.repo_root import find_repo_root
    from hoc_migrate.services.recovery import recover_repository

    for line in recover_repository(find_repo_root(repo)):
        info(f"recovered: {line}")
