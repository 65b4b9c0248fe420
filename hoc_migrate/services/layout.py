"""A repository's source roots: given (plan, configuration), else found (metadata, tree)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from hoc_migrate.core.layout import (
    Layout,
    Metadata,
    SourceRoot,
    given,
    metadata_roots,
    tree_roots,
)
from hoc_migrate.ports import TreeReader

#: Roots found from the imports when neither metadata nor the tree's shape says anything.
ImportVotes = Callable[[], Sequence[str]]


def _read(tree: TreeReader, path: str) -> bytes | None:
    try:
        return tree.read_bytes(path) if tree.exists(path) and not tree.is_dir(path) else None
    except OSError:
        return None


def _is_file(tree: TreeReader) -> Callable[[str], bool]:
    return lambda path: tree.exists(path) and not tree.is_dir(path)


def _top_level(tree: TreeReader) -> dict[str, list[str]]:
    """The entries (files and folders) at the root and in `src/`."""
    entries: dict[str, set[str]] = {"": set(), "src": set()}
    for path in tree.iter_files():
        head, _, rest = path.partition("/")
        entries[""].add(head)
        if head == "src" and rest:
            entries["src"].add(rest.partition("/")[0])
    return {folder: sorted(names) for folder, names in entries.items()}


def find_layout(
    tree: TreeReader,
    *,
    plan_roots: Sequence[str] = (),
    config_roots: Sequence[str] = (),
    import_votes: ImportVotes | None = None,
) -> Layout:
    """The source roots and why: the plan's, else the configuration's, else the packaging
    metadata's, else the tree's shape (src/, packages at the root), else the folders the
    absolute imports point to, else the repository root."""
    if plan_roots:
        return given(plan_roots, "the plan's source_roots")
    if config_roots:
        return given(config_roots, "[tool.hoc-migrate] source_roots")
    is_file = _is_file(tree)
    meta = Metadata(
        pyproject=_read(tree, "pyproject.toml"),
        setup_cfg=_read(tree, "setup.cfg"),
        setup_py=_read(tree, "setup.py"),
    )
    found = metadata_roots(meta, tree.is_dir, is_file)
    if found:
        return Layout(tuple(found))
    shaped = tree_roots(_top_level(tree), is_file)
    packages = [r for r in shaped if not r.reason.startswith("modules")]
    if packages:
        return Layout(tuple(packages))
    voted = tuple(import_votes()) if import_votes is not None else ()
    if voted and voted != ("",):
        return given(voted, "the folders the absolute imports point to")
    if shaped:
        return Layout(tuple(shaped))
    return Layout((SourceRoot("", "nothing else found: the repository root"),))
