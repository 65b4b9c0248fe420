"""One module per step kind; each exports a handler `(step, ctx) -> StepOutcome`."""

from __future__ import annotations

from collections.abc import Callable

from hoc_migrate.core.plan import Step
from hoc_migrate.services.step_context import PlanContext, StepOutcome
from hoc_migrate.services.steps.extract_schema import run_extract_schema
from hoc_migrate.services.steps.fix_header import run_fix_header
from hoc_migrate.services.steps.move import run_move
from hoc_migrate.services.steps.rewrite_import import run_rewrite_import
from hoc_migrate.services.steps.split_hybrid import run_split_hybrid

StepHandler = Callable[[Step, PlanContext], StepOutcome]

STEP_HANDLERS: dict[str, StepHandler] = {
    "move": run_move,
    "rewrite_import": run_rewrite_import,
    "fix_header": run_fix_header,
    "extract_schema": run_extract_schema,
    "split_hybrid": run_split_hybrid,
}
