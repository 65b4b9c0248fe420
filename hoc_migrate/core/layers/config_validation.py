"""Validation of `[tool.hoc-migrate]` data (a TOML table) into a CheckConfig.

Every key is read through its definition in `config_keys` (the same definitions the
reference page is generated from); every problem is collected before one `ConfigError` is
raised, so the user fixes them all at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hoc_migrate.core.errors import ConfigError, Problem
from hoc_migrate.core.layers import presets
from hoc_migrate.core.layers.config import CheckConfig, own_layer_folders, preset_defaults
from hoc_migrate.core.layers.config_keys import KEY_NAMES, KEYS
from hoc_migrate.core.layers.config_parse import Reading, unknown_key
from hoc_migrate.core.layers.contracts import LAYERS, Contract, UnsupportedContract
from hoc_migrate.core.layers.layering import layer_names, layer_pattern


@dataclass(frozen=True)
class ContractSource:
    """The import-linter contracts found for the project, as read from their file."""

    origin: str  # the file (repo-relative)
    contracts: tuple[Contract, ...] = ()
    unsupported: tuple[UnsupportedContract, ...] = ()
    problems: tuple[Problem, ...] = field(default=())


def _contract_layer_folders(contracts: Sequence[Contract]) -> tuple[tuple[str, str], ...]:
    """The layers of the `layers` contracts, as the folder table: each layer named as the
    contract names it (`api`, or `shop.api` without containers)."""
    out: list[tuple[str, str]] = []
    for contract in contracts:
        if contract.kind != LAYERS:
            continue
        for name in layer_names(contract.layers):
            for container in [c.text for c in contract.containers] or [""]:
                module = f"{container}.{name}" if container else name
                entry = (layer_pattern(module), name)
                if entry not in out:
                    out.append(entry)
    return tuple(out)


def config_from_mapping(
    data: Mapping[str, Any],
    *,
    base: str = "",
    origin: str | None = None,
    preset: str | None = None,
    contracts: ContractSource | None = None,
) -> CheckConfig:
    """Build a CheckConfig from the `[tool.hoc-migrate]` table.

    `base` is the repo-relative folder of the config file (paths in it are relative to it);
    `origin` names the file in problems; `preset` is the one to use when the table names
    none (default: HOC); `contracts` are the project's import-linter contracts. Raises
    ConfigError listing every problem."""
    r = Reading(origin, base)
    where = origin or "the configuration"
    for unknown in sorted(set(data) - set(KEY_NAMES)):
        r.add(unknown, unknown_key(unknown, KEY_NAMES))
    values: dict[str, Any] = {}
    for key in KEYS:
        if key.name in data:
            value = key.reader(data[key.name], key.name, r)
            if value is not None:
                values[key.name] = value
    chosen = values.pop("preset", None) or preset or presets.HOC
    settings: dict[str, Any] = preset_defaults(chosen)
    origins = {name: "default" for name in KEY_NAMES}
    for name in preset_defaults(presets.NONE):  # the keys whose default is the preset's
        origins[name] = f"preset {chosen}"
    if "preset" in data:
        origins["preset"] = where
    elif preset is not None:
        origins["preset"] = (
            "chosen from the tree: it has a HOC package"
            if chosen == presets.HOC
            else "chosen from the tree: no HOC package"
        )
    extra = values.pop("extra_layer_folders", ())
    settings.update(values)
    settings["origin"] = origin
    for name in values:
        origins[name] = where
    if extra:
        origins["layer_folders"] = where
    groups = settings.get("layers", ())
    folders: tuple[tuple[str, str], ...] = settings.get("layer_folders", CheckConfig.layer_folders)
    if groups and chosen == presets.NONE:
        mapped = {layer for _, layer in folders}
        folders = folders + tuple(e for e in own_layer_folders(groups) if e[1] not in mapped)
    if contracts is not None and settings.get("import_linter", True):
        r.items.extend(contracts.problems)
        settings["contracts"] = contracts.contracts
        settings["unsupported_contracts"] = contracts.unsupported
        if contracts.contracts:
            origins["contracts"] = contracts.origin
        if chosen == presets.NONE and not groups and not folders:
            folders = _contract_layer_folders(contracts.contracts)
            if folders:
                origins["layer_folders"] = f"the layers contracts in {contracts.origin}"
    settings["layer_folders"] = tuple(extra) + folders
    config = CheckConfig(**settings, origins=origins)
    _check_layers_known(config, values, r)
    if r.items:
        raise ConfigError(
            f"invalid hoc-migrate configuration{f' in {origin}' if origin else ''} "
            f"({len(r.items)} problem{'s' if len(r.items) != 1 else ''})",
            r.items,
            hint="every key is described in docs/configuration.md (`hoc-migrate config docs`)",
        )
    return config


def _check_layers_known(config: CheckConfig, values: Mapping[str, Any], r: Reading) -> None:
    """Layers named by a key must be layers of the topology (a typo is not a new layer)."""
    known = set(layer_names(config.layers)) | {layer for _, layer in config.layer_folders}
    if config.is_hoc:
        known |= set(config.import_matrix)
    known |= set(config.allowed_imports)  # a row may introduce a layer (a header-only one)
    shown = ", ".join(sorted(known)) or "none: configure layers or layer_folders"
    named: list[tuple[str, str]] = []
    for row, targets in values.get("allowed_imports", {}).items():
        named += [(f"allowed_imports.{row}", t) for t in targets]
    named += [("runtime_banned_layers", x) for x in values.get("runtime_banned_layers", ())]
    named += [(f"layer_descriptions.{x}", x) for x in values.get("layer_descriptions", {})]
    named += [(f"allowed_import_folders.{x}", x) for x in values.get("allowed_import_folders", {})]
    for key, layer in named:
        if layer not in known:
            r.add(key, f"{layer} is not a layer (layers: {shown})")
    if config.is_hoc or "layer_folders" not in values:
        return
    mapped = sorted({layer for _, layer in values["layer_folders"]})
    listed = set(layer_names(config.layers)) | set(config.allowed_imports)
    if not listed and not config.contracts:
        r.add(
            "layer_folders",
            f"names layers ({', '.join(mapped)}) but nothing says what they may import: list "
            "them in `layers` (top first) or give `allowed_imports`",
        )
    elif listed:
        for layer in (x for x in mapped if x not in listed):
            r.add(
                f"layer_folders.{layer}",
                f"{layer} is not in `layers` ({', '.join(sorted(listed))})",
            )
