"""Loading the checker's configuration from disk (tomllib), and the baseline file.

The configuration is `[tool.hoc-migrate]` in a `pyproject.toml`, or the top level of a
`hoc-migrate.toml`, found by walking up from the checked path to the repository root. With
none, the embedded HOC defaults apply (a HOC tree needs no configuration).
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hoc_migrate.adapters.input_files import NotReadable, TooLarge, read_limited
from hoc_migrate.core.errors import ConfigError, Problem, UsageError
from hoc_migrate.core.layers.baseline import BaselineKeys, parse_baseline
from hoc_migrate.core.layers.config import CheckConfig
from hoc_migrate.core.layers.config_validation import config_from_mapping

CONFIG_FILE = "hoc-migrate.toml"
MAX_CONFIG_BYTES = 2 * 1024 * 1024
MAX_BASELINE_BYTES = 64 * 1024 * 1024
PYPROJECT = "pyproject.toml"
SECTION = "hoc-migrate"


def _section(document: dict[str, Any]) -> dict[str, Any] | None:
    tool = document.get("tool")
    if isinstance(tool, dict):
        section = tool.get(SECTION)
        if isinstance(section, dict):
            return section
    return None


def _read_text(path: Path, limit: int) -> str:
    """The file's text, at most `limit` bytes read (see input_files.py); ValueError when it is
    larger, not a file, or not UTF-8."""
    try:
        return read_limited(path, limit).decode("utf-8")
    except TooLarge:
        raise ValueError(f"larger than {limit // (1024 * 1024)} MB") from None
    except NotReadable as exc:
        raise ValueError(f"{exc.kind}, not a file") from None


def _read_toml(path: Path, origin: str) -> dict[str, Any]:
    try:
        return tomllib.loads(_read_text(path, MAX_CONFIG_BYTES))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin} is not valid TOML", [Problem(str(exc), file=origin)]) from None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read {origin}", [Problem(str(exc), file=origin)]) from None


def _has_section(pyproject: Path) -> bool:
    try:
        text = _read_text(pyproject, MAX_CONFIG_BYTES)
    except (OSError, ValueError):
        return False
    if SECTION not in text:  # cheap test before parsing a large pyproject
        return False
    try:
        return _section(tomllib.loads(text)) is not None
    except tomllib.TOMLDecodeError:
        return True  # it mentions us: let loading report the TOML error


def find_config_file(repo_root: Path, target: Path | None = None) -> Path | None:
    """The nearest `hoc-migrate.toml`, or `pyproject.toml` with `[tool.hoc-migrate]`, from
    `target` (a file or folder) up to the repository root."""
    root = repo_root.resolve()
    start = (target if target is not None else root).resolve()
    if start.is_file():
        start = start.parent
    if start != root and root not in start.parents:
        start = root
    folder = start
    while True:
        if (folder / CONFIG_FILE).is_file():
            return folder / CONFIG_FILE
        if (folder / PYPROJECT).is_file() and _has_section(folder / PYPROJECT):
            return folder / PYPROJECT
        if folder == root or folder.parent == folder:
            return None
        folder = folder.parent


def _display(path: Path, repo_root: Path) -> tuple[str, str]:
    """(repo-relative folder of the config, how to name the file in messages)."""
    try:
        rel = path.resolve().relative_to(repo_root.resolve()).as_posix()
    except ValueError:
        return "", str(path)
    folder = rel.rpartition("/")[0]
    return folder, rel


def read_config_file(path: Path, repo_root: Path) -> CheckConfig:
    base, origin = _display(path, repo_root)
    if not path.is_file():
        raise UsageError(f"no such configuration file: {path}")
    document = _read_toml(path, origin)
    if path.name == PYPROJECT:
        section = _section(document)
        if section is None:
            raise ConfigError(
                f"{origin} has no [tool.{SECTION}] table",
                hint=f"add one, or pass a {CONFIG_FILE} with the keys at its top level",
            )
        data = section
    else:
        data = _section(document) or document
    return config_from_mapping(data, base=base, origin=origin)


def load_check_config(
    repo_root: Path, target: Path | None = None, *, config_file: Path | None = None
) -> CheckConfig:
    """The configuration for checking `target` (default: the whole repository): the given
    file, else the nearest one found walking up from `target`, else the embedded defaults."""
    found = config_file if config_file is not None else find_config_file(repo_root, target)
    if found is None:
        return CheckConfig()
    return read_config_file(found, repo_root)


def find_check_root(paths: Sequence[Path], explicit: Path | None = None) -> Path:
    """The repository to check: `--repo`, else the enclosing git work tree of the first path
    (or of the current folder), else the nearest folder with a configuration, else the
    current folder."""
    if explicit is not None:
        if not explicit.is_dir():
            raise UsageError(f"--repo: no such folder: {explicit}")
        return explicit.resolve()
    start = (paths[0] if paths else Path.cwd()).resolve()
    if start.is_file() or not start.exists():
        start = start.parent
    candidates = [start, *start.parents]
    for folder in candidates:
        if (folder / ".git").exists():
            return folder
    for folder in candidates:
        if (folder / CONFIG_FILE).is_file() or (
            (folder / PYPROJECT).is_file() and _has_section(folder / PYPROJECT)
        ):
            return folder
    return Path.cwd().resolve()


def read_baseline(path: Path, origin: str) -> BaselineKeys:
    try:
        text = _read_text(path, MAX_BASELINE_BYTES)
    except FileNotFoundError:
        raise UsageError(
            f"baseline file not found: {origin}", hint="create it with --write-baseline"
        ) from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the baseline {origin}: {exc}") from None
    return parse_baseline(text, origin)
