"""What a certificate says was checked, each item judged by the findings of its rules in the
run's layer check: with the HOC preset, the governance invariants of a locked domain
(layer-rules spec, section 7); without it, the project's own layers and contracts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hoc_migrate.core.layers import presets
from hoc_migrate.core.layers.findings import Finding
from hoc_migrate.core.layers.rule_set import RuleSet
from hoc_migrate.core.verification import AcceptedFinding, LayerCheck

_FOLDERS = {
    "schemas": ("schemas", "L5_schemas"),
    "engines": ("engines", "L5_engines"),
    "drivers": ("drivers", "L6_drivers"),
}


@dataclass(frozen=True)
class Invariant:
    id: str
    text: str
    rules: tuple[str, ...]
    layer: str | None = None  # only files of this layer
    folder: str | None = None  # only files inside such a folder
    contract: str | None = None  # only findings of this import-linter contract

    @property
    def checked_by(self) -> str:
        if not self.rules:
            return "nothing here (lint-imports checks it)"
        where = f" on `{self.folder}/`" if self.folder else ""
        where = where or (f" on {self.layer} files" if self.layer else "")
        return " + ".join(self.rules) + where

    def applies(self, finding: Finding, check: LayerCheck) -> bool:
        if finding.rule not in self.rules:
            return False
        if self.contract is not None and f"contract '{self.contract}'" not in finding.message:
            return False
        if self.layer is not None:
            info = check.files.get(finding.file)
            if info is None or info.layer != self.layer:
                return False
        if self.folder is not None:
            folders = finding.file.split("/")[:-1]
            if not any(f in _FOLDERS[self.folder] for f in folders):
                return False
        return True


INVARIANTS: tuple[Invariant, ...] = (
    Invariant(
        "INV-INT-001", "L5 cannot import sqlalchemy at runtime", ("SQLALCHEMY_RUNTIME",), "L5"
    ),
    Invariant("INV-INT-002", "L5 cannot import from L7 models directly", ("LAYER_BOUNDARY",), "L5"),
    Invariant(
        "INV-INT-003",
        "Schemas are pure dataclasses (no DB)",
        ("SQLALCHEMY_RUNTIME", "LAYER_BOUNDARY"),
        folder="schemas",
    ),
    Invariant(
        "INV-INT-004",
        "Engines contain business logic",
        ("HEADER_CLAIM_MISMATCH",),
        folder="engines",
    ),
    Invariant(
        "INV-INT-005",
        "Drivers contain pure DB operations",
        ("HEADER_CLAIM_MISMATCH",),
        folder="drivers",
    ),
    Invariant("INV-INT-006", "Files stay within their audience", ("AUDIENCE_MISMATCH",)),
    Invariant("INV-INT-007", "Cross-domain code goes to {audience}/general/", ("CROSS_DOMAIN",)),
)
# V2: only the spine crosses domains (general/ dissolves into it).
V2_INVARIANTS = INVARIANTS[:-1] + (
    Invariant(
        "INV-INT-007",
        f"Cross-domain code goes through {{audience}}/{presets.SPINE}/",
        ("CROSS_DOMAIN",),
    ),
)


def checked_items(rules: RuleSet) -> tuple[Invariant, ...]:
    """What the certificate lists as checked: the HOC invariants of the generation the result
    was judged by, else one item per layers list or contract of the project."""
    if rules.is_hoc:
        return V2_INVARIANTS if rules.generation == presets.V2 else INVARIANTS
    return tuple(
        Invariant(g.name, f"{g.text} ({g.origin})", g.rules, contract=g.contract)
        for g in rules.groups
    )


@dataclass(frozen=True)
class InvariantStatus:
    invariant: Invariant
    violations: tuple[Finding, ...]  # errors not covered by accepted debt
    warnings: tuple[Finding, ...]  # warnings not covered by accepted debt
    accepted: tuple[AcceptedFinding, ...]

    @property
    def text(self) -> str:
        if self.violations:
            files = sorted({f.file.rsplit("/", 1)[-1] for f in self.violations})
            return f"❌ VIOLATED: {len(self.violations)} finding(s) in {', '.join(files)}"
        if self.warnings:
            files = sorted({f.file.rsplit("/", 1)[-1] for f in self.warnings})
            return f"⚠️ {len(self.warnings)} warning(s) in {', '.join(files)}"
        if self.accepted:
            files = sorted({a.finding.file.rsplit("/", 1)[-1] for a in self.accepted})
            return f"⚠️ {len(self.accepted)} finding(s) accepted as debt ({', '.join(files)})"
        if not self.invariant.rules:
            return "➖ NOT CHECKED"
        return "✅ ENFORCED"


def invariant_statuses(
    after: LayerCheck,
    accepted: Sequence[AcceptedFinding],
) -> list[InvariantStatus]:
    """The findings in `after` of each item its rules say was checked."""
    covered = {id(a.finding) for a in accepted}
    out = []
    for inv in checked_items(after.rules):
        hits = [f for f in after.findings if inv.applies(f, after)]
        out.append(
            InvariantStatus(
                inv,
                tuple(f for f in hits if id(f) not in covered and f.is_error),
                tuple(f for f in hits if id(f) not in covered and not f.is_error),
                tuple(a for a in accepted if inv.applies(a.finding, after)),
            )
        )
    return out
