"""How a plan's result becomes git history that reviewers and `git log --follow` can trust.

The first commit holds only the moves, content unchanged (git sees 100% renames); the next
commits hold the edits, one per step or one for all. Pure: the git adapter executes it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from hoc_migrate.core.changes import ChangeKind, ChangeSet, OverlayState


@dataclass(frozen=True)
class CommitSpec:
    message: str
    renames: tuple[tuple[str, str], ...] = ()  # (old, new), content unchanged
    writes: dict[str, bytes] = field(default_factory=dict)
    deletes: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.renames or self.writes or self.deletes)


@dataclass(frozen=True)
class StepState:
    title: str  # e.g. "step 3 (move): relocate events to schemas"
    state: OverlayState


def commit_series(
    plan_name: str,
    final: OverlayState,
    changes: ChangeSet,
    steps: Sequence[StepState],
    read_base: Callable[[str], bytes],
    *,
    per_step: bool,
) -> list[CommitSpec]:
    """The commits that turn the base into the plan's result (empty commits left out)."""
    _, final_files = final
    final_path = {ident: path for path, (ident, _) in final_files.items()}
    renames = tuple(sorted((c.old_path, c.path) for c in changes.renamed if c.old_path is not None))
    commits: list[CommitSpec] = []
    if renames:
        listing = "\n".join(f"  {old} -> {new}" for old, new in renames)
        commits.append(
            CommitSpec(f"{plan_name}: move files (content unchanged)\n\n{listing}\n", renames)
        )

    # What each final path holds after the moves commit: base content at its new place.
    current: dict[str, bytes | None] = {}
    renamed_from = {new: old for old, new in renames}
    moved_away = {old for old, _ in renames} - set(renamed_from)

    def now(path: str) -> bytes | None:
        if path not in current:
            if path in moved_away:  # the moves commit took it away: nothing is there
                current[path] = None
                return None
            source = renamed_from.get(path, path)
            try:
                current[path] = read_base(source)
            except (FileNotFoundError, KeyError):
                current[path] = None
        return current[path]

    # A base path that ends up holding another file (moved onto it) is replaced, not deleted.
    deleted_bases = {c.path for c in changes.deleted} - set(changes.paths_after())
    targets = steps if per_step else [StepState("apply all steps", final)]
    for target in targets:
        gone, files = target.state
        writes: dict[str, bytes] = {}
        for _path, (ident, content) in files.items():
            dest = final_path.get(ident)
            if dest is None:
                continue  # does not survive to the end: never committed
            if now(dest) != content:
                writes[dest] = content
        deletes = tuple(sorted(p for p in deleted_bases & gone if now(p) is not None))
        for path, content in writes.items():
            current[path] = content
        for path in deletes:
            current[path] = None
        spec = CommitSpec(f"{plan_name}: {target.title}", writes=writes, deletes=deletes)
        if spec:
            commits.append(spec)
    # Whatever is left (for example a file a step deleted that no state lists) ends here.
    leftover_writes = {
        c.path: c.after
        for c in changes.changes
        if c.kind is not ChangeKind.DELETED and c.after is not None and now(c.path) != c.after
    }
    leftover_deletes = tuple(sorted(p for p in deleted_bases if now(p) is not None))
    if leftover_writes or leftover_deletes:
        commits.append(
            CommitSpec(
                f"{plan_name}: remaining edits", writes=leftover_writes, deletes=leftover_deletes
            )
        )
    return commits
