"""`hoc-migrate check`: the layer check, standalone (CI) or by hand.

Exit codes: 0 no error remains (warnings and accepted debt do not fail), 1 errors remain (or
a debt entry expired), 2 the check could not run (bad configuration, missing path, ...).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.text import Text

from hoc_migrate.adapters.check_config import (
    CONFIG_FILE,
    PYPROJECT,
    find_check_root,
    load_check_config,
    read_baseline,
)
from hoc_migrate.adapters.check_replay import plain_output, record, watched_paths
from hoc_migrate.adapters.filesystem import DiskTree
from hoc_migrate.adapters.import_linter_config import INI_FILES
from hoc_migrate.adapters.output_files import output_target, write_output
from hoc_migrate.adapters.workspace import cache_folder
from hoc_migrate.cli import _invocation
from hoc_migrate.cli._app import app, errors_to_exit_codes, stderr, stdout
from hoc_migrate.cli._output import progress, quiet, verbose
from hoc_migrate.core.errors import Problem, UsageError
from hoc_migrate.core.layers.baseline import BaselineKeys, render_baseline
from hoc_migrate.core.layers.catalogue import RULES, unknown_rules
from hoc_migrate.core.layers.config import DEFAULT_BASELINE, CheckConfig
from hoc_migrate.core.layers.render import ReportFormat, render, render_statistics, summary_line
from hoc_migrate.core.layers.result import CheckResult
from hoc_migrate.services.check import run_check

if TYPE_CHECKING:
    from hoc_migrate.adapters.check_replay import Watched


def _inside(path: Path, root: Path, what: str) -> str:
    """`path` (absolute or relative to the current folder) as a repo-relative path."""
    resolved = path.resolve()
    try:
        rel = resolved.relative_to(root)
    except ValueError:
        raise UsageError(
            f"{what} {path} is outside the repository {root}",
            hint="hoc-migrate reads and writes only inside the repository (see --repo)",
        ) from None
    return rel.as_posix() if str(rel) != "." else ""


def _rule_list(option: str | None, name: str) -> list[str] | None:
    if option is None:
        return None
    rules = [r.strip().upper() for r in option.replace(";", ",").split(",") if r.strip()]
    unknown = unknown_rules(rules)
    if unknown:
        raise UsageError(
            f"{name}: unknown rule{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}",
            hint=f"rules: {', '.join(RULES)}",
        )
    return rules


def _baseline_keys(
    option: Path | None, config: CheckConfig, root: Path, writing: bool
) -> tuple[Path | None, BaselineKeys | None]:
    if option is not None:
        path = option.resolve()
    elif config.baseline:
        path = root / config.baseline
    else:
        return None, None
    _inside(path, root, "the baseline")
    if writing:
        return path, None
    return path, read_baseline(path, _inside(path, root, "the baseline") or path.name)


def _print_text(result: CheckResult, text: str) -> None:
    if not stdout.is_terminal:
        typer.echo(text, nl=False)
        return
    lines = text.rstrip("\n").split("\n")
    for line in lines[:-1]:
        if line and not line.startswith(" "):
            stdout.print(Text(line, style="bold"))
        elif "  error  " in line:
            stdout.print(Text(line, style="red"))
        else:
            stdout.print(Text(line))
    stdout.print(Text(lines[-1], style="bold red" if result.exit_code else "bold green"))


@app.command("check")
def check(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="PATH",
            help="Files or folders to check (default: the source roots, else all).",
        ),
    ] = None,
    repo: Annotated[
        Path | None,
        typer.Option(
            "--repo",
            metavar="DIR",
            help="The repository (default: the git work tree around PATH).",
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            metavar="FILE",
            help="A pyproject.toml or hoc-migrate.toml (default: found).",
        ),
    ] = None,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="The report's format.")
    ] = ReportFormat.text,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write the report to this file (in the repository).",
        ),
    ] = None,
    domain: Annotated[
        str | None, typer.Option("--domain", metavar="NAME", help="Only this domain.")
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Write --output even over a file git tracks or in .git."),
    ] = False,
    audience: Annotated[
        str | None,
        typer.Option(
            "--audience",
            metavar="NAME",
            help="Only this audience (cus, fdr, int or the long names).",
        ),
    ] = None,
    select: Annotated[
        str | None,
        typer.Option("--select", metavar="RULES", help="Only these rules (comma-separated)."),
    ] = None,
    ignore: Annotated[
        str | None,
        typer.Option("--ignore", metavar="RULES", help="Not these rules (comma-separated)."),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline", metavar="FILE", help="Baseline file: fail only on findings not in it."
        ),
    ] = None,
    write_baseline: Annotated[
        bool, typer.Option("--write-baseline", help="Record today's findings; exit 0.")
    ] = False,
    statistics: Annotated[
        bool,
        typer.Option(
            "--statistics",
            help="Count the findings per rule instead of listing them (text or json).",
        ),
    ] = False,
    exit_zero: Annotated[
        bool,
        typer.Option(
            "--exit-zero", help="Exit 0 even when errors remain (2 still: could not run)."
        ),
    ] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Parse every file again.")] = False,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, metavar="N", help="Parser processes (default: CPUs)."),
    ] = None,
) -> None:
    """Check the layer rules (see the rule book); exit 1 when errors remain."""
    code = 0
    with errors_to_exit_codes():
        if statistics and fmt not in (ReportFormat.text, ReportFormat.json):
            raise UsageError(
                f"--statistics counts the findings as text or json, not {fmt.value}",
                hint="use --format text or json with --statistics",
            )
        given = list(paths or [])
        missing = [p for p in given if not p.exists()]
        if missing:
            raise UsageError("no such path", [Problem(str(p)) for p in missing])
        root = find_check_root(given, repo)
        rel_paths = [_inside(p, root, "the path") for p in given]
        settings = load_check_config(
            root, given[0].resolve() if given else None, config_file=config
        )
        selected = _rule_list(select, "--select")
        ignored = _rule_list(ignore, "--ignore") or []
        baseline_path, keys = _baseline_keys(baseline, settings, root, write_baseline)
        target = None
        if write_baseline:  # refused before the check runs
            wanted = baseline_path or root / DEFAULT_BASELINE
            target = output_target(wanted, root, option="the baseline", tracked_ok=True)
        elif output is not None:
            target = output_target(output, root, option="--output", force=force)
        # In the git directory (or the user's cache outside git): never in the checked tree.
        cache_dir = None if no_cache or not settings.cache else cache_folder(root)
        vouched_by: list[tuple[str, str, Any]] = []
        result = run_check(
            DiskTree(root),
            settings,
            paths=rel_paths,
            domain=domain,
            audience=audience,
            rules=selected,
            ignore=ignored,
            cache_dir=cache_dir,
            jobs=jobs,
            baseline=keys,
            on_stored_result=vouched_by.extend,
            progress=progress(),
        )
        if write_baseline:
            assert target is not None
            write_output(target, root, render_baseline(result.findings).encode("utf-8"))
            recorded = sum(1 for f in result.findings if f.is_active)
            stderr.print(f"wrote {recorded} findings to {target}", markup=False)
            return
        if not rel_paths and domain is None and audience is None:
            _require_classified(result, settings)
        report = render_statistics(result, fmt) if statistics else render(result, fmt)
        code = 0 if exit_zero else result.exit_code
        told = _stderr_text(result, settings, root, cache_dir, baseline_path)
        if output is None and _plain_streams():
            # What a terminal-less run prints, written as is, and kept for replay when the
            # result was the stored one (nothing changed: the next identical run replays it).
            out, err = (
                report.encode(*_codec(sys.stdout)),
                told.encode(*_codec(sys.stderr)),
            )
            sys.stdout.flush()
            sys.stdout.buffer.write(out)
            sys.stdout.buffer.flush()
            sys.stderr.buffer.write(err)
            sys.stderr.buffer.flush()
            if vouched_by and _invocation.command_line is not None:
                watched = _watched(root, given, repo, config, baseline_path)
                record(
                    root,
                    _invocation.command_line,
                    answers=vouched_by,
                    watched=watched,
                    stdout=out,
                    stderr=err,
                    code=code,
                )
            raise typer.Exit(code)
        if target is not None:
            write_output(target, root, report.encode("utf-8"))
            stderr.print(summary_line(result), markup=False)
        elif fmt == "text" and not statistics:
            _print_text(result, report)
        else:
            typer.echo(report, nl=False)
        if told:
            stderr.print(told.rstrip("\n"), markup=False, style="dim")
    raise typer.Exit(code)


def _require_classified(result: CheckResult, config: CheckConfig) -> None:
    """A check of the whole project that put no file in a layer checked nothing: it says so
    (exit 2) instead of passing."""
    if config.contracts or any(info.layer is not None for info in result.files.values()):
        return
    files = result.stats.files
    where = ", ".join(r or "." for r in result.stats.source_roots)
    if files == 0:
        summary = f"no Python file found under the source roots ({where}): nothing was checked"
    else:
        summary = (
            f"none of the {files} Python file{'s' if files != 1 else ''} under {where} is in a "
            "layer: nothing was checked"
        )
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


def _stderr_text(
    result: CheckResult,
    settings: CheckConfig,
    root: Path,
    cache_dir: Path | None,
    baseline: Path | None,
) -> str:
    """What the check says on stderr after its report: what it checked (not with -q) and,
    with -v, where its configuration, cache and baseline came from."""
    if quiet():
        return ""
    stats = result.stats
    lines = []
    if verbose():
        lines += [
            f"configuration: {settings.origin or 'none found (the defaults)'}",
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
    lines.append(
        f"checked {stats.files} file{'' if stats.files == 1 else 's'} "
        f"({stats.parsed} parsed, {stats.cached} from cache, "
        f"{stats.skipped} outside the layers); source roots: "
        f"{', '.join(r or '.' for r in stats.source_roots)}"
        + (" (found)" if stats.roots_discovered else "")
    )
    return "\n".join(lines) + "\n"


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _plain_streams() -> bool:
    """Neither stream a terminal nor styled: the output is plain text, the same bytes rich
    and typer would write, so it can be written (and replayed) as bytes."""
    return (
        plain_output()
        and not stdout.is_terminal
        and not stderr.is_terminal
        and stdout.color_system is None
        and stderr.color_system is None
        and hasattr(sys.stdout, "buffer")
        and hasattr(sys.stderr, "buffer")
    )


def _codec(stream: object) -> tuple[str, str]:
    return getattr(stream, "encoding", None) or "utf-8", getattr(stream, "errors", None) or "strict"


def _watched(
    root: Path,
    given: list[Path],
    repo: Path | None,
    config: Path | None,
    baseline: Path | None,
) -> list[Watched]:
    """Everything outside the tree this command looked at or for: the `.git` markers and
    configuration files from each starting folder up (they decide the root and the
    configuration), the configuration given, the baseline."""
    starts = [Path.cwd(), root, *(p.resolve() for p in given)]
    if repo is not None:
        starts.append(repo.resolve())
    paths: list[Path] = []
    for start in starts:
        for folder in (start, *start.parents):
            paths += [folder / ".git", folder / CONFIG_FILE, folder / PYPROJECT]
            paths += [folder / name for name in INI_FILES]  # import-linter's contracts
    paths += [p for p in (config, baseline) if p is not None]
    return watched_paths(paths)
