"""Where a file sits: its layer from its folder (or module) path, and for the HOC preset its
HOC package, audience and domain; from the path alone."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from hoc_migrate.core.layers.config import CheckConfig
from hoc_migrate.core.layers.presets import LAYER_DESCRIPTIONS, SPINE


@dataclass(frozen=True)
class Location:
    """What a path says about a file (spec section 1 and the folder table of section 2)."""

    hoc: bool = False  # below a HOC package (segment match, never a substring)
    in_api: bool = False  # below `<hoc>/api/`
    audience: str | None = None  # CUSTOMER / FOUNDER / INTERNAL
    audience_folder: str | None = None  # the folder as spelled (cus, customer, ...)
    domain: str | None = None  # the folder below the audience (`general` included)
    folder_layer: str | None = None


def _segment_regex(segment: str) -> str:
    out = []
    for char in segment:
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        else:
            out.append(re.escape(char))
    return "".join(out)


def _alternatives(items: list[str]) -> str:
    # Longest first so that 'app/houseofcards' is not shadowed by a shorter alternative.
    ordered = sorted(items, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(i) for i in ordered) + ")" if ordered else "(?!)"


def pattern_regex(pattern: str, hoc_packages: list[str], audiences: list[str]) -> re.Pattern[str]:
    """A folder pattern as a regex matching the END of a '/'-joined folder path."""
    body = ""
    after_globstar = False
    for segment in pattern.strip("/").split("/"):
        if segment == "**":
            body += ("/" if body and not after_globstar else "") + "(?:[^/]+/)*"
            after_globstar = True
            continue
        if body and not after_globstar:
            body += "/"
        if segment == "<hoc>":
            body += _alternatives(hoc_packages)
        elif segment == "<audience>":
            body += _alternatives(audiences)
        else:
            body += _segment_regex(segment)
        after_globstar = False
    return re.compile(f"(?:^|/){body}$")


class FolderSet:
    """Folder patterns (the folder table's syntax): is a path inside a matching folder?"""

    def __init__(self, patterns: list[re.Pattern[str]]) -> None:
        self._patterns = patterns
        self._cache: dict[str, bool] = {}

    def contains(self, path: str) -> bool:
        folder = path.rpartition("/")[0]
        while folder:
            known = self._cache.get(folder)
            if known is None:
                known = any(p.search(folder) for p in self._patterns)
                self._cache[folder] = known
            if known:
                return True
            folder = folder.rpartition("/")[0]
        return False


class Topology:
    """The layer topology of a configuration, with per-folder memoization (thousands of files
    share a few hundred folders)."""

    def __init__(self, config: CheckConfig) -> None:
        self.config = config
        self._hoc = [h.strip("/") for h in config.hoc_packages]
        self._audiences = list(config.audience_folders)
        self._hoc_re = re.compile(f"(?:^|/){_alternatives(self._hoc)}/")
        self._folders = [
            (pattern_regex(pattern, self._hoc, self._audiences), layer)
            for pattern, layer in config.layer_folders
        ]
        self._modules = config.patterns_match_modules
        self._folder_cache: dict[str, str | None] = {}
        self._location_cache: dict[str, Location] = {}

    def has_spine(self, paths: Iterable[str]) -> bool:
        """Whether one of `paths` lies in an audience's spine (`<hoc>/cus/hoc_spine/`): the
        tree is of the HOC topology's second generation."""
        spine = re.compile(
            f"(?:^|/){_alternatives(self._hoc)}/{_alternatives(self._audiences)}/{SPINE}/"
        )
        return any(spine.search(p) for p in paths)

    def folder_set(self, patterns: list[str] | tuple[str, ...]) -> FolderSet:
        return FolderSet([pattern_regex(p, self._hoc, self._audiences) for p in patterns])

    # -- the Topology protocol the planner uses -----------------------------------------
    @property
    def headers(self) -> bool:
        """Whether files carry a layer header that moves keep right."""
        return self.config.headers

    def layer_description(self, layer: str) -> str | None:
        """The text a header gives after the layer (`L6 — Drivers`): the configuration's,
        else the HOC name of an `L<d>` layer (what the header codemod writes)."""
        return self.config.description(layer) or LAYER_DESCRIPTIONS.get(layer)

    def known_layers(self) -> frozenset[str]:
        return self.config.known_layers

    def folder_layer(self, path: str) -> str | None:
        """The layer of the deepest folder of `path` that is in the folder table (without
        the HOC preset: of the module itself, `shop/models.py` for `shop/models`)."""
        return self.layer_folder(path)[1]

    def layer_folder(self, path: str) -> tuple[str | None, str | None]:
        """(the deepest folder of `path` in the folder table, its layer), or (None, None)."""
        if self._modules and path.endswith(".py") and not path.endswith("/__init__.py"):
            module = path[:-3]
            layer = self._layer_of_folder(module)
            if layer is not None:
                return module, layer
        folder = path.rpartition("/")[0]
        while folder:
            layer = self._layer_of_folder(folder)
            if layer is not None:
                return folder, layer
            folder = folder.rpartition("/")[0]
        return None, None

    def audience(self, path: str) -> str | None:
        return self.locate(path).audience

    def domain(self, path: str) -> str | None:
        return self.locate(path).domain

    def is_hoc(self, path: str) -> bool:
        return self._hoc_re.search(path) is not None

    # -- classification ---------------------------------------------------------------
    def _layer_of_folder(self, folder: str) -> str | None:
        if folder in self._folder_cache:
            return self._folder_cache[folder]
        found = next((layer for regex, layer in self._folders if regex.search(folder)), None)
        self._folder_cache[folder] = found
        return found

    def locate(self, path: str) -> Location:
        """Classify a repo-relative file path (or a module path with '/' separators)."""
        cached = self._location_cache.get(path)
        if cached is not None:
            return cached
        location = self._locate(path)
        self._location_cache[path] = location
        return location

    def _locate(self, path: str) -> Location:
        layer = self.folder_layer(path)
        match = self._hoc_re.search(path)
        if match is None:
            return Location(folder_layer=layer)
        below = path[match.end() :].split("/")[:-1]  # folders below the HOC package
        in_api = bool(below) and below[0] == "api"
        if in_api:
            below = below[1:]
        audience_folder = below[0] if below and below[0] in self.config.audience_folders else None
        audience = self.config.audience_folders[audience_folder] if audience_folder else None
        domain = below[1] if audience_folder and len(below) > 1 else None
        return Location(
            hoc=True,
            in_api=in_api,
            audience=audience,
            audience_folder=audience_folder,
            domain=domain,
            folder_layer=layer,
        )

    def audience_name(self, value: str) -> str | None:
        """'cus', 'customer', 'CUSTOMER' -> 'CUSTOMER'; None when it names no audience."""
        key = value.strip().lower()
        if key in self.config.audience_folders:
            return self.config.audience_folders[key]
        upper = value.strip().upper()
        return upper if upper in self.config.audience_folders.values() else None
