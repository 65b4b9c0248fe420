"""What a step handler works with and returns: the context over the overlay, and outcomes."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from hoc_migrate.core.changes import ChangeSet, Overlay, OverlayState
from hoc_migrate.core.errors import PlanError, Problem
from hoc_migrate.core.modules import module_for_path, normalize_root
from hoc_migrate.core.plan import Plan, Step
from hoc_migrate.ports import NO_PROGRESS, Progress, ReferenceFile, SourceCodemods

# `from .x import y`, `from . import y`, `from \\<newline> .x import y`: a relative import.
_RELATIVE_IMPORT = re.compile(rb"\bfrom[\s\\]+\.")


class Topology(Protocol):
    """What the planner needs to know about layers: the folder's layer and audience."""

    def folder_layer(self, path: str) -> str | None: ...

    def audience(self, path: str) -> str | None: ...


@dataclass(frozen=True)
class Reference:
    """A mention of a moved module in a file the codemods do not edit (stubs, docs, config)."""

    path: str
    line: int
    text: str
    module: str


@dataclass
class StepOutcome:
    step: Step
    status: str = "done"  # "done" | "already done"
    files: list[str] = field(default_factory=list)  # files this step wrote, created or moved
    renames: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    explanation: list[str] = field(default_factory=list)  # e.g. split_hybrid classification
    module_renames: dict[str, str] = field(default_factory=dict)  # old -> new dotted names
    changes: ChangeSet = field(default_factory=ChangeSet)
    # The overlay's state after this step (gone base paths, touched files), for commit series.
    state: OverlayState = field(default_factory=lambda: (frozenset(), {}), repr=False)


@dataclass
class PlanContext:
    """What a step handler works with."""

    tree: Overlay
    source_roots: tuple[str, ...]
    codemods: SourceCodemods
    topology: Topology
    plan: Plan
    progress: Progress = NO_PROGRESS

    def python_files(self) -> list[str]:
        """Every module under the source roots, as the tree stands now."""
        out: list[str] = []
        for root in self.source_roots:
            # '.' (the repository root) lists as '', which is how the tree names it.
            out.extend(p for p in self.tree.iter_files(normalize_root(root)) if p.endswith(".py"))
        return sorted(set(out))

    def module_of(self, path: str) -> str | None:
        return module_for_path(path, self.source_roots)

    def require_module(self, step: Step, path: str, key: str) -> str:
        module = self.module_of(path)
        if module is None:
            raise PlanError(
                f"{step.label}: '{path}' is not an importable module",
                [
                    Problem(
                        f"'{key}' must be a .py file (or package folder) with an identifier "
                        f"name inside a source root ({', '.join(self.source_roots) or '.'})",
                        file=self.plan.file,
                        line=step.line,
                        context=step.label,
                    )
                ],
            )
        return module

    def rewrite_references(
        self,
        renames: Mapping[str, str],
        *,
        names: Sequence[str] | None = None,
        moved: Mapping[str, str] | None = None,
        skip: Sequence[str] = (),
    ) -> list[str]:
        """Rewrite every reference to `renames` in the tree; returns the files changed.

        `moved` maps a file's new path to its old module name, for files this step moved
        (their own relative imports must be re-based even when they mention nothing)."""
        moved = moved or {}
        files: list[ReferenceFile] = []
        for path in self.python_files():
            if path in skip:
                continue
            source = self.tree.read_bytes(path)  # read once: the batch gets these bytes
            mentions = self.codemods.may_reference(source, renames=renames)
            # A moved file needs the codemod only for its relative imports or a mention:
            # a large generated module without either is moved as it is, unparsed.
            if not mentions and (path not in moved or not _RELATIVE_IMPORT.search(source)):
                continue
            module = self.module_of(path)  # after the prefilter: it costs more than a read
            if module is None:
                continue
            is_package = path.endswith("/__init__.py")
            files.append(ReferenceFile(path, source, module, is_package, moved.get(path)))
        # In path order, so that a parse error names the first broken file.
        rewriting = f"rewriting references in {len(files)} file{'' if len(files) == 1 else 's'}"
        with self.progress.stage(rewriting):
            results = self.codemods.rewrite_references_batch(files, renames=renames, names=names)
        changed = []
        for file, result in zip(files, results, strict=True):
            if result != file.source:
                self.tree.write(file.path, result)
                changed.append(file.path)
        return changed
