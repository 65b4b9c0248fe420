"""The debt entries that close a suggested plan: every error its steps leave, with the reason
no step answers it (so that the plan verifies, and a reviewer sees what is left and why)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hoc_migrate.core.layers.catalogue import RULES
from hoc_migrate.core.layers.result import CheckResult
from hoc_migrate.core.suggest.model import Suggestion


def debt_entries(
    after: CheckResult, suggestion: Suggestion, file_renames: Mapping[str, str]
) -> list[dict[str, Any]]:
    """One entry per file and reason, in the paths of the plan's result."""
    old_path = {new: old for old, new in file_renames.items()}
    reasons: dict[str, list[str]] = {}  # a file's reasons, in the order found
    for deferral in suggestion.deferrals:
        known = reasons.setdefault(deferral.finding.file, [])
        if deferral.reason not in known:
            known.append(deferral.reason)
    grouped: dict[tuple[str, str], set[str]] = {}
    for finding in after.errors():
        source = old_path.get(finding.file, finding.file)
        found = [
            d.reason
            for d in suggestion.deferrals
            if d.finding.file == source and d.finding.rule == finding.rule
        ]
        reason = "; ".join(r for r in reasons.get(source, []) if r in found) or _left(finding.rule)
        grouped.setdefault((finding.file, reason), set()).add(finding.rule)
    return [
        {"path": path, "rules": sorted(rules), "reason": reason}
        for (path, reason), rules in sorted(grouped.items())
    ]


def _left(rule: str) -> str:
    info = RULES.get(rule)
    what = info.summary.rstrip(".") if info else rule
    return f"Left by the suggested steps: {what[0].lower()}{what[1:]}"
