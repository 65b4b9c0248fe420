"""The layer checker, seen the way verification and reports need it (core.verification values).

Suppressed findings (`# hoc: ignore[RULE] reason`) are left out; findings the configuration's
accepted debt covers are kept and carry their debt entry, like the plan's own debt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from hoc_migrate.core.layers.config import CheckConfig
from hoc_migrate.core.layers.config import DebtEntry as ConfigDebt
from hoc_migrate.core.layers.findings import Status
from hoc_migrate.core.layers.result import CheckResult
from hoc_migrate.core.plan import DebtEntry
from hoc_migrate.core.verification import FileLayer, Finding, LayerCheck, debt_covers
from hoc_migrate.ports import NO_PROGRESS, Progress, TreeReader
from hoc_migrate.services.check import run_check
from hoc_migrate.services.verify import LayerChecker


def _debt(entry: ConfigDebt) -> DebtEntry:
    return DebtEntry(
        path=entry.path,
        rules=tuple(entry.rules),
        reason=entry.reason,
        ticket=entry.ticket,
        milestone=entry.milestone,
        expires=entry.expires,
    )


def layer_check_of(result: CheckResult, config: CheckConfig, paths: Sequence[str]) -> LayerCheck:
    findings = []
    for f in result.findings:
        # Stale debt is about the configuration, not the code (and before a plan runs, its own
        # debt covers nothing yet): verification reports stale entries itself.
        if f.status in (Status.SUPPRESSED, Status.BASELINED) or f.rule == "STALE_DEBT":
            continue
        finding = Finding(f.rule, f.severity, f.file, f.line, f.message, f.module)
        if f.status is Status.ACCEPTED_DEBT:
            # The entry the checker applied: the first that covers it (as the checker picks),
            # never one matched by its reason text, which several entries may share.
            accepted_by = next(
                (d for d in map(_debt, config.debt) if debt_covers(d, finding)),
                DebtEntry(f.file, (f.rule,), f.note or "accepted in the configuration"),
            )
            finding = replace(finding, accepted_by=accepted_by)
        findings.append(finding)
    files = {
        path: FileLayer(info.layer, info.hybrid, tuple(info.declared_layers))
        for path, info in result.files.items()
    }
    return LayerCheck(tuple(findings), files, tuple(paths))


def make_layer_checker(
    config: object,
    *,
    source_roots: Sequence[str] = (),
    cache_dir: Path | None = None,
    progress: Progress = NO_PROGRESS,
) -> LayerChecker:
    """A LayerChecker over the checker service; `source_roots` (the plan's) apply when the
    configuration names none, so the check resolves modules as the planner does. Its scans
    are reported to `progress`."""
    if not isinstance(config, CheckConfig):
        raise TypeError(f"expected a CheckConfig, got {type(config).__name__}")
    if source_roots and not config.source_roots:
        config = config.with_source_roots(source_roots)
    settings: CheckConfig = config

    def check(tree: TreeReader, paths: Sequence[str]) -> LayerCheck:
        cache = cache_dir if settings.cache else None
        result = run_check(tree, settings, paths=paths, cache_dir=cache, progress=progress)
        return layer_check_of(result, settings, paths)

    return check
