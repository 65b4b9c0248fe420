"""Rewrites the exact module references in packaging and tool configuration.

Only keys whose meaning is known are edited: entry points and scripts (`[project.scripts]`,
`[project.entry-points]`, poetry's scripts and plugins, setup.cfg's `[options.entry_points]`,
a literal `setup.py`), packages lists, coverage sources, mypy overrides (`module = ...`,
`[mypy-pkg.x]` sections), pytest plugins (`-p pkg.plugin` in `addopts`), import-linter
contracts, and per-file settings keyed by a moved file's path (ruff's and flake8's
per-file-ignores, coverage's omit/include, hoc-migrate's own debt). Every other mention stays
and is listed as a reference to review. TOML goes through tomlkit, which keeps comments and
formatting; INI files are edited line by line inside the known keys only.
"""

from __future__ import annotations

import tomlkit

from hoc_migrate.adapters.config_refs.ini_files import rewrite_ini
from hoc_migrate.adapters.config_refs.setup_py import (
    add_packages,
    drop_packages,
    rewrite_setup_py,
)
from hoc_migrate.adapters.config_refs.toml_files import rewrite_pyproject
from hoc_migrate.adapters.config_refs.values import ConfigRenames

__all__ = [
    "ConfigRenames",
    "rewrite_config",
    "rewrite_ini",
    "rewrite_pyproject",
    "rewrite_setup_py",
]


def rewrite_config(path: str, source: bytes, renames: ConfigRenames) -> bytes:
    """The file with its known module and path references followed (itself if none)."""
    name = path.rpartition("/")[2]
    try:
        text = source.decode("utf-8")
    except UnicodeDecodeError:
        return source
    try:
        if name == "pyproject.toml":
            result = rewrite_pyproject(text, renames)
        elif name == "setup.py":
            result = add_packages(drop_packages(rewrite_setup_py(text, renames), renames), renames)
        else:
            result = rewrite_ini(text, renames, entry_points=name == "entry_points.txt")
    except (tomlkit.exceptions.TOMLKitError, ValueError):
        return source  # a file its own tools cannot read either: left, and listed
    return source if result == text else result.encode("utf-8")
