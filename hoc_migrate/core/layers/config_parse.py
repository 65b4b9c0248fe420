"""Reading one configuration value: each reader returns the value, or None after recording
what is wrong with it (every problem is collected before one ConfigError is raised)."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Sequence
from typing import Any

from hoc_migrate.core.errors import Problem
from hoc_migrate.core.layers.catalogue import OFF, RULES, SEVERITIES
from hoc_migrate.core.layers.debt import DebtEntry
from hoc_migrate.core.layers.layering import LAYER_NAME_RE, LayerGroup, parse_layer_entry
from hoc_migrate.core.modules import normalize_root

DOTTED_RE = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$")
DEBT_KEYS = ("path", "rules", "reason", "ticket", "milestone", "expires")


class Reading:
    """What is being read (the file, its folder) and the problems found so far."""

    def __init__(self, origin: str | None, base: str = "") -> None:
        self.origin = origin
        self.base = base
        self.items: list[Problem] = []

    def add(self, key: str, message: str) -> None:
        self.items.append(Problem(f"{key}: {message}", file=self.origin))

    def rel(self, path: str) -> str:
        """A config-relative path as a repo-relative one."""
        path = path.strip().replace("\\", "/")
        return normalize_root(f"{self.base}/{path}" if self.base else path)


def unknown_key(key: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"unknown key{hint}; known keys: {', '.join(known)}"


def kind(value: Any) -> str:
    names = {bool: "a boolean", str: "a string", int: "a number", float: "a number"}
    for typ, name in names.items():
        if isinstance(value, typ):
            return f"{name} ({value!r})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def strings(value: Any, key: str, r: Reading) -> tuple[str, ...] | None:
    if isinstance(value, str) or not isinstance(value, list):
        r.add(key, f"expected a list of strings, got {kind(value)}")
        return None
    bad = [v for v in value if not isinstance(v, str) or not v.strip()]
    if bad:
        r.add(key, f"expected non-empty strings, got {bad[0]!r}")
        return None
    return tuple(v.strip() for v in value)


def boolean(value: Any, key: str, r: Reading) -> bool | None:
    if not isinstance(value, bool):
        r.add(key, f"expected true or false, got {kind(value)}")
        return None
    return value


def choice(options: Sequence[str]) -> Any:
    def read(value: Any, key: str, r: Reading) -> str | None:
        if not isinstance(value, str) or value.strip().lower() not in options:
            r.add(key, f"expected one of {', '.join(map(repr, options))}, got {kind(value)}")
            return None
        return value.strip().lower()

    return read


def modules(value: Any, key: str, r: Reading) -> tuple[str, ...] | None:
    names = strings(value, key, r)
    if names is None:
        return None
    wrong = [n for n in names if not DOTTED_RE.match(n)]
    if wrong:
        r.add(key, f"{wrong[0]!r} is not a dotted module name")
        return None
    return names


def layer_name(value: Any, key: str, r: Reading) -> str | None:
    if not isinstance(value, str) or not LAYER_NAME_RE.match(value.strip()):
        r.add(key, f"{value!r} is not a layer name (a word or dotted name: api, shop.api, L5)")
        return None
    text = value.strip()
    # HOC layer names are written either way (`l5`); a project's own names keep their case.
    return text.upper() if re.fullmatch(r"[lL]\d+(?:\.\d+)?", text) else text


def layer_names(value: Any, key: str, r: Reading) -> tuple[str, ...] | None:
    names = strings(value, key, r)
    if names is None:
        return None
    checked = [layer_name(n, key, r) for n in names]
    return None if None in checked else tuple(n for n in checked if n)


def layers(value: Any, key: str, r: Reading) -> tuple[LayerGroup, ...] | None:
    entries = strings(value, key, r)
    if entries is None:
        return None
    groups: list[LayerGroup] = []
    seen: set[str] = set()
    for entry in entries:
        group, why = parse_layer_entry(entry)
        if group is None:
            r.add(key, str(why))
            return None
        twice = seen.intersection(group.names)
        if twice:
            r.add(key, f"{sorted(twice)[0]!r} is listed twice")
            return None
        seen.update(group.names)
        groups.append(group)
    return tuple(groups)


def folder_table(value: Any, key: str, r: Reading) -> tuple[tuple[str, str], ...] | None:
    if not isinstance(value, dict):
        r.add(key, f"expected a table of folder pattern = layer, got {kind(value)}")
        return None
    out: list[tuple[str, str]] = []
    ok = True
    for pattern, layer in value.items():
        clean = pattern.strip().strip("/")
        if "/" not in clean and "<" not in clean and "*" not in clean:
            clean = clean.replace(".", "/")  # a module name: `shop.api`
        if not clean or clean.endswith("**") or "\\" in clean:
            r.add(f"{key}.{pattern}", "a folder pattern must name a folder (not end in **)")
            ok = False
            continue
        checked = layer_name(layer, f"{key}.{pattern}", r)
        if checked is None:
            ok = False
            continue
        out.append((clean, checked))
    return tuple(out) if ok else None


def layer_table(value: Any, key: str, r: Reading, *, what: str) -> dict[str, Any] | None:
    """A table layer = <what>; keys are layer names."""
    if not isinstance(value, dict):
        r.add(key, f"expected a table layer = {what}, got {kind(value)}")
        return None
    out: dict[str, Any] = {}
    for layer, item in value.items():
        name = layer_name(layer, f"{key}.{layer}", r)
        if name is not None:
            out[name] = item
    return out


def descriptions(value: Any, key: str, r: Reading) -> dict[str, str] | None:
    table = layer_table(value, key, r, what='"description"')
    if table is None:
        return None
    bad = [k for k, v in table.items() if not isinstance(v, str) or not v.strip()]
    for layer in bad:
        r.add(f"{key}.{layer}", "expected a non-empty string")
    return None if bad else {k: str(v).strip() for k, v in table.items()}


def matrix(value: Any, key: str, r: Reading) -> dict[str, tuple[str, ...]] | None:
    table = layer_table(value, key, r, what="[layers]")
    if table is None:
        return None
    out: dict[str, tuple[str, ...]] = {}
    for layer, targets in table.items():
        names = layer_names(targets, f"{key}.{layer}", r)
        if names is not None:
            out[layer] = names
    return out if len(out) == len(table) else None


def folder_lists(value: Any, key: str, r: Reading) -> dict[str, tuple[str, ...]] | None:
    table = layer_table(value, key, r, what="[folder patterns]")
    if table is None:
        return None
    out: dict[str, tuple[str, ...]] = {}
    for layer, patterns in table.items():
        listed = strings(patterns, f"{key}.{layer}", r)
        if listed is not None:
            out[layer] = tuple(p.strip("/") for p in listed)
    return out if len(out) == len(table) else None


def audiences(value: Any, key: str, r: Reading) -> dict[str, str] | None:
    if not isinstance(value, dict):
        r.add(key, f"expected a table folder = AUDIENCE, got {kind(value)}")
        return None
    bad = [k for k, v in value.items() if not isinstance(v, str) or not v.strip()]
    if bad:
        r.add(f"{key}.{bad[0]}", "expected an audience name (a string)")
        return None
    return {k: v.strip().upper() for k, v in value.items()}


def rule_names(
    value: Any, key: str, r: Reading, *, allow_star: bool = False
) -> tuple[str, ...] | None:
    if isinstance(value, str):
        value = [value]
    names = strings(value, key, r)
    if names is None:
        return None
    upper = tuple(n.upper() for n in names)
    unknown = [n for n in upper if n not in RULES and not (allow_star and n == "*")]
    if unknown:
        r.add(key, f"unknown rule(s) {', '.join(unknown)}; rules: {', '.join(RULES)}")
        return None
    return upper


def severities(value: Any, key: str, r: Reading) -> dict[str, str] | None:
    if not isinstance(value, dict):
        r.add(key, f"expected a table RULE = level, got {kind(value)}")
        return None
    levels: dict[str, str] = {}
    for rule, level in value.items():
        if rule.upper() not in RULES:
            r.add(f"{key}.{rule}", unknown_key(rule.upper(), tuple(RULES)))
        elif not isinstance(level, str) or level.lower() not in (*SEVERITIES, OFF):
            r.add(f"{key}.{rule}", f"expected 'error', 'warning' or 'off', got {level!r}")
        else:
            levels[rule.upper()] = level.lower()
    return levels


def path(value: Any, key: str, r: Reading) -> str | None:
    if not isinstance(value, str) or not value.strip():
        r.add(key, f"expected a file path, got {kind(value)}")
        return None
    return r.rel(value)


def date(value: Any, key: str, r: Reading) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    r.add(key, f"expected a date (YYYY-MM-DD), got {kind(value)}")
    return None


def debt(value: Any, key: str, r: Reading) -> tuple[DebtEntry, ...] | None:
    if not isinstance(value, list):
        r.add(key, f"expected an array of tables ([[{key}]]), got {kind(value)}")
        return None
    entries: list[DebtEntry] = []
    ok = True
    for index, raw in enumerate(value):
        where = f"{key}[{index}]"
        if not isinstance(raw, dict):
            r.add(where, f"expected a table, got {kind(raw)}")
            ok = False
            continue
        before = len(r.items)
        for extra in sorted(set(raw) - set(DEBT_KEYS)):
            r.add(f"{where}.{extra}", unknown_key(extra, DEBT_KEYS))
        covered = raw.get("path")
        if not isinstance(covered, str) or not covered.strip():
            r.add(f"{where}.path", "required: the path or glob the debt covers")
        rules = rule_names(raw.get("rules"), f"{where}.rules", r, allow_star=True)
        reason = raw.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            r.add(f"{where}.reason", "required: say why this debt is accepted")
        texts: dict[str, str | None] = {}
        for name in ("ticket", "milestone"):
            item = raw.get(name)
            if item is not None and not isinstance(item, str | int):
                r.add(f"{where}.{name}", f"expected a string, got {kind(item)}")
            texts[name] = None if item is None else str(item)
        expires = date(raw["expires"], f"{where}.expires", r) if "expires" in raw else None
        if len(r.items) != before or rules is None:
            ok = False
            continue
        assert isinstance(covered, str) and isinstance(reason, str)
        entries.append(
            DebtEntry(
                path=r.rel(covered),
                rules=rules,
                reason=reason.strip(),
                ticket=texts["ticket"],
                milestone=texts["milestone"],
                expires=expires,
                index=index,
            )
        )
    return tuple(entries) if ok else None
