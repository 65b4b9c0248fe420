"""Shims and `pytest --doctest-modules`.

pytest's doctest collection imports every module file of the folders it collects, under the
name the file's path gives, and refuses a module whose `__file__` is another file ("import
file mismatch"). A module shim *is* the moved module under its old name, so its `__file__`
is the new path: where the project's pytest collects doctests from modules (`--doctest-modules`
in its configuration's `addopts`, or in the plan's verify command), the shim is added to
`collect_ignore` in the repository's `conftest.py`, and the moved module's doctests still run
once, from its new path. A package shim (`__init__.py`) is not checked that way by pytest.
"""

from __future__ import annotations

import configparser
import re
import textwrap
import tomllib

from hoc_migrate.ports import TreeReader, config_reader
from hoc_migrate.services.steps.shim import binds

CONFTEST = "conftest.py"
DOCTEST_MODULES = "--doctest-modules"
_MARKER = "# hoc-migrate: the compatibility shims"
_NOTE = (
    f"{_MARKER} left where modules moved are those modules under their old "
    "names; pytest --doctest-modules would import them from the old paths too and stop "
    "on the mismatch."
)
# Our block: the comment, then the list assignment, closed by a `]` line of its own.
_BLOCK = re.compile(
    rb"^" + re.escape(_MARKER.encode()) + rb".*?^collect_ignore \+?= \[\n(?P<items>.*?)^\]$",
    re.MULTILINE | re.DOTALL,
)


def _addopts(tree: TreeReader) -> list[str]:
    """The `addopts` of every pytest configuration file at the repository's root."""
    found: list[str] = []
    read = config_reader(tree)
    pyproject = read("pyproject.toml")
    if pyproject is not None:
        try:
            pytest = tomllib.loads(pyproject.decode("utf-8")).get("tool", {}).get("pytest", {})
        except (UnicodeDecodeError, tomllib.TOMLDecodeError, AttributeError):
            pytest = {}
        for table in (pytest, pytest.get("ini_options", {}) if isinstance(pytest, dict) else {}):
            value = table.get("addopts") if isinstance(table, dict) else None
            if isinstance(value, str):
                found.append(value)
            elif isinstance(value, list):
                found.extend(str(v) for v in value)
    for name, section in (
        ("pytest.ini", "pytest"),
        ("tox.ini", "pytest"),
        ("setup.cfg", "tool:pytest"),
    ):
        data = read(name)
        if data is None:
            continue
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        try:
            parser.read_string(data.decode("utf-8"))
        except (UnicodeDecodeError, configparser.Error):
            continue
        if parser.has_option(section, "addopts"):
            found.append(parser.get(section, "addopts"))
    return found


def collects_doctest_modules(tree: TreeReader, command: tuple[str, ...] | str | None) -> bool:
    """Whether pytest runs with `--doctest-modules`: in the project's pytest configuration or
    in the plan's verify command."""
    words = " ".join(command) if isinstance(command, tuple) else command or ""
    return any(DOCTEST_MODULES in text.split() for text in (words, *_addopts(tree)))


def with_ignored(source: bytes | None, path: str) -> bytes:
    """`conftest.py` (`source`, None when there is none) with `path` in `collect_ignore`:
    added to the list hoc-migrate wrote before, else in a block of its own at the end."""
    entry = f'    "{path}",\n'.encode()
    if source is not None and (block := _BLOCK.search(source)) is not None:
        if entry in block["items"]:
            return source
        end = block.end("items")
        return source[:end] + entry + source[end:]
    operator = "+=" if source is not None and binds(source, "collect_ignore") else "="
    note = textwrap.wrap(_NOTE, width=79, initial_indent="", subsequent_indent="# ")
    lines = "\n".join([*note, f"collect_ignore {operator} ["]).encode() + b"\n"
    block_text = lines + entry + b"]\n"
    if not source:
        return block_text
    sep = b"\n\n" if source.endswith(b"\n") else b"\n\n\n"
    return source + sep + block_text


def ignored_shim_lines(source: bytes) -> set[int]:
    """The line numbers (from 1) of the block `with_ignored` wrote."""
    block = _BLOCK.search(source)
    if block is None:
        return set()
    first = source.count(b"\n", 0, block.start()) + 1
    return set(range(first, first + block[0].count(b"\n") + 1))
