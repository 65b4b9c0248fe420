"""A repository's source roots: given (plan, configuration), else found (metadata, tree)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from hoc_migrate.core.layout import (
    Layout,
    Metadata,
    SourceRoot,
    given,
    is_project,
    metadata_roots,
    tree_roots,
)
from hoc_migrate.ports import TreeReader, config_reader

#: Roots found from the imports when neither metadata nor the tree's shape says anything.
ImportVotes = Callable[[], Sequence[str]]

#: The packaging files that make a folder a project.
METADATA_FILES = ("pyproject.toml", "setup.cfg", "setup.py")

# Folders whose projects are data, not the repository's code: test fixtures, examples,
# vendored copies (a sample project in `tests/data/` is no source root).
_NOT_PROJECTS = frozenset(
    {
        "tests",
        "test",
        "testing",
        "fixtures",
        "testdata",
        "test_data",
        "data",
        "examples",
        "example",
        "docs",
        "doc",
        "vendor",
        "vendored",
        "third_party",
        "build",
        "dist",
    }
)


class _Tree:
    """One walk of the tree: each folder's entries, the folders holding Python files, and
    the folders (other than the root) that hold a project's packaging metadata."""

    def __init__(self, tree: TreeReader) -> None:
        self.tree = tree
        self._read = config_reader(tree)  # capped: a packaging file is configuration
        self.entries: dict[str, set[str]] = {"": set()}
        self.python: set[str] = set()
        projects: set[str] = set()
        for path in tree.iter_files():
            parts = path.split("/")
            for depth in range(len(parts)):
                self.entries.setdefault("/".join(parts[:depth]), set()).add(parts[depth])
            if path.endswith(".py"):
                self.python.update("/".join(parts[:depth]) for depth in range(1, len(parts)))
            if len(parts) > 1 and parts[-1] in METADATA_FILES:
                projects.add("/".join(parts[:-1]))
        self.projects = sorted(p for p in projects if self._may_be_project(p))

    @staticmethod
    def _may_be_project(folder: str) -> bool:
        return not any(
            seg.startswith((".", "_")) or seg in _NOT_PROJECTS for seg in folder.split("/")
        )

    def read(self, path: str) -> bytes | None:
        return self._read(path)

    def is_file(self, path: str) -> bool:
        return self.tree.exists(path) and not self.tree.is_dir(path)

    def metadata(self, folder: str) -> Metadata:
        prefix = f"{folder}/" if folder else ""
        pyproject, setup_cfg, setup_py = (self.read(prefix + name) for name in METADATA_FILES)
        return Metadata(pyproject=pyproject, setup_cfg=setup_cfg, setup_py=setup_py)

    def top_level(self, folder: str) -> dict[str, list[str]]:
        """The entries (files and folders) of `folder` and of its `src/`."""
        prefix = f"{folder}/" if folder else ""
        return {
            "": sorted(self.entries.get(folder, ())),
            "src": sorted(self.entries.get(prefix + "src", ())),
        }


def _project_roots(index: _Tree, folder: str) -> list[SourceRoot]:
    """The roots of the project in subfolder `folder` (its metadata's, else its tree's, as
    setuptools' automatic discovery finds them), relative to the repository."""
    prefix = f"{folder}/"
    meta = index.metadata(folder)
    if not is_project(meta):
        return []

    def inside(probe: Callable[[str], bool]) -> Callable[[str], bool]:
        return lambda path: probe(prefix + path if path else folder)

    found = metadata_roots(meta, inside(index.tree.is_dir), inside(index.is_file))
    if not found:
        found = tree_roots(
            index.top_level(folder),
            inside(index.is_file),
            inside(index.python.__contains__),
            where="the project's root",
        )
    return [
        SourceRoot(f"{folder}/{r.root}" if r.root else folder, f"project {prefix}: {r.reason}")
        for r in found
    ]


def find_layout(
    tree: TreeReader,
    *,
    plan_roots: Sequence[str] = (),
    config_roots: Sequence[str] = (),
    import_votes: ImportVotes | None = None,
) -> Layout:
    """The source roots and why: the plan's, else the configuration's, else the packaging
    metadata's, else the tree's shape (src/, packages at the root) with the projects in
    subfolders (each by its own metadata, else its shape), else the folders the absolute
    imports point to, else the repository root."""
    if plan_roots:
        return given(plan_roots, "the plan's source_roots")
    if config_roots:
        return given(config_roots, "[tool.hoc-migrate] source_roots")
    index = _Tree(tree)
    found = metadata_roots(index.metadata(""), tree.is_dir, index.is_file)
    if found:
        return Layout(tuple(found))
    shaped = tree_roots(index.top_level(""), index.is_file, index.python.__contains__)
    packages = [r for r in shaped if not r.reason.startswith("modules")]
    nested = [root for folder in index.projects for root in _project_roots(index, folder)]
    if packages or nested:
        unique: dict[str, SourceRoot] = {}
        for root in packages + nested:
            unique.setdefault(root.root, root)
        return Layout(tuple(unique.values()))
    voted = tuple(import_votes()) if import_votes is not None else ()
    if voted and voted != ("",):
        return given(voted, "the folders the absolute imports point to")
    if shaped:
        return Layout(tuple(shaped))
    return Layout((SourceRoot("", "nothing else found: the repository root"),))
