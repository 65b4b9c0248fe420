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

import io
import re
import tokenize
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import tomlkit
from tomlkit.items import AoT, Array, String, Table

from codemods._dotted import Renames

_DOTTED = r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*"
# `name = module:attr [extra]` (an entry point) or `module:attr` (a script target).
_ENTRY = re.compile(
    rf"^(?P<head>\s*(?:[^=\s][^=]*?\s*=\s*)?)(?P<module>{_DOTTED})(?P<tail>(?::\S*)?\s*(?:\[.*\])?\s*)$"
)
_TOKEN = re.compile(rf"(?<![\w.]){_DOTTED}(?:\.\*)?(?![\w])")


@dataclass(frozen=True)
class ConfigRenames:
    """What moved: dotted module names (old -> new) and file paths (old -> new)."""

    modules: Mapping[str, str]
    files: Mapping[str, str]

    def module(self, dotted: str) -> str | None:
        """The new name of `dotted` (a module, or `pkg.sub.*`), None when it did not move."""
        star = dotted.endswith(".*")
        base = dotted[:-2] if star else dotted
        new = Renames(self.modules).apply(base) if base else None
        if new is None:
            return None
        return f"{new}.*" if star else new

    def path(self, path: str) -> str | None:
        stripped = path.strip().removeprefix("./")
        new = self.files.get(stripped)
        if new is None:
            for old_folder, new_folder in _folders(self.files).items():
                if stripped == old_folder or stripped.startswith(old_folder + "/"):
                    new = new_folder + stripped[len(old_folder) :]
                    break
        if new is None:
            return None
        return path.replace(stripped, new)


def _folders(files: Mapping[str, str]) -> dict[str, str]:
    """Folders that moved as a whole (a package move): old folder -> new folder."""
    out: dict[str, str] = {}
    for old, new in files.items():
        if old.endswith("/__init__.py") and new.endswith("/__init__.py"):
            out[old[: -len("/__init__.py")]] = new[: -len("/__init__.py")]
    return out


def _entry(value: str, renames: ConfigRenames) -> str | None:
    """`name = module:attr` or `module:attr` with the module followed."""
    match = _ENTRY.match(value)
    if match is None:
        return None
    new = renames.module(match["module"])
    if new is None:
        return None
    return f"{match['head']}{new}{match['tail']}"


def _tokens(value: str, renames: ConfigRenames) -> str | None:
    """Every dotted name (or `name.*`) in `value` that moved, followed."""
    changed = False

    def swap(match: re.Match[str]) -> str:
        nonlocal changed
        new = renames.module(match.group(0))
        if new is None:
            return match.group(0)
        changed = True
        return new

    result = _TOKEN.sub(swap, value)
    return result if changed else None


def _plugins(value: str, renames: ConfigRenames) -> str | None:
    """`-p pkg.plugin` / `-ppkg.plugin` options in pytest's `addopts`."""
    changed = False

    def swap(match: re.Match[str]) -> str:
        nonlocal changed
        new = renames.module(match["name"])
        if new is None:
            return match.group(0)
        changed = True
        return f"{match['flag']}{new}"

    result = re.sub(rf"(?P<flag>(?<!\S)-p\s*)(?P<name>{_DOTTED})", swap, value)
    return result if changed else None


Rewrite = Callable[[str, ConfigRenames], "str | None"]


# -- TOML -------------------------------------------------------------------------------
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


def rewrite_pyproject(source: str, renames: ConfigRenames) -> str:
    doc = tomlkit.parse(source)
    changed = False
    targets: list[tuple[Any, Any, Rewrite]] = []
    for section in ("scripts", "gui-scripts"):
        targets += [(t, k, _entry) for t, k in _each_value(_get(doc, "project", section))]
    entry_points = _get(doc, "project", "entry-points")
    for _, group in _each_value(entry_points):
        targets += [(t, k, _entry) for t, k in _each_value(entry_points[group])]
    for table, key in _each_value(_get(doc, "tool", "poetry", "scripts")):
        value = table[key]
        if isinstance(value, Table | dict):
            targets += [(value, k, _entry) for k in ("callable", "reference") if k in value]
        else:
            targets.append((table, key, _entry))
    plugins = _get(doc, "tool", "poetry", "plugins")
    for _, group in _each_value(plugins):
        targets += [(t, k, _entry) for t, k in _each_value(plugins[group])]
    setuptools = _get(doc, "tool", "setuptools")
    if isinstance(setuptools, Table | dict):
        for key in ("packages", "py-modules"):
            if key in setuptools and isinstance(setuptools[key], Array | list):
                targets.append((setuptools, key, _tokens))
        for key in ("package-data", "exclude-package-data"):
            changed |= _rename_keys(_get(setuptools, key), lambda k: renames.module(k))
    for section in ("run", "report"):
        table = _get(doc, "tool", "coverage", section)
        if isinstance(table, Table | dict):
            for key in ("source", "source_pkgs"):
                if key in table:
                    targets.append((table, key, _module_or_path))
            for key in ("omit", "include"):
                if key in table:
                    targets.append((table, key, _path_only))
    mypy = _get(doc, "tool", "mypy")
    if isinstance(mypy, Table | dict):
        overrides = mypy.get("overrides")
        if isinstance(overrides, AoT | list):
            for override in overrides:
                if "module" in override:
                    targets.append((override, "module", _tokens))
        for key in ("packages", "modules"):
            if key in mypy:
                targets.append((mypy, key, _tokens))
        if "files" in mypy:
            targets.append((mypy, "files", _path_only))
    pytest_options = _get(doc, "tool", "pytest", "ini_options")
    if isinstance(pytest_options, Table | dict) and "addopts" in pytest_options:
        targets.append((pytest_options, "addopts", _plugins))
    importlinter = _get(doc, "tool", "importlinter")
    if isinstance(importlinter, Table | dict):
        for key in ("root_package", "root_packages"):
            if key in importlinter:
                targets.append((importlinter, key, _tokens))
        contracts = importlinter.get("contracts")
        if isinstance(contracts, AoT | list):
            for contract in contracts:
                for key in _CONTRACT_KEYS:
                    if key in contract:
                        targets.append((contract, key, _tokens))
    for keys in (
        ("tool", "ruff", "lint", "per-file-ignores"),
        ("tool", "ruff", "per-file-ignores"),
    ):
        changed |= _rename_keys(_get(doc, *keys), lambda k: renames.path(k))
    debt = _get(doc, "tool", "hoc-migrate", "debt")
    if isinstance(debt, AoT | list):
        for entry in debt:
            if "path" in entry:
                targets.append((entry, "path", _path_only))
    for container, key, rewrite in targets:
        changed |= _edit_strings(container, key, rewrite, renames)
    return tomlkit.dumps(doc) if changed else source


_CONTRACT_KEYS = (
    "layers",
    "containers",
    "source_modules",
    "forbidden_modules",
    "modules",
    "ignore_imports",
)


def _module_or_path(value: str, renames: ConfigRenames) -> str | None:
    return renames.path(value) if "/" in value else renames.module(value)


def _path_only(value: str, renames: ConfigRenames) -> str | None:
    return renames.path(value)


# -- INI --------------------------------------------------------------------------------
_SECTION = re.compile(r"^\[(?P<name>[^\]]+)\]\s*$")
_KEY = re.compile(r"^(?P<key>[^\s=:#;][^=:]*?)\s*[=:]")


def _ini_rule(section: str, key: str) -> Rewrite | None:
    """How the value of `key` in `section` is rewritten, None when it is not ours to touch."""
    key = key.strip().lower().replace("-", "_")
    if section == "options.entry_points":
        return _entry_lines
    if section == "options" and key in ("packages", "py_modules"):
        return _tokens
    if section in ("coverage:run", "run", "coverage:report", "report"):
        if key in ("source", "source_pkgs"):
            return _each_line(_module_or_path)
        if key in ("omit", "include"):
            return _each_line(_path_only)
    if section in ("tool:pytest", "pytest") and key == "addopts":
        return _plugins
    if section == "importlinter" and key in ("root_package", "root_packages"):
        return _tokens
    if section.startswith("importlinter:contract") and key in _CONTRACT_KEYS:
        return _tokens
    if section == "flake8" and key == "per_file_ignores":
        return _each_line(_per_file)
    if section in ("mypy",) and key in ("packages", "modules"):
        return _tokens
    return None


def _entry_lines(value: str, renames: ConfigRenames) -> str | None:
    return _each_line(_entry)(value, renames)


def _per_file(line: str, renames: ConfigRenames) -> str | None:
    path, sep, codes = line.partition(":")
    new = renames.path(path) if sep else None
    return None if new is None else f"{new}{sep}{codes}"


def _each_line(rewrite: Rewrite) -> Rewrite:
    def run(value: str, renames: ConfigRenames) -> str | None:
        lines = value.split("\n")
        out = []
        changed = False
        for line in lines:
            stripped = line.strip()
            new = rewrite(stripped, renames) if stripped else None
            if new is not None and new != stripped:
                out.append(line.replace(stripped, new))
                changed = True
            else:
                out.append(line)
        return "\n".join(out) if changed else None

    return run


def _mypy_section(name: str, renames: ConfigRenames) -> str | None:
    if not name.startswith("mypy-"):
        return None
    patterns = name[len("mypy-") :].split(",")
    new = [renames.module(p.strip()) or p for p in patterns]
    if new == patterns:
        return None
    return "mypy-" + ",".join(new)


def rewrite_ini(source: str, renames: ConfigRenames) -> str:
    """Edit the known keys of an INI file (setup.cfg, tox.ini, .coveragerc, ...) in place."""
    lines = source.splitlines(keepends=True)
    out: list[str] = []
    section = ""
    rule: Rewrite | None = None
    value_lines: list[str] = []

    def flush() -> None:
        nonlocal value_lines
        if not value_lines:
            return
        text = "".join(value_lines)
        head, sep, value = (
            text.partition("=") if "=" in text.split("\n")[0] else text.partition(":")
        )
        new = rule(value, renames) if rule is not None and sep else None
        out.append(f"{head}{sep}{new}" if new is not None else text)
        value_lines = []

    for line in lines:
        body = line.rstrip("\r\n")
        if value_lines and body[:1] in (" ", "\t") and body.strip():
            value_lines.append(line)  # a continuation line of the current value
            continue
        flush()
        section_match = _SECTION.match(body)
        if section_match:
            section = section_match["name"].strip()
            renamed = _mypy_section(section, renames)
            out.append(line.replace(section, renamed) if renamed else line)
            rule = None
            continue
        key_match = _KEY.match(body)
        if key_match and not body.startswith((" ", "\t", "#", ";")):
            rule = _ini_rule(section, key_match["key"])
            if rule is not None:
                value_lines = [line]
                continue
        out.append(line)
    flush()
    return "".join(out)


# -- setup.py ---------------------------------------------------------------------------
_SIMPLE_STRING = re.compile(r"(?P<prefix>[rRuU]?)(?P<quote>['\"])(?P<body>[^'\"\\\\\n]*)(?P=quote)")


def rewrite_setup_py(source: str, renames: ConfigRenames) -> str:
    """Entry point strings (`"tool = pkg.cli:main"`) of a setup.py; its plain dotted strings
    are the Python rewriter's."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return source
    lines = source.splitlines(keepends=True)
    edits: list[tuple[int, int, int, str]] = []
    for token in tokens:
        match = _SIMPLE_STRING.fullmatch(token.string) if token.type == tokenize.STRING else None
        if match is None or "=" not in match["body"]:
            continue
        new = _entry(match["body"], renames)
        if new is not None and new != match["body"]:
            start = token.start[1] + len(match["prefix"]) + 1
            edits.append((token.start[0], start, token.end[1] - 1, new))
    for line_no, start, end, new in reversed(edits):
        line = lines[line_no - 1]
        lines[line_no - 1] = line[:start] + new + line[end:]
    return "".join(lines)


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
            result = rewrite_setup_py(text, renames)
        else:
            result = rewrite_ini(text, renames)
    except (tomlkit.exceptions.TOMLKitError, ValueError):
        return source  # a file its own tools cannot read either: left, and listed
    return source if result == text else result.encode("utf-8")
