"""The first hour: `hoc-migrate init` (inspect the repository, write a commented
configuration) and `hoc-migrate config show` (the effective configuration and where each
value came from)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from hoc_migrate.adapters.check_config import (
    CONFIG_FILE,
    PYPROJECT,
    find_config_file,
    find_hoc_packages,
    load_check_config,
)
from hoc_migrate.adapters.filesystem import DiskTree
from hoc_migrate.adapters.import_linter_config import read_import_linter
from hoc_migrate.adapters.import_scanner import scan_source
from hoc_migrate.adapters.input_files import read_config
from hoc_migrate.adapters.workspace import write_atomically
from hoc_migrate.core.errors import UsageError
from hoc_migrate.core.layers import presets
from hoc_migrate.core.layers.config import CheckConfig
from hoc_migrate.core.layers.config_show import Effective, effective_values
from hoc_migrate.core.layers.init_text import Inspection, render_init, suggest_layers
from hoc_migrate.core.layers.resolve import build_module_index, import_targets
from hoc_migrate.core.layers.topology import Topology
from hoc_migrate.core.modules import module_for_path, normalize_root
from hoc_migrate.services.check import find_check_layout, find_source_roots

_NOT_LAYERED = {"tests", "test", "testing", "docs", "scripts"}


@dataclass(frozen=True)
class ShownConfig:
    config: CheckConfig
    entries: list[Effective]


def show_config(
    root: Path, target: Path | None = None, config_file: Path | None = None
) -> ShownConfig:
    """The effective configuration for checking `target`, with what the tree decides (the
    source roots when found, the HOC generation when `auto`)."""
    config = load_check_config(root, target, config_file=config_file)
    tree = DiskTree(root)
    layout = find_check_layout(tree, config)
    roots = layout.paths
    generation = None
    if config.is_hoc:
        python = _python_files(tree, roots)
        generation = presets.V2 if Topology(config).has_spine(python) else presets.V1
    found = "found: " + "; ".join(layout.describe())
    entries = effective_values(
        config, source_roots=roots, roots_origin=found, generation=generation
    )
    return ShownConfig(config, entries)


def _python_files(tree: DiskTree, roots: tuple[str, ...]) -> list[str]:
    return sorted(
        {p for r in roots for p in tree.iter_files(normalize_root(r)) if p.endswith(".py")}
    )


def inspect_repository(root: Path) -> Inspection:
    """Layout, source roots, import-linter contracts and HOC packages of the repository."""
    tree = DiskTree(root)
    hoc = tuple(find_hoc_packages(root, presets.HOC_PACKAGES))
    config = load_check_config(root)
    roots = find_source_roots(tree, config)
    files = _python_files(tree, roots)
    generation = None
    if hoc:
        generation = presets.V2 if Topology(config).has_spine(files) else presets.V1
    contracts = read_import_linter(root)
    modules = {p: m for p in files if (m := module_for_path(p, roots))}
    # Regular packages (with `__init__.py`) other than the tests: what the project ships.
    packages = tuple(
        sorted(
            m.split(".")[0]
            for p, m in modules.items()
            if m.count(".") == 0 and p.endswith("/__init__.py") and m not in _NOT_LAYERED
        )
    )
    suggested: tuple[str, ...] = ()
    note = ""
    if not hoc and len(packages) == 1:
        suggested, note = _suggest(tree, roots, files, modules, packages[0])
    elif not hoc and len(packages) > 1:
        note = f"several top-level packages: {', '.join(packages)}"
    return Inspection(
        hoc_packages=hoc,
        generation=generation,
        source_roots=tuple(r or "." for r in roots),
        packages=packages,
        contracts=contracts.contracts if contracts else (),
        unsupported=contracts.unsupported if contracts else (),
        contracts_origin=contracts.origin if contracts else None,
        suggested_layers=suggested,
        suggestion_note=note,
    )


def _suggest(
    tree: DiskTree,
    roots: tuple[str, ...],
    files: list[str],
    modules: dict[str, str],
    package: str,
) -> tuple[tuple[str, ...], str]:
    """The package's children ordered by their imports (see init_text.suggest_layers)."""
    index = build_module_index(files, roots)
    children = sorted(
        {m.split(".")[1] for m in modules.values() if m.startswith(package + ".")}
        - {"__main__", "tests", "conftest"}
    )
    if len(children) < 2:
        return (), f"{package} has fewer than two sub-packages"
    imports: dict[str, set[str]] = {c: set() for c in children}
    for path, module in modules.items():
        parts = module.split(".")
        if len(parts) < 2 or parts[0] != package or parts[1] not in imports:
            continue
        facts = scan_source(tree.read_bytes(path))
        is_init = path.endswith("/__init__.py")
        for fact in facts.imports:
            for target in import_targets(fact, module, is_init, index):
                bits = target.split(".")
                if (
                    len(bits) > 1
                    and bits[0] == package
                    and bits[1] in imports
                    and bits[1] != parts[1]
                ):
                    imports[parts[1]].add(bits[1])
    order, why = suggest_layers(children, imports)
    return tuple(
        " | ".join(f"{package}.{c.strip()}" for c in level.split("|")) for level in order
    ), why


def init_repository(root: Path, *, write: bool = True) -> tuple[Path, str]:
    """Write the commented configuration: appended to pyproject.toml, else a new
    hoc-migrate.toml. Refuses (UsageError) where a configuration exists already. Returns
    the file and the text of the configuration."""
    existing = find_config_file(root)
    if existing is not None and existing.parent == root.resolve():
        raise UsageError(
            f"{existing.name} already configures hoc-migrate; nothing was written",
            hint="`hoc-migrate config show` prints the effective configuration",
        )
    found = inspect_repository(root)
    pyproject = root / PYPROJECT
    existing_text = read_config(pyproject, PYPROJECT)
    if existing_text is not None:
        before = existing_text.decode("utf-8")
        text = render_init(found, in_pyproject=True)
        separator = (
            ""
            if not before or before.endswith("\n\n")
            else ("\n" if before.endswith("\n") else "\n\n")
        )
        result, target = before + separator + text, pyproject
    else:
        text = render_init(found, in_pyproject=False)
        result, target = text, root / CONFIG_FILE
    tomllib.loads(result)  # what is written must load: a bug here must not damage the file
    if write:
        write_atomically(target, result.encode("utf-8"))
    return target, text
