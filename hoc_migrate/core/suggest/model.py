"""What a suggestion is made of: the evidence it reads, the steps it proposes, the findings it
leaves as debt (each with its reason)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hoc_migrate.core.layers.findings import FileInfo, Finding
from hoc_migrate.core.module_shape import ModuleShape

# The order steps run in: headers of packages first, then files move (so that the imports
# rewritten later name where things are), splits, imports repointed, headers of moved files.
HEADERS, MOVES, SPLITS, IMPORTS, AFTER_MOVES = range(5)


@dataclass(frozen=True)
class Evidence:
    """What the suggestion reads: the check's findings and file table, and what each module
    holds and who imports it."""

    findings: Sequence[Finding]  # of the scope: active errors, and the warnings it answers
    files: Mapping[str, FileInfo]
    shapes: Mapping[str, ModuleShape]  # repo path -> shape (the scope's modules)
    importers: Mapping[str, tuple[str, ...]]  # repo path -> repo paths of its importers
    # legacy module -> the names imported from it by name across the tree
    legacy_uses: Mapping[str, frozenset[str]]
    # legacy module -> the files that use it whole (`import M`, `from parent import M`)
    legacy_whole: Mapping[str, tuple[str, ...]]
    definers: Mapping[str, frozenset[str]]  # name -> repo paths (of the HOC tree) defining it
    folders: frozenset[str]  # the tree's folders
    files_present: frozenset[str]  # the tree's files
    source_roots: tuple[str, ...]


@dataclass
class Proposal:
    """One step proposed: its kind and options (with `why`), the findings it answers, and
    the evidence behind it."""

    kind: str
    options: dict[str, Any]
    answers: list[Finding]
    evidence: list[str]
    phase: int
    path: str = ""  # the file the step is about (moves and splits: where it starts)

    def renames(self) -> dict[str, str]:
        """The files it moves: old path -> new path."""
        if self.kind == "move":
            return {self.options["from"]: self.options["to"]}
        if self.kind == "split_hybrid" and self.options.get("engine"):
            return {self.options["path"]: self.options["engine"]}
        return {}

    def label(self) -> str:
        target = self.options.get("path") or self.options.get("from")
        return f"{self.kind} {target}"


@dataclass(frozen=True)
class Deferral:
    """A finding the suggestion does not fix: it becomes debt, with this reason."""

    finding: Finding
    reason: str


@dataclass
class Suggestion:
    proposals: list[Proposal] = field(default_factory=list)
    deferrals: list[Deferral] = field(default_factory=list)

    def renames(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for proposal in self.proposals:
            out.update(proposal.renames())
        return out

    def reason_for(self, finding: Finding) -> str | None:
        return next((d.reason for d in self.deferrals if d.finding == finding), None)
