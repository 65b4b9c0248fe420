"""`pyproject.toml`: the known keys edited through tomlkit (comments and layout kept)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import tomlkit
from tomlkit.items import AoT, Array, String, Table

from hoc_migrate.adapters.config_refs.values import (
    CONTRACT_KEYS,
    ConfigRenames,
    Rewrite,
    entry,
    module_or_path,
    path_only,
    plugins,
    root_pattern,
    tokens,
)


def _string(old: Any, new: str) -> String:
    literal = isinstance(old, String) and old.as_string().startswith("'")
    return tomlkit.string(new, literal=literal)


def _edit_strings(container: Any, key: Any, rewrite: Rewrite, renames: ConfigRenames) -> bool:
    """Rewrite the string (or the strings of the array) at container[key]."""
    value = container[key]
    if isinstance(value, str):
        new = rewrite(str(value), renames)
        if new is not None and new != str(value):
            container[key] = _string(value, new)
            return True
        return False
    if isinstance(value, Array | list):
        changed = False
        for index, item in enumerate(list(value)):
            if isinstance(item, str):
                new = rewrite(str(item), renames)
                if new is not None and new != str(item):
                    value[index] = _string(item, new)
                    changed = True
        return changed
    return False


def _get(doc: Any, *keys: str) -> Any:
    current = doc
    for key in keys:
        if not isinstance(current, Table | dict) or key not in current:
            return None
        current = current[key]
    return current


def _each_value(table: Any) -> list[tuple[Any, Any]]:
    return [(table, k) for k in list(table.keys())] if isinstance(table, Table | dict) else []


def _rename_keys(table: Any, rewrite: Callable[[str], str | None]) -> bool:
    """Rename the keys of `table` (a per-file or per-package table), keeping their values."""
    if not isinstance(table, Table | dict):
        return False
    changed = False
    for key in list(table.keys()):
        new = rewrite(str(key))
        if new is not None and new != key and new not in table:
            value = table[key]
            del table[key]
            table[new] = value
            changed = True
    return changed


#: Keys of hatch's build configuration (`[tool.hatch.build]`, a target's, a build hook's)
#: whose values are paths or gitignore-style patterns relative to the project root.
HATCH_PATH_KEYS = ("include", "exclude", "only-include", "packages", "artifacts")


def _hatch_build_tables(build: Any) -> list[Any]:
    """`[tool.hatch.build]`, each `[tool.hatch.build.targets.NAME]`, and the build hooks of
    both (`hooks.mypyc`: black lists the modules mypyc must not compile by path)."""
    if not isinstance(build, Table | dict):
        return []
    tables = [build]
    targets = build.get("targets")
    if isinstance(targets, Table | dict):
        tables += [t for t in targets.values() if isinstance(t, Table | dict)]
    for table in list(tables):
        hooks = table.get("hooks")
        if isinstance(hooks, Table | dict):
            tables += [h for h in hooks.values() if isinstance(h, Table | dict)]
    return tables


def rewrite_pyproject(source: str, renames: ConfigRenames) -> str:
    doc = tomlkit.parse(source)
    changed = False
    targets: list[tuple[Any, Any, Rewrite]] = []
    for section in ("scripts", "gui-scripts"):
        targets += [(t, k, entry) for t, k in _each_value(_get(doc, "project", section))]
    entry_points = _get(doc, "project", "entry-points")
    for _, group in _each_value(entry_points):
        targets += [(t, k, entry) for t, k in _each_value(entry_points[group])]
    for table, key in _each_value(_get(doc, "tool", "poetry", "scripts")):
        value = table[key]
        if isinstance(value, Table | dict):
            targets += [(value, k, entry) for k in ("callable", "reference") if k in value]
        else:
            targets.append((table, key, entry))
    poetry_plugins = _get(doc, "tool", "poetry", "plugins")
    for _, group in _each_value(poetry_plugins):
        targets += [(t, k, entry) for t, k in _each_value(poetry_plugins[group])]
    setuptools = _get(doc, "tool", "setuptools")
    if isinstance(setuptools, Table | dict):
        for key in ("packages", "py-modules"):
            if key in setuptools and isinstance(setuptools[key], Array | list):
                targets.append((setuptools, key, tokens))
        for key in ("package-data", "exclude-package-data"):
            changed |= _rename_keys(_get(setuptools, key), lambda k: renames.module(k))
        for _, key in _each_value(_get(setuptools, "dynamic")):
            value = setuptools["dynamic"][key]
            if isinstance(value, Table | dict) and "attr" in value:  # version = {attr = ...}
                targets.append((value, "attr", tokens))
    hatch_version = _get(doc, "tool", "hatch", "version")
    if isinstance(hatch_version, Table | dict) and "path" in hatch_version:
        targets.append((hatch_version, "path", path_only))
    for table in _hatch_build_tables(_get(doc, "tool", "hatch", "build")):
        targets += [(table, key, root_pattern) for key in HATCH_PATH_KEYS if key in table]
    for section in ("run", "report"):
        table = _get(doc, "tool", "coverage", section)
        if isinstance(table, Table | dict):
            for key in ("source", "source_pkgs"):
                if key in table:
                    targets.append((table, key, module_or_path))
            for key in ("omit", "include"):
                if key in table:
                    targets.append((table, key, path_only))
    mypy = _get(doc, "tool", "mypy")
    if isinstance(mypy, Table | dict):
        overrides = mypy.get("overrides")
        if isinstance(overrides, AoT | list):
            for override in overrides:
                if "module" in override:
                    targets.append((override, "module", tokens))
        for key in ("packages", "modules"):
            if key in mypy:
                targets.append((mypy, key, tokens))
        if "files" in mypy:
            targets.append((mypy, "files", path_only))
    pytest_options = _get(doc, "tool", "pytest", "ini_options")
    if isinstance(pytest_options, Table | dict) and "addopts" in pytest_options:
        targets.append((pytest_options, "addopts", plugins))
    importlinter = _get(doc, "tool", "importlinter")
    if isinstance(importlinter, Table | dict):
        for key in ("root_package", "root_packages"):
            if key in importlinter:
                targets.append((importlinter, key, tokens))
        contracts = importlinter.get("contracts")
        if isinstance(contracts, AoT | list):
            for contract in contracts:
                for key in CONTRACT_KEYS:
                    if key in contract:
                        targets.append((contract, key, tokens))
    for keys in (
        ("tool", "ruff", "lint", "per-file-ignores"),
        ("tool", "ruff", "per-file-ignores"),
    ):
        changed |= _rename_keys(_get(doc, *keys), lambda k: renames.path(k))
    debt = _get(doc, "tool", "hoc-migrate", "debt")
    if isinstance(debt, AoT | list):
        for item in debt:
            if "path" in item:
                targets.append((item, "path", path_only))
    for container, key, rewrite in targets:
        changed |= _edit_strings(container, key, rewrite, renames)
    listed = _get(doc, "tool", "setuptools", "packages")
    if isinstance(listed, Array):
        gone = set(renames.packages_to_drop([str(p) for p in listed]))
        for index in reversed(range(len(listed))):
            if str(listed[index]) in gone:
                del listed[index]
                changed = True
        for name in renames.packages_to_add([str(p) for p in listed]):
            listed.append(name)
            changed = True
    return tomlkit.dumps(doc) if changed else source
