"""Which findings count: inline suppressions, accepted debt, then the baseline.

Order: a suppressed finding is not offered to the debt; a finding the debt accepts is not
offered to the baseline. Only ACTIVE findings fail the run.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace

from hoc_migrate.core.layers.catalogue import ERROR, OFF, WARNING
from hoc_migrate.core.layers.config import CheckConfig, DebtEntry
from hoc_migrate.core.layers.findings import Finding, FindingKey, Status
from hoc_migrate.core.layers.suppressions import Suppression


def apply_suppressions(
    findings: Sequence[Finding], suppressions: Mapping[str, Sequence[Suppression]]
) -> list[Finding]:
    """Mark findings silenced by a valid `# hoc: ignore[RULE] reason` on one of their lines."""
    by_file: dict[str, dict[int, list[Suppression]]] = {}
    for path, items in suppressions.items():
        for s in items:
            if s.problem is None:
                by_file.setdefault(path, {}).setdefault(s.line, []).append(s)
    if not by_file:
        return list(findings)
    out: list[Finding] = []
    for finding in findings:
        lines = by_file.get(finding.file)
        hit = None
        if lines and finding.rule != "BAD_SUPPRESSION":
            for line in range(finding.line, max(finding.end_line, finding.line) + 1):
                hit = next((s for s in lines.get(line, ()) if finding.rule in s.rules), None)
                if hit is not None:
                    break
        if hit is not None:
            out.append(replace(finding, status=Status.SUPPRESSED, note=hit.reason))
        else:
            out.append(finding)
    return out


@dataclass(frozen=True)
class DebtOutcome:
    findings: list[Finding]
    stale: tuple[DebtEntry, ...]
    expired: tuple[DebtEntry, ...]


def apply_debt(
    findings: Sequence[Finding],
    debt: Sequence[DebtEntry],
    today: dt.date,
    *,
    checked_files: Collection[str],
    rules: Collection[str] | None,
    filtered: bool,
) -> DebtOutcome:
    """Accept findings a live debt entry covers; list expired and stale entries.

    With a filter (paths, domain, audience, rules), only entries that apply to what was
    checked are judged: an entry for another domain is neither stale nor expired here."""
    if not debt:
        return DebtOutcome(list(findings), (), ())
    paths = {f.file for f in findings} | set(checked_files)
    covered_files = {entry.index: entry.files_covered(paths) for entry in debt}
    used: set[int] = set()
    out: list[Finding] = []
    for finding in findings:
        entry = None
        if finding.is_active:
            entry = next(
                (
                    e
                    for e in debt
                    if e.covers_rule(finding.rule) and finding.file in covered_files[e.index]
                ),
                None,
            )
        if entry is None:
            out.append(finding)
            continue
        used.add(entry.index)
        if entry.is_expired(today):
            out.append(replace(finding, note=f"{entry.label()} expired on {entry.expires}"))
        else:
            out.append(replace(finding, status=Status.ACCEPTED_DEBT, note=entry.reason))

    def judged(entry: DebtEntry) -> bool:
        if not filtered:
            return True
        wanted = "*" in entry.rules or rules is None or bool(set(entry.rules) & set(rules))
        return wanted and bool(covered_files[entry.index] & set(checked_files))

    expired = tuple(e for e in debt if e.is_expired(today) and judged(e))
    stale = tuple(e for e in debt if not e.is_expired(today) and e.index not in used and judged(e))
    return DebtOutcome(out, stale, expired)


def debt_findings(
    outcome: DebtOutcome, config: CheckConfig, enabled: Collection[str]
) -> list[Finding]:
    """EXPIRED_DEBT (fails the run) and STALE_DEBT findings, located at the config file."""
    where = config.origin or "pyproject.toml"
    found: list[Finding] = []
    for rule, default, entries, text in (
        ("EXPIRED_DEBT", ERROR, outcome.expired, "expired on {expires}: fix or renew it"),
        ("STALE_DEBT", WARNING, outcome.stale, "covers no finding any more: remove it"),
    ):
        severity = config.severity.get(rule, default)
        if rule not in enabled or severity == OFF:
            continue
        for entry in entries:
            message = f"{entry.label()} {text.format(expires=entry.expires)}"
            subject = f"debt: {entry.path} [{', '.join(entry.rules)}]"
            found.append(Finding(rule, severity, where, 1, 1, message, subject=subject))
    return found


def apply_baseline(
    findings: Sequence[Finding], baseline: Counter[FindingKey]
) -> tuple[list[Finding], int]:
    """Mark active findings recorded in the baseline (matched by identity: rule, file and
    subject, never the line; entries of a version-1 baseline by module or message). Returns
    the findings and how many baseline entries matched nothing (fixed since)."""
    remaining = Counter(baseline)
    out: list[Finding] = []
    for finding in findings:
        key = next((k for k in (finding.key(), finding.legacy_key()) if remaining[k] > 0), None)
        if finding.is_active and key is not None:
            remaining[key] -= 1
            out.append(replace(finding, status=Status.BASELINED))
        else:
            out.append(finding)
    return out, sum(n for n in remaining.values() if n > 0)
