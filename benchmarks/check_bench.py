"""`hoc-migrate check`, cold and warm, against import-linter on a generated HOC tree.

    .venv/bin/python benchmarks/check_bench.py [--files 2000] [--lines 800000] [--repeat 3]

One synthetic tree (benchmarks/gen_tree.py) in a new git repository (as a CI checkout is),
two tools, each run as its command line in a fresh process, the median of `--repeat` runs:

* hoc-migrate cold: `hoc-migrate check --no-cache` (every file parsed, in worker processes);
* hoc-migrate first: `hoc-migrate check` with its state folder (`.git/hoc-migrate/`) removed
  (cold, and it fills the cache);
* hoc-migrate stored: `hoc-migrate check` after a run that filled `.git/hoc-migrate/cache`, its
  replay removed (the tree unchanged: the stored result, every file's stat checked, none
  read, the report rendered);
* hoc-migrate warm: `hoc-migrate check` after the same command ran on the unchanged tree:
  the steady state of a repeated check (its output replayed: every file's stat checked, the
  checker and typer not even imported);
* import-linter cold: `lint-imports` with its `.import_linter_cache` removed, with a
  contract set equivalent to the HOC layer rules as far as import-linter can say them (a
  layers contract per domain container, engines/schemas forbidden to import
  sqlalchemy/sqlmodel/app.models, the HOC tree forbidden to import app.services);
  import-linter has no TYPE_CHECKING exemption, no header layers and no naming rules;
* import-linter warm: the same after a run that filled its cache.

Also the checker's own time in-process (`run_check`, without the CLI's start-up): cold,
warm, and warm without the stored result (facts from the cache, the rules evaluated).
Prints files, lines, seconds, peak memory (largest process, workers included) and the
ratios.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from gen_tree import TreeStats, generate_hoc_tree  # noqa: E402

BIN = Path(sys.executable).parent
# Runs a command in a child process and reports its wall time and the peak RSS of the
# largest process among its descendants (workers included).
MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_kb": peak, "code": done.returncode}))
"""


@dataclass
class Timing:
    tool: str
    mode: str
    seconds: float
    peak_mb: float
    exit_code: int


def measure(command: list[str], cwd: Path, repeat: int, before: list[str] | None = None) -> Timing:
    runs = []
    for _ in range(repeat):
        if before is not None:
            subprocess.run(before, cwd=cwd, capture_output=True, check=False)
        out = subprocess.run(
            [sys.executable, "-c", MEASURE, *command],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(out.stdout))
    seconds = statistics.median(r["seconds"] for r in runs)
    peak = max(r["peak_kb"] for r in runs) / 1024
    return Timing("", "", seconds, peak, runs[-1]["code"])


def importlinter_config(stats: TreeStats) -> str:
    engines = [p for p in stats.packages if p.endswith((".engines", ".schemas"))]
    lines = [
        "[importlinter]",
        "root_package = app",
        "include_external_packages = True",
        "",
        "[importlinter:contract:domain-layers]",
        "name = HOC layers inside each domain",
        "type = layers",
        "containers =",
        *(f"    {d}" for d in stats.domains),
        "layers =",
        "    adapters",
        "    facades",
        "    engines : schemas",
        "    drivers",
        "",
        "[importlinter:contract:no-db-in-engines]",
        "name = Engines and schemas import no sqlalchemy, sqlmodel or models",
        "type = forbidden",
        "allow_indirect_imports = True",
        "source_modules =",
        *(f"    {p}" for p in engines),
        "forbidden_modules =",
        "    sqlalchemy",
        "    sqlmodel",
        "    app.models",
        "",
        "[importlinter:contract:no-legacy]",
        "name = The HOC tree imports no legacy services",
        "type = forbidden",
        "allow_indirect_imports = True",
        "source_modules =",
        "    app.hoc",
        "forbidden_modules =",
        "    app.services",
        "",
    ]
    return "\n".join(lines)


def in_process(root: Path, repeat: int) -> tuple[float, float, float, int, int]:
    """(cold, warm, warm-without-stored-result seconds, errors, files) of run_check without
    the CLI; the warm figures are medians of `repeat` runs."""
    from hoc_migrate.adapters.filesystem import DiskTree
    from hoc_migrate.core.layers.config import CheckConfig
    from hoc_migrate.services.check import run_check

    cache = root / ".git" / "hoc-migrate" / "bench-cache"
    shutil.rmtree(cache, ignore_errors=True)

    def timed() -> float:
        start = time.perf_counter()
        run_check(DiskTree(root), CheckConfig(), cache_dir=cache)
        return time.perf_counter() - start

    start = time.perf_counter()
    result = run_check(DiskTree(root), CheckConfig(), cache_dir=cache)
    cold = time.perf_counter() - start
    warm = statistics.median(timed() for _ in range(repeat))
    facts_only = []
    for _ in range(repeat):
        for stored in cache.glob("result-*"):
            stored.unlink()
        facts_only.append(timed())
    return cold, warm, statistics.median(facts_only), len(result.errors()), result.stats.files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--lines", type=int, default=800_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="Generate the tree here and keep it.")
    args = parser.parse_args(argv)

    workdir = args.keep or Path(tempfile.mkdtemp(prefix="hoc-check-bench-"))
    try:
        start = time.perf_counter()
        stats = generate_hoc_tree(workdir, files=args.files, lines=args.lines, seed=args.seed)
        # hoc-migrate keeps its cache in the git directory (outside git: the user's cache).
        subprocess.run(["git", "init", "-q", str(workdir)], check=True)
        print(
            f"tree: {stats.files} files, {stats.lines:,} lines "
            f"(generated in {time.perf_counter() - start:.1f}s) in {workdir}"
        )
        config = workdir / ".importlinter"
        config.write_text(importlinter_config(stats), encoding="utf-8")
        # A file changed less than 2 s before a run is "racy" (its stat cannot vouch for
        # it): let the new tree age past that, as any tree in use has.
        time.sleep(max(0.0, 2.5 - (time.perf_counter() - start)))
        hoc = [str(BIN / "hoc-migrate"), "check", "--repo", str(workdir), "-f", "json"]
        lint = [str(BIN / "lint-imports"), str(config), "--no-logo"]
        backend = stats.source_root
        clear_hoc = ["rm", "-rf", str(workdir / ".git" / "hoc-migrate")]
        clear_lint = ["rm", "-rf", str(backend / ".import_linter_cache")]
        replays = workdir / ".git" / "hoc-migrate" / "cache" / "replay-*"
        # A run, then no replay left: the next run checks and gets the stored result.
        no_replay = ["sh", "-c", f"{shlex.join(hoc)} >/dev/null 2>&1; rm -f {replays}"]
        timings = []
        for tool, mode, command, cwd, before in (
            ("hoc-migrate", "cold", [*hoc, "--no-cache"], workdir, None),
            ("hoc-migrate", "first", hoc, workdir, clear_hoc),
            ("hoc-migrate", "stored", hoc, workdir, no_replay),
            ("hoc-migrate", "warm", hoc, workdir, hoc),
            ("import-linter", "cold", lint, backend, clear_lint),
            ("import-linter", "warm", lint, backend, lint),
        ):
            timing = measure(command, cwd, args.repeat, before)
            timing.tool, timing.mode = tool, mode
            timings.append(timing)
        cold_in, warm_in, facts_in, errors, files = in_process(workdir, args.repeat)
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)

    print(f"\n{'tool':<15}{'mode':<7}{'seconds':>9}{'peak MB':>9}{'exit':>6}")
    for t in timings:
        print(f"{t.tool:<15}{t.mode:<7}{t.seconds:>9.2f}{t.peak_mb:>9.0f}{t.exit_code:>6}")
    by = {(t.tool, t.mode): t.seconds for t in timings}
    print(
        f"\nrun_check in-process (no CLI start-up): cold {cold_in:.2f}s, warm {warm_in:.3f}s, "
        f"warm without the stored result {facts_in:.3f}s; {files} files, {errors} errors"
    )
    print("ratios:")
    print(
        "  import-linter cold / hoc-migrate cold: "
        f"{by[('import-linter', 'cold')] / by[('hoc-migrate', 'cold')]:.2f}"
    )
    print(
        "  hoc-migrate cold / hoc-migrate warm:   "
        f"{by[('hoc-migrate', 'cold')] / by[('hoc-migrate', 'warm')]:.1f}x"
    )
    print(
        "  import-linter warm / hoc-migrate warm: "
        f"{by[('import-linter', 'warm')] / by[('hoc-migrate', 'warm')]:.2f}"
    )
    print(
        "  import-linter cold / hoc-migrate warm: "
        f"{by[('import-linter', 'cold')] / by[('hoc-migrate', 'warm')]:.2f}"
    )
    print(
        "  import-linter cold / hoc-migrate stored: "
        f"{by[('import-linter', 'cold')] / by[('hoc-migrate', 'stored')]:.2f}"
    )
    print(f"  import-linter cold / run_check warm:   {by[('import-linter', 'cold')] / warm_in:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
