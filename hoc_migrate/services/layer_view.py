"""The layer checker, seen the way verification and reports need it: its findings as they
are (one finding model), suppressed and baselined ones left out.

Findings the configuration's accepted debt covers are kept (as accepted debt), with the
entries they were judged by, like the plan's own debt.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from hoc_migrate.core.layers.config import CheckConfig
from hoc_migrate.core.layers.findings import Status
from hoc_migrate.core.layers.result import CheckResult
from hoc_migrate.core.layers.rule_set import rule_set
from hoc_migrate.core.verification import LayerCheck
from hoc_migrate.ports import NO_PROGRESS, Progress, TreeReader
from hoc_migrate.services.check import run_check
from hoc_migrate.services.verify import LayerChecker

_COUNTED = (Status.ACTIVE, Status.ACCEPTED_DEBT)


def layer_check_of(result: CheckResult, config: CheckConfig, paths: Sequence[str]) -> LayerCheck:
    # Stale debt is about the configuration, not the code (and before a plan runs, its own
    # debt covers nothing yet): verification reports stale entries itself.
    findings = tuple(f for f in result.findings if f.status in _COUNTED and f.rule != "STALE_DEBT")
    rules = rule_set(config, result.stats.generation)
    return LayerCheck(findings, dict(result.files), tuple(paths), tuple(config.debt), rules)


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

    def check(
        tree: TreeReader, paths: Sequence[str], *, module_renames: Mapping[str, str] = {}
    ) -> LayerCheck:
        cache = cache_dir if settings.cache else None
        config = settings.with_module_renames(module_renames)
        result = run_check(tree, config, paths=paths, cache_dir=cache, progress=progress)
        return layer_check_of(result, config, paths)

    return check
