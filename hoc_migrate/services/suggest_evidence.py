"""What `plan suggest` reads from the tree besides the check: each module's shape, who imports
the modules whose audience is in question, the names imported from legacy modules and which
modules of the HOC tree define them. Files are parsed only where their bytes can matter."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from hoc_migrate.adapters.module_shapes import read_shape
from hoc_migrate.core.layers.findings import Finding
from hoc_migrate.core.layers.result import CheckResult
from hoc_migrate.core.layers.topology import Topology
from hoc_migrate.core.module_shape import ImportedNames, ModuleShape
from hoc_migrate.core.modules import module_for_path, resolve_relative
from hoc_migrate.core.paths import ancestors
from hoc_migrate.core.suggest.model import Evidence
from hoc_migrate.core.suggest.rules import ANSWERED_WARNINGS
from hoc_migrate.ports import TreeReader


class _Shapes:
    """Shapes read once per file, on demand."""

    def __init__(self, tree: TreeReader) -> None:
        self.tree = tree
        self.known: dict[str, ModuleShape | None] = {}

    def get(self, path: str) -> ModuleShape | None:
        if path not in self.known:
            try:
                self.known[path] = read_shape(self.tree.read_bytes(path))
            except OSError:
                self.known[path] = None
        return self.known[path]


def absolute(importer: str, imported: ImportedNames, roots: Sequence[str]) -> str | None:
    """The module an import names, its relative form resolved from the importer's package."""
    if imported.level == 0:
        return imported.module
    own = module_for_path(importer, roots)
    if own is None:
        return None
    package = own if importer.endswith("/__init__.py") else own.rpartition(".")[0]
    return resolve_relative(package, imported.level, imported.module or None)


def _imported_modules(importer: str, shape: ModuleShape, roots: Sequence[str]) -> set[str]:
    """Every module the file imports (`from p import m` counts for `p.m` too)."""
    out: set[str] = set()
    for imported in shape.imports:
        module = absolute(importer, imported, roots)
        if module is None:
            continue
        out.add(module)
        out.update(f"{module}.{name}" for name in imported.names)
    return out


def _python_files(tree: TreeReader) -> list[str]:
    return sorted(p for p in tree.iter_files() if p.endswith(".py"))


def _containing(tree: TreeReader, files: Iterable[str], needles: Iterable[bytes]) -> list[str]:
    wanted = [n for n in needles if n]
    found: list[str] = []
    for path in files:
        try:
            data = tree.read_bytes(path)
        except OSError:
            continue
        if any(n in data for n in wanted):
            found.append(path)
    return found


def gather_evidence(
    tree: TreeReader, result: CheckResult, topology: Topology, roots: Sequence[str]
) -> Evidence:
    findings = [
        f for f in result.findings if f.is_active and (f.is_error or f.rule in ANSWERED_WARNINGS)
    ]
    shapes = _Shapes(tree)
    files = _python_files(tree)
    for path in result.files:
        shapes.get(path)
    uses, whole = _legacy_uses(tree, files, findings, shapes, roots)
    return Evidence(
        findings=findings,
        files=result.files,
        shapes={p: s for p, s in shapes.known.items() if s is not None},
        importers=_importers(tree, files, findings, shapes, roots),
        legacy_uses=uses,
        legacy_whole=whole,
        definers=_definers(tree, files, uses, shapes, topology),
        folders=frozenset(a for p in tree.iter_files() for a in ancestors(p)),
        files_present=frozenset(tree.iter_files()),
        source_roots=tuple(roots),
    )


def _importers(
    tree: TreeReader,
    files: Sequence[str],
    findings: Sequence[Finding],
    shapes: _Shapes,
    roots: Sequence[str],
) -> dict[str, tuple[str, ...]]:
    """For the files with an audience in question, the files that import them."""
    wanted = {f.file for f in findings if f.rule == "AUDIENCE_MISMATCH"}
    modules = {module_for_path(p, roots): p for p in wanted}
    modules.pop(None, None)
    out: dict[str, list[str]] = {p: [] for p in wanted}
    if not modules:
        return {}
    tails = {m.rsplit(".", 1)[-1].encode() for m in modules if m}
    for importer in _containing(tree, files, tails):
        shape = shapes.get(importer)
        if shape is None:
            continue
        for module in _imported_modules(importer, shape, roots) & set(modules):
            path = modules[module]
            if path != importer and module is not None:
                out[path].append(importer)
    return {p: tuple(sorted(v)) for p, v in out.items()}


def _uses_whole(module: str | None, legacy: str, names: tuple[str, ...]) -> bool:
    """`import M`, `from M import *`, or `from parent import M`."""
    if module == legacy:
        return True
    return (
        module is not None
        and legacy.startswith(module + ".")
        and legacy.rsplit(".", 1)[-1] in names
    )


def _legacy_uses(
    tree: TreeReader,
    files: Sequence[str],
    findings: Sequence[Finding],
    shapes: _Shapes,
    roots: Sequence[str],
) -> tuple[dict[str, frozenset[str]], dict[str, tuple[str, ...]]]:
    """For each legacy module a finding names, the names imported from it anywhere in the
    tree, and the files that use it whole (`import M`, `from parent import M`, `import *`)."""
    legacy = sorted({f.module for f in findings if f.rule == "LEGACY_IMPORT" and f.module})
    uses: dict[str, set[str]] = {m: set() for m in legacy}
    whole: dict[str, list[str]] = {m: [] for m in legacy}
    if not legacy:
        return {}, {}
    tails = {m.rsplit(".", 1)[-1].encode() for m in legacy}
    for path in _containing(tree, files, tails):
        shape = shapes.get(path)
        if shape is None:
            continue
        for imported in shape.imports:
            module = absolute(path, imported, roots)
            for name in legacy:
                if module == name and imported.names and "*" not in imported.names:
                    uses[name].update(imported.names)
                elif _uses_whole(module, name, imported.names) and path not in whole[name]:
                    whole[name].append(path)
    return (
        {m: frozenset(v) for m, v in uses.items()},
        {m: tuple(v) for m, v in whole.items() if v},
    )


def _definers(
    tree: TreeReader,
    files: Sequence[str],
    uses: dict[str, frozenset[str]],
    shapes: _Shapes,
    topology: Topology,
) -> dict[str, frozenset[str]]:
    """Which files of the HOC tree define each name imported from a legacy module."""
    needed = {n for names in uses.values() if names for n in names}
    if not needed:
        return {}
    hoc = [p for p in files if topology.is_hoc(p)]
    found: dict[str, set[str]] = {}
    for path in _containing(tree, hoc, (n.encode() for n in needed)):
        shape = shapes.get(path)
        if shape is None:
            continue
        for name in shape.defines & needed:
            found.setdefault(name, set()).add(path)
    return {n: frozenset(v) for n, v in found.items()}
