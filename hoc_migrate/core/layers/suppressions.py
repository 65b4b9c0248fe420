"""Inline suppressions: `# hoc: ignore[RULE, RULE2] reason` on a line of a finding (for a
multi-line import, any of its lines).

A suppression that names no rule, names an unknown rule or gives no reason is itself a
BAD_SUPPRESSION finding and silences nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MARKER = "hoc:"
_SUPPRESSION_RE = re.compile(
    r"#\s*hoc:\s*ignore\b(?P<bracket>\[(?P<rules>[^\]]*)\])?(?P<reason>.*)$", re.IGNORECASE
)
_REASON_LEAD = re.compile(r"^[\s:;,—–-]+")


@dataclass(frozen=True)
class Suppression:
    """One `# hoc: ignore` comment. `problem` says why it is not a valid suppression."""

    line: int
    rules: tuple[str, ...]
    reason: str
    problem: str | None = None


def parse_suppression(comment: str, line: int) -> Suppression | None:
    """Read a comment token's text (starting at '#'); None when it is not a suppression."""
    match = _SUPPRESSION_RE.match(comment)
    if match is None:
        return None
    rules = tuple(
        r.strip().upper() for r in (match["rules"] or "").replace(";", ",").split(",") if r.strip()
    )
    reason = _REASON_LEAD.sub("", match["reason"]).strip()
    problem = None
    if not match["bracket"] or not rules:
        problem = "name the rule(s) it silences: `# hoc: ignore[RULE] reason`"
    elif not reason:
        problem = f"suppression of {', '.join(rules)} without a reason: say why after the ']'"
    return Suppression(line=line, rules=rules, reason=reason, problem=problem)
