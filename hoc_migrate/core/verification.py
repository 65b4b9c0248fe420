"""Verification values and rules: layer check before/after, accepted debt, expectations.

Pure: the services run the checks and hand the results here; this module decides what is new,
what disappeared, what the plan's debt covers, and whether the run passes. Findings, file
information and debt entries are the checker's own (core.layers): one model, one identity.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from hoc_migrate.core.layers.debt import DebtEntry, first_covering
from hoc_migrate.core.layers.findings import FileInfo, Finding, Renames, Status, match_findings
from hoc_migrate.core.layers.rule_set import RuleSet
from hoc_migrate.core.plan import Expectation


@dataclass(frozen=True)
class LayerCheck:
    """The layer check of some paths of one tree: the checker's own findings and file
    information (core.layers), with suppressed and baselined findings left out."""

    findings: tuple[Finding, ...] = ()
    files: Mapping[str, FileInfo] = field(default_factory=dict)
    paths: tuple[str, ...] = ()  # what was checked ('' = everything)
    debt: tuple[DebtEntry, ...] = ()  # the entries the checker judged the findings with
    rules: RuleSet = field(default_factory=RuleSet)  # what the tree was judged by

    @property
    def errors(self) -> list[Finding]:
        """Error-severity findings, accepted debt included (it is still there)."""
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
            {p: info for p, info in self.files.items() if under(p, paths)},
            tuple(paths),
            self.debt,
            self.rules,
        )


def under(path: str, folders: Iterable[str]) -> bool:
    """Whether `path` is one of `folders` or inside one of them."""
    for folder in folders:
        f = folder.strip("/")
        if not f or path == f or path.startswith(f + "/"):
            return True
    return False


# -- accepted debt ------------------------------------------------------------------------
def debt_entry_for(
    finding: Finding,
    check_debt: Sequence[DebtEntry],
    plan_debt: Sequence[DebtEntry],
    today: dt.date,
) -> DebtEntry | None:
    """The entry accepting `finding`: for a finding the checker accepted, the entry it applied
    (the first live one covering it, as the checker picks); otherwise the first live entry of
    the plan covering it."""
    if finding.status is Status.ACCEPTED_DEBT:
        entry = first_covering((*check_debt, *plan_debt), finding.rule, finding.file, today)
        return entry or DebtEntry(finding.file, (finding.rule,), finding.note or "accepted debt")
    if not finding.is_active:
        return None
    return first_covering(plan_debt, finding.rule, finding.file, today)


@dataclass(frozen=True)
class AcceptedFinding:
    finding: Finding
    entry: DebtEntry


# -- before / after -----------------------------------------------------------------------
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
    # Base and result judged by different rules (HOC V1, then V2): that, in one line, with
    # what it did to the whole tree's errors (the scope's counts alone hide it).
    rules_change: str | None = None

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
    """What the change did to the findings; new errors count only when no debt covers them.

    Findings are matched by identity (core.layers.findings): rule, file followed through
    `file_renames` (old path -> new path), subject followed through `module_renames` (old
    dotted name -> new, packages covering their submodules); never by line or message. `debt`
    is the plan's accepted debt (judged for staleness and expiry here); findings the checker
    accepted keep the configuration's entry (`after.debt`)."""
    match = match_findings(before.findings, after.findings, Renames(file_renames, module_renames))
    accepted: list[AcceptedFinding] = []
    unaccepted: list[Finding] = []
    for finding in after.findings:
        entry = debt_entry_for(finding, after.debt, debt, today)
        if entry is not None:
            accepted.append(AcceptedFinding(finding, entry))
        elif finding.is_error:
            unaccepted.append(finding)
    covered = {id(a.finding): a for a in accepted}
    new = match.added
    new_errors = tuple(f for f in new if f.is_error and id(f) not in covered)
    new_accepted = tuple(covered[id(f)] for f in new if id(f) in covered)
    expired = tuple(e for e in debt if e.is_expired(today))
    used = {a.entry for a in accepted}  # by value: the checker reports entries as copies
    stale = tuple(e for e in debt if e not in used and e not in expired)
    return LayerComparison(
        before=before,
        after=after,
        new_errors=new_errors,
        new_accepted=new_accepted,
        new_warnings=tuple(f for f in new if not f.is_error and id(f) not in covered),
        removed=match.removed,
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
