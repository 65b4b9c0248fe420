"""How much a command prints and how it looks: `-q`/`-v`, `--color`, progress on stderr.

Every command takes the same three options (`with_output_options`, which the app applies to
each command it registers):

* `-q/--quiet`: only errors and the result (a report, a diff, the branch created);
* `-v/--verbose`: also what each stage did (source roots, files scanned, cache hits, times);
* `--color auto|always|never`: `auto` colours a stream that is a terminal, unless `NO_COLOR`
  is set (not empty); `FORCE_COLOR` (not empty) colours it even when it is not. The option
  given wins over both variables; with both variables set, `NO_COLOR` wins.

Long stages (scanning, rewriting, committing, verifying) are shown live on stderr when
stderr is a terminal, never with `-q` (see progress.py).
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console

from hoc_migrate.ports import NO_PROGRESS, Progress

TYPE_CHECKING = False
if TYPE_CHECKING:
    from hoc_migrate.cli.progress import TerminalProgress


class Color(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


def resolve_color(choice: Color, environ: Mapping[str, str]) -> Color:
    """`--color` with the conventions of NO_COLOR (no-color.org) and FORCE_COLOR
    (force-color.org) applied to `auto`: a variable counts when set and not empty."""
    if choice is not Color.auto:
        return choice
    if environ.get("NO_COLOR", ""):
        return Color.never
    if environ.get("FORCE_COLOR", ""):
        return Color.always
    return Color.auto


class OutputConsole(Console):
    """A console whose colour follows the command's `--color`. Every command module holds
    this very object, so a new choice re-initialises it in place."""

    def __init__(self, *, stderr: bool = False) -> None:
        super().__init__(stderr=stderr, highlight=False, soft_wrap=True)

    def use_color(self, color: Color) -> None:
        options: dict[str, Any] = {}
        if color is Color.never:
            options = {"color_system": None, "no_color": True}
        elif color is Color.always:
            options = {"force_terminal": True, "no_color": False}
        Console.__init__(self, stderr=self.stderr, highlight=False, soft_wrap=True, **options)
        if color is Color.always and self.color_system is None:  # TERM=dumb, say: asked for
            Console.__init__(
                self, stderr=self.stderr, highlight=False, soft_wrap=True, color_system="standard"
            )


# Diagnostics go to stderr so that stdout stays machine-readable (diffs, JSON, SARIF).
stdout = OutputConsole()
stderr = OutputConsole(stderr=True)


@dataclass
class _Session:
    quiet: bool = False
    verbose: bool = False
    progress: TerminalProgress | None = None


_session = _Session()


@dataclass
class _Given:
    """-q/-v/--color given before the command's name (`hoc-migrate -v check`)."""

    quiet: bool = False
    verbose: bool = False
    color: Color = Color.auto


_before = _Given()


def given_before_command(*, quiet: bool, verbose: bool, color: Color) -> None:
    _before.quiet, _before.verbose, _before.color = quiet, verbose, color


def quiet() -> bool:
    """-q: print only errors and the result."""
    return _session.quiet


def verbose() -> bool:
    """-v: also print what each stage did."""
    return _session.verbose


def info(text: str) -> None:
    """A line of the normal output on stderr (plain text): not with -q."""
    if not _session.quiet:
        stderr.print(text, markup=False)


def detail(text: str) -> None:
    """A line of verbose output on stderr (plain text): only with -v."""
    if _session.verbose:
        stderr.print(text, markup=False, style="dim")


def progress() -> Progress:
    """The progress port for the services this command calls."""
    return NO_PROGRESS if _session.progress is None else _session.progress


def _stderr_is_a_terminal() -> bool:
    try:
        return sys.stderr.isatty() and os.environ.get("TERM", "") not in ("dumb", "unknown")
    except (AttributeError, ValueError):  # replaced or closed
        return False


def start(*, quiet: bool = False, verbose: bool = False, color: Color = Color.auto) -> None:
    """Set this command's output up from its options."""
    if quiet and verbose:
        raise typer.BadParameter("give one of them, not both", param_hint="'-q' / '-v'")
    chosen = resolve_color(color, os.environ)
    stdout.use_color(chosen)
    stderr.use_color(chosen)
    live = not quiet and _stderr_is_a_terminal()
    _session.quiet, _session.verbose = quiet, verbose
    _session.progress = None
    if live or verbose:
        # Imported only then: rich's live display costs a check's start-up time otherwise.
        from hoc_migrate.cli.progress import TerminalProgress

        _session.progress = TerminalProgress(stderr, live=live, verbose=verbose)


def finish() -> None:
    """The command is over: the progress display ends, the defaults are back."""
    if _session.progress is not None:
        _session.progress.close()
    _session.quiet = _session.verbose = False
    _session.progress = None
    given_before_command(quiet=False, verbose=False, color=Color.auto)


Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors and the result.")]
Verbose = Annotated[
    bool,
    typer.Option(
        "--verbose", "-v", help="Also print what each stage did (source roots, files, cache)."
    ),
]
ColorOption = Annotated[
    Color,
    typer.Option(
        "--color",
        help="Colour the output: on a terminal (auto; NO_COLOR and FORCE_COLOR honoured), "
        "always, or never.",
    ),
]
_OPTIONS = (
    inspect.Parameter("quiet", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=Quiet),
    inspect.Parameter("verbose", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=Verbose),
    inspect.Parameter(
        "color", inspect.Parameter.KEYWORD_ONLY, default=Color.auto, annotation=ColorOption
    ),
)


def with_output_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """`command` with -q, -v and --color added to its options: they set the output up before
    it runs (typer reads the parameters from the signature)."""
    signature = inspect.signature(command, eval_str=True)
    taken = {p.name for p in _OPTIONS} & set(signature.parameters)
    if taken:
        raise TypeError(f"{command.__name__} already has parameters {sorted(taken)}")

    @functools.wraps(command)
    def run(*args: Any, quiet: bool, verbose: bool, color: Color, **kwargs: Any) -> Any:
        start(
            quiet=quiet or _before.quiet,
            verbose=verbose or _before.verbose,
            color=color if color is not Color.auto else _before.color,
        )
        try:
            return command(*args, **kwargs)
        finally:
            finish()

    parameters = [*signature.parameters.values(), *_OPTIONS]
    run.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    return run
