"""Mentions of moved modules that no codemod followed: listed with file and line, never
changed. In Python files, what is left after the rewrite (a module path inside a longer
string, a comment, a docstring); in every other text file (stubs, docs, configuration,
Makefiles, shell scripts, Dockerfiles), any mention."""

from __future__ import annotations

import ast
import re
from collections.abc import Collection, Iterator, Mapping, Sequence

from hoc_migrate.core.paths import parent
from hoc_migrate.ports import TreeReader
from hoc_migrate.services.step_context import Reference
from hoc_migrate.services.steps.doctest_shims import CONFTEST, ignored_shim_lines
from hoc_migrate.services.steps.shim import SHIM_MARKER_BYTES as SHIM_MARKER
from hoc_migrate.services.steps.shim import binds

# Text files that commonly name modules: stubs, docs, packaging and tool configuration, the
# shell scripts that run them (`python -m pkg.cli`).
REVIEW_SUFFIXES = (
    ".pyi",
    ".md",
    ".rst",
    ".txt",
    ".toml",
    ".cfg",
    ".ini",
    ".yaml",
    ".yml",
    ".json",
    ".in",
    ".mk",
    ".sh",
    ".bash",
    ".zsh",
    ".ps1",
    ".bat",
    ".cmd",
    ".dockerfile",
)
# Files named, not suffixed, that run the project's tools on its modules (`stubtest pkg.mod`,
# `python -m pkg.cli`, `CMD ["python", "-m", "pkg.app"]`, `web: gunicorn pkg.wsgi:app`).
REVIEW_NAMES = (
    "Makefile",
    "makefile",
    "GNUmakefile",
    "justfile",
    "Justfile",
    "Dockerfile",
    "Containerfile",
    "Procfile",
)
MAX_REVIEW_BYTES = 2 * 1024 * 1024


def stub_references(tree: TreeReader, file_moves: Mapping[str, str]) -> list[Reference]:
    """Stubs (`x.pyi`) left beside a module that moved away: the stub names its module by
    its path, so it goes stale without mentioning it. A shim's stub (a package's old
    submodule, re-exporting the moved one) is not stale."""
    found = []
    for old, new in sorted(file_moves.items()):
        if not (old.endswith(".py") and new.endswith(".py")):
            continue
        stub, new_stub = old + "i", new + "i"
        if tree.exists(stub) and not tree.exists(old) and not tree.exists(new_stub):
            if tree.read_bytes(stub).startswith(SHIM_MARKER):
                continue
            text = f"stub of {old}, which moved to {new}: move or update the stub"
            found.append(Reference(stub, 1, text, old))
    return found


def all_references(tree: TreeReader, moves: Sequence[tuple[str, str, str]]) -> list[Reference]:
    """`__all__` entries naming a submodule by its bare name after it moved out of the
    package (`moves`: the path it was moved from, its old and new dotted names): `from pkg
    import *`, and a package `__getattr__` that imports what `__all__` lists, still ask
    for the old name (a shim there warns). A name the package binds itself is not the
    submodule (`from .isoparser import isoparser`): that entry stays right."""
    found = []
    for src, old, new in moves:
        package, _, name = old.rpartition(".")
        init = f"{parent(src)}/__init__.py"
        if not package or not parent(src) or not tree.exists(init) or tree.is_dir(init):
            continue
        source = tree.read_bytes(init)
        if binds(source, name):
            continue
        for line in _all_entries(source, name):
            text = f"__all__ names {name!r}, the submodule that moved to {new}"
            found.append(Reference(init, line, text, old))
    return found


def bare_name_references(
    tree: TreeReader, moves: Sequence[tuple[str, str, str]]
) -> list[Reference]:
    """Bare names of a submodule that moved, left in its package's `__init__.py` (`moves`:
    the path it was moved from, its old and new dotted names). The import of `pkg.sub`
    bound `sub` there (`from .sub import f`; then `del sub`, `sub.f()`); the rewrite
    renames such names where the module stays in the package, but one that left it binds
    no name there any more. A name the package binds itself is not the submodule."""
    found = []
    for src, old, new in moves:
        package, _, name = old.rpartition(".")
        init = f"{parent(src)}/__init__.py"
        if not package or not parent(src) or not tree.exists(init) or tree.is_dir(init):
            continue
        source = tree.read_bytes(init)
        if name.encode() not in source or binds(source, name):
            continue
        try:
            module = ast.parse(source)
        except (SyntaxError, ValueError):
            continue
        lines = sorted(
            {n.lineno for n in ast.walk(module) if isinstance(n, ast.Name) and n.id == name}
        )
        text = f"{name!r} names the submodule that moved to {new}, which binds no such name here"
        found += [Reference(init, line, text, old) for line in lines]
    return found


def manifest_references(tree: TreeReader, moves: Sequence[tuple[str, str, str]]) -> list[Reference]:
    """MANIFEST.in lines naming a moved module's or package's old path: they name folders
    bare (`graft src/pkg/data`, `recursive-include src/pkg/data *.dat`), and with
    `include_package_data` the wheel ships what they list."""
    patterns = [
        (re.compile(rf"(?<![\w/.-]){re.escape(src)}(?=/|\s|$)"), old) for src, old, _ in moves
    ]
    found = []
    for path in tree.iter_files():
        if path.rpartition("/")[2] != "MANIFEST.in" or tree.is_dir(path):
            continue
        text = tree.read_bytes(path)[:MAX_REVIEW_BYTES].decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            hit = next((old for pattern, old in patterns if pattern.search(line)), None)
            if hit is not None:
                found.append(Reference(path, number, line.strip()[:200], hit))
    return found


def _all_entries(source: bytes, name: str) -> Iterator[int]:
    """The lines of the module-level `__all__` assignments holding the string `name`."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        else:
            continue
        if node.value is None or not any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in targets
        ):
            continue
        for sub in ast.walk(node.value):
            if isinstance(sub, ast.Constant) and sub.value == name:
                yield sub.lineno


#: Packaging files whose package lists name the packages the wheel ships.
PACKAGING_FILES = ("setup.py", "setup.cfg", "pyproject.toml")


def find_references(
    tree: TreeReader,
    moved: Mapping[str, str],
    kept: Collection[str] = (),
    paths: Sequence[tuple[str, str, str]] = (),
) -> list[Reference]:
    """Lines that still name an old module (dotted or as a path) after the plan ran.

    `kept`: old packages a shim keeps; a packaging file's package list names them on
    purpose (the wheel ships the shim). `paths`: each move's old and new path in the
    repository and its old module. Under a source root that is a folder, a module is also
    named by that path (`src/pkg/mod.py`, `"/src/pkg/sub/__init__.py"` in a root-anchored
    pattern, `{toxinidir}/src/pkg`), which its module path alone (`pkg/mod.py`, never right
    after a `/`) does not find."""
    patterns = {
        old: re.compile(
            rf"(?<![\w.]){re.escape(old)}(?![\w])|(?<![\w/]){re.escape(old.replace('.', '/'))}"
            rf"(?:\.pyi?|/)"
        )
        for old in moved
    }
    needles = {old: (old.encode(), old.replace(".", "/").encode()) for old in moved}
    repo_paths = [
        (re.compile(rf"(?<![\w.-]){re.escape(src)}(?![\w-])"), src, dst, old)
        for src, dst, old in paths
        if old in moved and not src.startswith(old.replace(".", "/"))
    ]
    found: list[Reference] = []
    for path in tree.iter_files():
        name = path.rpartition("/")[2]
        script = "." not in name and name not in REVIEW_NAMES  # by its shebang, once read
        reviewed = (
            script
            or path.endswith((*REVIEW_SUFFIXES, ".py"))
            or name.partition(".")[0] in REVIEW_NAMES  # `Dockerfile.dev` too
        )
        if not reviewed or path.startswith(".hoc-migrate/"):
            continue
        data = tree.read_bytes(path)
        if script and not data.startswith(b"#!"):
            continue
        if len(data) > MAX_REVIEW_BYTES:
            continue
        hits = [old for old, (a, b) in needles.items() if a in data or b in data]
        path_hits = [p for p in repo_paths if p[1].encode() in data]
        if not (hits or path_hits) or (
            path.endswith((".py", ".pyi")) and SHIM_MARKER in data[:400]
        ):
            continue
        text = data.decode("utf-8", errors="replace")
        ours = ignored_shim_lines(data) if path == CONFTEST else set()
        packaging = path.rpartition("/")[2] in PACKAGING_FILES
        for number, line in enumerate(text.splitlines(), start=1):
            if number in ours:  # the shims hoc-migrate keeps from pytest's doctest collection
                continue
            if packaging and _lists_kept_package(line, kept):
                continue
            named = next(
                (
                    old
                    for old in hits
                    if any(
                        not _is_new_name(line, m.start(), old, moved[old])
                        for m in patterns[old].finditer(line)
                    )
                ),
                None,
            ) or next(
                (
                    old
                    for pattern, _src, dst, old in path_hits
                    if any(not line.startswith(dst, m.start()) for m in pattern.finditer(line))
                ),
                None,
            )
            if named is not None:
                found.append(Reference(path, number, line.strip()[:200], named))
    return found


def _lists_kept_package(line: str, kept: Collection[str]) -> bool:
    """A package list's element alone on its line (`'pkg.old',`, `pkg.old`) naming a
    package a shim keeps."""
    element = line.strip().rstrip(",])").rstrip().strip("'\"")
    return element in kept


def _is_new_name(line: str, at: int, old: str, new: str) -> bool:
    """The match is the start of the new name (`a.b` moved into itself, to `a.b.c`)."""
    for candidate in (new, new.replace(".", "/")):
        start_old = old if candidate == new else old.replace(".", "/")
        if candidate.startswith(start_old) and line.startswith(candidate, at):
            return True
    return False
