"""A project's distribution name and entry points, read from its packaging files.

`[project]` (PEP 621: `scripts`, `gui-scripts`, `entry-points`), poetry's `scripts` and
`plugins`, `setup.cfg`'s `[metadata] name` and `[options.entry_points]`, and a literal
`setup.py` (`name=`, `entry_points={...}`). Pure: the files' bytes in, values out.
"""

from __future__ import annotations

import ast
import configparser
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Groups = dict[str, dict[str, str]]  # group -> entry name -> "module:attr"


@dataclass(frozen=True)
class EntryPoints:
    name: str | None = None
    groups: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def to_text(self) -> str:
        """`entry_points.txt`, as a wheel's dist-info holds it."""
        out = []
        for group in sorted(self.groups):
            out.append(f"[{group}]")
            out.extend(f"{name} = {value}" for name, value in sorted(self.groups[group].items()))
            out.append("")
        return "\n".join(out)


def _add(groups: Groups, group: str, entries: Any) -> None:
    if isinstance(entries, Mapping):
        for name, value in entries.items():
            if isinstance(value, Mapping):  # poetry: {callable = "..."} / {reference = ...}
                value = value.get("callable") or value.get("reference")
            if isinstance(value, str):
                groups.setdefault(group, {})[str(name)] = value.strip()


def _from_pyproject(data: bytes, groups: Groups) -> str | None:
    try:
        document = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    found = document.get("project")
    project: dict[str, Any] = found if isinstance(found, dict) else {}
    _add(groups, "console_scripts", project.get("scripts"))
    _add(groups, "gui_scripts", project.get("gui-scripts"))
    extra = project.get("entry-points")
    if isinstance(extra, Mapping):
        for group, entries in extra.items():
            _add(groups, str(group), entries)
    poetry = (
        document.get("tool", {}).get("poetry", {}) if isinstance(document.get("tool"), dict) else {}
    )
    if isinstance(poetry, Mapping):
        _add(groups, "console_scripts", poetry.get("scripts"))
        plugins = poetry.get("plugins")
        if isinstance(plugins, Mapping):
            for group, entries in plugins.items():
                _add(groups, str(group), entries)
    name = project.get("name") or (poetry.get("name") if isinstance(poetry, Mapping) else None)
    return name if isinstance(name, str) else None


def _from_setup_cfg(data: bytes, groups: Groups) -> str | None:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(data.decode("utf-8"))
    except (UnicodeDecodeError, configparser.Error):
        return None
    if parser.has_section("options.entry_points"):
        for group, value in parser.items("options.entry_points"):
            for line in value.splitlines():
                name, sep, target = line.partition("=")
                if sep and name.strip():
                    groups.setdefault(group, {})[name.strip()] = target.strip()
    return parser.get("metadata", "name", fallback=None)


def _from_setup_py(data: bytes, groups: Groups) -> str | None:
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError):
        return None
    name = None
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        called = node.func.attr if isinstance(node.func, ast.Attribute) else None
        if (called or getattr(node.func, "id", "")) != "setup":
            continue
        for keyword in node.keywords:
            try:
                value = ast.literal_eval(keyword.value)
            except (ValueError, SyntaxError, TypeError):
                continue
            if keyword.arg == "name" and isinstance(value, str):
                name = value
            elif keyword.arg == "entry_points" and isinstance(value, Mapping):
                for group, entries in value.items():
                    for line in [entries] if isinstance(entries, str) else entries or ():
                        entry, sep, target = str(line).partition("=")
                        if sep and entry.strip():
                            groups.setdefault(str(group), {})[entry.strip()] = target.strip()
    return name


def read_entry_points(
    pyproject: bytes | None, setup_cfg: bytes | None, setup_py: bytes | None
) -> EntryPoints:
    groups: Groups = {}
    name = None
    for data, reader in (
        (pyproject, _from_pyproject),
        (setup_cfg, _from_setup_cfg),
        (setup_py, _from_setup_py),
    ):
        if data is not None:
            found = reader(data, groups)
            name = name or found
    return EntryPoints(name, groups)


def entry_points_in(read: Callable[[str], bytes | None]) -> EntryPoints:
    """The entry points of the packaging files `read` (by name) returns."""
    return read_entry_points(read("pyproject.toml"), read("setup.cfg"), read("setup.py"))
