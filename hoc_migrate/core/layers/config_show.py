"""The effective configuration as text (`hoc-migrate config show`): every key's value and
where it came from, in TOML a user can copy back into `[tool.hoc-migrate]`."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hoc_migrate.core.layers.config import CheckConfig
from hoc_migrate.core.layers.config_keys import KEYS
from hoc_migrate.core.layers.contracts import Contract, contract_text
from hoc_migrate.core.layers.debt import DebtEntry
from hoc_migrate.core.layers.layering import LayerGroup

#: Keys shown as tables of their own (after the plain keys, as TOML requires).
_TABLES = ("layer_folders", "allowed_imports", "allowed_import_folders", "layer_descriptions")


@dataclass(frozen=True)
class Effective:
    key: str
    value: Any  # plain data: str, bool, list, dict (TOML-able)
    origin: str


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Sequence):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return str(value)


def toml_key(key: str) -> str:
    """A bare key where TOML allows one (`api`), else quoted (`"shop.api"`, `"L2.1"`)."""
    bare = key.replace("_", "").replace("-", "").isalnum() and key.isascii()
    return key if bare else json.dumps(key)


def _debt(entry: DebtEntry) -> dict[str, Any]:
    out: dict[str, Any] = {"path": entry.path, "rules": list(entry.rules), "reason": entry.reason}
    for name in ("ticket", "milestone", "expires"):
        if getattr(entry, name) is not None:
            out[name] = getattr(entry, name)
    return out


def _plain(key: str, config: CheckConfig) -> Any:
    if key == "layers":
        return [g.text() for g in config.layers]
    if key == "layer_folders":
        return dict(config.layer_folders)
    if key == "extra_layer_folders":
        return None  # merged into layer_folders
    if key == "allowed_imports":
        return {k: list(v) for k, v in config.import_matrix.items()}
    if key == "allowed_import_folders":
        return {k: list(v) for k, v in config.import_folders.items()}
    if key == "debt":
        return [_debt(e) for e in config.debt]
    if key == "source_roots":
        return [r or "." for r in config.source_roots]
    value = getattr(config, key)
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, tuple):
        return [v.text() if isinstance(v, LayerGroup) else v for v in value]
    if isinstance(value, Mapping):
        return dict(value)
    return value


def effective_values(
    config: CheckConfig,
    *,
    source_roots: Sequence[str] = (),
    roots_origin: str = "found from the tree",
    generation: str | None = None,
) -> list[Effective]:
    """Every key with its effective value. `source_roots`/`generation`: what the tree gave
    where the configuration leaves them to it (`roots_origin`: how the roots were found)."""
    out: list[Effective] = []
    origins = config.origins
    for key in KEYS:
        if not config.is_hoc and (key.group == "HOC" or key.name == "hoc_generation"):
            continue  # the HOC preset's keys mean nothing without it
        value = _plain(key.name, config)
        if value is None and key.name != "baseline":
            continue
        origin = origins.get(key.name, "default")
        if key.name == "source_roots" and not config.source_roots and source_roots:
            value, origin = [r or "." for r in source_roots], roots_origin
        if key.name == "hoc_generation" and config.hoc_generation == "auto" and generation:
            value, origin = generation, f"auto: chosen from the tree ({origin})"
        if key.name == "allowed_imports" and origin == "default":
            if config.layers:
                origin = "from `layers`"
            elif config.is_hoc:
                origin = f"preset {config.preset}, {config.generation or 'v1'}"
            else:
                origin = "none: the layers contracts decide"
        out.append(Effective(key.name, value, origin))
    return out


def _contract_line(contract: Contract) -> str:
    kind, _, says = contract_text(contract).partition(": ")
    return f"#   '{contract.name}' ({kind})" + (f": {says}" if says else "")


def render_config(entries: Sequence[Effective], config: CheckConfig) -> str:
    lines = ["[tool.hoc-migrate]"]
    tables: list[Effective] = []
    for entry in entries:
        if entry.key in _TABLES and isinstance(entry.value, dict) and entry.value:
            tables.append(entry)
            continue
        if entry.key == "debt":
            continue
        if entry.value is None:
            lines.append(f"# {entry.key}: not set ({entry.origin})")
            continue
        lines.append(f"{entry.key} = {toml_value(entry.value)}  # {entry.origin}")
    if config.contracts or config.unsupported_contracts:
        origin = (config.contracts or config.unsupported_contracts)[0].origin
        lines += ["", f"# import-linter contracts, read from {origin}:"]
        lines += [_contract_line(c) for c in config.contracts]
        lines += [
            f"#   '{u.name}' ({u.kind}): not checked by hoc-migrate (UNSUPPORTED_CONTRACT)"
            for u in config.unsupported_contracts
        ]
    for entry in tables:
        lines += ["", f"[tool.hoc-migrate.{entry.key}]  # {entry.origin}"]
        lines += [f"{toml_key(k)} = {toml_value(v)}" for k, v in entry.value.items()]
    debt = next((e for e in entries if e.key == "debt"), None)
    for item in debt.value if debt else []:
        lines += ["", f"[[tool.hoc-migrate.debt]]  # {debt.origin if debt else ''}"]
        lines += [f"{k} = {toml_value(v)}" for k, v in item.items()]
    return "\n".join(lines) + "\n"


def render_config_json(entries: Sequence[Effective]) -> str:
    document = {e.key: {"value": e.value, "from": e.origin} for e in entries}
    return json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"
