"""From findings to steps: each rule's remedy, taken only where the evidence decides it; every
other finding is deferred (debt) with the reason no step answers it."""

from __future__ import annotations

import fnmatch
from collections import defaultdict

from hoc_migrate.core.layers.catalogue import RULES
from hoc_migrate.core.layers.config import CheckConfig
from hoc_migrate.core.layers.findings import Finding
from hoc_migrate.core.layers.topology import Topology
from hoc_migrate.core.module_shape import DRIVER, ENGINE, SCHEMA, ModuleShape, content_kind
from hoc_migrate.core.modules import module_for_path
from hoc_migrate.core.paths import parent
from hoc_migrate.core.suggest.audience import audience_remedy, in_mcp_home
from hoc_migrate.core.suggest.model import (
    HEADERS,
    IMPORTS,
    MOVES,
    SPLITS,
    Deferral,
    Evidence,
    Proposal,
    Suggestion,
)
from hoc_migrate.core.suggest.placement import Placement, kind_name, stem

HEADER_MISMATCH = "HEADER_LOCATION_MISMATCH"
KIND_PHRASE = {
    SCHEMA: "pure data (a schema: data types and constants)",
    ENGINE: "logic without database work (an engine)",
    DRIVER: "database work (a driver)",
}
#: The warnings a suggestion answers (other warnings do not fail a run: left alone).
ANSWERED_WARNINGS = frozenset({HEADER_MISMATCH})


class Suggester:
    def __init__(self, evidence: Evidence, config: CheckConfig, topology: Topology) -> None:
        self.e = evidence
        self.config = config
        self.topology = topology
        self.place = Placement(topology, evidence.folders)
        self.out = Suggestion()
        self.placed: dict[str, Proposal] = {}  # a file's one move or split
        self.answered: set[int] = set()  # id() of the findings a proposal answers
        self.by_file: dict[str, list[Finding]] = defaultdict(list)
        for finding in evidence.findings:
            self.by_file[finding.file].append(finding)

    # -- helpers ----------------------------------------------------------------------------
    def propose(self, proposal: Proposal) -> Proposal:
        self.out.proposals.append(proposal)
        self.answered.update(id(f) for f in proposal.answers)
        if proposal.kind in ("move", "split_hybrid"):
            self.placed[proposal.path] = proposal
        return proposal

    def answer(self, proposal: Proposal, finding: Finding) -> None:
        proposal.answers.append(finding)
        self.answered.add(id(finding))

    def defer(self, finding: Finding, reason: str) -> None:
        if id(finding) not in self.answered:
            self.out.deferrals.append(Deferral(finding, reason))
            self.answered.add(id(finding))

    def findings(self, path: str, rule: str) -> list[Finding]:
        return [f for f in self.by_file.get(path, ()) if f.rule == rule]

    def shape(self, path: str) -> ModuleShape:
        return self.e.shapes.get(path) or ModuleShape()

    def database_work(self, path: str) -> list[str]:
        """The evidence that the module works with the database (empty: none)."""
        shape = self.shape(path)
        found = [f"imports {m} at run time" for m in shape.imports_at_runtime(self.db_modules)]
        if shape.session_calls:
            found.append("calls a session (execute, add, scalars, ...)")
        return found

    @property
    def db_modules(self) -> tuple[str, ...]:
        return tuple(self.config.runtime_banned_modules) + tuple(self.config.db_modules)

    def banned(self, path: str) -> str | None:
        name = path.rsplit("/", 1)[-1]
        return next((p for p in self.config.banned_patterns if fnmatch.fnmatch(name, p)), None)

    def free(self, path: str) -> bool:
        taken = {p.options.get("to") or p.options.get("engine") for p in self.placed.values()}
        taken |= {p.options.get("driver") for p in self.placed.values()}
        return path not in self.e.files_present and path not in taken

    # -- the rules --------------------------------------------------------------------------
    def run(self) -> Suggestion:
        for path in sorted(self.by_file):
            for finding in self.findings(path, HEADER_MISMATCH):
                self.header_mismatch(finding)
            for finding in self.findings(path, "AUDIENCE_MISMATCH"):
                audience_remedy(self, finding)
            runtime = self.findings(path, "SQLALCHEMY_RUNTIME")
            if runtime and path not in self.placed:
                self.split(path, runtime, why="database work in an engine layer")
            for finding in self.findings(path, "BANNED_NAMING"):
                self.banned_name(finding)
        self.legacy_imports()
        for finding in self.e.findings:
            if finding.is_error:
                self.defer(finding, _no_remedy(finding))
        self.out.proposals.sort(key=lambda p: p.phase)
        return self.out

    def header_mismatch(self, finding: Finding) -> None:
        path = finding.file
        info = self.e.files.get(path)
        if info is None or info.folder_layer is None or info.header_layer is None:
            return self.defer(finding, "no folder layer to compare the header with")
        folder = parent(path)
        evidence = [f"{folder}/ is {info.folder_layer}; the header says {info.header_layer}"]
        if path.endswith("/__init__.py"):
            why = (
                f"{folder.rsplit('/', 1)[-1]}/ is {info.folder_layer}; its __init__ said "
                f"{info.header_layer}"
            )
            return self.fix_layer(finding, info.folder_layer, why, evidence)
        if in_mcp_home(self, path):
            return None  # MCP code in its cross-domain home, whatever layer its header says
        database = self.database_work(path)
        kind = content_kind(self.shape(path), bool(database))
        evidence += self.content_evidence(path, database)
        if kind == DRIVER and info.header_layer in self.config.runtime_banned_layers:
            runtime = self.findings(path, "SQLALCHEMY_RUNTIME")
            self.split(path, [finding, *runtime], why="a HYBRID module", evidence=evidence)
            return None
        target = self.place.destination(path, kind)
        if target is None:
            return self.defer(finding, f"no {kind} folder for {path}")
        if parent(target) == folder:
            why = f"its content is {_a(kind)}, as its folder says; the header said {info.header_layer}"
            return self.fix_layer(finding, info.folder_layer, why, evidence)
        self.move(path, target, kind, [finding], evidence)
        return None

    def fix_layer(self, finding: Finding, layer: str, why: str, evidence: list[str]) -> None:
        """The header is what is wrong: it gets the folder's layer."""
        step = {"path": finding.file, "layer": layer, "why": why}
        self.propose(Proposal("fix_header", step, [finding], evidence, HEADERS, finding.file))

    def content_evidence(self, path: str, database: list[str]) -> list[str]:
        """What the module holds, and its database work (or that it has none)."""
        lines = [f"content: {self.shape(path).describe()}"]
        return lines + ([f"database: {d}" for d in database] or ["database: no database work"])

    def move(
        self, path: str, target: str, kind: str, answers: list[Finding], evidence: list[str]
    ) -> None:
        if not self.free(target):
            for finding in answers:
                self.defer(finding, f"{target} exists already: choose another name by hand")
            return
        layer = self.place.kind_layer(path, kind)
        name, folder = path.rsplit("/", 1)[-1], parent(target).rsplit("/", 1)[-1]
        if parent(target) == parent(path):
            why = f"{name} holds {KIND_PHRASE[kind]}: named as {_a(kind)} ({self.banned(path)} is banned)"
        else:
            why = f"{name} holds {KIND_PHRASE[kind]}: {layer}, its place is {folder}/"
        step = {"from": path, "to": target, "why": why}
        proposal = self.propose(Proposal("move", step, answers, evidence, MOVES, path))
        for finding in self.findings(path, "BANNED_NAMING"):
            if self.banned(target) is None and finding not in proposal.answers:
                self.answer(proposal, finding)

    def split(
        self, path: str, answers: list[Finding], *, why: str, evidence: list[str] | None = None
    ) -> None:
        info = self.e.files.get(path)
        if info is None or info.layer not in self.config.runtime_banned_layers:
            for finding in answers:
                self.defer(
                    finding,
                    f"database work in a {info.layer if info else '?'} file: "
                    "no driver layer to split it into",
                )
            return
        driver_folder = self.place.kind_folder(path, DRIVER)
        engine_folder = self.place.kind_folder(path, ENGINE)
        if driver_folder is None or engine_folder is None:
            for finding in answers:
                self.defer(finding, "no engine and driver folders to split it into")
            return
        engine = f"{engine_folder}/{kind_name(path, ENGINE)}"
        if parent(path) == engine_folder and self.banned(path) is None:
            engine = path  # an engine already: it stays, the driver part leaves
        driver = f"{driver_folder}/{stem(path)}_driver.py"
        taken = [p for p in (driver, engine) if p != path and not self.free(p)]
        if taken:
            for finding in answers:
                self.defer(finding, f"{taken[0]} exists already: split by hand")
            return
        step: dict[str, object] = {"path": path, "driver": driver}
        if engine != path:
            step["engine"] = engine
        step["names"] = "auto"
        step["why"] = f"{why}: its database work goes to {driver.rsplit('/', 1)[-1]}"
        evidence = list(evidence or [])
        evidence += [
            f"database: {d}" for d in self.database_work(path) if f"database: {d}" not in evidence
        ]
        proposal = self.propose(
            Proposal("split_hybrid", step, list(answers), evidence, SPLITS, path)
        )
        for finding in self.findings(path, "BANNED_NAMING"):
            if self.banned(engine) is None and finding not in proposal.answers:
                self.answer(proposal, finding)

    def banned_name(self, finding: Finding) -> None:
        path = finding.file
        if id(finding) in self.answered:
            return
        if path in self.placed:
            return self.defer(finding, "the step that moves it keeps a banned name")
        pattern = finding.subject or self.banned(path) or ""
        if not pattern.startswith("*_") or not pattern.endswith(".py"):
            return self.defer(finding, f"no naming rule says what to call a {pattern} file")
        database = self.database_work(path)
        kind = content_kind(self.shape(path), bool(database))
        if kind != DRIVER:
            kind = ENGINE  # a schema named *_service holds behaviour: an engine's name
        target = self.place.destination(path, kind)
        evidence = self.content_evidence(path, database)
        if target is None or self.banned(target) is not None:
            return self.defer(finding, f"no {kind} name that the naming rules allow")
        self.move(path, target, kind, [finding], evidence)
        return None

    def legacy_imports(self) -> None:
        legacy = [f for f in self.e.findings if f.rule == "LEGACY_IMPORT" and f.module]
        renames = self.out.renames()
        for module in sorted({f.module for f in legacy if f.module}):
            related = [
                f
                for f in self.e.findings
                if f.module == module and f.rule in ("LEGACY_IMPORT", "LAYER_BOUNDARY")
            ]
            target, reason, evidence = self.legacy_target(module, renames)
            if target is None:
                for finding in related:
                    self.defer(finding, reason)
                continue
            step = {"from": module, "to": target, "why": reason}
            self.propose(Proposal("rewrite_import", step, related, evidence, IMPORTS, module))

    def legacy_target(
        self, module: str, renames: dict[str, str]
    ) -> tuple[str | None, str, list[str]]:
        names = self.e.legacy_uses.get(module, frozenset())
        whole = self.e.legacy_whole.get(module, ())
        if not names and whole:
            return (
                None,
                f"Deferred: {module} is used whole (in {whole[0]}): which of its names are needed is not known",
                [],
            )
        if not names:
            return None, f"Deferred: no name imported from {module}", []
        candidates: set[str] | None = None
        for name in names:
            found = set(self.e.definers.get(name, ()))
            candidates = found if candidates is None else candidates & found
        evidence = [f"imported from {module}: {', '.join(sorted(names))}"]
        if not candidates:
            missing = sorted(n for n in names if not self.e.definers.get(n))
            what = (
                f"{', '.join(missing)} defined nowhere"
                if missing
                else "no one module defines them all"
            )
            return None, f"Deferred: the HOC tree does not define them yet ({what})", evidence
        if len(candidates) > 1:
            return (
                None,
                f"Deferred: several modules define them ({', '.join(sorted(candidates))})",
                evidence,
            )
        if whole:
            return (
                None,
                (
                    f"Deferred: {module} is used whole (in {whole[0]}): which of its names are "
                    "needed is not known"
                ),
                evidence,
            )
        (path,) = candidates
        target = module_for_path(renames.get(path, path), self.e.source_roots)
        if target is None:
            return None, f"Deferred: {path} has no module name", evidence
        evidence.append(f"{renames.get(path, path)} defines every one of them")
        return target, f"Legacy import of {module}: {target} defines every name", evidence


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _no_remedy(finding: Finding) -> str:
    rule = RULES.get(finding.rule)
    summary = rule.summary.rstrip(".") if rule else finding.rule
    return f"No automatic remedy: {summary[0].lower()}{summary[1:]}; decide by hand"


def suggest(evidence: Evidence, config: CheckConfig, topology: Topology) -> Suggestion:
    """The steps that answer the evidence's findings, and what is left as debt."""
    return Suggester(evidence, config, topology).run()
