"""import-linter contracts, read as they are, as rules of the layer check.

`layers` (with `containers`, optional `(layers)`, `|` and `:` siblings, `exhaustive`),
`forbidden` and `independence` contracts are checked on every import statement, each breach
a finding at the statement; other contract types are named (UNSUPPORTED_CONTRACT), never
silently ignored. Chains of imports through other modules (import-linter's indirect imports)
are not followed: each finding is one direct import.

Module expressions take import-linter's wildcards: `*` one name, `**` one or more.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from hoc_migrate.core.layers.layering import LayerGroup, parse_layer_entry
from hoc_migrate.core.modules import follow

LAYERS = "layers"
FORBIDDEN = "forbidden"
INDEPENDENCE = "independence"
SUPPORTED = (LAYERS, FORBIDDEN, INDEPENDENCE)


@functools.lru_cache(maxsize=1024)
def _expression_regex(text: str) -> re.Pattern[str]:
    parts = []
    for segment in text.split("."):
        if segment == "**":
            parts.append(r"[^.]+(?:\.[^.]+)*")
        elif segment == "*":
            parts.append(r"[^.]+")
        else:
            parts.append(re.escape(segment))
    return re.compile(r"\.".join(parts))


@dataclass(frozen=True)
class ModuleExpression:
    """A module name, or a set of them with `*` (one name) and `**` (one or more)."""

    text: str

    def exactly(self, module: str) -> bool:
        return _expression_regex(self.text).fullmatch(module) is not None

    def prefix_of(self, module: str, *, as_package: bool = True) -> str | None:
        """The module (or, as a package, the enclosing package) of `module` that the
        expression names; None when it names none."""
        if not as_package:
            return module if self.exactly(module) else None
        segments = module.split(".")
        for length in range(1, len(segments) + 1):
            candidate = ".".join(segments[:length])
            if self.exactly(candidate):
                return candidate
        return None


@dataclass(frozen=True)
class ImportExpression:
    """`importer -> imported` of `ignore_imports`: matches that exact import."""

    importer: ModuleExpression
    imported: ModuleExpression

    def matches(self, importer: str, imported: str) -> bool:
        return self.importer.exactly(importer) and self.imported.exactly(imported)


@dataclass(frozen=True)
class Contract:
    """One contract: its kind and options (those of the other kinds stay empty)."""

    kind: str
    name: str
    origin: str  # the file it was read from
    line: int  # where it starts there (1-based; 0 when unknown)
    layers: tuple[LayerGroup, ...] = ()
    containers: tuple[ModuleExpression, ...] = ()
    exhaustive: bool = False
    exhaustive_ignores: tuple[str, ...] = ()
    source_modules: tuple[ModuleExpression, ...] = ()
    forbidden_modules: tuple[ModuleExpression, ...] = ()
    modules: tuple[ModuleExpression, ...] = ()
    ignore_imports: tuple[ImportExpression, ...] = ()
    as_packages: bool = True

    def label(self) -> str:
        return f"contract '{self.name}'"


@dataclass(frozen=True)
class UnsupportedContract:
    """A contract this check does not evaluate (import-linter still does)."""

    name: str
    kind: str
    origin: str
    line: int


def contract_text(contract: Contract) -> str:
    """A contract's kind and what it says, in one line."""
    if contract.layers:
        within = (
            f" in {', '.join(c.text for c in contract.containers)}" if contract.containers else ""
        )
        return f"layers{within}: " + " > ".join(g.text() for g in contract.layers)
    if contract.kind == FORBIDDEN:
        sources = ", ".join(m.text for m in contract.source_modules)
        return f"forbidden: {sources} may not import " + ", ".join(
            m.text for m in contract.forbidden_modules
        )
    if contract.kind == INDEPENDENCE:
        return "independence: " + " | ".join(m.text for m in contract.modules)
    return contract.kind


@dataclass(frozen=True)
class Breach:
    rule: str
    message: str


def _layer_of(contract: Contract, module: str) -> tuple[str, int, str] | None:
    """(container, index of the layer's group, layer name) of `module`, if in a layer."""
    containers: list[str] = [""]
    if contract.containers:
        found = {p for c in contract.containers if (p := c.prefix_of(module))}
        # A container may hold another (`a` and `a.b`): the deepest one that fits wins.
        containers = sorted(found, key=len, reverse=True)
    for container in containers:
        for index, group in enumerate(contract.layers):
            for name in group.names:
                full = f"{container}.{name}" if container else name
                if module == full or module.startswith(full + "."):
                    return container or "", index, name
    return None


def _ignored(contract: Contract, importer: str, imported: str) -> bool:
    return any(e.matches(importer, imported) for e in contract.ignore_imports)


def _overlap(a: str, b: str) -> bool:
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def breach(contract: Contract, importer: str, imported: str) -> Breach | None:
    """Whether `importer` importing `imported` (dotted module names) breaks the contract."""
    if _ignored(contract, importer, imported):
        return None
    if contract.kind == LAYERS:
        return _layers_breach(contract, importer, imported)
    if contract.kind == FORBIDDEN:
        return _forbidden_breach(contract, importer, imported)
    if contract.kind == INDEPENDENCE:
        return _independence_breach(contract, importer, imported)
    return None


def _layers_breach(contract: Contract, importer: str, imported: str) -> Breach | None:
    here, there = _layer_of(contract, importer), _layer_of(contract, imported)
    if here is None or there is None or here[0] != there[0]:
        return None  # only imports within one container count
    (container, low, name), (_, high, other) = here, there
    where = f" in {container}" if container else ""
    if low > high:
        below = [n for g in contract.layers[low + 1 :] for n in g.names]
        allowed = f"{name} may import {', '.join(below)}" if below else f"{name} is the lowest"
        return Breach(
            "LAYER_BOUNDARY",
            f"{name} may not import {other} ({imported}): {other} is a higher layer{where} "
            f"in {contract.label()}; {allowed}",
        )
    if low == high and name != other and contract.layers[low].independent:
        return Breach(
            "LAYER_BOUNDARY",
            f"{name} may not import {other} ({imported}): they are independent siblings"
            f"{where} in {contract.label()}",
        )
    return None


def _forbidden_breach(contract: Contract, importer: str, imported: str) -> Breach | None:
    packages = contract.as_packages
    for source in contract.source_modules:
        src = source.prefix_of(importer, as_package=packages)
        if src is None:
            continue
        for forbidden in contract.forbidden_modules:
            bad = forbidden.prefix_of(imported, as_package=packages)
            if bad is not None and not _overlap(src, bad):
                return Breach(
                    "FORBIDDEN_IMPORT",
                    f"{src} may not import {bad} ({imported}): forbidden by {contract.label()}",
                )
    return None


def _independence_breach(contract: Contract, importer: str, imported: str) -> Breach | None:
    here = [p for m in contract.modules if (p := m.prefix_of(importer)) is not None]
    there = [p for m in contract.modules if (p := m.prefix_of(imported)) is not None]
    for a in here:
        for b in there:
            if not _overlap(a, b):
                return Breach(
                    "INDEPENDENCE",
                    f"{a} and {b} are independent in {contract.label()}, but {importer} "
                    f"imports {imported}",
                )
    return None


def layer_modules(contract: Contract, modules: Iterable[str]) -> list[tuple[str, str]]:
    """(module, layer name) of each layer module of the contract in `modules` (the known
    modules: containers are expanded against them)."""
    known = set(modules)
    out: list[tuple[str, str]] = []
    for container in _containers(contract, known):
        for group in contract.layers:
            for name in group.names:
                full = f"{container}.{name}" if container else name
                if full in known:
                    out.append((full, name))
    return out


def _containers(contract: Contract, known: set[str]) -> list[str]:
    if not contract.containers:
        return [""]
    return sorted({m for m in known for c in contract.containers if c.exactly(m)})


def missing_layers(contract: Contract, modules: Iterable[str]) -> list[str]:
    """The layer modules (not optional) that do not exist, as import-linter refuses them."""
    known = set(modules)
    missing = []
    containers = _containers(contract, known)
    if contract.containers and not containers:
        return [c.text for c in contract.containers]
    for container in containers:
        for group in contract.layers:
            for name in group.names:
                full = f"{container}.{name}" if container else name
                if name not in group.optional and full not in known:
                    missing.append(full)
    return missing


def unlisted_layers(contract: Contract, modules: Iterable[str]) -> list[str]:
    """For an `exhaustive` contract: the children of each container in no layer."""
    if not contract.exhaustive:
        return []
    known = set(modules)
    declared = {n for g in contract.layers for n in g.names} | set(contract.exhaustive_ignores)
    out = set()
    for container in _containers(contract, known):
        prefix = f"{container}."
        for module in known:
            if module.startswith(prefix):
                child = module[len(prefix) :].split(".")[0]
                if child not in declared:
                    out.add(prefix + child)
    return sorted(out)


# -- reading contract options (import-linter's names; INI lists arrive as lists) -----------
def _texts(value: Any) -> list[str]:
    if value is None:
        return []
    items = [value] if isinstance(value, str) else list(value)
    out: list[str] = []
    for item in items:
        out.extend(line.strip() for line in str(item).splitlines() if line.strip())
    return out


def _flag(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _import_expressions(values: Sequence[str], problems: list[str]) -> list[ImportExpression]:
    out = []
    for text in values:
        importer, arrow, imported = text.partition("->")
        if not arrow or not importer.strip() or not imported.strip():
            problems.append(f"ignore_imports: {text!r} is not 'importer -> imported'")
            continue
        out.append(
            ImportExpression(ModuleExpression(importer.strip()), ModuleExpression(imported.strip()))
        )
    return out


def parse_contract(
    options: Mapping[str, Any], *, origin: str, line: int, fallback_name: str
) -> tuple[Contract | UnsupportedContract | None, list[str]]:
    """One contract's options as import-linter reads them; (None, problems) when invalid."""
    problems: list[str] = []
    name = str(options.get("name") or fallback_name)
    kind = str(options.get("type") or "")
    if not kind:
        return None, ["'type' is required"]
    if kind not in SUPPORTED:
        return UnsupportedContract(name, kind, origin, line), []

    def required(key: str) -> list[str]:
        values = _texts(options.get(key))
        if not values:
            problems.append(f"'{key}' is required for a {kind} contract")
        return values

    ignores = _import_expressions(_texts(options.get("ignore_imports")), problems)
    values: dict[str, Any] = {"ignore_imports": tuple(ignores)}
    if kind == LAYERS:
        groups = []
        for entry in required("layers"):
            group, why = parse_layer_entry(entry)
            if group is None:
                problems.append(f"layers: {why}")
            else:
                groups.append(group)
        values["layers"] = tuple(groups)
        values["containers"] = tuple(ModuleExpression(c) for c in _texts(options.get("containers")))
        values["exhaustive"] = _flag(options.get("exhaustive"))
        values["exhaustive_ignores"] = tuple(_texts(options.get("exhaustive_ignores")))
        if values["exhaustive"] and not values["containers"]:
            problems.append("'exhaustive' needs 'containers'")
    elif kind == FORBIDDEN:
        values["source_modules"] = tuple(map(ModuleExpression, required("source_modules")))
        values["forbidden_modules"] = tuple(map(ModuleExpression, required("forbidden_modules")))
        values["as_packages"] = options.get("as_packages") is None or _flag(
            options.get("as_packages")
        )
    else:
        values["modules"] = tuple(map(ModuleExpression, required("modules")))
    if problems:
        return None, problems
    return Contract(kind, name, origin, line, **values), []


def renamed_contract(contract: Contract, renames: Mapping[str, str]) -> Contract:
    """The contract as a plan's module renames leave it (the names it holds followed, as
    the move rewrites them in the configuration file): checked on the plan's result."""

    def expr(e: ModuleExpression) -> ModuleExpression:
        return ModuleExpression(follow(e.text, renames))

    containers = [c.text for c in contract.containers] or [""]

    def layer(name: str) -> str:
        for container in containers:
            full = f"{container}.{name}" if container else name
            new = follow(full, renames)
            if new != full and (not container or new.startswith(container + ".")):
                return new[len(container) + 1 :] if container else new
        return name

    groups = tuple(
        replace(
            g, names=tuple(layer(n) for n in g.names), optional=tuple(layer(n) for n in g.optional)
        )
        for g in contract.layers
    )
    return replace(
        contract,
        layers=groups,
        containers=tuple(expr(c) for c in contract.containers),
        source_modules=tuple(expr(m) for m in contract.source_modules),
        forbidden_modules=tuple(expr(m) for m in contract.forbidden_modules),
        modules=tuple(expr(m) for m in contract.modules),
        ignore_imports=tuple(
            ImportExpression(expr(i.importer), expr(i.imported)) for i in contract.ignore_imports
        ),
    )
