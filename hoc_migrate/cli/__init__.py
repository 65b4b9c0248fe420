"""The command line: builds the adapters, calls the services, renders, maps errors to exit codes.

Exit codes: 0 ok, 1 problems found (layer errors, failed verification), 2 could not run.
Each command lives in its own module and registers itself on `app`.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: a replayed `check` never imports typing
if TYPE_CHECKING:
    import typer

    app: typer.Typer


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point; `argv` makes it callable from tests."""
    from hoc_migrate.cli import _invocation

    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["check"]:
        # A warm `check` in CI prints what it printed last time when nothing changed: replayed
        # before typer and the checker are even imported (see adapters/check_replay.py).
        from hoc_migrate.adapters.check_replay import replay

        code = replay(args)
        if code is not None:
            sys.stdout.flush()
            raise SystemExit(code)
        _invocation.command_line = args
    from hoc_migrate.cli._signals import Terminated, handle_termination

    handle_termination()
    try:
        _load_app()(args=args, prog_name="hoc-migrate")
    except Terminated as exc:  # outside a command's own handling (see _app.py)
        raise SystemExit(exc.exit_code) from None
    finally:
        _invocation.command_line = None


def _load_app() -> typer.Typer:
    # On demand: importing it loads typer and every command (most of a start-up).
    from hoc_migrate.cli import commands  # noqa: F401  (registers the commands)
    from hoc_migrate.cli._app import app

    return app


def __getattr__(name: str) -> object:
    if name == "app":
        return _load_app()
    raise AttributeError(name)


__all__ = ["app", "main"]
