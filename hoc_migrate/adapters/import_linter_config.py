"""Reading a project's import-linter configuration as import-linter does: `setup.cfg` or
`.importlinter` (`[importlinter]` and `[importlinter:contract:ID]` sections, lists one item a
line) or `pyproject.toml` (`[tool.importlinter]` with `[[tool.importlinter.contracts]]`),
searched from a folder up to the repository root."""

from __future__ import annotations

import configparser
import re
import tomllib
from pathlib import Path
from typing import Any

from hoc_migrate.adapters.input_files import read_config
from hoc_migrate.core.errors import Problem
from hoc_migrate.core.layers.config_validation import ContractSource
from hoc_migrate.core.layers.contracts import Contract, UnsupportedContract, parse_contract

INI_FILES = ("setup.cfg", ".importlinter")
PYPROJECT = "pyproject.toml"
SECTION = "importlinter"
_TOML_CONTRACT = re.compile(r"^\s*\[\[\s*tool\s*\.\s*importlinter\s*\.\s*contracts\s*\]\]")


def _ini_options(text: str, path: Path) -> list[tuple[str, dict[str, Any], int]] | None:
    """(id, options, line) of each contract; None when the file has no [importlinter]."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text, source=str(path))
    if SECTION not in parser.sections():
        return None
    lines = text.splitlines()
    out = []
    for section in parser.sections():
        if not section.startswith(f"{SECTION}:"):
            continue
        contract_id = section.split(":")[-1]
        line = next(
            (i + 1 for i, t in enumerate(lines) if t.strip() == f"[{section}]"),
            0,
        )
        options: dict[str, Any] = {}
        for key, value in parser[section].items():
            options[key] = value.strip().split("\n") if "\n" in value.strip() else value
        out.append((contract_id, options, line))
    return out


def _toml_options(text: str) -> list[tuple[str, dict[str, Any], int]] | None:
    if SECTION not in text:
        return None
    tool = tomllib.loads(text).get("tool", {})
    section = tool.get(SECTION) if isinstance(tool, dict) else None
    if not isinstance(section, dict):
        return None
    raw = section.get("contracts", [])
    starts = [i + 1 for i, t in enumerate(text.splitlines()) if _TOML_CONTRACT.match(t)]
    out = []
    for index, options in enumerate(raw if isinstance(raw, list) else []):
        if isinstance(options, dict):
            line = starts[index] if index < len(starts) else 0
            out.append((str(options.get("id", index + 1)), dict(options), line))
    return out


def _found(folder: Path, root: Path) -> tuple[Path, list[tuple[str, dict[str, Any], int]]] | None:
    for name in (*INI_FILES, PYPROJECT):
        path = folder / name
        data = read_config(path, path.relative_to(root).as_posix())
        if data is None:
            continue
        text = data.decode("utf-8")
        options = _toml_options(text) if name == PYPROJECT else _ini_options(text, path)
        if options is not None:
            return path, options
    return None


def read_import_linter(repo_root: Path, start: Path | None = None) -> ContractSource | None:
    """The import-linter contracts nearest to `start` (a folder; default the root), walking
    up to `repo_root`; None when the project has no import-linter configuration. Files that
    cannot be read are problems of the returned source (they fail the check with exit 2)."""
    root = repo_root.resolve()
    folder = (start or root).resolve()
    if folder != root and root not in folder.parents:
        folder = root
    while True:
        try:
            found = _found(folder, root)
        except (OSError, UnicodeDecodeError, configparser.Error, tomllib.TOMLDecodeError) as exc:
            origin = folder.relative_to(root).as_posix() or "."
            return ContractSource(
                origin,
                problems=(
                    Problem(f"cannot read the import-linter configuration: {exc}", file=origin),
                ),
            )
        if found is not None:
            return _source(*found, root)
        if folder == root or folder.parent == folder:
            return None
        folder = folder.parent


def _source(
    path: Path, options: list[tuple[str, dict[str, Any], int]], root: Path
) -> ContractSource:
    origin = path.relative_to(root).as_posix()
    contracts: list[Contract] = []
    unsupported: list[UnsupportedContract] = []
    problems: list[Problem] = []
    for contract_id, values, line in options:
        parsed, wrong = parse_contract(values, origin=origin, line=line, fallback_name=contract_id)
        problems += [
            Problem(
                f"import-linter contract '{values.get('name', contract_id)}': {w}",
                file=origin,
                line=line or None,
            )
            for w in wrong
        ]
        if isinstance(parsed, Contract):
            contracts.append(parsed)
        elif isinstance(parsed, UnsupportedContract):
            unsupported.append(parsed)
    return ContractSource(origin, tuple(contracts), tuple(unsupported), tuple(problems))
