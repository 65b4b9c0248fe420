"""INI files (setup.cfg, tox.ini, .coveragerc, mypy.ini, .importlinter, .flake8): the
known keys edited line by line, everything else left byte for byte. In setup.cfg's
`[options.package_data]` and `[options.exclude_package_data]` the keys are package names,
and they follow."""

from __future__ import annotations

import re

from hoc_migrate.adapters.config_refs.values import (
    CONTRACT_KEYS,
    ConfigRenames,
    Rewrite,
    entry,
    module_or_path,
    path_only,
    plugins,
    tokens,
)

_SECTION = re.compile(r"^\[(?P<name>[^\]]+)\]\s*$")
_KEY = re.compile(r"^(?P<key>[^\s=:#;][^=:]*?)\s*[=:]")
# setup.cfg sections whose keys are package names (`pkg.data = *.tar.gz`): the keys follow.
_PACKAGE_KEYS = ("options.package_data", "options.exclude_package_data")


def _ini_rule(section: str, key: str) -> Rewrite | None:
    """How the value of `key` in `section` is rewritten, None when it is not ours to touch."""
    key = key.strip().lower().replace("-", "_")
    if section == "options.entry_points":
        return _entry_lines
    if section == "options" and key == "packages":
        return _packages
    if section == "options" and key == "py_modules":
        return tokens
    if section == "metadata" and key == "version":
        return tokens  # `attr: pkg.version.__version__`
    if section in ("coverage:run", "run", "coverage:report", "report"):
        if key in ("source", "source_pkgs"):
            return _each_line(module_or_path)
        if key in ("omit", "include"):
            return _each_line(path_only)
    if section in ("tool:pytest", "pytest") and key == "addopts":
        return plugins
    if section == "importlinter" and key in ("root_package", "root_packages"):
        return tokens
    if section.startswith("importlinter:contract") and key in CONTRACT_KEYS:
        return tokens
    if section == "flake8" and key == "per_file_ignores":
        return _each_line(_per_file)
    if section in ("mypy",) and key in ("packages", "modules"):
        return tokens
    return None


def _packages(value: str, renames: ConfigRenames) -> str | None:
    """`packages =` one a line (or comma-separated): renamed, new subpackages added, and
    names that are no package any more removed."""
    renamed = tokens(value, renames)
    text = value if renamed is None else renamed
    names = [n.strip() for n in re.split(r"[,\n]", text) if n.strip()]
    gone = set(renames.packages_to_drop(names))
    if gone:
        text = _without(text, gone)
        names = [n for n in names if n not in gone]
    added = renames.packages_to_add(names)
    if not added:
        return None if text == value else text
    if "\n" in text.rstrip("\n"):  # a list one a line: the new ones on lines of their own
        last = [line for line in text.split("\n") if line.strip()][-1]
        indent = last[: len(last) - len(last.lstrip())]
        ending = text[len(text.rstrip("\n")) :]
        return text.rstrip("\n") + "".join(f"\n{indent}{n}" for n in added) + ending
    ending = text[len(text.rstrip()) :]
    return text.rstrip() + "".join(f", {n}" for n in added) + ending


def _without(text: str, gone: set[str]) -> str:
    """A `packages` value without the names in `gone` (their lines, or their items)."""
    if "\n" in text.rstrip("\n"):
        lines = text.split("\n")
        return "\n".join(line for line in lines if line.strip().rstrip(",") not in gone)
    body = text.rstrip()
    items = body.split(",")
    kept = [item for item in items if item.strip() not in gone]
    if kept and kept[0].strip() != items[0].strip():  # the first went: keep its spacing
        lead = items[0][: len(items[0]) - len(items[0].lstrip())]
        kept[0] = lead + kept[0].lstrip()
    return ",".join(kept) + text[len(body) :]


def _entry_lines(value: str, renames: ConfigRenames) -> str | None:
    return _each_line(entry)(value, renames)


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


def rewrite_ini(source: str, renames: ConfigRenames, *, entry_points: bool = False) -> str:
    """Edit the known keys of an INI file (setup.cfg, tox.ini, .coveragerc, ...) in place;
    `entry_points`: the file is a distribution's `entry_points.txt` (every key an entry)."""
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
            if section in _PACKAGE_KEYS:
                package = renames.module(key_match["key"])
                out.append(line if package is None else package + line[key_match.end("key") :])
                continue
            rule = entry if entry_points else _ini_rule(section, key_match["key"])
            if rule is not None:
                value_lines = [line]
                continue
        out.append(line)
    flush()
    return "".join(out)
