"""What `hoc-migrate init` writes: a commented `[tool.hoc-migrate]` section describing what
the inspection of the repository found, every value explained, optional ones commented out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hoc_migrate.core.layers import presets
from hoc_migrate.core.layers.config_show import toml_value
from hoc_migrate.core.layers.contracts import Contract, UnsupportedContract


@dataclass(frozen=True)
class Inspection:
    """What the repository looks like, as `init` found it."""

    hoc_packages: tuple[str, ...] = ()  # HOC packages found (repo-relative)
    generation: str | None = None  # v1 | v2 for a HOC tree
    source_roots: tuple[str, ...] = ()
    packages: tuple[str, ...] = ()  # top-level packages below the source roots
    contracts: tuple[Contract, ...] = ()
    unsupported: tuple[UnsupportedContract, ...] = ()
    contracts_origin: str | None = None
    suggested_layers: tuple[str, ...] = ()  # from the imports, top first
    suggestion_note: str = ""  # why there is no suggestion

    @property
    def is_hoc(self) -> bool:
        return bool(self.hoc_packages)


def suggest_layers(
    children: Sequence[str], imports: Mapping[str, set[str]]
) -> tuple[tuple[str, ...], str]:
    """An order of `children` (top first) in which no child imports one above it, siblings
    on one level joined by `|`; ((), why) when the imports go both ways somewhere."""
    rank: dict[str, int] = {}
    visiting: set[str] = set()

    def depth(node: str) -> int | None:
        if node in rank:
            return rank[node]
        if node in visiting:
            return None
        visiting.add(node)
        below = [depth(t) for t in sorted(imports.get(node, ())) if t in children]
        visiting.discard(node)
        if any(b is None for b in below):
            return None
        rank[node] = 1 + max((b for b in below if b is not None), default=-1)
        return rank[node]

    for child in children:
        if depth(child) is None:
            cycle = sorted(n for n in children if n in visiting or n not in rank)
            return (), (
                "the imports between " + ", ".join(cycle[:4]) + " go both ways: no order to suggest"
            )
    levels: dict[int, list[str]] = {}
    for child, level in rank.items():
        levels.setdefault(level, []).append(child)
    return tuple(" | ".join(sorted(levels[n])) for n in sorted(levels, reverse=True)), ""


def _comment(text: str) -> list[str]:
    return [f"# {line}" if line else "#" for line in text.splitlines()]


def render_init(found: Inspection, *, in_pyproject: bool) -> str:
    """The section text (a whole `hoc-migrate.toml` when not `in_pyproject`)."""
    out = ["[tool.hoc-migrate]"] if in_pyproject else []
    out += _comment(
        "Written by `hoc-migrate init`. Every key: docs/configuration.md;\n"
        "the effective values and where each comes from: `hoc-migrate config show`."
    )
    roots = list(found.source_roots) or ["."]
    if found.is_hoc:
        generation = (found.generation or presets.V1).upper()
        out += _comment(
            f"\nThe tree has a HOC package ({', '.join(found.hoc_packages)}): the HOC preset's\n"
            f"rules, headers and audiences apply. Generation: {generation} "
            + (
                "(an audience has a hoc_spine/ folder)."
                if found.generation == presets.V2
                else "(no hoc_spine/ folder yet;\nthe V2 rules apply once there is one)."
            )
        )
        out += ['preset = "hoc"', '# hoc_generation = "auto"    # or "v1" / "v2" to fix it']
    else:
        out += _comment("\nNo HOC package here: only the project's own layers are checked.")
        out.append('preset = "none"')
    out += _comment("\nThe folders on sys.path (found from the absolute imports):")
    out.append(f"source_roots = {toml_value(roots)}")
    out += _layers_part(found)
    out += _comment("\nOptional:")
    if found.is_hoc:
        out += [
            '# legacy_namespaces = ["app.services"]   # LEGACY_IMPORT (the preset\'s default)',
            '# banned_patterns = ["*_service.py"]     # BANNED_NAMING',
            '# severity = {CROSS_DOMAIN = "error"}    # error | warning | off per rule',
        ]
    else:
        out += [
            "# headers = true            # files declare `# Layer: name — description`;",
            "#                           # moves then keep them right (needs layer_descriptions)",
            # The project's own package when there is one (an example, not a finding).
            f"# legacy_namespaces = {toml_value([f'{_package(found)}.legacy'])}"
            "    # LEGACY_IMPORT: modules no code may import any more",
            '# severity = {LAYER_BOUNDARY = "warning"}',
        ]
    out += [
        '# baseline = ".hoc-migrate/baseline.json"  # fail only on new findings',
        "#",
        "# [[tool.hoc-migrate.debt]]   # accepted debt: reported, not failing, until it expires",
        '# path = "path/or/glob/**/*.py"',
        '# rules = ["LAYER_BOUNDARY"]',
        '# reason = "why it is accepted"',
        "# expires = 2027-01-01",
    ]
    return "\n".join(out) + "\n"


def _package(found: Inspection) -> str:
    return found.packages[0] if len(found.packages) == 1 else "pkg"


def _layers_part(found: Inspection) -> list[str]:
    out: list[str] = []
    layered = [c for c in found.contracts if c.layers]
    if found.contracts or found.unsupported:
        out += _comment(
            f"\nimport-linter contracts in {found.contracts_origin} are read as they are "
            "(import_linter = false\nstops that):"
        )
        for c in found.contracts:
            shown = " > ".join(g.text() for g in c.layers) if c.layers else c.kind
            out += _comment(f"  '{c.name}': {shown}")
        for u in found.unsupported:
            out += _comment(f"  '{u.name}': type {u.kind}, not checked here (lint-imports does)")
    if found.is_hoc:
        return out
    if layered:
        out += _comment(
            "The layers come from the layers contract(s) above; to state them here instead:"
        )
        layers = [g.text() for g in layered[0].layers]
        out.append(f"# layers = {toml_value(layers)}")
        return out
    if found.suggested_layers:
        out += _comment(
            "\nThe project's layers, top first (a layer may import those below it). This is\n"
            "the order the imports suggest: check it, then uncomment:"
        )
        out.append(f"# layers = {toml_value(list(found.suggested_layers))}")
    else:
        note = found.suggestion_note or "no package with sub-packages to order"
        out += _comment(f"\nNo layers found ({note}). Name them, top first:")
        out.append('# layers = ["pkg.api", "pkg.services", "pkg.models"]')
    return out
