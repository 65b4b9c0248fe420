"""The project's own import style, as its tool configuration states it.

Read from the configuration files' text (pure): which tool sorts its imports (ruff's `I`
rules, isort), which formatter it uses (ruff format, black), its line length, and whether it
bans relative imports (ruff's TID252 / flake8-tidy-imports). The adapter that applies the
style (`adapters/import_style.py`) runs those tools; nothing here guesses a style the project
did not ask for.
"""

from __future__ import annotations

import configparser
import fnmatch
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: Configuration files read, at the repository root.
STYLE_FILES = (
    "pyproject.toml",
    "ruff.toml",
    ".ruff.toml",
    "setup.cfg",
    "tox.ini",
    ".flake8",
    ".isort.cfg",
    ".pre-commit-config.yaml",
)

_RUFF_DEFAULT_SELECT = ("E4", "E7", "E9", "F")


@dataclass(frozen=True)
class ImportStyle:
    sorter: str | None = None  # "ruff" | "isort" | None
    formatter: str | None = None  # "ruff" | "black" | None
    line_length: int | None = None  # where long import lines must be wrapped
    relative: str = "keep"  # codemods._dotted.RELATIVE_POLICIES
    reasons: tuple[str, ...] = field(default_factory=tuple)
    # ruff's `known-first-party`, as configured (the sorter adds the project's own packages:
    # a package a plan creates does not exist on disk, and ruff would call it third-party).
    first_party: tuple[str, ...] = ()
    # The modules ruff's configuration puts in another section (`known-local-folder`,
    # `known-third-party`, ...): the project's own packages named there keep that section.
    other_sections: tuple[str, ...] = ()

    def is_first_party(self, package: str) -> bool:
        """Whether the sorter may call the project's `package` first-party: the
        configuration puts it in no other section (its patterns are globs, as ruff's)."""
        return not any(fnmatch.fnmatchcase(package, known) for known in self.other_sections)

    def describe(self) -> list[str]:
        return list(self.reasons) or ["no import style configured: imports are edited in place"]


def _toml(data: bytes | None) -> dict[str, Any]:
    if data is None:
        return {}
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}


def _ini(data: bytes | None) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    if data is not None:
        try:
            parser.read_string(data.decode("utf-8"))
        except (UnicodeDecodeError, configparser.Error):
            return configparser.ConfigParser(interpolation=None)
    return parser


def _get(table: Mapping[str, Any], *keys: str) -> Any:
    current: Any = table
    for key in keys:
        if not isinstance(current, Mapping):
            return None
        current = current.get(key)
    return current


def _codes(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def ruff_selects(ruff: Mapping[str, Any], code: str) -> bool:
    """Whether ruff's configuration enables rule `code` (the most specific selector wins,
    as ruff resolves them)."""
    found = ruff.get("lint")
    lint: Mapping[str, Any] = found if isinstance(found, Mapping) else {}

    def pick(key: str) -> list[str]:
        return _codes(_get(lint, key)) + _codes(ruff.get(key))

    select = pick("select") or list(_RUFF_DEFAULT_SELECT)
    chosen = select + pick("extend-select")
    ignored = pick("ignore")

    def best(selectors: list[str]) -> int:
        lengths = [
            0 if s == "ALL" else len(s) for s in selectors if s == "ALL" or code.startswith(s)
        ]
        return max(lengths, default=-1)

    return best(chosen) >= 0 and best(chosen) > best(ignored)


def _ruff_setting(ruff: Mapping[str, Any], *keys: str) -> Any:
    found = _get(ruff, "lint", *keys)
    return found if found is not None else _get(ruff, *keys)


def detect_style(read: Callable[[str], bytes | None]) -> ImportStyle:
    """The import style the configuration files (read by name) describe."""
    pyproject = _toml(read("pyproject.toml"))
    reasons: list[str] = []
    ruff: Mapping[str, Any] = {}
    ruff_file = ""
    for name in ("ruff.toml", ".ruff.toml"):
        data = read(name)
        if data is not None:
            ruff, ruff_file = _toml(data), name
            break
    if not ruff_file and isinstance(_get(pyproject, "tool", "ruff"), Mapping):
        ruff, ruff_file = pyproject["tool"]["ruff"], "pyproject.toml [tool.ruff]"
    setup_cfg, tox_ini = _ini(read("setup.cfg")), _ini(read("tox.ini"))
    flake8 = _ini(read(".flake8"))
    isort_cfg = _ini(read(".isort.cfg"))
    precommit = (read(".pre-commit-config.yaml") or b"").decode("utf-8", "replace")

    sorter = None
    if ruff_file and ruff_selects(ruff, "I001"):
        sorter = "ruff"
        reasons.append(f"imports sorted as ruff's isort rules say ({ruff_file} selects I001)")
    elif (
        isinstance(_get(pyproject, "tool", "isort"), Mapping)
        or isort_cfg.has_section("settings")
        or any(p.has_section(s) for p in (setup_cfg, tox_ini) for s in ("isort", "tool:isort"))
        or "/isort" in precommit
    ):
        sorter = "isort"
        reasons.append("imports sorted with isort and the project's isort settings")

    formatter = None
    if ruff_file and (isinstance(ruff.get("format"), Mapping) or "ruff-format" in precommit):
        formatter = "ruff"
        where = ruff_file if isinstance(ruff.get("format"), Mapping) else ".pre-commit-config.yaml"
        reasons.append(f"files formatted with ruff format ({where})")
    elif isinstance(_get(pyproject, "tool", "black"), Mapping) or "psf/black" in precommit:
        formatter = "black"
        reasons.append("files formatted with black")

    flake8_files = {"setup.cfg": setup_cfg, "tox.ini": tox_ini, ".flake8": flake8}
    line_length, where = _line_length(pyproject, ruff, ruff_file, flake8_files)
    if line_length is not None:
        reasons.append(f"edited lines kept to {line_length} columns ({where})")
    relative = _relative_policy(ruff, ruff_file, setup_cfg, tox_ini, flake8)
    if relative != "keep":
        reasons.append(
            "relative imports written "
            + ("never" if relative == "absolute" else "only within the same package")
            + " (the project bans "
            + ("them" if relative == "absolute" else "parent-relative imports")
            + ")"
        )
    known = _ruff_setting(ruff, "isort", "known-first-party") if ruff_file else None
    first_party = tuple(str(k) for k in known) if isinstance(known, list) else ()
    other: list[str] = []
    for key in _OTHER_SECTIONS if ruff_file else ():
        value = _ruff_setting(ruff, "isort", key)
        other += [str(k) for k in value] if isinstance(value, list) else []
    sections = _ruff_setting(ruff, "isort", "sections") if ruff_file else None
    if isinstance(sections, Mapping):  # custom sections: {name = [modules]}
        other += [str(k) for v in sections.values() if isinstance(v, list) for k in v]
    return ImportStyle(
        sorter,
        formatter,
        line_length,
        relative,
        tuple(reasons),
        first_party,
        tuple(other),
    )


#: ruff's isort settings that put modules in a section other than first-party.
_OTHER_SECTIONS = (
    "known-local-folder",
    "known-third-party",
    "extra-standard-library",
)


def _flake8_sections(*parsers: configparser.ConfigParser) -> list[configparser.SectionProxy]:
    return [p["flake8"] for p in parsers if p.has_section("flake8")]


def _line_length(
    pyproject: Mapping[str, Any],
    ruff: Mapping[str, Any],
    ruff_file: str,
    ini: Mapping[str, configparser.ConfigParser],
) -> tuple[int | None, str]:
    """The longest line the project's linter accepts, and where that is said (`ini`: the
    files flake8 reads, by name, in its order)."""
    if ruff and ruff_selects(ruff, "E501"):
        value = ruff.get("line-length", 88)
        length = value if isinstance(value, int) else 88
        return length, f"ruff's line-length, {ruff_file} selects E501"
    for name, parser in ini.items():
        if not parser.has_section("flake8"):
            continue
        section = parser["flake8"]
        value = section.get("max-line-length") or section.get("max_line_length")
        if value and value.strip().isdigit():
            return int(value), f"flake8's max-line-length in {name}"
        return 79, f"flake8's default, [flake8] in {name}"
    black = _get(pyproject, "tool", "black")
    if isinstance(black, Mapping):
        value = black.get("line-length", 88)
        return (value if isinstance(value, int) else 88), "black's line-length in pyproject.toml"
    return None, ""


def _relative_policy(
    ruff: Mapping[str, Any], ruff_file: str, *ini: configparser.ConfigParser
) -> str:
    if ruff_file and ruff_selects(ruff, "TID252"):
        banned = _ruff_setting(ruff, "flake8-tidy-imports", "ban-relative-imports") or "parents"
        return "absolute" if banned == "all" else "no-parents"
    for section in _flake8_sections(*ini):
        banned = (section.get("ban-relative-imports") or "").strip().lower()
        if banned == "parents":
            return "no-parents"
        if banned in ("true", "all"):
            return "absolute"
    return "keep"
