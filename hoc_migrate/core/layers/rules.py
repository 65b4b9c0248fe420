"""The rules of the layer check, evaluated from one file's facts: imports (the layer matrix,
the project's import-linter contracts, legacy and runtime-banned modules, domains), naming,
and the header rules (header_rules.py).

Pure: the caller hands in the facts, the module index and the headers of imported files.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass

from hoc_migrate.core.errors import ConfigError, Problem
from hoc_migrate.core.layers import presets
from hoc_migrate.core.layers.catalogue import ERROR, OFF, RULES, WARNING
from hoc_migrate.core.layers.config import CheckConfig
from hoc_migrate.core.layers.contracts import (
    breach,
    missing_layers,
    unlisted_layers,
)
from hoc_migrate.core.layers.facts import FileFacts, ImportFact
from hoc_migrate.core.layers.findings import FileInfo, Finding
from hoc_migrate.core.layers.header import Header
from hoc_migrate.core.layers.header_rules import claim_rules, header_rules
from hoc_migrate.core.layers.resolve import (
    ModuleIndex,
    Namespaces,
    import_targets,
    imported_modules,
)
from hoc_migrate.core.layers.topology import Location, Topology

__all__ = ["LayerRules", "imported_modules"]

#: V2: an L5 or L6 module never imports another domain's L5 or L6 (DOMAIN-002, DOMAIN-003).
_DOMAIN_LAYERS = ("L5", "L6")


@dataclass(frozen=True)
class Target:
    module: str
    path: str | None  # the file (or `__init__.py`) inside the source roots; None outside
    layer: str | None


class LayerRules:
    """Evaluates the rules for checked files. Holds per-run memos (target layers)."""

    def __init__(
        self,
        config: CheckConfig,
        topology: Topology,
        index: ModuleIndex,
        header_of: Callable[[str], Header],
        rules: Collection[str] | None = None,
    ) -> None:
        """`header_of(path)` gives the header of an imported file (the caller reads it);
        `rules` are the rules to report (None: every rule; see catalogue.enabled_rules)."""
        self.config = config
        self.topology = topology
        self.index = index
        self.header_of = header_of
        selected = RULES if rules is None else rules
        self.enabled = frozenset(
            r for r in selected if r in RULES and config.severity.get(r) != OFF
        )
        self.known = config.known_layers
        self._canonical = {layer.lower(): layer for layer in self.known}
        self.matrix = config.import_matrix
        self._allowed = {k: frozenset(v) for k, v in self.matrix.items()}
        self._folders = {k: topology.folder_set(v) for k, v in config.import_folders.items()}
        self.legacy = Namespaces(config.legacy_namespaces)
        self.runtime_banned = Namespaces(config.runtime_banned_modules)
        self.db_modules = Namespaces(config.db_modules)
        self.http_modules = Namespaces(config.http_modules)
        self._targets: dict[str, Target] = {}

    # -- layers -----------------------------------------------------------------------
    def header_layer(self, header: Header) -> str | None:
        """The layer a header declares, when the project keeps headers and it is known."""
        if not self.config.headers or header.layer is None:
            return None
        return self._canonical.get(header.layer.lower())

    def file_info(self, path: str, header: Header) -> FileInfo:
        location = self.topology.locate(path)
        header_layer = self.header_layer(header)
        layer = header_layer or location.folder_layer
        source = "header" if header_layer else ("folder" if layer else None)
        declared = tuple(self._canonical.get(x.lower(), x) for x in header.layers)
        return FileInfo(
            path=path,
            layer=layer,
            layer_source=source,
            hybrid=header.hybrid and header_layer is not None,
            declared_layers=declared if header_layer else (),
            header_layer=header_layer,
            folder_layer=location.folder_layer,
            hoc=location.hoc,
            audience=location.audience,
            domain=location.domain,
            header_fields=header.fields,
        )

    def target(self, module: str) -> Target:
        known = self._targets.get(module)
        if known is not None:
            return known
        path = self.index.modules.get(module)
        layer: str | None = None
        if path is not None:
            layer = self.header_layer(self.header_of(path))
            layer = layer or self.topology.folder_layer(path)
        else:
            folder = self.index.namespaces.get(module)
            if folder is not None:
                path = f"{folder}/__init__.py" if folder else "__init__.py"
                layer = self.topology.folder_layer(path)
        found = Target(module, path, layer)
        self._targets[module] = found
        return found

    def may_import(self, layer: str, target: Target) -> bool:
        """The matrix, then the folders the layer may import whatever their layer."""
        if target.layer in self._allowed.get(layer, frozenset()):
            return True
        folders = self._folders.get(layer)
        return folders is not None and target.path is not None and folders.contains(target.path)

    # -- evaluation -------------------------------------------------------------------
    def check(self, path: str, facts: FileFacts) -> tuple[list[Finding], FileInfo]:
        info = self.file_info(path, facts.header)
        run = FileRun(self, path, facts, info, self.topology.locate(path))
        return list(run.findings()), info

    def contract_findings(self, checked: Collection[str]) -> list[Finding]:
        """The findings about the contracts themselves: unsupported contract types, and the
        modules an `exhaustive` contract does not list (in the checked files)."""
        found: list[Finding] = []
        if "UNSUPPORTED_CONTRACT" in self.enabled:
            for u in self.config.unsupported_contracts:
                message = (
                    f"contract '{u.name}' is of type {u.kind}, which hoc-migrate does not "
                    "check (lint-imports does): only layers, forbidden and independence"
                )
                found.append(
                    self._finding(
                        "UNSUPPORTED_CONTRACT", WARNING, u.origin, u.line, message, u.name
                    )
                )
        if "UNLISTED_LAYER" in self.enabled:
            modules = self._all_modules()
            for contract in self.config.contracts:
                for module in unlisted_layers(contract, modules):
                    path = self._module_path(module)
                    if path in checked:
                        message = (
                            f"{module} is in no layer of {contract.label()}, which is "
                            "exhaustive: list it as a layer or in exhaustive_ignores"
                        )
                        found.append(
                            self._finding("UNLISTED_LAYER", ERROR, path, 1, message, module)
                        )
        return found

    def check_contract_layers(self) -> None:
        """Raise ConfigError naming every layer module a contract needs that does not exist
        (as lint-imports refuses to run)."""
        modules = self._all_modules()
        problems = [
            Problem(
                f"{c.label()}: layer module {m} does not exist "
                "(an optional layer is written in parentheses: (name))",
                file=c.origin,
                line=c.line or None,
            )
            for c in self.config.contracts
            for m in missing_layers(c, modules)
        ]
        if problems:
            raise ConfigError(
                "the import-linter contracts name modules the tree does not have",
                problems,
                hint="check source_roots (`hoc-migrate config show`) and the contracts",
            )

    def _all_modules(self) -> set[str]:
        return set(self.index.modules) | set(self.index.namespaces)

    def _module_path(self, module: str) -> str:
        path = self.index.modules.get(module)
        if path is not None:
            return path
        return self.index.namespaces.get(module, module.replace(".", "/"))

    def _finding(
        self, rule: str, severity: str, file: str, line: int, message: str, subject: str
    ) -> Finding:
        severity = self.config.severity.get(rule, severity)
        return Finding(rule, severity, file, max(line, 1), 1, message, subject=subject)


class FileRun:
    """The rules for one file."""

    def __init__(
        self, rules: LayerRules, path: str, facts: FileFacts, info: FileInfo, location: Location
    ) -> None:
        self.r = rules
        self.config = rules.config
        self.path = path
        self.facts = facts
        self.info = info
        self.location = location
        self.header = facts.header
        self.name = path.rpartition("/")[2]
        self.is_init = self.name == "__init__.py"
        # The files the package rules (headers, naming, legacy imports) apply to: those of
        # the HOC packages, or, without them, every file in a layer.
        self.managed = location.hoc if self.config.hoc_packages else info.layer is not None

    def emit(
        self,
        rule: str,
        severity: str,
        line: int,
        col: int,
        message: str,
        module: str | None = None,
        end_line: int = 0,
        subject: str = "",
    ) -> Iterator[Finding]:
        """One finding; `subject` is what it is about in the file (an import finding's is
        its module): with rule and file, its identity (see findings.py)."""
        if rule not in self.r.enabled:
            return
        override = self.config.severity.get(rule)
        yield Finding(
            rule=rule,
            severity=override or severity,
            file=self.path,
            line=max(line, 1),
            col=max(col, 1),
            message=message,
            module=module,
            end_line=max(end_line, line),
            subject=module if module is not None else subject,
        )

    def findings(self) -> Iterator[Finding]:
        if self.facts.parse_error is not None:
            error = self.facts.parse_error
            yield from self.emit("PARSE_ERROR", ERROR, error.line, error.col, error.message)
        yield from self.suppression_problems()
        if self.managed:
            if self.config.headers:
                yield from header_rules(self)
            yield from self.naming()
        if self.facts.parse_error is None:
            yield from self.import_rules()
            if self.config.is_hoc and self.info.header_layer and not self.is_init:
                yield from claim_rules(self)

    def suppression_problems(self) -> Iterator[Finding]:
        for s in self.facts.suppressions:
            unknown = [rule for rule in s.rules if rule not in RULES]
            subject = f"ignore[{', '.join(s.rules)}]"
            if s.problem is not None:
                yield from self.emit(
                    "BAD_SUPPRESSION", ERROR, s.line, 1, s.problem, subject=subject
                )
            elif unknown:
                message = f"suppression names unknown rule(s): {', '.join(unknown)}"
                yield from self.emit("BAD_SUPPRESSION", ERROR, s.line, 1, message, subject=subject)

    def naming(self) -> Iterator[Finding]:
        for pattern in self.config.banned_patterns:
            if fnmatch.fnmatchcase(self.name, pattern):
                hint = f" ({presets.NAMING_HINT})" if self.config.is_hoc else ""
                message = f"file name {self.name} matches the banned pattern {pattern}{hint}"
                yield from self.emit("BANNED_NAMING", ERROR, 1, 1, message, subject=pattern)
                return

    # -- imports ------------------------------------------------------------------------
    def import_rules(self) -> Iterator[Finding]:
        module = self.r.index.module_of(self.path)
        layer = self.info.layer
        checked = layer is not None and layer in self.r.matrix
        banned_here = layer in self.config.runtime_banned_layers
        contracts = self.config.contracts if module is not None else ()
        for fact in self.facts.imports:
            targets = import_targets(fact, module, self.is_init, self.r.index, self.r.legacy)
            for name in targets:
                if self.managed and name in self.r.legacy:
                    message = f"import of legacy namespace: {name}"
                    yield from self.emit_import(fact, name, "LEGACY_IMPORT", ERROR, message)
                if banned_here and name in self.r.runtime_banned:
                    where = (
                        " (inside a function: still a runtime import)" if fact.in_function else ""
                    )
                    message = f"{layer} file imports {name} at runtime{where}"
                    yield from self.emit_import(fact, name, "SQLALCHEMY_RUNTIME", ERROR, message)
                target = self.r.target(name)
                if (
                    checked
                    and target.layer is not None
                    and target.path != self.path
                    and not self.r.may_import(str(layer), target)
                ):
                    yield from self.emit_import(
                        fact, name, "LAYER_BOUNDARY", ERROR, self._boundary(str(layer), target)
                    )
                if self.location.hoc and self.location.domain and self._is_cross_domain(target):
                    yield from self._cross_domain(fact, target)
                for contract in contracts:
                    found = breach(contract, str(module), name)
                    if found is not None:
                        yield from self.emit_import(fact, name, found.rule, ERROR, found.message)

    def emit_import(
        self, fact: ImportFact, name: str, rule: str, severity: str, message: str
    ) -> Iterator[Finding]:
        if fact.type_checking and rule in self.config.type_checking_exempt:
            return iter(())
        return self.emit(rule, severity, fact.line, fact.col, message, name, fact.end_line)

    def _boundary(self, layer: str, target: Target) -> str:
        allowed = ", ".join(self.r.matrix[layer])
        message = (
            f"{layer} may not import {target.layer} ({target.module}); {layer} may import {allowed}"
        )
        if self.config.generation == presets.V2:
            rule_id = presets.V2_RULE_IDS.get((layer, str(target.layer)))
            message += f" ({rule_id})" if rule_id else ""
        return message

    def _target_location(self, target: Target) -> Location:
        if target.path is not None:
            return self.r.topology.locate(target.path)
        return self.r.topology.locate(target.module.replace(".", "/") + ".py")

    def _is_cross_domain(self, target: Target) -> bool:
        there = self._target_location(target)
        return (
            there.hoc
            and there.audience == self.location.audience
            and there.domain is not None
            and there.domain != self.location.domain
            and there.domain not in self.config.shared_domains
            and self.location.domain != presets.SPINE  # the spine coordinates the domains
        )

    def _cross_domain(self, fact: ImportFact, target: Target) -> Iterator[Finding]:
        there = self._target_location(target)
        here = self.info.layer
        domain = self.location.domain
        if (
            self.config.generation == presets.V2
            and here in _DOMAIN_LAYERS
            and target.layer in _DOMAIN_LAYERS
        ):
            rule_id = "DOMAIN-002" if target.layer == "L5" else "DOMAIN-003"
            message = (
                f"{here} of domain {domain} imports {target.layer} {target.module} of domain "
                f"{there.domain} ({rule_id}); cross-domain work belongs to "
                f"{self.location.audience_folder}/{presets.SPINE}/"
            )
            yield from self.emit_import(fact, target.module, "CROSS_DOMAIN", ERROR, message)
            return
        home = self.config.shared_domains[0] if self.config.shared_domains else "general"
        message = (
            f"domain {domain} imports {target.module} of domain {there.domain}; "
            f"shared code belongs in {self.location.audience_folder}/{home}/"
        )
        yield from self.emit_import(fact, target.module, "CROSS_DOMAIN", WARNING, message)
