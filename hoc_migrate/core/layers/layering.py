"""A project's own layers: an ordered list, top first, as import-linter's `layers` contract.

Each entry is a layer, or siblings on one level: `"web | cli"` (independent: they may not
import each other) or `"web : cli"` (they may). A layer may import itself and every layer
below it. `(name)` marks a layer that may be missing (import-linter's optional layer).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

INDEPENDENT = "|"
SIBLINGS = ":"
#: A layer's name: a word or a dotted module name (`api`, `shop.services`, `L2.1`).
LAYER_NAME_RE = re.compile(r"^[A-Za-z_][\w\-]*(?:\.[\w\-]+)*$")


@dataclass(frozen=True)
class LayerGroup:
    """One level of the list: one layer, or siblings."""

    names: tuple[str, ...]
    independent: bool = True  # siblings may not import each other
    optional: tuple[str, ...] = ()  # names written `(name)`

    def text(self) -> str:
        shown = [f"({n})" if n in self.optional else n for n in self.names]
        return f" {INDEPENDENT if self.independent else SIBLINGS} ".join(shown)


def parse_layer_entry(entry: str) -> tuple[LayerGroup | None, str | None]:
    """(the group, None) or (None, what is wrong with the entry)."""
    if INDEPENDENT in entry and SIBLINGS in entry:
        return None, f"{entry!r} mixes '|' (independent) and ':' (not independent) siblings"
    separator = INDEPENDENT if INDEPENDENT in entry else SIBLINGS
    names: list[str] = []
    optional: list[str] = []
    for raw in entry.split(separator):
        item = raw.strip()
        if item.startswith("(") and item.endswith(")"):
            item = item[1:-1].strip()
            optional.append(item)
        if not LAYER_NAME_RE.match(item):
            return None, f"{item!r} is not a layer name (a word or a dotted module name)"
        if item in names:
            return None, f"{item!r} is listed twice in {entry!r}"
        names.append(item)
    return LayerGroup(tuple(names), separator == INDEPENDENT, tuple(optional)), None


def layer_names(groups: Sequence[LayerGroup]) -> tuple[str, ...]:
    return tuple(name for group in groups for name in group.names)


def layer_matrix(groups: Sequence[LayerGroup]) -> dict[str, tuple[str, ...]]:
    """What each layer may import: itself, every layer below, and its siblings when they are
    not independent."""
    matrix: dict[str, tuple[str, ...]] = {}
    for index, group in enumerate(groups):
        below = layer_names(groups[index + 1 :])
        for name in group.names:
            same = group.names if not group.independent else (name,)
            matrix[name] = (*same, *below)
    return matrix


def layer_pattern(name: str) -> str:
    """The folder or module a layer named like a module stands for: `shop.api` -> `shop/api`."""
    return name.replace(".", "/")
