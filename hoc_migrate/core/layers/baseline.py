"""The baseline file: today's findings, so that a run fails only on new ones (a ratchet).

Entries hold rule, file and the imported module (or the message) and never a line number,
so an edit above a finding does not break the match.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable

from hoc_migrate.core.errors import ConfigError, Problem
from hoc_migrate.core.layers.findings import Finding

BASELINE_VERSION = 1

BaselineKeys = Counter[tuple[str, str, str]]


def render_baseline(findings: Iterable[Finding]) -> str:
    """The baseline text for the ACTIVE findings (sorted, stable across runs)."""
    counts = Counter(f.key() for f in findings if f.is_active)
    entries = [
        {"rule": rule, "file": file, "match": match, **({"count": n} if n > 1 else {})}
        for (rule, file, match), n in sorted(counts.items())
    ]
    document = {"tool": "hoc-migrate", "version": BASELINE_VERSION, "findings": entries}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def parse_baseline(text: str, origin: str) -> BaselineKeys:
    """Read a baseline file's text; raises ConfigError (exit 2) listing every bad entry."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"the baseline {origin} is not valid JSON",
            [Problem(exc.msg, file=origin, line=exc.lineno)],
            hint="recreate it with --write-baseline",
        ) from None
    problems: list[Problem] = []
    keys: BaselineKeys = Counter()
    if not isinstance(document, dict) or not isinstance(document.get("findings"), list):
        problems.append(Problem("expected an object with a 'findings' list", file=origin))
    elif document.get("version") != BASELINE_VERSION:
        problems.append(
            Problem(f"unsupported baseline version {document.get('version')!r}", file=origin)
        )
    else:
        for number, entry in enumerate(document["findings"]):
            fields = (
                [entry.get(k) for k in ("rule", "file", "match")] if isinstance(entry, dict) else []
            )
            count = entry.get("count", 1) if isinstance(entry, dict) else None
            if len(fields) != 3 or not all(isinstance(v, str) for v in fields):
                problems.append(
                    Problem(f"entry {number}: needs string 'rule', 'file' and 'match'", origin)
                )
            elif not isinstance(count, int) or isinstance(count, bool) or count < 1:
                problems.append(
                    Problem(f"entry {number}: 'count' must be a positive number", origin)
                )
            else:
                keys[(str(fields[0]), str(fields[1]), str(fields[2]))] += count
    if problems:
        raise ConfigError(
            f"the baseline {origin} is invalid", problems, hint="recreate it with --write-baseline"
        )
    return keys
