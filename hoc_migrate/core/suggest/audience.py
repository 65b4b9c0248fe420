"""AUDIENCE_MISMATCH: who imports the module decides which of header and folder is wrong.

Imported only from its folder's audience, the header is wrong: it is fixed, and a module about
MCP servers moves to the audience's cross-domain MCP home (`general/L3_mcp/` in the HOC
topology), as the seed's Phase 2.5 did. Imported only from the header's audience, the file is
in the wrong tree: it moves there. Imported from both, or from nowhere, no evidence decides.
"""

from __future__ import annotations

import fnmatch
from typing import TYPE_CHECKING

from hoc_migrate.core.layers.findings import Finding
from hoc_migrate.core.suggest.model import AFTER_MOVES, HEADERS, MOVES, Proposal

if TYPE_CHECKING:
    from hoc_migrate.core.suggest.rules import Suggester

MCP = "mcp"


def _audience_folder(s: Suggester, audience: str) -> str | None:
    """The folder name the tree uses for an audience (`cus` for CUSTOMER)."""
    names = [k for k, v in s.config.audience_folders.items() if v == audience]
    return next((n for n in names if any(f"/{n}/" in f"/{d}/" for d in s.e.folders)), None) or (
        names[0] if names else None
    )


def _mcp_evidence(s: Suggester, path: str) -> list[str]:
    """Why the module is about MCP servers (its name, its Role, what it imports)."""
    found: list[str] = []
    if MCP in path.rsplit("/", 1)[-1].lower():
        found.append("its name says MCP")
    info = s.e.files.get(path)
    role = dict(info.header_fields).get("Role", "") if info else ""
    if MCP in role.lower():
        found.append(f"its Role says: {role}")
    for imported in s.shape(path).imports:
        names = [n for n in imported.names if n.lower().startswith(MCP)]
        if names or imported.module.rsplit(".", 1)[-1].lower() == MCP:
            found.append(f"it imports {', '.join(names) or imported.module}")
    return found


def _mcp_folder(s: Suggester) -> str | None:
    """The topology's folder for MCP code (`L3_mcp`), if it has one."""
    for pattern, _layer in s.config.layer_folders:
        last = pattern.rsplit("/", 1)[-1]
        if MCP in last.lower() and "*" not in last:
            return last
    return None


def in_mcp_home(s: Suggester, path: str) -> bool:
    """A module about MCP servers already in the topology's MCP folder (where this
    suggestion itself puts one): it stays there."""
    home = _mcp_folder(s)
    return bool(home) and f"/{home}/" in path and bool(_mcp_evidence(s, path))


def audience_remedy(s: Suggester, finding: Finding) -> None:
    path = finding.file
    location = s.topology.locate(path)
    word = finding.subject.partition(":")[2].split()
    said = s.topology.audience_name(word[0].strip(",;:")) if word else None
    folder_audience, folder_name = location.audience, location.audience_folder
    if said is None or folder_audience is None or folder_name is None:
        return s.defer(finding, "the header names no audience the topology knows")
    importers = [p for p in s.e.importers.get(path, ()) if s.topology.locate(p).audience]
    audiences = {s.topology.locate(p).audience for p in importers}
    evidence = [
        f"the header says {said}; the folder {folder_name}/ is {folder_audience}",
        "imported by: " + (", ".join(importers) if importers else "no module of the HOC tree"),
    ]
    if audiences == {folder_audience}:
        _header_is_wrong(s, finding, folder_audience, folder_name, evidence)
    elif audiences == {said}:
        _file_is_misplaced(s, finding, said, folder_name, evidence)
    else:
        why = "imported from both audiences" if audiences else "imported by no HOC module"
        s.defer(finding, f"Audience undecided ({why}): fix the header or move the file by hand")
    return None


def _header_is_wrong(
    s: Suggester, finding: Finding, audience: str, folder_name: str, evidence: list[str]
) -> None:
    path = finding.file
    name = path.rsplit("/", 1)[-1]
    mcp = _mcp_evidence(s, path)
    home = _mcp_folder(s)
    fix = {"path": path, "audience": audience}
    if mcp and home and path not in s.placed:
        prefix, _sep, _rest = path.partition(f"/{folder_name}/")
        shared = s.config.shared_domains[0] if s.config.shared_domains else "general"
        target = f"{prefix}/{folder_name}/{shared}/{home}/{name}"
        if s.free(target) and not any(fnmatch.fnmatch(name, p) for p in s.config.banned_patterns):
            step = {
                "from": path,
                "to": target,
                "fix_header": False,
                "why": f"MCP code is cross-domain: its home is {shared}/{home}/ of the "
                f"{audience} audience",
            }
            evidence = evidence + [f"MCP: {e}" for e in mcp]
            s.propose(Proposal("move", step, [finding], evidence, MOVES, path))
            fix = {"path": target, "audience": audience}
            fix["why"] = f"only {audience} code imports it; the header said otherwise"
            s.propose(Proposal("fix_header", fix, [], evidence, AFTER_MOVES, target))
            return
    fix["why"] = f"only {audience} code imports it; the header said otherwise"
    s.propose(Proposal("fix_header", fix, [finding], evidence, HEADERS, path))


def _file_is_misplaced(
    s: Suggester, finding: Finding, audience: str, folder_name: str, evidence: list[str]
) -> None:
    path = finding.file
    other = _audience_folder(s, audience)
    if other is None or path in s.placed:
        return s.defer(finding, f"no {audience} tree to move it to")
    prefix, _sep, rest = path.partition(f"/{folder_name}/")
    target = f"{prefix}/{other}/{rest}"
    if not s.free(target):
        return s.defer(finding, f"{target} exists already: move it by hand")
    step = {"from": path, "to": target, "why": f"only {audience} code imports it"}
    s.propose(Proposal("move", step, [finding], evidence, MOVES, path))
    return None
