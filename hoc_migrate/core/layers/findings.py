"""A finding of the layer check, and the per-file layer information reports use."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from hoc_migrate.core.layers.catalogue import ERROR


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
    module: str | None = None  # the imported module, for import findings
    status: Status = Status.ACTIVE
    note: str | None = None  # why it is not active: the debt's or suppression's reason
    end_line: int = 0  # last line of the statement (a suppression may sit on any of them)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def is_active(self) -> bool:
        return self.status is Status.ACTIVE

    def key(self) -> tuple[str, str, str]:
        """What identifies a finding across edits (baseline, before/after): rule, file, and
        the imported module or else the message; never the line."""
        return (self.rule, self.file, self.module if self.module is not None else self.message)

    def where(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


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
