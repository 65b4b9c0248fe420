"""The result of a layer check, and the difference between two results (a plan's effect)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from hoc_migrate.core.layers.catalogue import ERROR
from hoc_migrate.core.layers.config import DebtEntry
from hoc_migrate.core.layers.findings import FileInfo, Finding, Renames, Status, match_findings


@dataclass(frozen=True)
class CheckStats:
    files: int = 0  # Python files checked
    lines: int = 0  # their lines (of the files that were parsed or whose facts were cached)
    parsed: int = 0  # files parsed in this run
    cached: int = 0  # files whose facts came from the cache
    skipped: int = 0  # files outside the HOC tree with no layer: not parsed
    workers: int = 1  # processes that parsed
    source_roots: tuple[str, ...] = ()
    roots_discovered: bool = False
    rules: tuple[str, ...] = ()  # the rules the configuration gives a meaning (in catalogue order)
    generation: str | None = None  # the HOC generation the tree was judged by (None: no preset)


@dataclass(frozen=True)
class CheckResult:
    findings: tuple[Finding, ...] = ()
    files: Mapping[str, FileInfo] = field(default_factory=dict)
    stale_debt: tuple[DebtEntry, ...] = ()
    expired_debt: tuple[DebtEntry, ...] = ()
    baseline_fixed: int = 0  # baseline entries that matched nothing (fixed since)
    stats: CheckStats = field(default_factory=CheckStats)

    def errors(self) -> list[Finding]:
        """The findings that fail the run: active, error severity."""
        return [f for f in self.findings if f.is_active and f.severity == ERROR]

    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.is_active and f.severity != ERROR]

    def with_status(self, *statuses: Status) -> list[Finding]:
        return [f for f in self.findings if f.status in statuses]

    def counts_by_rule(
        self, severity: str | None = ERROR, statuses: Collection[Status] = (Status.ACTIVE,)
    ) -> dict[str, int]:
        """Findings per rule, sorted by rule: of one severity (None: all), of some statuses
        (default: the active ones; pass `tuple(Status)` to count accepted debt and the rest)."""
        counts = Counter(
            f.rule
            for f in self.findings
            if (severity is None or f.severity == severity) and f.status in statuses
        )
        return dict(sorted(counts.items()))

    def layer_distribution(self) -> dict[str, int]:
        """How many checked files are in each layer ('L5/L6 HYBRID', 'no layer' included)."""
        counts = Counter(info.label() for info in self.files.values())
        return dict(sorted(counts.items()))

    @property
    def exit_code(self) -> int:
        """0: no active error (warnings, accepted debt do not fail); 1: errors remain."""
        return 1 if self.errors() else 0


@dataclass(frozen=True)
class ResultDiff:
    added: tuple[Finding, ...]  # in `after`, not matched in `before`
    removed: tuple[Finding, ...]  # in `before`, not matched in `after`

    @property
    def added_errors(self) -> list[Finding]:
        return [f for f in self.added if f.is_error]

    @property
    def removed_errors(self) -> list[Finding]:
        return [f for f in self.removed if f.is_error]


def diff_results(
    before: CheckResult,
    after: CheckResult,
    *,
    file_renames: Mapping[str, str] | None = None,
    module_renames: Mapping[str, str] | None = None,
) -> ResultDiff:
    """Which findings a change adds and removes, matched by identity (rule, file, subject;
    never the line or the message). `file_renames`/`module_renames` map the before-names to
    the after-names so that a moved file's findings still match."""
    match = match_findings(
        before.findings, after.findings, Renames(file_renames or {}, module_renames or {})
    )
    return ResultDiff(match.added, match.removed)
