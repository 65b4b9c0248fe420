"""The planner: runs a plan's steps in order on an in-memory overlay of the tree.

Each step sees the result of the ones before. Nothing touches disk: the outcome is a
PlanResult holding the whole change set, the change of each step, and what each step did.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from hoc_migrate.core.changes import ChangeSet, Overlay, diff_states
from hoc_migrate.core.errors import HocMigrateError, SourceParseError
from hoc_migrate.core.paths import clean
from hoc_migrate.core.plan import Plan
from hoc_migrate.ports import (
    NO_PROGRESS,
    PlainStyle,
    Progress,
    SourceCodemods,
    SourceStyle,
    StyledFile,
    TreeReader,
)
from hoc_migrate.services.references import (
    all_references,
    bare_name_references,
    find_references,
    manifest_references,
    stub_references,
)
from hoc_migrate.services.step_context import (
    PYTHON_SUFFIXES,
    PlanContext,
    Reference,
    StepOutcome,
    Topology,
)
from hoc_migrate.services.steps import STEP_HANDLERS


@dataclass
class PlanResult:
    plan: Plan
    outcomes: list[StepOutcome]
    changes: ChangeSet
    tree: Overlay
    references: list[Reference] = field(default_factory=list)

    @property
    def already_done(self) -> bool:
        return not self.changes


def compute_plan(
    plan: Plan,
    tree: TreeReader,
    *,
    codemods: SourceCodemods,
    topology: Topology,
    source_roots: Sequence[str],
    style: SourceStyle | None = None,
    progress: Progress = NO_PROGRESS,
    protected: frozenset[str] = frozenset(),
) -> PlanResult:
    """Run every step on an overlay of `tree`; raise on the first step that cannot run.

    After each step, the files it changed are put in the project's `style` (import order,
    wrapping, formatting), so each step's commit is as the project's tools want it.
    `progress` hears of each step (and of the reference rewriting in it)."""
    overlay = Overlay(tree)
    style = style or PlainStyle()
    ctx = PlanContext(
        overlay,
        tuple(source_roots),
        codemods,
        topology,
        plan,
        style=style,
        progress=progress,
        protected=protected,
    )
    progress.note(f"source roots: {', '.join(r or '.' for r in source_roots) or '.'}")
    outcomes: list[StepOutcome] = []
    state = overlay.state()
    for step in plan.steps:
        with progress.stage(step.label) as stage:
            try:
                outcome = STEP_HANDLERS[step.kind](step, ctx)
            except SourceParseError as exc:
                raise _as_written(exc, overlay, step.label) from None
            except HocMigrateError as exc:
                if step.label not in exc.summary:
                    exc.summary = f"{step.label}: {exc.summary}"
                raise
            _restyle(overlay, style, diff_states(tree, *state, *overlay.state()))
            new_state = overlay.state()
            outcome.changes = diff_states(tree, state[0], state[1], new_state[0], new_state[1])
            if not outcome.changes and outcome.status == "done":
                outcome.status = "already done"
            outcome.state = state = new_state
            outcomes.append(outcome)
            touched = len(outcome.changes.changes)
            stage.report(f"{outcome.status}, {touched} file{'' if touched == 1 else 's'}")
    moved = {old: new for o in outcomes for old, new in o.module_renames.items()}
    kept = [
        old
        for o in outcomes
        if o.step.kind == "move" and o.step.get("shim", False)
        for old in o.module_renames
        if overlay.is_dir(clean(str(o.step.get("from"))))
    ]
    moves = [
        (clean(str(o.step.get("from"))), old, new)
        for o in outcomes
        if o.step.kind == "move"
        for old, new in o.module_renames.items()
    ]
    paths = [
        (clean(str(o.step.get("from"))), clean(str(o.step.get("to"))), old)
        for o in outcomes
        if o.step.kind == "move"
        for old in o.module_renames
    ]
    refs = find_references(overlay, moved, kept, paths) if moved else []
    refs += stub_references(overlay, {old: new for o in outcomes for old, new in o.renames})
    refs += all_references(overlay, moves) + bare_name_references(overlay, moves)
    refs += manifest_references(overlay, moves)
    seen: set[tuple[str, int]] = set()
    unique = []  # a line two searches found is listed once
    for ref in refs:
        if (ref.path, ref.line) not in seen:
            seen.add((ref.path, ref.line))
            unique.append(ref)
    return PlanResult(plan, outcomes, overlay.change_set(), overlay, unique)


def _restyle(overlay: Overlay, style: SourceStyle, step: ChangeSet) -> None:
    files = [
        StyledFile(c.path, c.after, c.before, c.old_path)
        for c in step.changes
        if c.after is not None and c.content_changed and c.path.endswith(PYTHON_SUFFIXES)
    ]
    for file, styled in zip(files, style.restyle(files), strict=True):
        if styled != file.after:
            overlay.write(file.path, styled)


def _as_written(exc: SourceParseError, overlay: Overlay, label: str) -> SourceParseError:
    """A parse error naming the file where the user wrote it (a step may have moved it),
    labelled with the step."""
    origin = overlay.origin(exc.path)
    if origin is not None and origin != exc.path:
        note = f"moved to {exc.path}"
        if exc.line and overlay.read_bytes(exc.path) != overlay.base.read_bytes(origin):
            note += f"; line {exc.line} of the file as the steps before left it"
        exc = exc.written_as(origin, note)
    if label not in exc.summary:
        exc.summary = f"{label}: {exc.summary}"
    return exc
