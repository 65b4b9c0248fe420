"""Move one module in a generated ~2,000-module tree: our codemod against rope and LibCST.

    .venv/bin/python benchmarks/move_bench.py [--modules 2000] [--big 20000] [--no-rope]

Cases: nearly every module imports the moved module (worst) and 1% do (typical). Each tool
works on its own copy of the same tree, and its outcome is checked: how many modules still
import the old name, how many import the new one. Also: our typical-case time on a tree ten
times bigger (time should follow the number of importers, not the size of the tree).

* ours: what `hoc-migrate plan` runs, a one-step plan (`move`) through `prepare_migration`
  and `compute` (list and read every file through the repository view, prefilter, rewrite
  the candidates in a batch, fast path or LibCST, in parallel when there are many), then the
  change set written into the copy.
* rope: `rope.refactor.move.MoveModule` into the destination package (one process).
* LibCST: `python -m libcst.tool codemod rename.RenameCommand` (all cores), then the file
  is moved (RenameCommand rewrites references only).
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hoc_migrate.adapters.codemod_runner import LibcstCodemods  # noqa: E402
from hoc_migrate.core.changes import ChangeKind, ChangeSet  # noqa: E402
from hoc_migrate.ports import ReferenceFile  # noqa: E402
from hoc_migrate.services.migration import compute, prepare_migration  # noqa: E402

OLD = "bench.core.target"
NEW = "bench.schemas.target"
OLD_PATH = "bench/core/target.py"
NEW_PATH = "bench/schemas/target.py"
PACKAGE_SIZE = 50

TARGET = '''\
"""The module every benchmark moves."""

from dataclasses import dataclass

from .helpers import scale


@dataclass
class Record:
    name: str
    amount: int


def compute(value: int) -> int:
    return scale(value) + 1
'''

# How importers refer to the target, in rotation: every import form the codemod handles.
IMPORT_FORMS = [
    ("from bench.core.target import Record, compute\n", "compute(value)"),
    ("import bench.core.target as target_mod\n", "target_mod.compute(value)"),
    ("from ..core import target\n", "target.compute(value)"),
    ("import bench.core.target\n", "bench.core.target.compute(value)"),
    ("from ..core.target import compute\n", "compute(value)"),
]


ABSOLUTE_FORMS = [form for form in IMPORT_FORMS if not form[0].startswith("from .")]


def module_source(
    package: int, index: int, imports_target: bool, serial: int, forms: list[tuple[str, str]]
) -> str:
    """A plausible module: stdlib imports, a neighbour import, a class and functions."""
    neighbour = f"mod_{(index + 1) % PACKAGE_SIZE}"
    import_line, call = forms[serial % len(forms)] if imports_target else ("", "0")
    return f'''\
"""Generated module {package}.{index}."""

from __future__ import annotations

import json
import logging
from typing import Any

{import_line}from . import {neighbour}

logger = logging.getLogger(__name__)


class Service{index}:
    """Does things with values."""

    def __init__(self, factor: int = {index}) -> None:
        self.factor = factor

    def run(self, value: int) -> int:
        logger.debug("running %s", value)
        return value * self.factor + {call}

    def dump(self, data: dict[str, Any]) -> str:
        return json.dumps(data, sort_keys=True)


def helper_{index}(values: list[int]) -> int:
    total = 0
    for value in values:
        if value % 2:
            total += value
        else:
            total -= {neighbour}.__name__.count("_")
    return total
'''


def generate(
    root: Path, modules: int, importer_share: float, forms: list[tuple[str, str]] = IMPORT_FORMS
) -> int:
    """Write the tree; return how many modules import the target."""
    files = {
        "bench/__init__.py": "",
        "bench/core/__init__.py": "",
        "bench/core/helpers.py": "def scale(value: int) -> int:\n    return value * 2\n",
        OLD_PATH: TARGET,
        "bench/schemas/__init__.py": "",
    }
    every = max(1, round(1 / importer_share))
    importers = 0
    for serial in range(modules):
        package, index = divmod(serial, PACKAGE_SIZE)
        files.setdefault(f"bench/pkg_{package}/__init__.py", "")
        imports_target = serial % every == 0
        importers += imports_target
        files[f"bench/pkg_{package}/mod_{index}.py"] = module_source(
            package, index, imports_target, serial // every, forms
        )
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return importers


def python_files(root: Path) -> Iterator[Path]:
    for folder, _dirs, names in os.walk(root):
        for name in names:
            if name.endswith(".py"):
                yield Path(folder, name)


def module_of(root: Path, path: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


# --- the three tools --------------------------------------------------------------------


class TimedCodemods(LibcstCodemods):
    """The planner's codemods, timing the prefilter and the batch rewrite."""

    def __init__(self) -> None:
        self.prefilter = self.rewrite = 0.0
        self.candidates = 0

    def may_reference(self, source: bytes, *, renames: Mapping[str, str]) -> bool:
        start = time.perf_counter()
        try:
            return super().may_reference(source, renames=renames)
        finally:
            self.prefilter += time.perf_counter() - start

    def rewrite_references_batch(
        self,
        files: Sequence[ReferenceFile],
        *,
        renames: Mapping[str, str],
        names: Sequence[str] | None = None,
        relative: str = "keep",
        protected: frozenset[str] = frozenset(),
        shadowed: frozenset[str] = frozenset(),
    ) -> list[bytes]:
        start = time.perf_counter()
        try:
            return super().rewrite_references_batch(
                files,
                renames=renames,
                names=names,
                relative=relative,
                protected=protected,
                shadowed=shadowed,
            )
        finally:
            self.rewrite += time.perf_counter() - start
            self.candidates += len(files)


def write_changes(root: Path, changes: ChangeSet) -> None:
    """What applying does to the files (without git): deletions first, then contents."""
    after = set(changes.paths_after())
    for change in changes.changes:
        if change.kind is ChangeKind.RENAMED and change.old_path not in after:
            (root / str(change.old_path)).unlink()
        elif change.kind is ChangeKind.DELETED and change.path not in after:
            (root / change.path).unlink()
    for change in changes.changes:
        if change.after is not None:
            path = root / change.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(change.after)


def run_ours(root: Path) -> dict[str, float]:
    """The planner on a one-step plan; returns the phases (seconds) and the candidates."""
    plan = root.parent / f"{root.name}.plan.yaml"  # outside the tree, as a user's plan may be
    plan.write_text(
        "name: bench-move\nsource_roots: ['.']\nsteps:\n"
        f"  - move: {{from: {OLD_PATH}, to: {NEW_PATH}}}\n",
        encoding="utf-8",
    )
    start = time.perf_counter()
    migration = prepare_migration(plan, root)
    codemods = TimedCodemods()
    migration.codemods = codemods
    result = compute(migration)
    planned = time.perf_counter()
    write_changes(root, result.changes)
    written = time.perf_counter()
    return {
        "prefilter": codemods.prefilter,
        "rewrite": codemods.rewrite,
        "rest of plan": planned - start - codemods.prefilter - codemods.rewrite,
        "write": written - planned,
        "candidates": codemods.candidates,
    }


def run_rope(root: Path) -> None:
    from rope.base.project import Project
    from rope.refactor.move import MoveModule

    project = Project(str(root), ropefolder=None)
    try:
        mover = MoveModule(project, project.get_resource(OLD_PATH))
        project.do(mover.get_changes(project.get_resource("bench/schemas")))
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
    (root / OLD_PATH).rename(root / NEW_PATH)


# --- outcome ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    still_old: int  # modules that still import the old name
    now_new: int  # modules that import the new name
    failing: int  # modules that fail to import or to run the code using the target


# Imports every generated module and runs its Service (which calls into the target).
RUNTIME_CHECK = """
import importlib, sys
failing = 0
for name in sys.argv[1:]:
    try:
        module = importlib.import_module(name)
        index = name.rpartition("_")[2]
        if ".mod_" in name:
            getattr(module, "Service" + index)().run(1)
    except Exception:
        failing += 1
print(failing)
"""


def runtime_failures(root: Path) -> int:
    modules = sorted(module_of(root, p)[0] for p in python_files(root))
    done = subprocess.run(
        [sys.executable, "-B", "-c", RUNTIME_CHECK, *modules],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    return int(done.stdout.strip()) if done.returncode == 0 else len(modules)


def imported_modules(tree: ast.Module, package: str) -> set[str]:
    """Every dotted name a module imports, `from a import b` counted as `a` and `a.b`."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([base] if base else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def outcome(root: Path) -> Outcome:
    still_old = now_new = 0
    for path in python_files(root):
        module, is_package = module_of(root, path)
        if module == NEW:
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError:
            continue  # counted by the runtime check
        package = module if is_package else module.rpartition(".")[0]
        names = imported_modules(tree, package)
        still_old += OLD in names
        now_new += NEW in names
    return Outcome(still_old, now_new, runtime_failures(root))


# --- the runs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    tool: str
    case: str
    modules: int
    importers: int
    seconds: float
    result: Outcome | None
    error: str = ""
    phases: dict[str, float] | None = None


Tool = Callable[[Path], "dict[str, float] | None"]


def timed(tool: str, run: Tool, tree: Path, case: str, sizes: tuple[int, int]) -> Run:
    copy = tree.parent / f"{tree.name}-{tool}"
    shutil.copytree(tree, copy)
    start = time.perf_counter()
    try:
        phases = run(copy)
    except Exception as error:  # a tool failing is a benchmark result, not a crash
        return Run(tool, case, *sizes, time.perf_counter() - start, None, repr(error)[:200])
    seconds = time.perf_counter() - start
    return Run(tool, case, *sizes, seconds, outcome(copy), phases=phases)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=2000)
    parser.add_argument("--big", type=int, default=20000, help="typical case, ours only (0: skip)")
    parser.add_argument("--no-rope", action="store_true", help="skip rope (slow on big trees)")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)

    tools: list[tuple[str, Tool]] = [("ours", run_ours)]
    if not args.no_rope:
        tools.append(("rope", run_rope))
    tools.append(("libcst", run_libcst))

    work = Path(tempfile.mkdtemp(prefix="move-bench-", dir=args.workdir))
    runs: list[Run] = []
    try:
        cases = [
            ("worst", 0.999, IMPORT_FORMS),
            ("typical", 0.01, IMPORT_FORMS),
            # rope crashes on relative importers: the same worst case with absolute ones only.
            ("worst-abs", 0.999, ABSOLUTE_FORMS),
        ]
        for case, share, forms in cases:
            modules = args.modules
            tree = work / f"{case}-{modules}"
            importers = generate(tree, modules, share, forms)
            for tool, run in tools:
                runs.append(timed(tool, run, tree, case, (modules, importers)))
                print_run(runs[-1])
        if args.big:
            # Ten times the tree: with 1% importers (10x the importers), and with the same
            # number of importers as the small typical case.
            for case, share in (("typical", 0.01), ("same-imp", 0.01 * args.modules / args.big)):
                tree = work / f"{case}-{args.big}"
                importers = generate(tree, args.big, share)
                runs.append(timed("ours", run_ours, tree, case, (args.big, importers)))
                print_run(runs[-1])
                shutil.rmtree(tree)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print_table(runs)
    return 0


def print_run(run: Run) -> None:
    print(
        f"  done: {run.tool:7} {run.case:9} {run.modules:6} modules  {run.seconds:8.2f}s",
        flush=True,
    )


def print_table(runs: list[Run]) -> None:
    ours = {(r.case, r.modules): r.seconds for r in runs if r.tool == "ours"}
    header = f"{'case':9} {'modules':>7} {'importers':>9} {'tool':7} {'seconds':>8} {'x ours':>7}"
    print(header + f"  {'still old':>9} {'now new':>7} {'failing':>7}")
    print("-" * (len(header) + 28))
    for r in runs:
        ratio = f"{r.seconds / ours[(r.case, r.modules)]:7.1f}" if r.tool != "ours" else "      -"
        line = f"{r.case:9} {r.modules:7} {r.importers:9} {r.tool:7} {r.seconds:8.2f} {ratio}"
        if r.result is None:
            print(f"{line}  FAILED: {r.error}")
        else:
            o = r.result
            print(f"{line}  {o.still_old:9} {o.now_new:7} {o.failing:7}")
    print(
        "\nours, by phase (rest of plan: list and read every file, overlay and diffs; "
        "rewrite: fast path or LibCST on the candidates; write: the change set to disk):"
    )
    for r in runs:
        if r.tool == "ours" and r.phases:
            p = r.phases
            print(
                f"  {r.case:9} {r.modules:6} modules, {r.importers:5} importers: "
                f"prefilter {p['prefilter']:5.2f}s, rewrite {p['rewrite']:5.2f}s "
                f"({p['candidates']:.0f} candidates), rest of plan {p['rest of plan']:5.2f}s, "
                f"write {p['write']:5.2f}s"
            )
    ours_runs = {(r.case, r.modules): r for r in runs if r.tool == "ours"}
    small = ours_runs.get(("typical", min(m for _c, m in ours_runs)))
    for case in ("typical", "same-imp"):
        big = [r for (c, m), r in ours_runs.items() if c == case and small and m > small.modules]
        for r in big:
            assert small is not None
            print(
                f"ours, {r.modules / small.modules:.0f}x the modules, "
                f"{small.importers} -> {r.importers} importers: "
                f"{r.seconds / small.seconds:.1f}x the time ({small.seconds:.2f}s -> {r.seconds:.2f}s)"
            )


if __name__ == "__main__":
    raise SystemExit(main())
