"""`fix_header`: set fields of the header block of one file or a glob of files."""

from __future__ import annotations

from hoc_migrate.core.errors import PlanError, Problem
from hoc_migrate.core.paths import clean, is_glob, match_glob
from hoc_migrate.core.plan import Step
from hoc_migrate.services.step_context import PlanContext, StepOutcome
from hoc_migrate.services.steps.move import moved_on


def run_fix_header(step: Step, ctx: PlanContext) -> StepOutcome:
    target = clean(step.get("path"))
    files = (
        match_glob(target, ctx.tree.iter_files())
        if is_glob(target)
        else ([target] if ctx.tree.is_file(target) else [])
    )
    files = [f for f in files if f.endswith(".py")]
    if not files and not is_glob(target) and (done := moved_on(ctx, step, target)) is not None:
        return done
    if not files:
        message = f"'path' matches no Python file: {target}"
        raise PlanError(
            message, [Problem(message, file=ctx.plan.file, line=step.line, context=step.label)]
        )
    outcome = StepOutcome(step)
    for path in files:
        layer = step.get("layer")
        audience = step.get("audience")
        if layer == "auto":
            layer = ctx.topology.folder_layer(path)
            if layer is None:
                outcome.notes.append(f"{path}: its folder has no layer; layer left as it is")
        if audience == "auto":
            audience = ctx.topology.audience(path)
        description = step.get("description")
        if description is None and layer and not step.get("hybrid", False):
            # The project's `layer_descriptions` (the codemod alone knows only HOC's).
            description = ctx.topology.layer_description(str(layer))
        source = ctx.tree.read_bytes(path)
        result = ctx.codemods.set_header(
            source,
            path=path,
            layer=layer,
            description=description,
            audience=audience,
            role=step.get("role"),
            hybrid=bool(step.get("hybrid", False)),
            note=step.get("note"),
            fields=step.get("fields"),
        )
        if result != source:
            ctx.tree.write(path, result)
            outcome.files.append(path)
    return outcome
