"""Loading the checker's configuration from disk (tomllib), and the baseline file.

The configuration is `[tool.hoc-migrate]` in a `pyproject.toml`, or the top level of a
`hoc-migrate.toml`, found by walking up from the checked path to the repository root. With
none, a HOC tree gets the HOC preset (it needs no configuration); the project's import-linter
contracts are read too.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hoc_migrate.adapters.import_linter_config import read_import_linter
from hoc_migrate.adapters.input_files import NotReadable, TooLarge, read_config, read_limited
from hoc_migrate.core.errors import ConfigError, Problem, UsageError
from hoc_migrate.core.layers.baseline import BaselineKeys, parse_baseline
from hoc_migrate.core.layers.config import CheckConfig
from hoc_migrate.core.layers.config_validation import config_from_mapping
from hoc_migrate.core.layers.presets import HOC, HOC_PACKAGES, NONE

CONFIG_FILE = "hoc-migrate.toml"
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


def _config_text(path: Path, origin: str) -> str | None:
    """A configuration file's text (None: there is none); capped, special files refused."""
    try:
        data = read_config(path, origin)
        return None if data is None else data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {origin}", [Problem(str(exc), file=origin)]) from None


def _present(path: Path) -> bool:
    """Something other than a folder is there (a FIFO too: reading it is refused, not
    skipped)."""
    return os.path.exists(path) and not os.path.isdir(path)


def _read_toml(path: Path, origin: str) -> dict[str, Any]:
    text = _config_text(path, origin)
    if text is None:
        raise UsageError(f"no such configuration file: {origin}")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin} is not valid TOML", [Problem(str(exc), file=origin)]) from None


def _has_section(pyproject: Path, origin: str) -> bool:
    try:
        data = read_config(pyproject, origin)  # too large, a FIFO: refused, not skipped
    except OSError:
        return False
    if data is None or SECTION.encode() not in data:  # cheap test before parsing
        return False
    try:
        return _section(tomllib.loads(data.decode("utf-8"))) is not None
    except UnicodeDecodeError:
        return False  # not text: not a file that configures us
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
        if _present(folder / CONFIG_FILE):
            return folder / CONFIG_FILE
        pyproject = folder / PYPROJECT
        if _present(pyproject) and _has_section(pyproject, _display(pyproject, root)[1]):
            return pyproject
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


def read_config_data(path: Path, repo_root: Path) -> tuple[dict[str, Any], str, str]:
    """The `[tool.hoc-migrate]` table of a configuration file, its repo-relative folder and
    its name in messages."""
    base, origin = _display(path, repo_root)
    if not _present(path):
        raise UsageError(f"no such configuration file: {path}")
    document = _read_toml(path, origin)
    if path.name == PYPROJECT:
        section = _section(document)
        if section is None:
            raise ConfigError(
                f"{origin} has no [tool.{SECTION}] table",
                hint=f"add one, or pass a {CONFIG_FILE} with the keys at its top level",
            )
        return section, base, origin
    return _section(document) or document, base, origin


# Folders never searched for a HOC package: tools' and environments' own trees.
_SKIPPED = {"__pycache__", "node_modules", "site-packages", "dist", "build"}


def find_hoc_packages(repo_root: Path, packages: Sequence[str], depth: int = 4) -> list[str]:
    """The HOC packages (`app/hoc`, ...) in the tree, up to `depth` folders down (hidden
    folders and virtual environments skipped): the tree "looks like" a HOC backend."""
    found: list[str] = []
    level = [repo_root]
    for _ in range(depth + 1):
        following: list[Path] = []
        for folder in level:
            for package in packages:
                if (folder / package).is_dir():
                    found.append((folder / package).relative_to(repo_root).as_posix())
            try:
                children = [e for e in os.scandir(folder) if e.is_dir(follow_symlinks=False)]
            except OSError:
                continue
            for entry in children:
                path = Path(entry.path)
                if entry.name.startswith(".") or entry.name in _SKIPPED:
                    continue
                if (path / "pyvenv.cfg").is_file():
                    continue
                following.append(path)
        level = following
    return sorted(set(found))


def load_check_config(
    repo_root: Path, target: Path | None = None, *, config_file: Path | None = None
) -> CheckConfig:
    """The configuration for checking `target` (default: the whole repository): the given
    file, else the nearest one found walking up from `target`, else the defaults. Without a
    `preset`, the HOC preset applies where the tree has a HOC package; the project's
    import-linter contracts are read unless `import_linter = false`."""
    found = config_file if config_file is not None else find_config_file(repo_root, target)
    data: dict[str, Any] = {}
    base, origin = "", None
    if found is not None:
        data, base, origin = read_config_data(found, repo_root)
    preset = None
    if "preset" not in data:
        packages = data.get("hoc_packages", HOC_PACKAGES)
        names = packages if isinstance(packages, list | tuple) else HOC_PACKAGES
        looks_hoc = find_hoc_packages(repo_root, [str(p).replace(".", "/") for p in names])
        preset = HOC if looks_hoc else NONE
    contracts = None
    if data.get("import_linter", True) is not False:
        start = found.parent if found is not None else (target or repo_root)
        contracts = read_import_linter(repo_root, start if start.is_dir() else start.parent)
    return config_from_mapping(data, base=base, origin=origin, preset=preset, contracts=contracts)


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
            (folder / PYPROJECT).is_file()
            and _has_section(folder / PYPROJECT, str(folder / PYPROJECT))
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
