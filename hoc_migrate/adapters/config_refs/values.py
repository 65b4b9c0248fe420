"""What a plan moved, and how the values of known configuration keys follow it."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from codemods._dotted import Renames

_DOTTED = r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*"
# `name = module:attr [extra]` (an entry point) or `module:attr` (a script target).
_ENTRY = re.compile(
    rf"^(?P<head>\s*(?:[^=\s][^=]*?\s*=\s*)?)(?P<module>{_DOTTED})(?P<tail>(?::\S*)?\s*(?:\[.*\])?\s*)$"
)
_TOKEN = re.compile(rf"(?<![\w.]){_DOTTED}(?:\.\*)?(?![\w])")


@dataclass(frozen=True)
class ConfigRenames:
    """What moved: dotted module names (old -> new) and file paths (old -> new), the
    packages a step created (they join an explicit `packages` list that holds their parent)
    and the names it left no package at (they leave such a list, whose build would fail on
    a package folder that does not exist). `line_length`: the project's, that a grown
    list keeps to (None: not configured)."""

    modules: Mapping[str, str]
    files: Mapping[str, str]
    new_packages: tuple[str, ...] = ()
    gone_packages: tuple[str, ...] = ()
    line_length: int | None = None

    def packages_to_drop(self, listed: Sequence[str]) -> list[str]:
        """The names of a `packages` list (after the renames) that are no package now."""
        return [name for name in listed if name in self.gone_packages]

    def packages_to_add(self, listed: Sequence[str]) -> list[str]:
        """The new packages a `packages` list (after the renames) lacks but should hold:
        those whose parent package it lists."""
        present = set(listed)
        return [
            name
            for name in self.new_packages
            if name not in present and name.rpartition(".")[0] in present
        ]

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


def entry(value: str, renames: ConfigRenames) -> str | None:
    """`name = module:attr` or `module:attr` with the module followed."""
    match = _ENTRY.match(value)
    if match is None:
        return None
    new = renames.module(match["module"])
    if new is None:
        return None
    return f"{match['head']}{new}{match['tail']}"


def tokens(value: str, renames: ConfigRenames) -> str | None:
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


def plugins(value: str, renames: ConfigRenames) -> str | None:
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


CONTRACT_KEYS = (
    "layers",
    "containers",
    "source_modules",
    "forbidden_modules",
    "modules",
    "ignore_imports",
)


def module_or_path(value: str, renames: ConfigRenames) -> str | None:
    return renames.path(value) if "/" in value else renames.module(value)


def path_only(value: str, renames: ConfigRenames) -> str | None:
    return renames.path(value)


def root_pattern(value: str, renames: ConfigRenames) -> str | None:
    """A gitignore-style pattern of a build's file selection (hatch's `include`, `exclude`,
    a build hook's `exclude`): a leading `/` anchors it at the project root, as in
    `"/src/pkg/_speedups.py"`; the path after it follows the move."""
    anchor = "/" if value.startswith("/") else ""
    new = renames.path(value[len(anchor) :])
    return None if new is None else anchor + new
