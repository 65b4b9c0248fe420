"""The rules of the layer check (spec section 4), evaluated from one file's facts.

Pure: the caller hands in the facts, the module index and the headers of imported files.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass

from hoc_migrate.core.layers.catalogue import ERROR, OFF, RULES, WARNING
from hoc_migrate.core.layers.config import CheckConfig
from hoc_migrate.core.layers.facts import FileFacts, ImportFact
from hoc_migrate.core.layers.findings import FileInfo, Finding
from hoc_migrate.core.layers.header import Header
from hoc_migrate.core.layers.resolve import ModuleIndex, Namespaces, import_targets
from hoc_migrate.core.layers.topology import Location, Topology

LAYER_NAMES = {
    "L2.1": "facade",
    "L2": "product API",
    "L3": "adapter",
    "L4": "runtime",
    "L5": "domain engine",
    "L6": "driver",
    "L7": "model",
}


def imported_modules(fact: ImportFact) -> tuple[str, ...]:
    """The absolute module names a statement mentions as written (no resolution)."""
    if not fact.is_from:
        return fact.names
    return (fact.module,) if fact.level == 0 and fact.module else ()


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
        self._known = config.known_layers
        self._allowed = {k: frozenset(v) for k, v in config.allowed_imports.items()}
        self.legacy = Namespaces(config.legacy_namespaces)
        self.runtime_banned = Namespaces(config.runtime_banned_modules)
        self.db_modules = Namespaces(config.db_modules)
        self.http_modules = Namespaces(config.http_modules)
        self._targets: dict[str, Target] = {}

    # -- layers -----------------------------------------------------------------------
    def header_layer(self, header: Header) -> str | None:
        return header.layer if header.layer in self._known else None

    def file_info(self, path: str, header: Header) -> FileInfo:
        location = self.topology.locate(path)
        header_layer = self.header_layer(header)
        layer = header_layer or location.folder_layer
        source = "header" if header_layer else ("folder" if layer else None)
        return FileInfo(
            path=path,
            layer=layer,
            layer_source=source,
            hybrid=header.hybrid and header_layer is not None,
            declared_layers=header.layers,
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

    # -- evaluation -------------------------------------------------------------------
    def check(self, path: str, facts: FileFacts) -> tuple[list[Finding], FileInfo]:
        info = self.file_info(path, facts.header)
        run = _FileRun(self, path, facts, info, self.topology.locate(path))
        return list(run.findings()), info


class _FileRun:
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
        if self.location.hoc:
            yield from self.header_rules()
            yield from self.naming()
        if self.facts.parse_error is None:
            yield from self.import_rules()
            if self.location.hoc and self.info.header_layer and not self.is_init:
                yield from self.claim_rules()

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

    # -- header, naming, audience -------------------------------------------------------
    def header_rules(self) -> Iterator[Finding]:
        header, info = self.header, self.info
        if info.header_layer is None and not self.facts.empty:
            if header.layer is not None:
                message = (
                    f"header declares {header.layer}, which is not a layer of the topology "
                    f"({', '.join(sorted(self.r._known))})"
                )
            elif info.folder_layer:
                message = f"no `# Layer:` header (the folder says {info.folder_layer})"
            else:
                message = "no `# Layer:` header and no layer folder: the file is not layer-checked"
            yield from self.emit("MISSING_HEADER", WARNING, header.layer_line or 1, 1, message)
        declared, folder_layer = info.header_layer, info.folder_layer
        hybrid_fits = info.hybrid and folder_layer in header.layers
        if declared and folder_layer and declared != folder_layer and not hybrid_fits:
            folder, _ = self.r.topology.layer_folder(self.path)
            severity = ERROR if declared in ("L2", "L2.1") and folder_layer == "L5" else WARNING
            shown = "/".join(header.layers) if info.hybrid else declared
            name = (folder or "").rpartition("/")[2]
            message = f"header declares {shown} but the folder {name}/ is {folder_layer}" + (
                " (a package's header declares its folder's layer)" if self.is_init else ""
            )
            yield from self.emit(
                "HEADER_LOCATION_MISMATCH",
                severity,
                header.layer_line,
                1,
                message,
                subject=f"Layer: {shown}",
            )
        if header.audience and self.location.audience:
            word = header.audience.split()[0].strip(",;:") if header.audience.split() else ""
            said = self.r.topology.audience_name(word)
            if said != self.location.audience:
                message = (
                    f"header says AUDIENCE: {header.audience} but the file is under "
                    f"{self.location.audience_folder}/ ({self.location.audience})"
                )
                yield from self.emit(
                    "AUDIENCE_MISMATCH",
                    ERROR,
                    header.audience_line,
                    1,
                    message,
                    subject=f"AUDIENCE: {header.audience}",
                )

    def naming(self) -> Iterator[Finding]:
        for pattern in self.config.banned_patterns:
            if fnmatch.fnmatchcase(self.name, pattern):
                message = (
                    f"file name {self.name} matches the banned pattern {pattern} "
                    "(name engines *_engine.py and drivers *_driver.py)"
                )
                yield from self.emit("BANNED_NAMING", ERROR, 1, 1, message, subject=pattern)
                return

    # -- imports ------------------------------------------------------------------------
    def import_rules(self) -> Iterator[Finding]:
        module = self.r.index.module_of(self.path)
        layer = self.info.layer
        allowed = self.r._allowed.get(layer) if layer else None
        banned_here = layer in self.config.runtime_banned_layers
        for fact in self.facts.imports:
            targets = import_targets(fact, module, self.is_init, self.r.index, self.r.legacy)
            for name in targets:
                if self.location.hoc and name in self.r.legacy:
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
                    allowed is not None
                    and target.layer is not None
                    and target.layer not in allowed
                    and target.path != self.path
                ):
                    message = (
                        f"{layer} may not import {target.layer} ({name}); "
                        f"{layer} may import {', '.join(self.config.allowed_imports[str(layer)])}"
                    )
                    yield from self.emit_import(fact, name, "LAYER_BOUNDARY", ERROR, message)
                if self.location.hoc and self.location.domain and self._is_cross_domain(target):
                    message = self._cross_domain(target)
                    yield from self.emit_import(fact, name, "CROSS_DOMAIN", WARNING, message)

    def emit_import(
        self, fact: ImportFact, name: str, rule: str, severity: str, message: str
    ) -> Iterator[Finding]:
        if fact.type_checking and rule in self.config.type_checking_exempt:
            return iter(())
        return self.emit(rule, severity, fact.line, fact.col, message, name, fact.end_line)

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
            and there.domain != "general"
        )

    def _cross_domain(self, target: Target) -> str:
        there = self._target_location(target)
        return (
            f"domain {self.location.domain} imports {target.module} of domain {there.domain}; "
            f"shared code belongs in {self.location.audience_folder}/general/"
        )

    # -- header claims --------------------------------------------------------------------
    def claim_rules(self) -> Iterator[Finding]:
        declared = self.info.header_layer
        line = self.header.layer_line
        facts = self.facts
        mentioned = [m for fact in facts.imports for m in imported_modules(fact)]
        claim = f"Layer: {declared}"
        if declared == "L2" and not self.location.in_api:
            http = facts.route_lines or any(m in self.r.http_modules for m in mentioned)
            if not http:
                message = (
                    "declares L2 (product API) outside hoc/api/ but handles no HTTP "
                    f"(no {'/'.join(self.config.http_modules)} import, no route)"
                )
                yield from self.emit(
                    "HEADER_CLAIM_MISMATCH", ERROR, line, 1, message, subject=claim
                )
        if declared == "L2.1" and facts.route_lines:
            count = len(facts.route_lines)
            message = f"declares L2.1 (facade) but defines {count} route(s); routes belong in L2"
            yield from self.emit(
                "HEADER_CLAIM_MISMATCH", ERROR, facts.route_lines[0], 1, message, subject=claim
            )
        if declared == "L6" and self.info.folder_layer == "L6" and not self._does_db_work():
            message = (
                "declares L6 (driver) but does no database work "
                "(no database import, no session/connection calls, no L7 model import)"
            )
            yield from self.emit("HEADER_CLAIM_MISMATCH", WARNING, line, 1, message, subject=claim)
        if declared == "L5" and not self.info.hybrid and self.info.folder_layer == "L5":
            evidence = self._engine_db_evidence()
            if evidence:
                message = (
                    f"declares L5 but does database work ({evidence}); "
                    "database access belongs in an L6 driver"
                )
                yield from self.emit(
                    "HEADER_CLAIM_MISMATCH", WARNING, line, 1, message, subject=claim
                )

    def _does_db_work(self) -> bool:
        if self.facts.db_call_line:
            return True
        for fact in self.facts.imports:
            if any(m in self.r.db_modules for m in imported_modules(fact)):
                return True
        module = self.r.index.module_of(self.path)
        for fact in self.facts.imports:
            for name in import_targets(fact, module, self.is_init, self.r.index):
                if self.r.target(name).layer == "L7":
                    return True
        return False

    def _engine_db_evidence(self) -> str | None:
        # Runtime imports of the modules SQLALCHEMY_RUNTIME bans are reported by that rule.
        if self.facts.db_call_line:
            return "session/connection calls"
        for fact in self.facts.imports:
            if fact.type_checking:
                continue
            for m in imported_modules(fact):
                if m in self.r.db_modules and m not in self.r.runtime_banned:
                    return f"imports {m}"
        return None
