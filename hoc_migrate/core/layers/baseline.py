"""The baseline file: today's findings, so that a run fails only on new ones (a ratchet).

Entries hold a finding's identity, rule, file and subject (the imported module, the header
field and value, ...), and never a line number or a message, so an edit above a finding or a
reworded message does not break the match. Version 1 files (module or message) still load.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable

from hoc_migrate.core.errors import ConfigError, Problem
from hoc_migrate.core.layers.findings import Finding, FindingKey

BASELINE_VERSION = 2
#: Versions this hoc-migrate reads (1 matched by module or message: see Finding.legacy_key).
READABLE_VERSIONS = (1, 2)

BaselineKeys = Counter[FindingKey]


def render_baseline(findings: Iterable[Finding]) -> str:
    """The baseline text for the ACTIVE findings (sorted, stable across runs)."""
    counts = Counter(f.key() for f in findings if f.is_active)
    entries = [
        {"rule": rule, "file": file, "subject": subject, **({"count": n} if n > 1 else {})}
        for (rule, file, subject), n in sorted(counts.items())
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
    elif document.get("version") not in READABLE_VERSIONS:
        problems.append(
            Problem(f"unsupported baseline version {document.get('version')!r}", file=origin)
        )
    else:
        third = "match" if document["version"] == 1 else "subject"
        for number, entry in enumerate(document["findings"]):
            fields = (
                [entry.get(k) for k in ("rule", "file", third)] if isinstance(entry, dict) else []
            )
            count = entry.get("count", 1) if isinstance(entry, dict) else None
            if len(fields) != 3 or not all(isinstance(v, str) for v in fields):
                problems.append(
                    Problem(f"entry {number}: needs string 'rule', 'file' and '{third}'", origin)
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
