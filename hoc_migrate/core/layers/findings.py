"""A finding of the layer check, its identity across a change, and the per-file layer
information reports use.

A finding is identified by its rule, its file and its *subject*: what it is about inside the
file (the imported module, the header field and value, the banned name pattern, ...), never its
line or its rendered message. The baseline, the before/after of a dry run and verification all
match findings by that identity, the file followed through a change's file renames and an
imported module through its module renames, so that a pure rename adds and removes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from hoc_migrate.core.layers.catalogue import ERROR

#: (rule, file, subject): what a finding is, wherever it is reported.
FindingKey = tuple[str, str, str]


class Status(StrEnum):
    ACTIVE = "active"  # counts: an active error fails the run
    ACCEPTED_DEBT = "accepted_debt"  # covered by a live debt entry
    SUPPRESSED = "suppressed"  # `# hoc: ignore[RULE] reason` on its line
    BASELINED = "baselined"  # recorded in the baseline file


@dataclass(frozen=True)
class Finding:
    """One broken rule. `file` is repo-relative with '/'; line and col are 1-based."""

    rule: str
    severity: str  # "error" | "warning"
    file: str
    line: int
    col: int
    message: str
    module: str | None = None  # the imported module, for import findings (then also the subject)
    status: Status = Status.ACTIVE
    note: str | None = None  # why it is not active: the debt's or suppression's reason
    end_line: int = 0  # last line of the statement (a suppression may sit on any of them)
    subject: str = ""  # what the finding is about in its file (see the module docstring)

    def __post_init__(self) -> None:
        if not self.subject and self.module is not None:
            object.__setattr__(self, "subject", self.module)  # an import finding's subject

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def is_active(self) -> bool:
        return self.status is Status.ACTIVE

    def key(self) -> FindingKey:
        """What identifies the finding across edits: rule, file and subject; never the line
        or the message."""
        return (self.rule, self.file, self.subject)

    def legacy_key(self) -> FindingKey:
        """The identity baselines of version 1 recorded: the module, else the message."""
        return (self.rule, self.file, self.module if self.module is not None else self.message)

    def where(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Renames:
    """What a change renamed: files (old path -> new path) and modules (old dotted name -> new;
    an entry for a package covers its submodules)."""

    files: Mapping[str, str] = field(default_factory=dict)
    modules: Mapping[str, str] = field(default_factory=dict)

    def file(self, path: str) -> str:
        return self.files.get(path, path)

    def module(self, name: str) -> str:
        for old in sorted(self.modules, key=len, reverse=True):
            if name == old or name.startswith(old + "."):
                return self.modules[old] + name[len(old) :]
        return name

    def key(self, finding: Finding) -> FindingKey:
        """The finding's identity as it reads after the change."""
        subject = finding.subject
        if finding.module is not None:
            subject = self.module(subject)
        return (finding.rule, self.file(finding.file), subject)


NO_RENAMES = Renames()


@dataclass(frozen=True)
class FindingMatch:
    """Two sets of findings side by side: which are new, which are gone (each kept as found)."""

    added: tuple[Finding, ...]  # in `after`, matched by nothing in `before`
    removed: tuple[Finding, ...]  # in `before`, matched by nothing in `after`


def match_findings(
    before: Sequence[Finding], after: Sequence[Finding], renames: Renames = NO_RENAMES
) -> FindingMatch:
    """Match findings by identity, the before-side read through `renames`. Identical
    identities match one for one: a second identical finding in a file is new."""
    remaining = Counter(renames.key(f) for f in before)
    added: list[Finding] = []
    for finding in after:
        key = finding.key()
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            added.append(finding)
    removed: list[Finding] = []
    for finding in before:
        key = renames.key(finding)
        if remaining[key] > 0:
            remaining[key] -= 1
            removed.append(finding)
    return FindingMatch(tuple(added), tuple(removed))


@dataclass(frozen=True)
class FileInfo:
    """A checked file's place in the topology (the certificate's layer table)."""

    path: str
    layer: str | None  # the layer it is checked as (header first, folder otherwise)
    layer_source: str | None = None  # "header" | "folder" | None
    hybrid: bool = False
    declared_layers: tuple[str, ...] = ()  # from the header (`L5/L6` for a hybrid)
    header_layer: str | None = None
    folder_layer: str | None = None
    hoc: bool = False
    audience: str | None = None
    domain: str | None = None
    header_fields: tuple[tuple[str, str], ...] = ()

    def label(self) -> str:
        if self.layer is None:
            return "no layer"
        if self.hybrid:
            return f"{'/'.join(self.declared_layers or (self.layer,))} HYBRID"
        return self.layer
