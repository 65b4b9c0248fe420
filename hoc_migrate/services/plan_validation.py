"""Checks a valid plan against the tree before anything runs, reporting every problem.

It simulates the steps on file paths only (cheap: no parsing), so it can say that a source
is missing, that a destination is taken (or freed by an earlier step), that a path leaves
the repository, or that two steps fight over one file, all in one report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol, runtime_checkable

from hoc_migrate.core.errors import PlanError, Problem
from hoc_migrate.core.modules import module_for_path, normalize_root
from hoc_migrate.core.paths import (
    ancestors,
    clean,
    init_move_problem,
    is_glob,
    is_package_init,
    match_glob,
    path_problem,
)
from hoc_migrate.core.plan import Plan, Step, final_location, made_by_earlier_step
from hoc_migrate.ports import TreeReader
from hoc_migrate.services.plan_layers import (
    LayerView,
    header_problems,
    rewrite_name_problems,
    rewrite_target_problems,
)

Report = Callable[["Step | None", str], None]

PATH_KEYS = {
    "move": ("from", "to"),
    "fix_header": ("path",),
    "extract_schema": ("from", "to"),
    "split_hybrid": ("path", "driver", "engine"),
    "rewrite_import": (),
}


@runtime_checkable
class LinkAware(Protocol):
    """Trees that know about symlinks (the disk); in-memory trees have none."""

    def is_symlink(self, path: str) -> bool: ...

    def symlinks(self, under: str) -> list[str]: ...


class _Files:
    """The set of files as the plan's steps would leave it."""

    def __init__(self, files: Iterable[str]) -> None:
        self.files = set(files)
        self.moved_by: dict[str, int] = {}  # path freed by a move -> step index
        self.generated: set[str] = set()  # the __init__.py files of folders a move creates

    def is_file(self, path: str) -> bool:
        return path in self.files

    def under(self, folder: str) -> list[str]:
        prefix = folder + "/"
        return [f for f in self.files if f.startswith(prefix)]

    def exists(self, path: str) -> bool:
        return self.is_file(path) or bool(self.under(path))


def validate_against_tree(
    plan: Plan,
    tree: TreeReader,
    source_roots: Iterable[str],
    *,
    links: LinkAware | None = None,
    topology: LayerView | None = None,
) -> None:
    """Raise PlanError listing every problem of `plan` on `tree`; return when it can run.

    Symbolic links are looked for in `tree` (the disk or a commit) and in `links` (the
    working tree, when the plan runs on a commit). With `topology`, the layers and headers
    the steps name are checked too."""
    roots = tuple(source_roots)
    problems: list[Problem] = []

    def problem(step: Step | None, message: str) -> None:
        problems.append(
            Problem(
                message,
                file=plan.file,
                line=step.line if step else None,
                context=step.label if step else None,
            )
        )

    for root in roots:
        # '' (or '.') is the repository root: a flat project's packages sit there.
        if normalize_root(root) and (path_problem(root) or not tree.is_dir(clean(root))):
            problem(None, f"source root '{root}' is not a folder of the repository")
    for scope in plan.scope:
        if (p := path_problem(scope)) is not None:
            problem(None, f"scope: {p}")
    for entry in plan.debt:
        if (p := path_problem(entry.path)) is not None:
            problem(None, f"debt: {p}")
    # The verification command runs in the branch's worktree, never anywhere else.
    if plan.verify.command_cwd is not None and (p := path_problem(plan.verify.command_cwd)):
        problem(None, f"verify.command_cwd: {p}")

    # The commit a plan runs on and the working tree can each hold links the other has not.
    link_views = [view for view in (tree, links) if isinstance(view, LinkAware)]
    files = _Files(tree.iter_files())
    written: dict[str, int] = {}  # path -> first step that creates or moves a file there

    for step in plan.steps:
        paths = {k: step.get(k) for k in PATH_KEYS[step.kind] if step.get(k) is not None}
        bad = False
        for key, raw in paths.items():
            if (why := path_problem(str(raw))) is not None:
                problem(step, f"'{key}': {why}")
                bad = True
            elif _through_link(link_views, clean(str(raw))):
                problem(
                    step,
                    f"'{key}': {raw} is or passes through a symbolic link; "
                    "hoc-migrate does not move or write through links",
                )
                bad = True
        clean_paths = {k: clean(str(v)) for k, v in paths.items()}
        if not bad and step.kind == "move" and "from" in clean_paths:
            inside = sorted({link for v in link_views for link in v.symlinks(clean_paths["from"])})
            if inside:
                shown = ", ".join(inside[:3]) + (" ..." if len(inside) > 3 else "")
                problem(
                    step,
                    f"'from': {clean_paths['from']} holds symbolic links ({shown}); "
                    "hoc-migrate does not move links: move or remove them first",
                )
                bad = True
        if bad:
            continue
        main = clean_paths.get("from", clean_paths.get("path"))
        if step.kind != "move" and main is not None and not files.exists(main):
            later = final_location(plan.steps, step.index, main)
            if later != main and files.exists(later):
                continue  # already done, and moved on by later steps: the planner says so
        if step.kind == "move":
            _check_move(
                plan, step, clean_paths["from"], clean_paths["to"], files, roots, written, problem
            )
        elif step.kind == "fix_header":
            target = clean_paths["path"]
            matches = (
                match_glob(target, files.files)
                if is_glob(target)
                else ([target] if files.is_file(target) else [])
            )
            if not matches and files.under(target):
                problem(step, f"'path' is a folder; name its files with a glob: {target}/*.py")
            elif not matches:
                problem(step, f"'path' matches no file: {target}")
        elif step.kind == "extract_schema":
            src, dst = clean_paths["from"], clean_paths["to"]
            _need_module(step, src, "from", files, roots, problem)
            if not dst.endswith(".py") or module_for_path(dst, roots) is None:
                problem(step, f"'to' must be a .py module inside a source root: {dst}")
            if src == dst:
                problem(step, "'from' and 'to' are the same module")
            files.files.add(dst)
        elif step.kind == "split_hybrid":
            src = clean_paths["path"]
            engine = clean_paths.get("engine", src)
            split_before = (
                engine != src
                and not files.exists(src)
                and files.is_file(engine)
                and files.is_file(clean_paths["driver"])
            )
            if not split_before:  # else already done: the step checks the engine is clean
                _need_module(step, src, "path", files, roots, problem)
            for key in ("driver", "engine"):
                if key in clean_paths:
                    target = clean_paths[key]
                    if module_for_path(target, roots) is None:
                        problem(
                            step, f"'{key}' must be a .py module inside a source root: {target}"
                        )
                    if target == src and key == "driver":
                        problem(step, "'driver' must differ from 'path'")
            if "engine" in clean_paths and clean_paths["engine"] != src:
                files.files.discard(src)
                files.files.add(clean_paths["engine"])
            files.files.add(clean_paths["driver"])
    # What apply would refuse later: imports pointed at nothing, headers it cannot write.
    rewrite_target_problems(plan, files.files, roots, problem)
    rewrite_name_problems(plan, tree, files.files, roots, problem)
    header_problems(plan, files.files, topology, problem)
    if problems:
        raise PlanError(
            f"{plan.file}: the plan cannot run on this tree ({len(problems)} problem"
            f"{'s' if len(problems) != 1 else ''})",
            problems,
        )


def _through_link(views: list[LinkAware], path: str) -> bool:
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(view.is_symlink(prefix) for view in views for prefix in prefixes)


def _need_module(
    step: Step, path: str, key: str, files: _Files, roots: tuple[str, ...], report: Report
) -> None:
    if not files.is_file(path) and files.under(path):
        report(step, f"'{key}' is a folder, not a module file: {path}")
    elif not files.is_file(path):
        freed = files.moved_by.get(path)
        extra = f" (step {freed} moved it away)" if freed else ""
        report(step, f"'{key}' does not exist: {path}{extra}")
    elif module_for_path(path, roots) is None:
        report(step, f"'{key}' is not a module inside a source root: {path}")


def _check_move(
    plan: Plan,
    step: Step,
    src: str,
    dst: str,
    files: _Files,
    roots: tuple[str, ...],
    written: dict[str, int],
    report: Report,
) -> None:
    if src == dst:
        report(step, f"'{src}' is moved onto itself")
        return
    if src.lower() == dst.lower():
        report(
            step,
            f"'{src}' -> '{dst}' only changes letter case, which breaks on "
            "case-insensitive file systems (macOS, Windows); move it through another name "
            "in two plans",
        )
        return
    is_file, is_dir = files.is_file(src), not files.is_file(src) and bool(files.under(src))
    if not (is_file or is_dir):
        later = final_location(plan.steps, step.index, dst)
        done = files.exists(dst) or files.exists(later)
        # Already done (here or by later moves), or a folder of the plan's own that later
        # steps emptied: the planner says so.
        if done or made_by_earlier_step(plan.steps, step.index, src):
            return
        freed = files.moved_by.get(src)
        extra = f" (step {freed} moved it away)" if freed else ""
        report(step, f"'from' does not exist: {src}{extra}")
        return
    if is_file and (not src.endswith(".py") or not dst.endswith(".py")):
        report(step, "a file move goes from a .py file to a .py file")
        return
    if is_file and is_package_init(src) and (why := init_move_problem(src, files.files)):
        report(step, why)
        return
    if is_dir and (dst + "/").startswith(src + "/"):
        report(step, f"cannot move the package {src} into itself")
        return
    if is_dir and dst.endswith(".py"):
        report(step, f"{src} is a folder: a package moves to a folder, not to a file ({dst})")
        return
    for key, path in (("from", src), ("to", dst)):
        probe = path if is_file else f"{path}/__init__.py"
        if module_for_path(probe, roots) is None:
            report(
                step,
                f"'{key}' is not an importable module path inside a source root "
                f"({', '.join(roots) or '.'}): {path}",
            )
            return
    if files.exists(dst):
        by = written.get(dst)
        extra = f" (step {by} puts a file there)" if by else ""
        report(step, f"'to' already exists: {dst}{extra}")
        return
    # New folders become packages when the code came from one (as the move step does).
    if files.is_file(f"{src.rpartition('/')[0]}/__init__.py"):
        for folder in ancestors(dst):
            if not files.exists(folder) and any(folder.startswith(r + "/") for r in roots if r):
                files.files.add(f"{folder}/__init__.py")
                files.generated.add(f"{folder}/__init__.py")
    moving = [src] if is_file else files.under(src)
    for old in moving:
        new = dst + old[len(src) :]
        files.files.discard(old)
        files.files.add(new)
        files.moved_by[old] = step.index
        written[new] = step.index
    # As the move step does: a created folder the move empties goes away again.
    if not step.get("shim", False):
        for folder in reversed(ancestors(src)):
            marker = f"{folder}/__init__.py"
            if files.under(folder) != [marker] or marker not in files.generated:
                break
            files.files.discard(marker)
