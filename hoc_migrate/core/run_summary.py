"""What a run produced, as plain values the PR description and the certificate are built from.

Every number a report prints is computed from these (the change set, the layer checks, the
verification), never taken from what the plan claims.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from hoc_migrate.core.changes import ChangeSet, FileChange
from hoc_migrate.core.plan import Plan
from hoc_migrate.core.verification import AcceptedFinding, LayerComparison, VerificationReport


@dataclass(frozen=True)
class StepSummary:
    index: int
    kind: str
    label: str
    status: str  # "done" | "already done"
    why: str | None = None
    renames: tuple[tuple[str, str], ...] = ()
    files: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    partial: bool = False


@dataclass(frozen=True)
class RunSummary:
    plan: Plan
    steps: tuple[StepSummary, ...]
    changes: ChangeSet
    comparison: LayerComparison  # the layer check before/after (always run for reports)
    verification: VerificationReport
    scope: tuple[str, ...]
    date: dt.date
    source: str  # where the result was read, e.g. "branch x (abc1234) over base def5678"
    branch: str | None = None
    base: str | None = None
    tip: str | None = None
    commits: tuple[tuple[str, str], ...] = ()
    references: tuple[str, ...] = ()  # non-Python mentions of moved modules, to review
    part: str | None = None  # the part of a split PR this summary covers

    # -- the change, by kind (all from the change set) ------------------------------------
    @property
    def moved(self) -> list[FileChange]:
        return self.changes.renamed

    @property
    def kept_as_shims(self) -> list[tuple[str, str]]:
        """Moves that left a shim at the old path (to git: a new file and an edited old one),
        as (old, new) paths; a folder move pairs each file below it."""
        added = {c.path for c in self.changes.added}
        modified = {c.path for c in self.changes.modified}
        pairs: set[tuple[str, str]] = set()
        for step in self.steps:
            for old, new in step.renames:
                for path in modified:
                    if path == old or path.startswith(old + "/"):
                        target = new + path[len(old) :]
                        if target in added:
                            pairs.add((path, target))
        return sorted(pairs)

    @property
    def created(self) -> list[FileChange]:
        return self.changes.added

    @property
    def deleted(self) -> list[FileChange]:
        return self.changes.deleted

    @property
    def modified(self) -> list[FileChange]:
        return self.changes.modified

    @property
    def accepted(self) -> tuple[AcceptedFinding, ...]:
        return self.comparison.accepted

    def step_why(self) -> list[tuple[str, str]]:
        return [(s.label, s.why) for s in self.steps if s.why]

    def restricted(self, paths: Sequence[str], part: str) -> RunSummary:
        """The same run, limited to the file changes of one part of a split PR."""
        keep = set(paths)
        changes = ChangeSet(
            tuple(c for c in self.changes.changes if c.path in keep or c.old_path in keep)
        )
        return RunSummary(
            plan=self.plan,
            steps=self.steps,
            changes=changes,
            comparison=self.comparison,
            verification=self.verification,
            scope=self.scope,
            date=self.date,
            source=self.source,
            branch=self.branch,
            base=self.base,
            tip=self.tip,
            commits=self.commits,
            references=self.references,
            part=part,
        )


def short(commit: str | None) -> str:
    return commit[:12] if commit else "-"
