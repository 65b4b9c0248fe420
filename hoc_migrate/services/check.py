"""The layer check as a service: any TreeReader in (disk or a plan's in-memory overlay),
a CheckResult out. Never prints.

Flow: list the Python files to check -> facts from the cache or one parse each (in worker
processes when many) -> source roots (configured or found) -> module index
-> rules (pure, core) -> suppressions, accepted debt, baseline.

On disk (a DiskTree) with a cache folder, an unchanged file is known by its stat (never read),
and a whole check of an unchanged tree with the same inputs is a stored result (see
adapters/check_memo.py). Other trees (a plan's overlay, a commit) are known by content.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hoc_migrate.adapters.check_cache import FactsCache, FactsScanner, default_jobs
from hoc_migrate.adapters.check_config import load_check_config
from hoc_migrate.adapters.check_memo import ResultMemo, memo_key
from hoc_migrate.adapters.filesystem import DiskTree
from hoc_migrate.adapters.import_scanner import probe_header
from hoc_migrate.core.errors import Problem, UsageError
from hoc_migrate.core.layers.baseline import BaselineKeys
from hoc_migrate.core.layers.catalogue import RULES, applicable_rules, enabled_rules, unknown_rules
from hoc_migrate.core.layers.config import CheckConfig
from hoc_migrate.core.layers.facts import FileFacts
from hoc_migrate.core.layers.findings import FileInfo, Finding
from hoc_migrate.core.layers.header import Header
from hoc_migrate.core.layers.presets import AUTO, V1, V2
from hoc_migrate.core.layers.resolve import ModuleIndex, build_module_index
from hoc_migrate.core.layers.result import CheckResult, CheckStats, ResultDiff, diff_results
from hoc_migrate.core.layers.rules import LayerRules
from hoc_migrate.core.layers.topology import Topology
from hoc_migrate.core.layers.triage import (
    apply_baseline,
    apply_debt,
    apply_suppressions,
    debt_findings,
)
from hoc_migrate.core.layout import Layout
from hoc_migrate.core.modules import normalize_root
from hoc_migrate.core.paths import clean
from hoc_migrate.ports import NO_PROGRESS, ProgressStage
from hoc_migrate.services.layout import find_layout
from hoc_migrate.services.root_votes import vote_roots

if TYPE_CHECKING:
    from hoc_migrate.ports import Progress, TreeReader

#: Fewer files than this to parse: parse them in this process (a pool costs more than it saves).
PARALLEL_MIN = 200
#: Files handed to the scanner between two progress reports.
PROGRESS_BATCH = 256
_NO_STAGE = ProgressStage()

__all__ = [
    "CheckConfig",
    "CheckResult",
    "ResultDiff",
    "diff_results",
    "find_source_roots",
    "load_check_config",
    "run_check",
]


def find_source_roots(
    tree: TreeReader,
    config: CheckConfig,
    *,
    paths: Sequence[str] = (),
    cache_dir: Path | None = None,
    jobs: int | None = None,
) -> tuple[str, ...]:
    """The configured source roots, else the ones found (packaging metadata, the tree's
    shape, else the imports of the Python files below `paths`, default: the whole tree);
    the same answer `run_check` would use, without evaluating any rule."""
    return find_check_layout(tree, config, paths=paths, cache_dir=cache_dir, jobs=jobs).paths


def find_check_layout(
    tree: TreeReader,
    config: CheckConfig,
    *,
    paths: Sequence[str] = (),
    cache_dir: Path | None = None,
    jobs: int | None = None,
) -> Layout:
    """`find_source_roots` with the reason for each root."""

    def import_votes() -> tuple[str, ...]:
        files = _checked_paths(tree, paths, config)
        more = _MoreFacts(tree, cache_dir, jobs or default_jobs())
        scanner = more.scanner()
        _read_and_scan(tree, files, Topology(config), scanner)
        return vote_roots(tree, scanner.facts, files, more, config.hoc_packages)

    return find_layout(tree, config_roots=config.source_roots, import_votes=import_votes)


@dataclass(frozen=True)
class _MoreFacts:
    """The facts of any files of `tree`, parsed (or from the cache) by a scanner of their
    own: root votes may need files the check itself does not read."""

    tree: TreeReader
    cache_dir: Path | None
    jobs: int

    def scanner(self) -> FactsScanner:
        cache = FactsCache(self.cache_dir) if self.cache_dir is not None else None
        disk = self.tree if isinstance(self.tree, DiskTree) else None
        return FactsScanner(self.tree, cache, self.jobs, PARALLEL_MIN, disk=disk)

    def __call__(self, files: Sequence[str]) -> Mapping[str, FileFacts]:
        scanner = self.scanner()
        try:
            for path in files:
                scanner.add(path)
        finally:
            scanner.close()
        return scanner.facts


def _python_files(tree: TreeReader, under: str) -> list[str]:
    if under and not tree.is_dir(under):
        return [under] if under.endswith(".py") and tree.exists(under) else []
    return [p for p in tree.iter_files(under) if p.endswith(".py")]


def _checked_paths(tree: TreeReader, paths: Sequence[str], config: CheckConfig) -> list[str]:
    wanted = [clean(p) for p in paths] if paths else list(config.source_roots or ("",))
    missing = [p for p in wanted if p and not tree.exists(p)]
    if missing:
        raise UsageError(
            f"no such path{'s' if len(missing) > 1 else ''} in the repository",
            [Problem(p) for p in missing],
        )
    files: set[str] = set()
    for under in dict.fromkeys(wanted):
        files.update(_python_files(tree, under))
    return sorted(files)


def _check_options(
    topology: Topology, rules: Collection[str] | None, ignore: Collection[str], audience: str | None
) -> str | None:
    """The audience asked for (normalized); raises UsageError listing every bad option."""
    problems = [Problem(f"unknown rule {r}") for r in unknown_rules([*(rules or ()), *ignore])]
    wanted = None
    if audience is not None:
        wanted = topology.audience_name(audience)
        if wanted is None:
            folders = ", ".join(sorted(topology.config.audience_folders))
            problems.append(Problem(f"unknown audience {audience!r} (folders: {folders})"))
    if problems:
        raise UsageError("cannot run the layer check", problems, hint=f"rules: {', '.join(RULES)}")
    return wanted


def _read_and_scan(
    tree: TreeReader,
    files: Sequence[str],
    topology: Topology,
    scanner: FactsScanner,
    stage: ProgressStage = _NO_STAGE,
) -> dict[str, Header]:
    """Hand the scanner the files the rules can apply to (HOC files, files in a layer folder,
    files whose header declares a layer: read here to see). Returns the other files'
    headers. `stage` hears of every batch of files."""
    known = {layer.lower() for layer in topology.config.known_layers}
    headers = topology.config.headers
    every = bool(topology.config.contracts)  # contracts hold for any module, layered or not
    probed: dict[str, Header] = {}
    try:
        for start in range(0, len(files), PROGRESS_BATCH):
            batch = files[start : start + PROGRESS_BATCH]
            for path in batch:
                location = topology.locate(path)
                if every or location.hoc or location.folder_layer:
                    scanner.add(path)
                    continue
                if not headers:  # only a header could give it a layer
                    probed[path] = Header()
                    continue
                data = tree.read_bytes(path)
                header = probe_header(data)
                if header.layer is not None and header.layer.lower() in known:
                    scanner.add(path, data)
                else:
                    probed[path] = header
            stage.advance(len(batch))
    finally:
        scanner.close()
    return probed


def _module_index(tree: TreeReader, roots: Sequence[str]) -> ModuleIndex:
    files: list[str] = []
    for root in dict.fromkeys(normalize_root(r) for r in roots):
        if not root or tree.is_dir(root):
            files.extend(_python_files(tree, root))
    return build_module_index(files, roots)


@dataclass(frozen=True)
class _Options:
    """What a check is asked besides the configuration (with it: the key of a memo)."""

    paths: tuple[str, ...]
    domain: str | None
    audience: str | None
    rules: tuple[str, ...] | None
    ignore: tuple[str, ...]
    baseline: BaselineKeys | None
    today: dt.date


def run_check(
    tree: TreeReader,
    config: CheckConfig,
    *,
    paths: Sequence[str] = (),
    domain: str | None = None,
    audience: str | None = None,
    rules: Collection[str] | None = None,
    ignore: Collection[str] = (),
    cache_dir: Path | None = None,
    jobs: int | None = None,
    baseline: BaselineKeys | None = None,
    today: dt.date | None = None,
    parallel_min: int = PARALLEL_MIN,
    on_stored_result: Callable[[Sequence[tuple[str, str, Any]]], None] | None = None,
    progress: Progress = NO_PROGRESS,
) -> CheckResult:
    """Check the Python files below `paths` (repo-relative; default: the configured source
    roots, else the whole tree), optionally only one domain / audience and some rules.

    `rules` selects layer rules (None: all); the meta rules (PARSE_ERROR, BAD_SUPPRESSION,
    EXPIRED_DEBT, STALE_DEBT) always run unless named in `ignore`. Facts are cached in
    `cache_dir` when given; for a DiskTree, whole results too. Raises UsageError (exit 2)
    for missing paths or unknown names. When the result is the stored one (an unchanged
    DiskTree), `on_stored_result` receives the tree's answers that vouch for it. `progress`
    hears of the scan (the files read and parsed)."""
    topology = Topology(config)
    _check_options(topology, rules, ignore, audience)
    options = _Options(
        paths=tuple(paths),
        domain=domain,
        audience=audience,
        rules=None if rules is None else tuple(sorted(rules)),
        ignore=tuple(sorted(ignore)),
        baseline=baseline,
        today=today or dt.date.today(),
    )
    jobs = jobs or default_jobs()
    if cache_dir is None or not isinstance(tree, DiskTree):
        disk = tree if isinstance(tree, DiskTree) else None
        cache = FactsCache(cache_dir) if cache_dir is not None else None
        scanner = FactsScanner(tree, cache, jobs, parallel_min, disk=disk)
        return _check(tree, config, topology, options, scanner, progress)
    memo = ResultMemo(cache_dir, tree, memo_key(tree, {"config": config, "options": options}))
    result = memo.load()
    if result is not None:
        progress.note("the stored result of the last check (no file changed)")
        if on_stored_result is not None:
            on_stored_result(memo.vouched_by)
    if result is None:
        recorder = memo.recorder
        scanner = FactsScanner(recorder, FactsCache(cache_dir), jobs, parallel_min, disk=recorder)
        result = _check(recorder, config, topology, options, scanner, progress)
        memo.save(result)
    return result


def _check(
    tree: TreeReader,
    config: CheckConfig,
    topology: Topology,
    options: _Options,
    scan: FactsScanner,
    progress: Progress,
) -> CheckResult:
    rules, ignore, domain = options.rules, options.ignore, options.domain
    wanted_audience = (
        topology.audience_name(options.audience) if options.audience is not None else None
    )
    enabled = enabled_rules(rules, ignore)
    files = _checked_paths(tree, options.paths, config)
    if domain is not None or wanted_audience is not None:
        files = [
            f
            for f in files
            if (domain is None or topology.locate(f).domain == domain)
            and (wanted_audience is None or topology.locate(f).audience == wanted_audience)
        ]
    scanning = f"scanning {len(files)} file{'' if len(files) == 1 else 's'}"
    with progress.stage(scanning, total=len(files)) as stage:
        unlayered = _read_and_scan(tree, files, topology, scan, stage)
        stage.report(f"{scan.parsed} parsed, {scan.cached} from cache, {len(unlayered)} skipped")
    more = _MoreFacts(tree, scan.cache.cache_dir if scan.cache is not None else None, scan.jobs)
    roots = find_layout(
        tree,
        config_roots=config.source_roots,
        import_votes=lambda: vote_roots(tree, scan.facts, files, more, config.hoc_packages),
    ).paths
    headers: dict[str, Header] = {p: f.header for p, f in scan.facts.items()}

    def header_of(path: str) -> Header:
        found = headers.get(path)
        if found is None:
            try:
                found = probe_header(tree.read_bytes(path))
            except OSError:
                found = Header()
            headers[path] = found
        return found

    index = _module_index(tree, roots)
    if config.is_hoc and config.hoc_generation == AUTO:
        # The generation is the checked tree's: a plan that creates the spine is checked by
        # the V2 rules on its result.
        config = config.with_generation(V2 if topology.has_spine(index.modules.values()) else V1)
    checker = LayerRules(config, topology, index, header_of, enabled)
    if config.contracts:
        checker.check_contract_layers()
    raw: list[Finding] = checker.contract_findings(set(files))
    infos: dict[str, FileInfo] = {}
    for path in files:
        facts = scan.facts.get(path)
        if facts is None:
            infos[path] = checker.file_info(path, unlayered.get(path, Header()))
            continue
        found, infos[path] = checker.check(path, facts)
        raw.extend(found)

    triaged = apply_suppressions(raw, {p: f.suppressions for p, f in scan.facts.items()})
    narrowed_rules = rules is not None or bool(ignore)
    filtered = narrowed_rules or domain is not None or options.audience is not None
    debt = apply_debt(
        triaged,
        config.debt,
        options.today,
        checked_files=files,
        rules=enabled if narrowed_rules else None,
        filtered=filtered or any(clean(p) for p in options.paths),
    )
    findings = debt.findings + debt_findings(debt, config, enabled)
    fixed = 0
    if options.baseline is not None:
        findings, fixed = apply_baseline(findings, options.baseline)
    stats = CheckStats(
        files=len(files),
        lines=scan.lines,
        parsed=scan.parsed,
        cached=scan.cached,
        skipped=len(unlayered),
        workers=scan.workers,
        source_roots=tuple(roots),
        roots_discovered=not config.source_roots,
        rules=tuple(r for r in applicable_rules(config) if r in enabled),
        generation=config.generation,
    )
    return CheckResult(
        findings=tuple(findings),
        files=infos,
        stale_debt=debt.stale,
        expired_debt=debt.expired,
        baseline_fixed=fixed,
        stats=stats,
    )


def check_topology(config: CheckConfig) -> Topology:
    """The topology (folder layer, audience, domain of a path) the planner can query."""
    return Topology(config)
