"""The command line: builds the adapters, calls the services, renders, maps errors to exit codes.

Exit codes: 0 ok, 1 problems found (layer errors, failed verification), 2 could not run.
Each command lives in its own module and registers itself on `app`.
"""

from __future__ import annotations

import sys

from hoc_migrate.cli import commands as _commands  # noqa: F401  (registers the commands)
from hoc_migrate.cli._app import app


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point; `argv` makes it callable from tests."""
    app(args=argv if argv is not None else sys.argv[1:], prog_name="hoc-migrate")


__all__ = ["app", "main"]
