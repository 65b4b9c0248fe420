"""The rules about what a file's header declares: MISSING_HEADER, HEADER_LOCATION_MISMATCH,
AUDIENCE_MISMATCH (where the project keeps headers) and, for the HOC preset, the claims a
header makes about the content (HEADER_CLAIM_MISMATCH, spec section 4)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from hoc_migrate.core.layers.catalogue import ERROR, WARNING
from hoc_migrate.core.layers.findings import Finding
from hoc_migrate.core.layers.presets import LAYER_ROLES
from hoc_migrate.core.layers.resolve import import_targets, imported_modules

if TYPE_CHECKING:
    from hoc_migrate.core.layers.rules import FileRun


def _mentioned(run: FileRun) -> list[str]:
    """The absolute module names the file's statements mention as written."""
    return [m for fact in run.facts.imports for m in imported_modules(fact)]


def header_rules(run: FileRun) -> Iterator[Finding]:
    header, info = run.header, run.info
    if info.header_layer is None and not run.facts.empty:
        if header.layer is not None:
            message = (
                f"header declares {header.layer}, which is not a layer of the topology "
                f"({', '.join(sorted(run.r.known))})"
            )
        elif info.folder_layer:
            message = f"no `# Layer:` header (the folder says {info.folder_layer})"
        else:
            message = "no `# Layer:` header and no layer folder: the file is not layer-checked"
        yield from run.emit("MISSING_HEADER", WARNING, header.layer_line or 1, 1, message)
    declared, folder_layer = info.header_layer, info.folder_layer
    hybrid_fits = info.hybrid and folder_layer in info.declared_layers
    if declared and folder_layer and declared != folder_layer and not hybrid_fits:
        folder, _ = run.r.topology.layer_folder(run.path)
        severity = ERROR if declared in ("L2", "L2.1") and folder_layer == "L5" else WARNING
        shown = "/".join(info.declared_layers) if info.hybrid else declared
        name = (folder or "").rpartition("/")[2]
        message = f"header declares {shown} but the folder {name}/ is {folder_layer}" + (
            " (a package's header declares its folder's layer)" if run.is_init else ""
        )
        yield from run.emit(
            "HEADER_LOCATION_MISMATCH",
            severity,
            header.layer_line,
            1,
            message,
            subject=f"Layer: {shown}",
        )
    if header.audience and run.location.audience:
        word = header.audience.split()[0].strip(",;:") if header.audience.split() else ""
        said = run.r.topology.audience_name(word)
        if said != run.location.audience:
            message = (
                f"header says AUDIENCE: {header.audience} but the file is under "
                f"{run.location.audience_folder}/ ({run.location.audience})"
            )
            yield from run.emit(
                "AUDIENCE_MISMATCH",
                ERROR,
                header.audience_line,
                1,
                message,
                subject=f"AUDIENCE: {header.audience}",
            )


def claim_rules(run: FileRun) -> Iterator[Finding]:
    """HOC: the header's layer against the content (HTTP, routes, database work)."""
    declared = run.info.header_layer
    line = run.header.layer_line
    facts = run.facts
    mentioned = _mentioned(run)
    claim = f"Layer: {declared}"
    http_modules = run.config.http_modules

    def emit(severity: str, at: int, message: str) -> Iterator[Finding]:
        return run.emit("HEADER_CLAIM_MISMATCH", severity, at, 1, message, subject=claim)

    if declared == "L2" and not run.location.in_api:
        http = facts.route_lines or any(m in run.r.http_modules for m in mentioned)
        if not http:
            yield from emit(
                ERROR,
                line,
                f"declares L2 ({LAYER_ROLES['L2']}) outside hoc/api/ but handles no HTTP "
                f"(no {'/'.join(http_modules)} import, no route)",
            )
    if declared == "L2.1" and facts.route_lines:
        count = len(facts.route_lines)
        yield from emit(
            ERROR,
            facts.route_lines[0],
            f"declares L2.1 ({LAYER_ROLES['L2.1']}) but defines {count} route(s); "
            "routes belong in L2",
        )
    if declared == "L6" and run.info.folder_layer == "L6" and not _does_db_work(run):
        yield from emit(
            WARNING,
            line,
            f"declares L6 ({LAYER_ROLES['L6']}) but does no database work "
            "(no database import, no session/connection calls, no L7 model import)",
        )
    if declared == "L5" and not run.info.hybrid and run.info.folder_layer == "L5":
        evidence = _engine_db_evidence(run)
        if evidence:
            yield from emit(
                WARNING,
                line,
                f"declares L5 but does database work ({evidence}); "
                "database access belongs in an L6 driver",
            )


def _does_db_work(run: FileRun) -> bool:
    if run.facts.db_call_line:
        return True
    if any(m in run.r.db_modules for m in _mentioned(run)):
        return True
    module = run.r.index.module_of(run.path)
    for fact in run.facts.imports:
        for name in import_targets(fact, module, run.is_init, run.r.index):
            if run.r.target(name).layer == "L7":
                return True
    return False


def _engine_db_evidence(run: FileRun) -> str | None:
    # Runtime imports of the modules SQLALCHEMY_RUNTIME bans are reported by that rule.
    if run.facts.db_call_line:
        return "session/connection calls"
    for fact in run.facts.imports:
        if fact.type_checking:
            continue
        for m in imported_modules(fact):
            if m in run.r.db_modules and m not in run.r.runtime_banned:
                return f"imports {m}"
    return None
