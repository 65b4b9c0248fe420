"""What `check` says besides its report: that it checked nothing (exit 2), and on stderr
what it checked and, with -v, where its rules, configuration, cache and baseline came from."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from hoc_migrate.cli._output import quiet, verbose
from hoc_migrate.core.errors import UsageError
from hoc_migrate.core.layers.config import CheckConfig
from hoc_migrate.core.layers.result import CheckResult
from hoc_migrate.core.layers.rule_set import rule_set


def require_classified(
    result: CheckResult, config: CheckConfig, paths: Sequence[str], only: str = ""
) -> None:
    """A check that put no file in a layer checked nothing, whatever it was asked to check
    (the project, `.`, a folder, `only` one domain or audience): it says so (exit 2) instead
    of passing. Contracts hold for any module: with them, every file was checked."""
    if config.contracts or any(info.layer is not None for info in result.files.values()):
        return
    files = result.stats.files
    where = ", ".join(p or "." for p in paths or result.stats.source_roots)
    below = f"under {where}"
    if files == 0:
        summary = f"no Python file{only} found {below}: nothing was checked"
    elif files == 1 and result.files:
        summary = f"the one Python file checked, {next(iter(result.files))}, is in no layer"
        summary += ": nothing was checked"
    else:
        summary = f"none of the {files} Python files {below} is in a layer: nothing was checked"
    layers = sorted(config.known_layers)
    if layers:
        hint = (
            f"the layers ({', '.join(layers[:6])}{', ...' if len(layers) > 6 else ''}) match "
            "no file: check layer_folders and source_roots (`hoc-migrate config show`)"
        )
    else:
        hint = (
            "the project names no layers: `hoc-migrate init` writes a configuration to start "
            "from (the `layers` key, or an import-linter layers contract; docs/configuration.md)"
        )
    raise UsageError(summary, hint=hint)


def stderr_text(
    result: CheckResult,
    settings: CheckConfig,
    root: Path,
    cache_dir: Path | None,
    baseline: Path | None,
) -> str:
    """What the check says on stderr after its report: what it checked (not with -q) and,
    with -v, where its rules, configuration, cache and baseline came from."""
    if quiet():
        return ""
    stats = result.stats
    lines = []
    if verbose():
        lines += [
            f"configuration: {settings.origin or 'no [tool.hoc-migrate] found (its defaults)'}",
            f"rules: {rule_set(settings, stats.generation).source()}",
            f"source roots: {', '.join(r or '.' for r in stats.source_roots)} "
            + ("(found; `config show` says why)" if stats.roots_discovered else "(configured)"),
            "cache: "
            + (
                _shown(cache_dir, root)
                if cache_dir is not None
                else "off (--no-cache)"
                if settings.cache
                else "off (cache = false in the configuration)"
            ),
        ]
        if baseline is not None:
            lines.append(f"baseline: {_shown(baseline, root)}")
    # The files in no layer, as the JSON's layer distribution counts them (with contracts,
    # those are parsed and checked too).
    outside = sum(1 for info in result.files.values() if info.layer is None)
    lines.append(
        f"checked {stats.files} file{'' if stats.files == 1 else 's'} "
        f"({stats.parsed} parsed, {stats.cached} from cache; {outside} outside the layers); "
        f"source roots: {', '.join(r or '.' for r in stats.source_roots)}"
        + (" (found)" if stats.roots_discovered else "")
    )
    return "\n".join(lines) + "\n"


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
