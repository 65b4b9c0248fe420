"""Verification of a plan's result: layer check before/after, expectations, compile, imports,
and the plan's own command.

The static checks read trees through TreeReader (the base commit and the result: a branch, a
worktree or an in-memory overlay); the command runs in a worktree through a CommandRunner.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from hoc_migrate.core.changes import ChangeKind, ChangeSet
from hoc_migrate.core.layers.rule_set import rules_changed, whole_tree_change
from hoc_migrate.core.modules import (
    context_module,
    follow,
    is_python_script,
    module_for_path,
    normalize_root,
)
from hoc_migrate.core.plan import Plan
from hoc_migrate.core.verification import (
    CheckOutcome,
    CheckStatus,
    LayerCheck,
    LayerComparison,
    VerificationReport,
    compare_checks,
    expectation_problems,
    under,
)
from hoc_migrate.ports import SourceCodemods, TreeReader
from hoc_migrate.services.import_resolution import (
    ModuleIndex,
    UnresolvedImport,
    top_level_names,
    unresolved_imports,
)


# (tree, paths to check) -> the layer check of those paths. Built from the checker service.
class LayerChecker(Protocol):
    """The layer check of some paths of a tree; `module_renames` (a plan's) are followed in
    the configuration's module names (the result is checked as the plan rewrote them)."""

    def __call__(
        self, tree: TreeReader, paths: Sequence[str], *, module_renames: Mapping[str, str] = ...
    ) -> LayerCheck: ...


LAYER_CHECK = "layer check"
EXPECTATIONS = "expectations"
COMPILE = "compile"
IMPORTS = "imports resolve"
COMMAND = "command"  # the verify command's check (services/verify_command.py)


@dataclass(frozen=True)
class VerifyInput:
    """A plan's result next to its base, with what the planner knows about the change."""

    plan: Plan
    source_roots: tuple[str, ...]
    before: TreeReader
    after: TreeReader
    changes: ChangeSet
    module_renames: Mapping[str, str]
    # Whether an unchanged file's text can refer to a module the change moved or deleted
    # (the codemods' prefilter); default: it names one of their last segments.
    may_reference: Callable[[bytes], bool] | None = None
    result_name: str = "the branch"  # how messages name the result ("the result": in memory)


def plan_scope(plan: Plan, source_roots: Sequence[str]) -> tuple[str, ...]:
    """The folders whose findings the plan answers for: its scope, else its source roots."""
    if plan.scope:
        return tuple(normalize_root(s) for s in plan.scope)
    return tuple(normalize_root(r) for r in source_roots) or ("",)


def module_renames_of(changes: ChangeSet, source_roots: Sequence[str]) -> dict[str, str]:
    """Old -> new dotted names of every moved module (packages included, by their __init__)."""
    out: dict[str, str] = {}
    for change in changes.renamed:
        old = module_for_path(change.old_path or "", source_roots)
        new = module_for_path(change.path, source_roots)
        if old and new and old != new:
            out[old] = new
    return out


def plan_module_renames(
    changes: ChangeSet, step_renames: Iterable[Mapping[str, str]], source_roots: Sequence[str]
) -> dict[str, str]:
    """Old -> new dotted names of what a plan moved: where each module ended (from the
    files), then each step's own renames (`step_renames`, in order) for what the files do
    not show. A module a later step moved on keeps where it ended, not where the first step
    put it (`a.b -> a.core.b`, then `a.core -> a._core`: `a.b -> a._core.b`)."""
    renames = module_renames_of(changes, source_roots)
    for step in step_renames:
        for old, new in step.items():
            renames.setdefault(old, new)
    return renames


def _check(
    checker: LayerChecker,
    tree: TreeReader,
    paths: Sequence[str],
    module_renames: Mapping[str, str] | None = None,
) -> LayerCheck:
    """The check of those `paths` that exist in `tree` (none: nothing to check)."""
    existing = sorted({p for p in paths if p == "" or tree.exists(p)})
    if not existing:
        return LayerCheck(paths=tuple(paths))
    return checker(tree, existing, module_renames=module_renames or {})


def layer_comparison(
    inp: VerifyInput, checker: LayerChecker, today: dt.date
) -> tuple[LayerComparison, LayerCheck]:
    """Before and after over the scope, moved files followed in and out of it.

    Returns the comparison and the after-check of what `verify.expect` measures."""
    scope = plan_scope(inp.plan, inp.source_roots)
    moved = inp.changes.renamed
    before_paths = list(scope) + [c.old_path for c in moved if c.old_path]
    after_paths = list(scope) + [c.path for c in moved]
    expect = inp.plan.verify.expect
    if expect is not None and expect.path and not under(expect.path, scope):
        after_paths.append(expect.path)
    before = _check(checker, inp.before, before_paths)
    after_all = _check(checker, inp.after, after_paths, inp.module_renames)
    # The moved files count on both sides; what was only checked for `expect` does not.
    after = after_all.within(list(scope) + [c.path for c in moved])
    renames = {c.old_path: c.path for c in moved if c.old_path}
    comparison = compare_checks(
        before,
        after,
        file_renames=renames,
        module_renames=inp.module_renames,
        debt=inp.plan.debt,
        today=today,
    )
    measured = after_all.within([expect.path] if expect and expect.path else list(scope))
    note = rules_changed(before.rules, after_all.rules, inp.result_name)
    if note is not None:
        comparison = dataclasses.replace(comparison, rules_change=_whole_tree(inp, checker, note))
    return comparison, measured


def _whole_tree(inp: VerifyInput, checker: LayerChecker, note: str) -> str:
    """`note` with the whole tree's errors before and after: only worth a second check when
    the rules changed (the scope's counts then hide what the new rules find elsewhere)."""
    roots = list(inp.source_roots) or [""]
    sides = (
        _check(checker, inp.before, roots),
        _check(checker, inp.after, roots, inp.module_renames),
    )
    before, after = (
        Counter(f.rule for f in side.findings if f.is_error and f.is_active) for side in sides
    )
    return whole_tree_change(note, before, after)


def _layer_outcome(comparison: LayerComparison) -> CheckOutcome:
    before, after = comparison.before, comparison.after
    summary = (
        f"errors {len(before.errors)} -> {len(after.errors)}, "
        f"findings {len(before.findings)} -> {len(after.findings)}; "
        f"{len(comparison.removed)} removed, {len(comparison.new_errors)} new error(s)"
    )
    details = [comparison.rules_change] if comparison.rules_change else []
    details += [
        f"new {f.rule} at {f.where()}: {f.message} (not covered by accepted debt)"
        for f in comparison.new_errors
    ]
    details += [
        f"debt entry for {e.path} ({', '.join(e.rules)}) expired on {e.expires}"
        for e in comparison.expired_debt
    ]
    details += [
        f"new {a.finding.rule} at {a.finding.where()}: accepted debt ({a.entry.reason})"
        for a in comparison.new_accepted
    ]
    details += [f"stale debt entry (covers nothing): {e.path}" for e in comparison.stale_debt]
    status = CheckStatus.PASSED if comparison.passed else CheckStatus.FAILED
    return CheckOutcome(LAYER_CHECK, status, summary, tuple(details))


def _compile_error(path: str, source: bytes) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarnings are not failures
            compile(source, path, "exec", dont_inherit=True)
    except SyntaxError as exc:
        return f"{path}:{exc.lineno or 0}: {exc.msg}"
    except ValueError as exc:
        return f"{path}: {exc}"
    return None


def compile_outcome(changes: ChangeSet) -> CheckOutcome:
    """Every changed Python file compiles (syntax only: nothing runs, no .pyc is written),
    unless it did not compile on the base either (reported, not failed: not the change's
    doing; a file with syntax this Python does not know, PEP 695 under 3.11, say)."""
    problems: list[str] = []
    already: list[str] = []
    files = [
        c
        for c in changes.changes
        if c.kind is not ChangeKind.DELETED
        and c.after is not None
        and (c.path.endswith(".py") or is_python_script(c.path, c.after))
    ]
    for change in files:
        assert change.after is not None
        error = _compile_error(change.path, change.after)
        if error is None:
            continue
        before = change.before if change.kind is not ChangeKind.ADDED else None
        if before is not None and _compile_error(change.old_path or change.path, before):
            already.append(f"{error} (did not compile on the base either)")
        else:
            problems.append(error)
    if problems:
        return CheckOutcome(
            COMPILE,
            CheckStatus.FAILED,
            f"{len(problems)} file(s) do not compile",
            tuple(problems + already),
        )
    summary = f"{len(files) - len(already)} changed file(s) compile"
    if already:
        summary += f"; {len(already)} did not compile on the base either"
    return CheckOutcome(COMPILE, CheckStatus.PASSED, summary, tuple(already))


def _affected_names(changes: ChangeSet, source_roots: Sequence[str]) -> set[bytes]:
    """Last segments of every module the change moved, deleted or edited (a text prefilter)."""
    names: set[bytes] = set()
    for change in changes.changes:
        for path in (change.old_path, change.path):
            module = context_module(path or "", source_roots, lambda _folder: False)
            if module:
                names.add(module.rsplit(".", 1)[-1].encode())
    return names


def reference_prefilter(
    codemods: SourceCodemods,
    changes: ChangeSet,
    module_renames: Mapping[str, str],
    source_roots: Sequence[str],
) -> Callable[[bytes], bool]:
    """`VerifyInput.may_reference` from the codemods' own prefilter: can a file's text refer
    to a module the change moved, deleted or edited?"""
    # A package's rename implies its modules': keep the shortest names (the prefilter looks
    # for each name it is given, in every file).
    watched = {
        old: new
        for old, new in module_renames.items()
        if not any(
            old.startswith(other + ".") and new == module_renames[other] + old[len(other) :]
            for other in module_renames
        )
    }
    for change in changes.changes:
        if change.kind in (ChangeKind.DELETED, ChangeKind.MODIFIED):
            module = module_for_path(change.old_path or change.path, source_roots)
            if module and follow(module, watched) == module:
                watched.setdefault(module, module)
    return lambda data: codemods.may_reference(data, renames=watched)


def _module_namer(tree: TreeReader, roots: Sequence[str]) -> Callable[[str], str | None]:
    return lambda path: context_module(path, roots, lambda f: tree.exists(f"{f}/__init__.py"))


def imports_outcome(inp: VerifyInput) -> CheckOutcome:
    """Every import of a project module, in every changed or importing Python file of the
    repository (tests, scripts and stubs included), resolves after the change; an import
    that did not resolve on the base either is reported, not failed."""
    roots = inp.source_roots
    project = top_level_names([inp.before, inp.after], roots)
    changed = {c.path for c in inp.changes.changes if c.kind is not ChangeKind.DELETED}
    names = _affected_names(inp.changes, roots)

    def may_reference(data: bytes) -> bool:
        return any(n in data for n in names)

    refers = inp.may_reference or may_reference
    candidates = [
        path
        for path in inp.after.iter_files()
        if path.endswith((".py", ".pyi"))
        and (path in changed or refers(inp.after.read_bytes(path)))
    ]
    after_index, before_index = ModuleIndex(inp.after, roots), ModuleIndex(inp.before, roots)
    after_name, before_name = _module_namer(inp.after, roots), _module_namer(inp.before, roots)
    old_path = {c.path: c.old_path for c in inp.changes.renamed}
    broken: list[UnresolvedImport] = []
    preexisting: list[UnresolvedImport] = []
    for path in candidates:
        found = unresolved_imports(
            inp.after, path, roots, project, after_index, module=after_name(path)
        )
        if not found:
            continue
        # An import that was already broken before the change is not the change's doing.
        previous = old_path.get(path) or path
        already = set()
        if inp.before.exists(previous) and not inp.before.is_dir(previous):
            for old in unresolved_imports(
                inp.before, previous, roots, project, before_index, module=before_name(previous)
            ):
                already.add((_renamed(old.target, inp.module_renames), old.name))
        for unresolved in found:
            (preexisting if unresolved.key() in already else broken).append(unresolved)
    noted = tuple(f"{u} (already on the base)" for u in preexisting)
    if broken:
        return CheckOutcome(
            IMPORTS,
            CheckStatus.FAILED,
            f"{len(broken)} import(s) do not resolve",
            tuple(str(b) for b in broken) + noted,
        )
    summary = f"imports resolve in {len(candidates)} file(s)"
    if preexisting:
        summary += f"; {len(preexisting)} did not resolve on the base either"
    return CheckOutcome(IMPORTS, CheckStatus.PASSED, summary, noted)


def _renamed(module: str, renames: Mapping[str, str]) -> str:
    for old in sorted(renames, key=len, reverse=True):
        if module == old or module.startswith(old + "."):
            return renames[old] + module[len(old) :]
    return module


def verify_static(
    inp: VerifyInput, checker: LayerChecker, *, today: dt.date | None = None
) -> VerificationReport:
    """Every check but the command, in order: layer check, expectations, compile, imports."""
    settings = inp.plan.verify
    today = today or dt.date.today()
    checks: list[CheckOutcome] = []
    comparison: LayerComparison | None = None
    if settings.layer_check or settings.expect is not None:
        comparison, measured = layer_comparison(inp, checker, today)
        if settings.layer_check:
            checks.append(_layer_outcome(comparison))
        else:
            checks.append(_skipped(LAYER_CHECK))
        if settings.expect is not None:
            problems = expectation_problems(settings.expect, measured)
            status = CheckStatus.FAILED if problems else CheckStatus.PASSED
            summary = (
                "the result differs from the plan's expectations"
                if problems
                else "the result matches the plan's expectations"
            )
            checks.append(CheckOutcome(EXPECTATIONS, status, summary, tuple(problems)))
    else:
        checks.append(_skipped(LAYER_CHECK))
    checks.append(compile_outcome(inp.changes) if settings.compile else _skipped(COMPILE))
    checks.append(imports_outcome(inp) if settings.imports_resolve else _skipped(IMPORTS))
    return VerificationReport(tuple(checks), comparison)


def _skipped(name: str, why: str = "disabled by the plan") -> CheckOutcome:
    return CheckOutcome(name, CheckStatus.SKIPPED, why)


def not_run(name: str, why: str) -> CheckOutcome:
    return _skipped(name, why)
