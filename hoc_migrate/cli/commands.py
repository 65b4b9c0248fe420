"""Imports every command module so that each registers itself on the app."""

from hoc_migrate.cli import apply as _apply  # noqa: F401
from hoc_migrate.cli import check as _check  # noqa: F401
from hoc_migrate.cli import demo as _demo  # noqa: F401
from hoc_migrate.cli import dry_run as _dry_run  # noqa: F401
from hoc_migrate.cli import plan as _plan  # noqa: F401
from hoc_migrate.cli import pr as _pr  # noqa: F401
from hoc_migrate.cli import report as _report  # noqa: F401
from hoc_migrate.cli import setup as _setup  # noqa: F401
from hoc_migrate.cli import suggest as _suggest  # noqa: F401
