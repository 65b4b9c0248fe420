"""`rewrite_import`: point references at another module without moving any file."""

from __future__ import annotations

from hoc_migrate.core.plan import Step
from hoc_migrate.services.step_context import PlanContext, StepOutcome


def run_rewrite_import(step: Step, ctx: PlanContext) -> StepOutcome:
    old, new = step.get("from"), step.get("to")
    names = step.get("names")
    changed = ctx.rewrite_references({old: new}, names=names)
    if not names:  # a whole module repointed: configuration naming it follows too
        changed += ctx.rewrite_configs({old: new})
        if step.get("docs", False):
            changed += ctx.rewrite_docs({old: new})
    outcome = StepOutcome(step, files=changed)
    if not changed:
        outcome.status = "already done"
        outcome.notes.append(
            f"no file refers to {old}" + (f" for {', '.join(names)}" if names else "")
        )
    return outcome
