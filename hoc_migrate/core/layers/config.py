"""The checker's configuration: values, the HOC preset's defaults and a project's own layers.

`config_validation.config_from_mapping` builds one from a TOML table; `config_keys` documents
every key (docs/configuration.md is generated from it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from hoc_migrate.core.layers import presets
from hoc_migrate.core.layers.contracts import Contract, UnsupportedContract, renamed_contract
from hoc_migrate.core.layers.debt import DebtEntry
from hoc_migrate.core.layers.layering import LayerGroup, layer_matrix, layer_names, layer_pattern
from hoc_migrate.core.modules import normalize_root

__all__ = ["DEFAULT_BASELINE", "CheckConfig", "DebtEntry", "preset_defaults"]

DEFAULT_BASELINE = ".hoc-migrate/baseline.json"
DEFAULT_TYPE_CHECKING_EXEMPT = ("SQLALCHEMY_RUNTIME",)


@dataclass(frozen=True)
class CheckConfig:
    """Everything the layer check needs to know about a project. Paths are repo-relative.

    The defaults are the HOC preset's (see `preset_defaults` for a project without it)."""

    preset: str = presets.HOC  # "hoc" | "none"
    hoc_generation: str = presets.AUTO  # HOC: "v1" | "v2" | "auto" (from the checked tree)
    source_roots: tuple[str, ...] = ()  # () = find them from the imports
    layers: tuple[LayerGroup, ...] = ()  # the project's own layers, top first
    hoc_packages: tuple[str, ...] = presets.HOC_PACKAGES
    audience_folders: Mapping[str, str] = field(
        default_factory=lambda: dict(presets.AUDIENCE_FOLDERS)
    )
    shared_domains: tuple[str, ...] = presets.SHARED_DOMAINS
    legacy_namespaces: tuple[str, ...] = presets.LEGACY_NAMESPACES
    banned_patterns: tuple[str, ...] = presets.BANNED_PATTERNS
    layer_folders: tuple[tuple[str, str], ...] = presets.LAYER_FOLDERS
    layer_descriptions: Mapping[str, str] = field(
        default_factory=lambda: dict(presets.LAYER_DESCRIPTIONS)
    )
    # Rows replacing the preset's (or the `layers` list's) rows of the import matrix.
    allowed_imports: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Folders a layer may import whatever their layer; None: the preset's.
    allowed_import_folders: Mapping[str, tuple[str, ...]] | None = None
    headers: bool = True  # files declare their layer in a header; moves keep headers right
    runtime_banned_modules: tuple[str, ...] = presets.RUNTIME_BANNED_MODULES
    runtime_banned_layers: tuple[str, ...] = presets.RUNTIME_BANNED_LAYERS
    db_modules: tuple[str, ...] = presets.DB_MODULES
    http_modules: tuple[str, ...] = presets.HTTP_MODULES
    type_checking_exempt: frozenset[str] = frozenset(DEFAULT_TYPE_CHECKING_EXEMPT)
    severity: Mapping[str, str] = field(default_factory=dict)
    debt: tuple[DebtEntry, ...] = ()
    baseline: str | None = None
    cache: bool = True
    import_linter: bool = True  # read the project's import-linter contracts
    contracts: tuple[Contract, ...] = ()
    unsupported_contracts: tuple[UnsupportedContract, ...] = ()
    origin: str | None = None  # repo-relative path of the file it came from (None: defaults)
    # Where each value came from (`config show`): key -> "pyproject.toml", "preset hoc", ...
    origins: Mapping[str, str] = field(default_factory=dict, compare=False)

    # -- the preset -------------------------------------------------------------------------
    @property
    def is_hoc(self) -> bool:
        return self.preset == presets.HOC

    @property
    def generation(self) -> str | None:
        """The HOC generation the rules follow ("v1" until a tree says "v2"); None without
        the preset."""
        if not self.is_hoc:
            return None
        return presets.V2 if self.hoc_generation == presets.V2 else presets.V1

    @property
    def patterns_match_modules(self) -> bool:
        """A project's own layer patterns name folders or modules (`shop/models` is the
        folder or `models.py`); the HOC folder table names folders only."""
        return not self.is_hoc

    # -- layers ------------------------------------------------------------------------------
    @property
    def import_matrix(self) -> dict[str, tuple[str, ...]]:
        """What each layer may import."""
        if self.layers:
            base = layer_matrix(self.layers)
        elif self.is_hoc:
            base = dict(presets.allowed_imports(self.generation or presets.V1))
        else:
            base = {}
        return {**base, **self.allowed_imports}

    @property
    def import_folders(self) -> Mapping[str, tuple[str, ...]]:
        """Folders each layer may import whatever their layer."""
        if self.allowed_import_folders is not None:
            return self.allowed_import_folders
        if self.is_hoc:
            return presets.allowed_import_folders(self.generation or presets.V1)
        return {}

    @property
    def known_layers(self) -> frozenset[str]:
        layers = set(layer_names(self.layers))
        for layer, targets in self.import_matrix.items():
            layers.add(layer)
            layers.update(targets)
        layers.update(layer for _, layer in self.layer_folders)
        return frozenset(layers)

    def layer_order(self) -> tuple[str, ...]:
        """The known layers, top first where the configuration gives an order."""
        listed = layer_names(self.layers) or tuple(self.import_matrix)
        rest = sorted(self.known_layers - set(listed))
        return (*listed, *rest)

    def description(self, layer: str) -> str | None:
        return self.layer_descriptions.get(layer)

    # -- derived configurations ----------------------------------------------------------------
    def with_source_roots(self, roots: Sequence[str]) -> CheckConfig:
        return replace(self, source_roots=tuple(normalize_root(r) for r in roots))

    def with_module_renames(self, renames: Mapping[str, str]) -> CheckConfig:
        """The configuration a plan's result is checked with: its import-linter contracts'
        module names followed through the plan's renames (as the move rewrites them)."""
        if not renames or not self.contracts:
            return self
        return replace(self, contracts=tuple(renamed_contract(c, renames) for c in self.contracts))

    def with_generation(self, generation: str) -> CheckConfig:
        return replace(self, hoc_generation=generation)


def own_layer_folders(groups: Sequence[LayerGroup]) -> tuple[tuple[str, str], ...]:
    """Each listed layer's own pattern (its name as a folder or module path)."""
    return tuple((layer_pattern(name), name) for name in layer_names(groups))


def preset_defaults(preset: str) -> dict[str, Any]:
    """The values a preset sets (the dataclass defaults are the HOC preset's)."""
    if preset == presets.HOC:
        return {"preset": presets.HOC}
    return {
        "preset": presets.NONE,
        "hoc_generation": presets.AUTO,
        "hoc_packages": (),
        "audience_folders": {},
        "shared_domains": (),
        "legacy_namespaces": (),
        "banned_patterns": (),
        "layer_folders": (),
        "layer_descriptions": {},
        "allowed_import_folders": None,
        "headers": False,
        "runtime_banned_layers": (),
    }
