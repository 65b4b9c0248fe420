"""Rename a whole package in a generated ~2,000-module tree: ours against rope and LibCST.

    .venv/bin/python benchmarks/package_bench.py [--modules 2000] [--inside 400] [--no-rope]

The package `bench/core` holds the module every importer uses (`bench/core/target.py`) and
`--inside` more modules in subpackages of its own (whose relative imports stay inside it);
about 5% of the other modules import the target, in every import form. The package is
renamed to `bench/engine`. Each tool works on its own copy of the tree, and its outcome is
checked: modules still importing the old name, modules importing the new one, modules that
fail to import or run. Issue #11's case: "renaming an 800-file package in a 2,000-file
backend takes 12.6 s of dry run, although only 88 files reference it".
"""

from __future__ import annotations

import argparse
import ast
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from move_bench import (  # noqa: E402
    IMPORT_FORMS,
    PACKAGE_SIZE,
    TARGET,
    TimedCodemods,
    imported_modules,
    module_of,
    module_source,
    python_files,
    runtime_failures,
    write_changes,
)

from hoc_migrate.services.migration import compute, prepare_migration  # noqa: E402

OLD, NEW = "bench.core", "bench.engine"


def generate(root: Path, modules: int, inside: int, importer_share: float) -> int:
    """The tree; returns how many modules outside the package import its target."""
    files = {
        "bench/__init__.py": "",
        "bench/core/__init__.py": "",
        "bench/core/helpers.py": "def scale(value: int) -> int:\n    return value * 2\n",
        "bench/core/target.py": TARGET,
    }
    every = max(1, round(1 / importer_share))
    importers = 0
    for serial in range(modules):
        package, index = divmod(serial, PACKAGE_SIZE)
        folder = f"bench/core/pkg_{package}" if serial < inside else f"bench/pkg_{package}"
        files.setdefault(f"{folder}/__init__.py", "")
        outside = serial >= inside
        imports_target = outside and serial % every == 0
        importers += imports_target
        files[f"{folder}/mod_{index}.py"] = module_source(
            package, index, imports_target, serial // every, IMPORT_FORMS
        )
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return importers


def run_ours(root: Path) -> dict[str, float]:
    plan = root.parent / f"{root.name}.plan.yaml"
    plan.write_text(
        "name: bench-rename\nsource_roots: ['.']\nsteps:\n"
        "  - move: {from: bench/core, to: bench/engine}\n",
        encoding="utf-8",
    )
    start = time.perf_counter()
    migration = prepare_migration(plan, root)
    codemods = TimedCodemods()
    migration.codemods = codemods
    result = compute(migration)
    planned = time.perf_counter()
    write_changes(root, result.changes)
    return {
        "prefilter": codemods.prefilter,
        "rewrite": codemods.rewrite,
        "candidates": codemods.candidates,
        "plan": planned - start,
    }


def run_rope(root: Path) -> None:
    from rope.base.project import Project
    from rope.refactor.rename import Rename

    project = Project(str(root), ropefolder=None)
    try:
        renamer = Rename(project, project.get_resource("bench/core"))
        project.do(renamer.get_changes("engine"))
    finally:
        project.close()


def run_libcst(root: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "libcst.tool",
            "codemod",
            "rename.RenameCommand",
            "--old_name",
            OLD,
            "--new_name",
            NEW,
            "--no-format",
            "--hide-progress",
            "bench",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    (root / "bench/core").rename(root / "bench/engine")


def outcome(root: Path) -> tuple[int, int, int]:
    """(modules still importing bench.core..., importing bench.engine..., failing)."""
    still_old = now_new = 0
    for path in python_files(root):
        module, is_package = module_of(root, path)
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError:
            continue
        package = module if is_package else module.rpartition(".")[0]
        names = imported_modules(tree, package)
        still_old += any(n == OLD or n.startswith(OLD + ".") for n in names)
        now_new += any(n == NEW or n.startswith(NEW + ".") for n in names)
    return still_old, now_new, runtime_failures(root)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=2000)
    parser.add_argument("--inside", type=int, default=400)
    parser.add_argument("--share", type=float, default=0.05)
    parser.add_argument("--no-rope", action="store_true")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="package-bench-"))
    tools = [("ours", run_ours), ("libcst", run_libcst)]
    if not args.no_rope:
        tools.insert(1, ("rope", run_rope))
    try:
        tree = work / "tree"
        importers = generate(tree, args.modules, args.inside, args.share)
        print(
            f"{args.modules} modules, {args.inside} inside the renamed package, "
            f"{importers} importers outside it"
        )
        rows = []
        for tool, run in tools:
            copy = work / tool
            shutil.copytree(tree, copy)
            start = time.perf_counter()
            try:
                phases = run(copy)
                seconds = time.perf_counter() - start
                rows.append((tool, seconds, outcome(copy), phases, None))
            except Exception as error:  # a tool failing is a result
                rows.append((tool, time.perf_counter() - start, None, None, repr(error)[:200]))
            print(f"  done: {tool} {rows[-1][1]:.2f}s", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ours = rows[0][1]
    print(
        f"\n{'tool':7} {'seconds':>8} {'x ours':>7} {'still old':>9} {'now new':>7} {'failing':>7}"
    )
    for tool, seconds, result, phases, error in rows:
        ratio = "      -" if tool == "ours" else f"{seconds / ours:7.1f}"
        if result is None:
            print(f"{tool:7} {seconds:8.2f} {ratio}  FAILED: {error}")
        else:
            print(f"{tool:7} {seconds:8.2f} {ratio}  {result[0]:9} {result[1]:7} {result[2]:7}")
        if phases:
            print(
                f"        ours: prefilter {phases['prefilter']:.2f}s, rewrite {phases['rewrite']:.2f}s "
                f"({phases['candidates']:.0f} candidates), whole plan {phases['plan']:.2f}s"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
