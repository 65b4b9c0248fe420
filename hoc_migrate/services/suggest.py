"""`plan suggest`: the plan that answers a scope's findings, tried before it is offered.

The steps are computed in memory on the commit `apply` would start from, like a dry run: a
step that cannot run (a split refused, say) or that adds an error is dropped and its findings
become debt with the reason; every error the steps leave becomes a debt entry with its reason,
so that the plan validates, applies and verifies. Nothing is applied."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hoc_migrate.adapters.git_repo import GitRepo
from hoc_migrate.adapters.plan_file import dump_plan, plan_from_text
from hoc_migrate.adapters.repo_root import find_repo_root
from hoc_migrate.core.errors import HocMigrateError, UsageError
from hoc_migrate.core.layers.findings import Finding
from hoc_migrate.core.layers.result import CheckResult, diff_results
from hoc_migrate.core.layers.topology import Topology
from hoc_migrate.core.paths import clean
from hoc_migrate.core.suggest.debt import debt_entries
from hoc_migrate.core.suggest.model import Deferral, Proposal, Suggestion
from hoc_migrate.core.suggest.plan_data import plan_data
from hoc_migrate.core.suggest.rules import suggest
from hoc_migrate.ports import NO_PROGRESS, Progress, TreeReader
from hoc_migrate.services.check import find_source_roots, run_check
from hoc_migrate.services.dry_run import scoped_check
from hoc_migrate.services.layer_topology import cache_dir, load_layer_config
from hoc_migrate.services.migration import compute, prepare_migration
from hoc_migrate.services.planner import PlanResult
from hoc_migrate.services.suggest_evidence import gather_evidence
from hoc_migrate.services.verify import plan_module_renames

#: A step dropped per round at most; a plan of N steps settles in N + 1 rounds.
MAX_ROUNDS = 50
SUGGESTED_FILE = "<suggested plan>"


@dataclass
class SuggestedPlan:
    text: str  # the plan, YAML
    base: str  # what it was computed from
    findings: list[Finding]  # those it answers for
    suggestion: Suggestion  # the steps kept, and the findings deferred
    explanations: dict[int, list[str]] = field(default_factory=dict)  # proposal id -> lines
    before: CheckResult | None = None
    after: CheckResult | None = None
    debt: list[dict[str, Any]] = field(default_factory=list)  # the plan's debt entries
    removed: int = 0  # errors of the scope the plan's result no longer has
    errors: int = 0  # errors of the scope before


def suggest_plan(
    repo: Path | None,
    paths: Sequence[str] = (),
    *,
    domain: str | None = None,
    audience: str | None = None,
    base: str | None = None,
    today: dt.date | None = None,
    progress: Progress = NO_PROGRESS,
) -> SuggestedPlan:
    root = find_repo_root(repo)
    with GitRepo(root) as git_repo:
        if base is None and not git_repo.has_commits():
            raise UsageError(
                "the repository has no commit yet: a suggestion is computed from the commit "
                "apply would start from",
                hint="commit the tree first",
            )
        commit = git_repo.resolve_commit(base or "HEAD")
        tree = git_repo.tree(commit)
        shown = f"{base or 'HEAD'} {commit[:12]}"
        return _suggest(root, tree, shown, paths, domain, audience, today, progress)


def _scope(
    tree: TreeReader,
    paths: Sequence[str],
    topology: Topology,
    domain: str | None,
    roots: Sequence[str],
) -> list[str]:
    if paths:
        return [clean(p) for p in paths]
    if domain is None:
        return list(roots)
    folders = {
        f"{p.split(f'/{topology.locate(p).audience_folder}/')[0]}/"
        f"{topology.locate(p).audience_folder}/{domain}"
        for p in tree.iter_files()
        if p.endswith(".py")
        and topology.locate(p).domain == domain
        and not topology.locate(p).in_api
    }
    return sorted(folders)


def _suggest(
    root: Path,
    tree: TreeReader,
    shown: str,
    paths: Sequence[str],
    domain: str | None,
    audience: str | None,
    today: dt.date | None,
    progress: Progress,
) -> SuggestedPlan:
    config = load_layer_config(root)
    roots = find_source_roots(tree, config, cache_dir=cache_dir(root))
    config = config.with_source_roots(roots)
    topology = Topology(config)
    for path in paths:
        if not tree.exists(clean(path)):
            raise UsageError(f"{path}: not in {shown}", hint="name a path of the repository")
    scope = _scope(tree, paths, topology, domain, roots)
    if not scope:
        raise UsageError(f"no files of domain {domain!r} in {shown}")
    with progress.stage("layer check"):
        result = run_check(
            tree,
            config,
            paths=scope,
            domain=domain,
            audience=audience,
            cache_dir=cache_dir(root),
            today=today,
            progress=progress,
        )
    with progress.stage("reading the modules the findings name"):
        evidence = gather_evidence(tree, result, topology, roots)
    suggestion = suggest(evidence, config, topology)
    out = SuggestedPlan("", shown, list(evidence.findings), suggestion, before=result)
    out.errors = len(result.errors())
    if not evidence.findings:
        return out
    name = f"suggested-{domain or audience or 'fixes'}"
    with progress.stage("trying the suggested steps"):
        _settle(out, root, tree, scope, name, progress)
    return out


def _plan_scope(scope: Sequence[str], proposals: Sequence[Proposal]) -> list[str]:
    """The scope, and the folders the steps move files to outside it."""
    out = list(scope)
    for proposal in proposals:
        for new in proposal.renames().values():
            folder = new.rpartition("/")[0]
            if not any(folder == s or folder.startswith(s + "/") for s in out):
                out.append(folder)
    return out


def _render(
    name: str,
    scope: Sequence[str],
    suggestion: Suggestion,
    debt: list[dict[str, Any]],
    shown: str,
    removed: int = 0,
) -> str:
    comment = (
        f"Suggested by `hoc-migrate plan suggest` from {shown}: a starting point to review\n"
        "and edit (every step says why; `plan explain` shows its evidence), then dry-run."
    )
    return dump_plan(plan_data(name, scope, suggestion.proposals, debt, removed), comment)


def _settle(
    out: SuggestedPlan,
    root: Path,
    tree: TreeReader,
    scope: Sequence[str],
    name: str,
    progress: Progress,
) -> None:
    """Try the plan, dropping a step that fails or adds an error, until it holds; then the
    errors left become debt."""
    suggestion = out.suggestion
    for _round in range(MAX_ROUNDS):
        if not suggestion.proposals:
            break
        plan_scope = _plan_scope(scope, suggestion.proposals)
        text = _render(name, plan_scope, suggestion, [], out.base)
        try:
            migration = prepare_migration(
                Path(SUGGESTED_FILE), root, tree=tree, plan=plan_from_text(text, SUGGESTED_FILE)
            )
            result = compute(migration)
        except HocMigrateError as exc:
            index = _failed_step(exc, suggestion)
            proposal = suggestion.proposals[index]
            _drop(suggestion, index, f"{proposal.kind} refused: {_refusal(exc, proposal)}")
            continue
        renames = plan_module_renames(
            result.changes, (o.module_renames for o in result.outcomes), migration.source_roots
        )
        before = scoped_check(migration, tree, tuple(plan_scope))
        after = scoped_check(migration, result.tree, tuple(plan_scope), renames)
        file_renames = {c.old_path: c.path for c in result.changes.renamed if c.old_path}
        diff = diff_results(before, after, file_renames=file_renames, module_renames=renames)
        added = [f for f in diff.added if f.is_error and f.is_active]
        culprit = _culprit(added, result, suggestion)
        if culprit is not None:
            finding = next(f for f in added if _touches(result, culprit, f.file, suggestion))
            _drop(
                suggestion,
                culprit,
                f"the step would add {finding.rule} at {finding.file}: {finding.message}",
            )
            continue
        out.explanations = {
            id(p): list(o.explanation) + list(o.notes)
            for p, o in zip(suggestion.proposals, result.outcomes, strict=True)
        }
        debt = debt_entries(after, suggestion, file_renames)
        out.after = after
        out.debt = debt
        out.removed = sum(1 for f in diff.removed if f.is_error and f.is_active)
        out.errors = len(before.errors())
        out.text = _render(name, plan_scope, suggestion, debt, out.base, out.removed)
        plan_from_text(out.text, SUGGESTED_FILE)  # what is offered is a valid plan
        return
    out.text = ""


def _failed_step(exc: HocMigrateError, suggestion: Suggestion) -> int:
    """The index of the step an error names (`step 3 (move)`), else the last one."""
    for problem in getattr(exc, "problems", ()) or ():
        context = problem.context or ""
        if context.startswith("step "):
            number = context.split()[1]
            if number.isdigit() and 0 < int(number) <= len(suggestion.proposals):
                return int(number) - 1
    return len(suggestion.proposals) - 1


def _refusal(exc: HocMigrateError, proposal: Proposal) -> str:
    """Why the step could not run, in one line, without the step's number (the plan offered
    has other numbers) or the file it is about."""
    problems = getattr(exc, "problems", ()) or ()
    text = problems[0].message if problems else str(exc).splitlines()[0]
    return text.removeprefix(f"{proposal.path}: ")


def _touches(result: PlanResult, index: int, path: str, suggestion: Suggestion) -> bool:
    outcome = result.outcomes[index]
    return path in outcome.files or path in {n for _o, n in outcome.renames}


def _culprit(added: list[Finding], result: PlanResult, suggestion: Suggestion) -> int | None:
    for finding in added:
        for index in range(len(suggestion.proposals)):
            if _touches(result, index, finding.file, suggestion):
                return index
    return None


def _drop(suggestion: Suggestion, index: int, reason: str) -> None:
    proposal = suggestion.proposals.pop(index)
    for finding in proposal.answers:
        if finding.is_error:
            suggestion.deferrals.append(Deferral(finding, f"Deferred: {reason}"))
