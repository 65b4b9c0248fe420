"""The layer checker's configuration, seen from a migration: source roots, topology, the
plan's accepted debt, and where the check caches what it parsed."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from hoc_migrate.adapters.check_config import load_check_config
from hoc_migrate.adapters.workspace import cache_folder
from hoc_migrate.core.layers.config import CheckConfig
from hoc_migrate.core.layers.topology import Topology
from hoc_migrate.core.layout import Layout, given
from hoc_migrate.core.plan import Plan
from hoc_migrate.ports import TreeReader
from hoc_migrate.services.check import find_check_layout


def load_layer_config(repo_root: Path) -> CheckConfig:
    return load_check_config(repo_root)


def LayerTopology(config: CheckConfig) -> Topology:  # noqa: N802 (reads like the class it builds)
    return Topology(config)


def cache_dir(repo_root: Path) -> Path | None:
    """The check cache of `repo_root`: in its git directory (see adapters/workspace.py)."""
    return cache_folder(repo_root)


def resolve_layout(
    plan: Plan, config: CheckConfig, tree: TreeReader, repo_root: Path | None
) -> Layout:
    """The plan's roots, else the configuration's, else the ones the project's metadata or
    its tree say, else those the checker discovers from the tree's absolute imports."""
    if plan.source_roots:
        return given(plan.source_roots, "the plan's source_roots")
    # Discovered without evaluating any rule: a plan needs no findings here.
    return find_check_layout(tree, config, cache_dir=cache_dir(repo_root) if repo_root else None)


def with_plan(config: CheckConfig, plan: Plan, source_roots: tuple[str, ...]) -> CheckConfig:
    """The check configuration for a plan: its source roots and its accepted debt added."""
    start = len(config.debt)
    debt = tuple(dataclasses.replace(d, index=start + i) for i, d in enumerate(plan.debt))
    return dataclasses.replace(config.with_source_roots(source_roots), debt=config.debt + debt)
