"""What hoc-migrate refuses to read as a file: configuration beyond a byte cap, and special
files (a FIFO blocks the reader until someone writes to it, a device may never end).

Only the limits and their messages live here (no I/O): the readers are the trees
(`ports.config_reader`) and adapters/input_files.py (paths the user names).
"""

from __future__ import annotations

import stat

from hoc_migrate.core.errors import ConfigError, UsageError

#: Far more than any real configuration file (pyproject.toml, setup.cfg, setup.py, ...).
MAX_CONFIG_BYTES = 2 * 1024 * 1024

_SPECIAL = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def special_kind(mode: int) -> str | None:
    """What a special file of this `st_mode` is ("a FIFO (named pipe)", ...); None for a
    regular file, a folder or a link."""
    return _SPECIAL.get(stat.S_IFMT(mode))


def not_a_file(name: str, kind: str) -> UsageError:
    return UsageError(
        f"{name}: is {kind}, not a regular file; hoc-migrate reads only regular files",
        hint="remove it, or replace it with a regular file",
    )


def config_too_large(name: str, size: int | None) -> ConfigError:
    limit_mb = MAX_CONFIG_BYTES // (1024 * 1024)
    told = f"{size / 1e6:.1f} MB" if size is not None else f"more than {limit_mb} MB"
    return ConfigError(
        f"{name}: the configuration file is {told}; hoc-migrate reads configuration files "
        f"of at most {limit_mb} MB"
    )
