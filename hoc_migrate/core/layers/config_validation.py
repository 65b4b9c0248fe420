"""Validation of the `[tool.hoc-migrate]` table (already parsed from TOML) into a CheckConfig.

Every problem is collected before one `ConfigError` is raised, so the user fixes them all at
once. The keys are documented in `config.CONFIG_KEYS_DOC`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping, Sequence
from typing import Any

from hoc_migrate.core.errors import ConfigError, Problem
from hoc_migrate.core.layers.catalogue import OFF, RULES, SEVERITIES
from hoc_migrate.core.layers.config import (
    DEFAULT_ALLOWED_IMPORTS,
    DEFAULT_LAYER_FOLDERS,
    LAYER_RE,
    CheckConfig,
    DebtEntry,
)
from hoc_migrate.core.modules import normalize_root

_KNOWN_KEYS = (
    "source_roots",
    "hoc_packages",
    "audience_folders",
    "legacy_namespaces",
    "banned_patterns",
    "layer_folders",
    "extra_layer_folders",
    "allowed_imports",
    "runtime_banned_modules",
    "runtime_banned_layers",
    "db_modules",
    "http_modules",
    "type_checking_exempt",
    "severity",
    "debt",
    "baseline",
    "cache",
)
_DEBT_KEYS = ("path", "rules", "reason", "ticket", "milestone", "expires")
_DOTTED_RE = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$")


class _Problems:
    def __init__(self, origin: str | None) -> None:
        self.origin = origin
        self.items: list[Problem] = []

    def add(self, key: str, message: str) -> None:
        self.items.append(Problem(f"{key}: {message}", file=self.origin))


def _unknown(key: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"unknown key{hint}; known keys: {', '.join(known)}"


def _strings(value: Any, key: str, problems: _Problems) -> tuple[str, ...] | None:
    if isinstance(value, str) or not isinstance(value, list):
        problems.add(key, f"expected a list of strings, got {_kind(value)}")
        return None
    bad = [v for v in value if not isinstance(v, str) or not v.strip()]
    if bad:
        problems.add(key, f"expected non-empty strings, got {bad[0]!r}")
        return None
    return tuple(v.strip() for v in value)


def _kind(value: Any) -> str:
    names = {str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    for typ, name in names.items():
        if isinstance(value, typ):
            return f"{name} ({value!r})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _rel(base: str, path: str) -> str:
    """A config-relative path as a repo-relative one."""
    path = path.strip().replace("\\", "/")
    joined = f"{base}/{path}" if base else path
    return normalize_root(joined)


def _layer(value: Any, key: str, problems: _Problems) -> str | None:
    if not isinstance(value, str) or not LAYER_RE.match(value.strip().upper()):
        problems.add(key, f"{value!r} is not a layer (expected L<d> or L<d>.<d>, e.g. L5, L2.1)")
        return None
    return value.strip().upper()


def _folder_table(value: Any, key: str, problems: _Problems) -> tuple[tuple[str, str], ...] | None:
    if not isinstance(value, dict):
        problems.add(key, f"expected a table of folder pattern = layer, got {_kind(value)}")
        return None
    out: list[tuple[str, str]] = []
    ok = True
    for pattern, layer in value.items():
        clean = pattern.strip().strip("/")
        if not clean or clean.endswith("**") or "\\" in clean:
            problems.add(f"{key}.{pattern}", "a folder pattern must name a folder (not end in **)")
            ok = False
            continue
        checked = _layer(layer, f"{key}.{pattern}", problems)
        if checked is None:
            ok = False
            continue
        out.append((clean, checked))
    return tuple(out) if ok else None


def _date(value: Any, key: str, problems: _Problems) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    problems.add(key, f"expected a date (YYYY-MM-DD), got {_kind(value)}")
    return None


def _rule_names(
    value: Any, key: str, problems: _Problems, *, allow_star: bool = False
) -> tuple[str, ...] | None:
    if isinstance(value, str):
        value = [value]
    names = _strings(value, key, problems)
    if names is None:
        return None
    upper = tuple(n.upper() for n in names)
    unknown = [n for n in upper if n not in RULES and not (allow_star and n == "*")]
    if unknown:
        problems.add(key, f"unknown rule(s) {', '.join(unknown)}; rules: {', '.join(RULES)}")
        return None
    return upper


def _debt(value: Any, base: str, problems: _Problems) -> tuple[DebtEntry, ...] | None:
    if not isinstance(value, list):
        problems.add("debt", f"expected an array of tables ([[debt]]), got {_kind(value)}")
        return None
    entries: list[DebtEntry] = []
    ok = True
    for index, raw in enumerate(value):
        key = f"debt[{index}]"
        if not isinstance(raw, dict):
            problems.add(key, f"expected a table, got {_kind(raw)}")
            ok = False
            continue
        before = len(problems.items)
        for extra in sorted(set(raw) - set(_DEBT_KEYS)):
            problems.add(f"{key}.{extra}", _unknown(extra, _DEBT_KEYS))
        path = raw.get("path")
        if not isinstance(path, str) or not path.strip():
            problems.add(f"{key}.path", "required: the path or glob the debt covers")
        rules = _rule_names(raw.get("rules"), f"{key}.rules", problems, allow_star=True)
        reason = raw.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            problems.add(f"{key}.reason", "required: say why this debt is accepted")
        texts: dict[str, str | None] = {}
        for name in ("ticket", "milestone"):
            item = raw.get(name)
            if item is not None and not isinstance(item, str | int):
                problems.add(f"{key}.{name}", f"expected a string, got {_kind(item)}")
            texts[name] = None if item is None else str(item)
        expires = _date(raw["expires"], f"{key}.expires", problems) if "expires" in raw else None
        if len(problems.items) != before or rules is None:
            ok = False
            continue
        assert isinstance(path, str) and isinstance(reason, str)
        entries.append(
            DebtEntry(
                path=_rel(base, path),
                rules=rules,
                reason=reason.strip(),
                ticket=texts["ticket"],
                milestone=texts["milestone"],
                expires=expires,
                index=index,
            )
        )
    return tuple(entries) if ok else None


def config_from_mapping(
    data: Mapping[str, Any], *, base: str = "", origin: str | None = None
) -> CheckConfig:
    """Build a CheckConfig from the `[tool.hoc-migrate]` table.

    `base` is the repo-relative folder of the config file (paths in it are relative to it);
    `origin` names the file in problems. Raises ConfigError listing every problem."""
    problems = _Problems(origin)
    values: dict[str, Any] = {"origin": origin}
    for key in sorted(set(data) - set(_KNOWN_KEYS)):
        problems.add(key, _unknown(key, _KNOWN_KEYS))

    def strings(key: str) -> tuple[str, ...] | None:
        return _strings(data[key], key, problems) if key in data else None

    if (roots := strings("source_roots")) is not None:
        values["source_roots"] = tuple(_rel(base, r) for r in roots)
    if (hoc := strings("hoc_packages")) is not None:
        values["hoc_packages"] = tuple(h.replace(".", "/").strip("/") for h in hoc)
    if "audience_folders" in data:
        raw = data["audience_folders"]
        if not isinstance(raw, dict) or not raw:
            problems.add(
                "audience_folders", f"expected a table folder = AUDIENCE, got {_kind(raw)}"
            )
        elif bad := [k for k, v in raw.items() if not isinstance(v, str) or not v.strip()]:
            problems.add(f"audience_folders.{bad[0]}", "expected an audience name (a string)")
        else:
            values["audience_folders"] = {k: v.strip().upper() for k, v in raw.items()}
    if (legacy := strings("legacy_namespaces")) is not None:
        wrong = [n for n in legacy if not _DOTTED_RE.match(n)]
        if wrong:
            problems.add("legacy_namespaces", f"{wrong[0]!r} is not a dotted module name")
        values["legacy_namespaces"] = legacy
    if (banned := strings("banned_patterns")) is not None:
        values["banned_patterns"] = banned
    folders: tuple[tuple[str, str], ...] = DEFAULT_LAYER_FOLDERS
    if "layer_folders" in data:
        table = _folder_table(data["layer_folders"], "layer_folders", problems)
        folders = table if table is not None else folders
    if "extra_layer_folders" in data:
        extra = _folder_table(data["extra_layer_folders"], "extra_layer_folders", problems)
        folders = (extra or ()) + folders
    values["layer_folders"] = folders
    if "allowed_imports" in data:
        raw = data["allowed_imports"]
        matrix = dict(DEFAULT_ALLOWED_IMPORTS)
        if not isinstance(raw, dict):
            problems.add("allowed_imports", f"expected a table layer = [layers], got {_kind(raw)}")
        else:
            for layer, targets in raw.items():
                name = _layer(layer, f"allowed_imports.{layer}", problems)
                listed = _strings(targets, f"allowed_imports.{layer}", problems)
                if name is None or listed is None:
                    continue
                checked = [_layer(t, f"allowed_imports.{layer}", problems) for t in listed]
                matrix[name] = tuple(t for t in checked if t is not None)
        values["allowed_imports"] = matrix
    for key in ("runtime_banned_modules", "db_modules", "http_modules"):
        if (mods := strings(key)) is not None:
            wrong = [n for n in mods if not _DOTTED_RE.match(n)]
            if wrong:
                problems.add(key, f"{wrong[0]!r} is not a dotted module name")
            values[key] = mods
    if (layers := strings("runtime_banned_layers")) is not None:
        values["runtime_banned_layers"] = tuple(
            x for x in (_layer(v, "runtime_banned_layers", problems) for v in layers) if x
        )
    if "type_checking_exempt" in data:
        exempt = _rule_names(data["type_checking_exempt"], "type_checking_exempt", problems)
        if exempt is not None:
            values["type_checking_exempt"] = frozenset(exempt)
    if "severity" in data:
        raw = data["severity"]
        if not isinstance(raw, dict):
            problems.add("severity", f"expected a table RULE = level, got {_kind(raw)}")
        else:
            levels: dict[str, str] = {}
            for rule, level in raw.items():
                if rule.upper() not in RULES:
                    problems.add(f"severity.{rule}", _unknown(rule.upper(), tuple(RULES)))
                elif not isinstance(level, str) or level.lower() not in (*SEVERITIES, OFF):
                    problems.add(
                        f"severity.{rule}", f"expected 'error', 'warning' or 'off', got {level!r}"
                    )
                else:
                    levels[rule.upper()] = level.lower()
            values["severity"] = levels
    if "debt" in data:
        debt = _debt(data["debt"], base, problems)
        if debt is not None:
            values["debt"] = debt
    if "baseline" in data:
        raw = data["baseline"]
        if not isinstance(raw, str) or not raw.strip():
            problems.add("baseline", f"expected a file path, got {_kind(raw)}")
        else:
            values["baseline"] = _rel(base, raw)
    if "cache" in data:
        if not isinstance(data["cache"], bool):
            problems.add("cache", f"expected true or false, got {_kind(data['cache'])}")
        else:
            values["cache"] = data["cache"]
    known = set(values.get("allowed_imports", DEFAULT_ALLOWED_IMPORTS))
    for layer in values.get("runtime_banned_layers", ()):
        if layer not in known:
            problems.add("runtime_banned_layers", f"{layer} is not a layer of allowed_imports")
    if problems.items:
        where = f" in {origin}" if origin else ""
        raise ConfigError(
            f"invalid hoc-migrate configuration{where} ({len(problems.items)} problem"
            f"{'s' if len(problems.items) != 1 else ''})",
            problems.items,
            hint="the keys are documented in the README ('Configuration')",
        )
    return CheckConfig(**values)
