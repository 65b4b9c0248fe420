"""Verification values and rules: layer check before/after, accepted debt, expectations.

Pure: the services run the checks and hand the results here; this module decides what is new,
what disappeared, what the plan's debt covers, and whether the run passes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from hoc_migrate.core.paths import is_glob, match_glob
from hoc_migrate.core.plan import DebtEntry, Expectation

ERROR = "error"


@dataclass(frozen=True)
class Finding:
    """One layer-check finding, as the verification and the reports need it."""

    rule: str
    severity: str  # "error" | "warning"
    file: str
    line: int
    message: str
    module: str | None = None  # the imported module, for import findings
    accepted_by: DebtEntry | None = None  # accepted debt of the checker's configuration

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class FileLayer:
    """The layer a checked file is in (None: neither header nor folder gives one)."""

    layer: str | None
    hybrid: bool = False
    declared: tuple[str, ...] = ()  # the header's layers ('L5', 'L6' for a hybrid)

    def label(self) -> str:
        if self.layer is None:
            return "no layer"
        if self.hybrid:
            return f"{'/'.join(self.declared or ('L5', 'L6'))} HYBRID"
        return self.layer


@dataclass(frozen=True)
class LayerCheck:
    """The layer check of some paths of one tree."""

    findings: tuple[Finding, ...] = ()
    files: Mapping[str, FileLayer] = field(default_factory=dict)
    paths: tuple[str, ...] = ()  # what was checked ('' = everything)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    def by_rule(self, *, errors_only: bool = False) -> dict[str, int]:
        counts = Counter(f.rule for f in self.findings if f.is_error or not errors_only)
        return dict(sorted(counts.items()))

    def within(self, paths: Sequence[str]) -> LayerCheck:
        """Only the findings and files below `paths` ('' or no paths: everything)."""
        if not paths or "" in paths:
            return self
        return LayerCheck(
            tuple(f for f in self.findings if under(f.file, paths)),
            {p: layer for p, layer in self.files.items() if under(p, paths)},
            tuple(paths),
        )


def under(path: str, folders: Iterable[str]) -> bool:
    """Whether `path` is one of `folders` or inside one of them."""
    for folder in folders:
        f = folder.strip("/")
        if not f or path == f or path.startswith(f + "/"):
            return True
    return False


# -- accepted debt ------------------------------------------------------------------------
def debt_covers(entry: DebtEntry, finding: Finding) -> bool:
    if finding.rule not in entry.rules and "*" not in entry.rules:
        return False
    if is_glob(entry.path):
        return bool(match_glob(entry.path, [finding.file]))
    return under(finding.file, [entry.path])


def debt_entry_for(finding: Finding, debt: Sequence[DebtEntry], today: dt.date) -> DebtEntry | None:
    """The configuration's entry that accepted `finding`, else the first live (not expired)
    entry of the plan covering it."""
    if finding.accepted_by is not None:
        return finding.accepted_by
    for entry in debt:
        if (entry.expires is None or entry.expires >= today) and debt_covers(entry, finding):
            return entry
    return None


@dataclass(frozen=True)
class AcceptedFinding:
    finding: Finding
    entry: DebtEntry


# -- before / after -----------------------------------------------------------------------
def _map_module(module: str, renames: Mapping[str, str]) -> str:
    for old in sorted(renames, key=len, reverse=True):
        if module == old or module.startswith(old + "."):
            return renames[old] + module[len(old) :]
    return module


def _key(
    finding: Finding, file_renames: Mapping[str, str], module_renames: Mapping[str, str]
) -> tuple[str, str, str]:
    # Line numbers move with every edit; the file (followed through moves) and the imported
    # module (followed through renames) say whether it is the same problem.
    match = (
        finding.message if finding.module is None else _map_module(finding.module, module_renames)
    )
    return (finding.rule, file_renames.get(finding.file, finding.file), match)


@dataclass(frozen=True)
class LayerComparison:
    before: LayerCheck
    after: LayerCheck
    new_errors: tuple[Finding, ...]  # error findings the change introduced, not accepted: fail
    new_accepted: tuple[AcceptedFinding, ...]  # introduced, but covered by accepted debt
    new_warnings: tuple[Finding, ...]
    removed: tuple[Finding, ...]  # findings of `before` that are gone (paths as before)
    accepted: tuple[AcceptedFinding, ...]  # every finding of `after` the debt covers
    unaccepted_errors: tuple[Finding, ...]  # every error of `after` the debt does not cover
    expired_debt: tuple[DebtEntry, ...]
    stale_debt: tuple[DebtEntry, ...]  # entries that cover nothing any more

    @property
    def passed(self) -> bool:
        return not self.new_errors and not self.expired_debt


def compare_checks(
    before: LayerCheck,
    after: LayerCheck,
    *,
    file_renames: Mapping[str, str],
    module_renames: Mapping[str, str],
    debt: Sequence[DebtEntry],
    today: dt.date,
) -> LayerComparison:
    """What the change did to the findings; new errors count only when no debt covers them."""
    remaining = Counter(_key(f, file_renames, module_renames) for f in before.findings)
    matched_after: list[Finding] = []
    new: list[Finding] = []
    for finding in after.findings:
        key = _key(finding, {}, {})
        if remaining[key] > 0:
            remaining[key] -= 1
            matched_after.append(finding)
        else:
            new.append(finding)
    removed: list[Finding] = []
    for finding in before.findings:
        key = _key(finding, file_renames, module_renames)
        if remaining[key] > 0:
            remaining[key] -= 1
            removed.append(finding)

    accepted: list[AcceptedFinding] = []
    unaccepted: list[Finding] = []
    for finding in after.findings:
        entry = debt_entry_for(finding, debt, today)
        if entry is not None:
            accepted.append(AcceptedFinding(finding, entry))
        elif finding.is_error:
            unaccepted.append(finding)
    covered = {id(a.finding): a for a in accepted}
    new_errors = tuple(f for f in new if f.is_error and id(f) not in covered)
    new_accepted = tuple(covered[id(f)] for f in new if id(f) in covered)
    expired = tuple(e for e in debt if e.expires is not None and e.expires < today)
    used = {a.entry for a in accepted}  # by value: the checker reports entries as copies
    stale = tuple(e for e in debt if e not in used and e not in expired)
    return LayerComparison(
        before=before,
        after=after,
        new_errors=new_errors,
        new_accepted=new_accepted,
        new_warnings=tuple(f for f in new if not f.is_error and id(f) not in covered),
        removed=tuple(removed),
        accepted=tuple(accepted),
        unaccepted_errors=tuple(unaccepted),
        expired_debt=expired,
        stale_debt=stale,
    )


def expectation_problems(expect: Expectation, measured: LayerCheck) -> list[str]:
    """Where the result differs from the plan's exact expectations (errors, per-rule counts).

    `errors` counts error-severity findings; `by_rule` counts findings of each rule, of any
    severity; accepted debt counts too (it is still there)."""
    problems: list[str] = []
    if expect.errors is not None and len(measured.errors) != expect.errors:
        problems.append(f"errors: expected {expect.errors}, found {len(measured.errors)}")
    counts = measured.by_rule()
    for rule, wanted in sorted(expect.by_rule.items()):
        found = counts.get(rule, 0)
        if found != wanted:
            problems.append(f"{rule}: expected {wanted}, found {found}")
    return problems


@dataclass(frozen=True)
class CommandResult:
    """How the plan's verification command ended."""

    returncode: int | None  # None: it did not finish (timeout) or could not start
    output: str
    timed_out: bool = False
    error: str | None = None  # why it could not start


# -- the verification report --------------------------------------------------------------
class CheckStatus(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class CheckOutcome:
    """One verification check: layer check, expectations, compile, imports, command."""

    name: str
    status: CheckStatus
    summary: str
    details: tuple[str, ...] = ()
    output: str | None = None  # the command's output, kept whole

    @property
    def failed(self) -> bool:
        return self.status is CheckStatus.FAILED


@dataclass(frozen=True)
class VerificationReport:
    checks: tuple[CheckOutcome, ...] = ()
    comparison: LayerComparison | None = None

    @property
    def passed(self) -> bool:
        return not any(c.failed for c in self.checks)

    @property
    def failures(self) -> list[CheckOutcome]:
        return [c for c in self.checks if c.failed]

    def get(self, name: str) -> CheckOutcome | None:
        return next((c for c in self.checks if c.name == name), None)

    def with_check(self, check: CheckOutcome) -> VerificationReport:
        others = tuple(c for c in self.checks if c.name != check.name)
        return VerificationReport(others + (check,), self.comparison)
