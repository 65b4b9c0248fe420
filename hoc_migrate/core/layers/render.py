"""A check result as text: human (grouped by rule), JSON, SARIF 2.1.0, GitHub annotations.

Pure string building; the CLI decides where it goes.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from enum import StrEnum
from typing import Any

from hoc_migrate import __version__
from hoc_migrate.core.layers.catalogue import ERROR, RULES
from hoc_migrate.core.layers.findings import FileInfo, Finding, Status
from hoc_migrate.core.layers.result import CheckResult

TOOL_NAME = "hoc-migrate"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"


FORMATS = tuple(f.value for f in ReportFormat)

_STATUS_LABEL = {
    Status.ACCEPTED_DEBT: "accepted debt",
    Status.SUPPRESSED: "suppressed",
    Status.BASELINED: "baselined",
}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _sort_key(f: Finding) -> tuple[str, int, int, str]:
    return (f.file, f.line, f.col, f.message)


def summary_line(result: CheckResult) -> str:
    errors, warnings = len(result.errors()), len(result.warnings())
    statuses = Counter(f.status for f in result.findings if not f.is_active)
    held = ", ".join(f"{statuses[s]} {label}" for s, label in _STATUS_LABEL.items() if statuses[s])
    stats = result.stats
    parts = [
        f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}",
        f"({held})" if held else "",
        f"in {_plural(stats.files, 'file')}",
    ]
    line = " ".join(p for p in parts if p)
    if result.expired_debt:
        line += f"; {_plural(len(result.expired_debt), 'expired debt entry')}"
    if result.stale_debt:
        line += f"; {_plural(len(result.stale_debt), 'stale debt entry')}"
    if result.baseline_fixed:
        line += f"; {result.baseline_fixed} baseline entries fixed (rewrite the baseline)"
    return line


def render_text(result: CheckResult, *, show_held: bool = True) -> str:
    """Findings grouped by rule (errors first), a count per rule and severity, a summary.

    Active findings are listed; accepted debt too (it is documented, not hidden) unless
    `show_held` is False; suppressed and baselined findings are counted only."""
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in result.findings:
        groups[f.rule].append(f)

    def order(rule: str) -> tuple[int, str]:
        has_error = any(f.severity == ERROR and f.is_active for f in groups[rule])
        return (0 if has_error else 1, rule)

    lines: list[str] = []
    for rule in sorted(groups, key=order):
        items = groups[rule]
        counts = Counter(f.severity for f in items if f.is_active)
        held = Counter(f.status for f in items if not f.is_active)
        heading = ", ".join(f"{_plural(n, sev)}" for sev, n in sorted(counts.items()))
        extra = ", ".join(f"{held[s]} {label}" for s, label in _STATUS_LABEL.items() if held[s])
        title = f"{rule}: {heading or 'no active findings'}" + (f" ({extra})" if extra else "")
        lines.append(title)
        for f in sorted(items, key=_sort_key):
            if f.is_active:
                lines.append(f"  {f.where()}  {f.severity}  {f.message}")
            elif f.status is Status.ACCEPTED_DEBT and show_held:
                lines.append(f"  {f.where()}  accepted debt  {f.message}  [{f.note}]")
        lines.append("")
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"


def statistics(result: CheckResult) -> list[tuple[str, str, int]]:
    """(rule, severity, count) of the active findings, the most frequent first."""
    counts = Counter((f.rule, f.severity) for f in result.findings if f.is_active)
    return sorted(((r, s, n) for (r, s), n in counts.items()), key=lambda x: (-x[2], x[0], x[1]))


def render_statistics(result: CheckResult, fmt: str = "text") -> str:
    """The active findings counted per rule (as `ruff check --statistics`): one row per rule
    and severity, the most frequent first, then the summary line; or the rows as JSON."""
    rows = statistics(result)
    if fmt == "json":
        document = [
            {"rule": rule, "severity": severity, "count": count, "summary": _rule_summary(rule)}
            for rule, severity, count in rows
        ]
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    counts = max((len(str(n)) for _, _, n in rows), default=1)
    rules = max((len(r) for r, _, _ in rows), default=0)
    severities = max((len(s) for _, s, _ in rows), default=0)
    lines = [
        f"{n:>{counts}}\t{rule:<{rules}}\t{severity:<{severities}}\t{_rule_summary(rule)}"
        for rule, severity, n in rows
    ]
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"


def _rule_summary(rule: str) -> str:
    known = RULES.get(rule)
    return known.summary if known is not None else ""


def _finding_json(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "severity": f.severity,
        "file": f.file,
        "line": f.line,
        "col": f.col,
        "message": f.message,
        "module": f.module,
        "subject": f.subject,
        "status": str(f.status),
        "note": f.note,
    }


def render_json(result: CheckResult) -> str:
    """Every finding (never truncated), the debt's state and each file's layer."""
    document = {
        "tool": TOOL_NAME,
        "summary": {
            "errors": len(result.errors()),
            "warnings": len(result.warnings()),
            "by_rule": result.counts_by_rule(severity=None, statuses=tuple(Status)),
            "errors_by_rule": result.counts_by_rule(),
            "by_status": dict(sorted(Counter(str(f.status) for f in result.findings).items())),
            "files": result.stats.files,
            "exit_code": result.exit_code,
        },
        "findings": [_finding_json(f) for f in sorted(result.findings, key=_sort_key)],
        "expired_debt": [_debt_json(e) for e in result.expired_debt],
        "stale_debt": [_debt_json(e) for e in result.stale_debt],
        "baseline_fixed": result.baseline_fixed,
        "layer_distribution": result.layer_distribution(),
        "files": {path: _file_json(info) for path, info in sorted(result.files.items())},
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _file_json(info: FileInfo) -> dict[str, Any]:
    data: dict[str, Any] = {
        "layer": info.layer,
        "source": info.layer_source,
        "hybrid": info.hybrid,
        "header": dict(info.header_fields),
    }
    if info.hoc:  # where a file sits in the HOC topology
        data["audience"] = info.audience
        data["domain"] = info.domain
    return data


def _debt_json(entry: Any) -> dict[str, Any]:
    return {
        "path": entry.path,
        "rules": list(entry.rules),
        "reason": entry.reason,
        "ticket": entry.ticket,
        "milestone": entry.milestone,
        "expires": entry.expires.isoformat() if entry.expires else None,
    }


def _fingerprint(f: Finding) -> str:
    return hashlib.sha256("\x1f".join(f.key()).encode("utf-8")).hexdigest()[:32]


def render_sarif(result: CheckResult, *, version: str = __version__) -> str:
    """SARIF 2.1.0: one run, every rule described, held findings as suppressed results."""
    # The rules this configuration can report (a project without headers is not told of
    # header rules), and every rule a finding names.
    named = set(result.stats.rules or RULES) | {f.rule for f in result.findings}
    rule_ids = [name for name in RULES if name in named]
    rules = [
        {
            "id": rule.name,
            "name": rule.name.title().replace("_", ""),
            "shortDescription": {"text": rule.summary},
            "defaultConfiguration": {"level": "error" if rule.severity == ERROR else "warning"},
        }
        for rule in (RULES[name] for name in rule_ids)
    ]
    results: list[dict[str, Any]] = []
    for f in sorted(result.findings, key=_sort_key):
        item: dict[str, Any] = {
            "ruleId": f.rule,
            "ruleIndex": rule_ids.index(f.rule),
            "level": "error" if f.severity == ERROR else "warning",
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.file, "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": f.line, "startColumn": f.col},
                    }
                }
            ],
            "partialFingerprints": {"hocMigrateKey/v2": _fingerprint(f)},
        }
        if f.module is not None:
            item["properties"] = {"module": f.module}
        if f.status is Status.SUPPRESSED:
            item["suppressions"] = [{"kind": "inSource", "justification": f.note or ""}]
        elif f.status is Status.ACCEPTED_DEBT:
            item["suppressions"] = [
                {"kind": "external", "state": "accepted", "justification": f.note or ""}
            ]
        elif f.status is Status.BASELINED:
            item["baselineState"] = "unchanged"
        results.append(item)
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "version": version,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(result: CheckResult) -> str:
    """GitHub Actions workflow commands, one annotation per active finding."""
    lines = []
    for f in sorted(result.findings, key=_sort_key):
        if not f.is_active:
            continue
        command = "error" if f.severity == ERROR else "warning"
        props = (
            f"file={_escape_property(f.file)},line={f.line},col={f.col},"
            f"title={_escape_property(f.rule)}"
        )
        lines.append(f"::{command} {props}::{_escape_data(f.message)}")
    lines.append(_escape_data(summary_line(result)))
    return "\n".join(lines) + "\n"


def render(result: CheckResult, fmt: str) -> str:
    if fmt == "json":
        return render_json(result)
    if fmt == "sarif":
        return render_sarif(result)
    if fmt == "github":
        return render_github(result)
    return render_text(result)
