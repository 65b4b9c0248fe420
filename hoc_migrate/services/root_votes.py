"""Source roots found from where the tree's absolute imports point: the last resort when
neither the packaging metadata nor the tree's shape names them."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from hoc_migrate.core.layers.facts import FileFacts
from hoc_migrate.core.layers.rules import imported_modules
from hoc_migrate.ports import TreeReader

#: The facts of more files, for when those at hand give no vote.
MoreFacts = Callable[[Sequence[str]], Mapping[str, FileFacts]]

# A folder named like a standard-library module (`pkg/json/`, `pkg/logging/`) is not what
# `import json` imports: such imports never vote.
_STDLIB = frozenset(sys.stdlib_module_names)


class _Places:
    """Where each top-level name can be imported from: the folders holding a folder of
    Python files or a module of that name."""

    def __init__(self, tree: TreeReader) -> None:
        self.files: set[str] = set()
        self.folders: set[str] = set()
        self.parents: dict[str, set[str]] = {}
        for path in tree.iter_files():
            if not path.endswith(".py"):
                continue
            self.files.add(path)
            parts = path.split("/")
            parts[-1] = parts[-1][:-3]
            for depth in range(len(parts)):
                self.parents.setdefault(parts[depth], set()).add("/".join(parts[:depth]))
                if depth:
                    self.folders.add("/".join(parts[:depth]))

    def roots_of(self, module: str) -> list[str]:
        """The folders where all of `module` resolves (`a.b`: `P/a/b.py` or `P/a/b/`)."""
        rel = module.replace(".", "/")
        out = []
        for base in sorted(self.parents.get(module.partition(".")[0], ())):
            prefix = f"{base}/" if base else ""
            if f"{prefix}{rel}.py" in self.files or f"{prefix}{rel}" in self.folders:
                out.append(base)
        return out


def discover_source_roots(
    tree: TreeReader, facts: Mapping[str, FileFacts], hoc_packages: Sequence[str] = ()
) -> tuple[str, ...]:
    """The folders that hold the top-level packages the files' absolute imports name.

    A file `backend/app/hoc/x.py` importing `app.services` votes for `backend`; a file not
    inside the package it imports (`backend/tests/t.py`, `libs/b/b/use.py` importing
    `a.core`) votes for each folder where the imported module resolves
    (`libs/a/a/core.py`: `libs/a`), namespace packages (folders without `__init__.py`)
    included. Without any such vote, files vote for the folder above their HOC package
    (`backend` for `backend/app/hoc`). The roots with at least half the votes of the best
    one win; none: the repository root."""
    votes: Counter[str] = Counter()
    places: _Places | None = None
    for path, file_facts in facts.items():
        modules = {
            m
            for fact in file_facts.imports
            if fact.level == 0
            for m in imported_modules(fact)
            if m.partition(".")[0] not in _STDLIB
        }
        folders = path.split("/")[:-1]
        roots: set[str] = set()
        for module in modules:
            top = module.partition(".")[0]
            inside = next((i for i, seg in enumerate(folders) if seg == top), None)
            if inside is not None:
                roots.add("/".join(folders[:inside]))
                continue
            places = places or _Places(tree)
            roots.update(places.roots_of(module))
        votes.update(roots)
    if not votes:
        for path in facts:
            for package in hoc_packages:
                marker = f"/{package.strip('/')}/"
                at = f"/{path}".find(marker)
                if at != -1:
                    votes[path[: at - 1] if at else ""] += 1
                    break
    if not votes:
        return ("",)
    best = votes.most_common(1)[0][1]
    return tuple(sorted(root for root, n in votes.items() if 2 * n >= best))


def vote_roots(
    tree: TreeReader,
    facts: Mapping[str, FileFacts],
    files: Sequence[str],
    more: MoreFacts,
    hoc_packages: Sequence[str] = (),
) -> tuple[str, ...]:
    """`discover_source_roots` over the facts at hand (the layered files a check parsed);
    when they say nothing, over every file of `files` (`more` parses the others): a
    project without layers votes with all its files."""
    voted = discover_source_roots(tree, facts, hoc_packages)
    rest = [path for path in files if path not in facts]
    if voted != ("",) or not rest:
        return voted
    return discover_source_roots(tree, {**facts, **more(rest)}, hoc_packages)
