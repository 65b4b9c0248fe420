"""Accepted technical debt: one entry's value, and which findings it covers.

The checker's configuration, a plan's `debt:` and verification all use this one model, so an
entry covers the same findings wherever it is judged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from hoc_migrate.core.paths import is_glob, match_glob


@dataclass(frozen=True)
class DebtEntry:
    """Findings knowingly left behind, with the reason a reviewer will read: reported, they do
    not fail the run until the entry expires."""

    path: str  # repo-relative path or glob ('**' spans folders)
    rules: tuple[str, ...]  # rule names, or ("*",)
    reason: str
    ticket: str | None = None
    milestone: str | None = None
    expires: dt.date | None = None
    # Position in the configuration, for messages. Not part of the entry's identity: the same
    # entry numbered differently (a plan's, merged into the checker's) is the same entry.
    index: int = field(default=0, compare=False)

    def label(self) -> str:
        extra = ", ".join(x for x in (self.ticket, self.milestone) if x)
        return f"debt #{self.index + 1} ({self.path}: {', '.join(self.rules)}" + (
            f"; {extra})" if extra else ")"
        )

    def is_expired(self, today: dt.date) -> bool:
        return self.expires is not None and self.expires < today

    def covers_rule(self, rule: str) -> bool:
        return "*" in self.rules or rule in self.rules

    def files_covered(self, files: Iterable[str]) -> set[str]:
        """Those of `files` the entry's path names: the glob's matches, else the file itself
        or the files inside the folder."""
        if is_glob(self.path):
            return set(match_glob(self.path, files))
        folder = self.path.rstrip("/")
        return {f for f in files if not folder or f == folder or f.startswith(folder + "/")}

    def covers(self, rule: str, file: str) -> bool:
        return self.covers_rule(rule) and bool(self.files_covered([file]))


def first_covering(
    entries: Iterable[DebtEntry], rule: str, file: str, today: dt.date | None = None
) -> DebtEntry | None:
    """The first entry covering a finding of `rule` in `file` (with `today`: the first live
    one), in configuration order, as the checker picks it."""
    for entry in entries:
        if today is not None and entry.is_expired(today):
            continue
        if entry.covers(rule, file):
            return entry
    return None
