"""Import resolution through the source roots: which modules an import statement targets."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from hoc_migrate.core.layers.facts import ImportFact
from hoc_migrate.core.modules import module_for_path, normalize_root, package_of, resolve_relative


@dataclass(frozen=True)
class ModuleIndex:
    """The modules inside the source roots: dotted name -> file (`__init__.py` for a regular
    package), and namespace packages (folders without `__init__.py`) -> folder."""

    modules: dict[str, str]
    namespaces: dict[str, str]
    source_roots: tuple[str, ...]

    def __contains__(self, module: str) -> bool:
        return module in self.modules or module in self.namespaces

    def module_of(self, path: str) -> str | None:
        return module_for_path(path, self.source_roots)


def build_module_index(python_files: Iterable[str], source_roots: Sequence[str]) -> ModuleIndex:
    roots = tuple(normalize_root(r) for r in source_roots)
    modules: dict[str, str] = {}
    namespaces: dict[str, str] = {}
    for path in python_files:
        module = module_for_path(path, roots)
        if module is None:
            continue
        modules.setdefault(module, path)
        # Every enclosing package is importable too; those without `__init__.py` are
        # namespace packages (their folder stands for them).
        folder = path.rpartition("/")[0]
        if path.endswith("/__init__.py"):
            folder = folder.rpartition("/")[0]
        package = module.rpartition(".")[0]
        while package and package not in namespaces:
            namespaces[package] = folder
            package = package.rpartition(".")[0]
            folder = folder.rpartition("/")[0]
    for module in modules:
        namespaces.pop(module, None)
    return ModuleIndex(modules=modules, namespaces=namespaces, source_roots=roots)


class Namespaces:
    """Dotted prefixes (`app.services`): does a module name fall within one of them?"""

    def __init__(self, names: Collection[str]) -> None:
        self.names = frozenset(names)
        self._dotted = tuple(f"{n}." for n in names)

    def __contains__(self, module: object) -> bool:
        return isinstance(module, str) and (module in self.names or module.startswith(self._dotted))


def imported_modules(fact: ImportFact) -> tuple[str, ...]:
    """The absolute module names a statement mentions as written (no resolution)."""
    if not fact.is_from:
        return fact.names
    return (fact.module,) if fact.level == 0 and fact.module else ()


def import_targets(
    fact: ImportFact,
    importer_module: str | None,
    importer_is_package: bool,
    index: ModuleIndex,
    legacy_namespaces: Namespaces | Sequence[str] = (),
) -> tuple[str, ...]:
    """The modules one statement imports, one per distinct target (PROFILE: one finding per
    statement per imported module).

    `from pkg import a, b` targets `pkg.a` where that is a module (or a legacy-namespace name),
    else `pkg`. A relative import that cannot be resolved targets nothing."""
    if not fact.is_from:
        return tuple(dict.fromkeys(fact.names))
    if fact.level:
        if importer_module is None:
            return ()
        package = package_of(importer_module, importer_is_package)
        base = resolve_relative(package, fact.level, fact.module or None)
        if base is None:
            return ()
    else:
        base = fact.module
    targets: dict[str, None] = {}
    legacy = (
        legacy_namespaces
        if isinstance(legacy_namespaces, Namespaces)
        else Namespaces(legacy_namespaces)
    )
    base_is_legacy = base in legacy
    for name in fact.names:
        if name == "*":
            targets[base] = None
            continue
        candidate = f"{base}.{name}" if base else name
        if candidate in index or (not base_is_legacy and candidate in legacy):
            targets[candidate] = None
        else:
            targets[base] = None
    return tuple(t for t in targets if t)
