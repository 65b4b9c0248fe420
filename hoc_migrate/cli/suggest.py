"""`hoc-migrate plan suggest`: a plan that answers the layer check's findings.

Exit 0 when a plan is written (or nothing needs fixing), 1 when findings remain that no step
can answer (they are listed), 2 when it could not run."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hoc_migrate.cli._app import errors_to_exit_codes, plan_app, recover_first, stderr
from hoc_migrate.cli._output import info, progress
from hoc_migrate.core.report import plural

if TYPE_CHECKING:
    from hoc_migrate.services.suggest import SuggestedPlan


@plan_app.command("suggest")
def suggest_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="PATH", help="Folders or files to answer for (default: the source roots)."
        ),
    ] = None,
    domain: Annotated[
        str | None, typer.Option("--domain", metavar="NAME", help="Only this domain.")
    ] = None,
    audience: Annotated[
        str | None,
        typer.Option("--audience", metavar="NAME", help="Only this audience (cus, fdr, int...)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="FILE", help="Write the plan to this file (default: stdout)."
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Write --output even over a file git tracks or in .git."),
    ] = False,
    explain: Annotated[
        bool,
        typer.Option("--explain", help="Print, per finding, what is proposed and the evidence."),
    ] = False,
    base: Annotated[
        str | None,
        typer.Option("--base", metavar="REV", help="The commit to start from (default: HEAD)."),
    ] = None,
    repo: Annotated[
        Path | None,
        typer.Option("--repo", metavar="DIR", help="The repository (default: current)."),
    ] = None,
) -> None:
    """Write a plan (YAML) whose steps answer the findings, each with its `why`, and debt
    entries, with their reasons, for what no step answers. Nothing is applied."""
    from hoc_migrate.adapters.output_files import output_target, write_output
    from hoc_migrate.adapters.repo_root import find_repo_root
    from hoc_migrate.core.errors import UsageError
    from hoc_migrate.services.suggest import suggest_plan

    with errors_to_exit_codes():
        recover_first(repo)
        root = find_repo_root(repo)
        target = None
        if output is not None:  # refused before any work
            target = output_target(output, root, option="--output", force=force)
        rel = []
        for path in paths or []:
            try:
                rel.append(path.resolve().relative_to(root).as_posix())
            except ValueError:
                raise UsageError(f"{path} is outside the repository {root}") from None
        plan = suggest_plan(
            root, rel, domain=domain, audience=audience, base=base, progress=progress()
        )
        if plan.text and target is not None:
            write_output(target, root, plan.text.encode("utf-8"))
    if not plan.text and not any(f.is_error for f in plan.findings):
        info("nothing to suggest: no error to answer")
        raise typer.Exit(0)
    lines = suggestion_lines(plan, explain=explain)
    if plan.text and not explain:
        info(lines[0])  # the summary: -q leaves only the plan
    else:
        for line in lines:
            stderr.print(line, markup=False, highlight=False)
    if not plan.text:
        raise typer.Exit(1)
    if target is None:
        typer.echo(plan.text, nl=False)
    else:
        info(f"plan written to {target}")


def suggestion_lines(plan: SuggestedPlan, *, explain: bool) -> list[str]:
    """The summary; with `explain`, each step with the findings it answers and its evidence,
    then each finding left as debt with the reason."""
    suggestion = plan.suggestion
    steps = suggestion.proposals
    if not plan.text:
        lines = [f"no step can answer the findings of {plan.base}; left as they are:"]
        lines += [
            f"  {d.finding.rule} {d.finding.where()}: {d.reason}" for d in suggestion.deferrals
        ]
        return lines
    lines = [
        f"suggested from {plan.base}: {plural(len(steps), 'step')} removing {plan.removed} of "
        f"{plural(plan.errors, 'error')}; "
        f"{plural(len(plan.debt), 'debt entry', 'debt entries')} for the rest"
    ]
    if not explain:
        return lines
    for index, proposal in enumerate(steps, 1):
        lines.append(
            f"step {index} ({proposal.kind}) {proposal.path}: {proposal.options.get('why', '')}"
        )
        lines += [f"  answers {f.rule} {f.where()}: {f.message}" for f in proposal.answers]
        lines += [f"  evidence: {e}" for e in proposal.evidence]
        lines += [f"  {e}" for e in plan.explanations.get(id(proposal), [])]
    deferred = [d for d in suggestion.deferrals if d.finding.is_error]
    if deferred:
        lines.append(f"left as debt ({len(deferred)}):")
        lines += [f"  {d.finding.rule} {d.finding.where()}: {d.reason}" for d in deferred]
    return lines
