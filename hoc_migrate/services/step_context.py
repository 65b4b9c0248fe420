"""What a step handler works with and returns: the context over the overlay, and outcomes."""

from __future__ import annotations

import ast
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from hoc_migrate.core.changes import ChangeSet, Overlay, OverlayState
from hoc_migrate.core.errors import PlanError, Problem
from hoc_migrate.core.modules import context_module, is_python_script, module_for_path
from hoc_migrate.core.plan import Plan, Step
from hoc_migrate.ports import (
    CONFIG_FILE_NAMES,
    NO_PROGRESS,
    PlainStyle,
    Progress,
    ReferenceFile,
    SourceCodemods,
    SourceStyle,
    config_reader,
)

PYTHON_SUFFIXES = (".py", ".pyi")


class Topology(Protocol):
    """What the planner needs to know about layers: the folder's layer and audience, whether
    the project keeps layer headers, and what a header says after a layer."""

    @property
    def headers(self) -> bool: ...

    def folder_layer(self, path: str) -> str | None: ...

    def audience(self, path: str) -> str | None: ...

    def layer_description(self, layer: str) -> str | None: ...


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

    def shown_renames(self) -> list[str]:
        """The renames as a user reads them: a package moved whole is one line."""
        src, dst = (
            str(self.step.get("from", "")).strip("/"),
            str(self.step.get("to", "")).strip("/"),
        )
        inside = [
            (old, new)
            for old, new in self.renames
            if src and old.startswith(src + "/") and new == dst + old[len(src) :]
        ]
        lines = [f"{src}/ -> {dst}/ ({len(inside)} files)"] if len(inside) > 1 else []
        shown = set(inside) if lines else set()
        lines += [f"{old} -> {new}" for old, new in self.renames if (old, new) not in shown]
        return lines


@dataclass
class PlanContext:
    """What a step handler works with."""

    tree: Overlay
    source_roots: tuple[str, ...]
    codemods: SourceCodemods
    topology: Topology
    plan: Plan
    style: SourceStyle = field(default_factory=PlainStyle)
    progress: Progress = NO_PROGRESS
    # Strings no rewrite touches: the project's entry point group names.
    protected: frozenset[str] = frozenset()

    def python_files(self) -> list[str]:
        """Every Python source and stub of the repository, as the tree stands now: source
        roots decide module names, not which files can name a module (tests, docs/conf.py,
        examples and scripts import the project too)."""
        return [
            p
            for p in self.tree.iter_files()
            if p.endswith(PYTHON_SUFFIXES) or self._parsing_script(p)
        ]

    def _parsing_script(self, path: str) -> bool:
        """A Python script without a suffix (its shebang says so) that parses: rewritten as
        a `.py` file is. One that does not parse (Python 2) is only listed to review."""
        if "." in path.rpartition("/")[2]:
            return False  # most files: no read
        source = self.tree.read_bytes(path)
        if not is_python_script(path, source):
            return False
        try:
            ast.parse(source)
        except (SyntaxError, ValueError):
            return False
        return True

    def module_of(self, path: str) -> str | None:
        """The importable module at `path` (identifier names inside a source root)."""
        return module_for_path(path, self.source_roots)

    def context_module_of(self, path: str) -> str | None:
        """The name `path`'s relative imports resolve against, for any Python file."""
        return context_module(
            path, self.source_roots, lambda folder: self.tree.is_file(f"{folder}/__init__.py")
        )

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

    def rewrite_configs(
        self,
        modules: Mapping[str, str],
        files: Mapping[str, str] | None = None,
        new_packages: Sequence[str] = (),
        gone_packages: Sequence[str] = (),
    ) -> list[str]:
        """Follow the moves in packaging and tool configuration (entry points, coverage
        sources, mypy overrides, ...); returns the files changed. Explicit package lists
        gain `new_packages` and lose `gone_packages`."""
        changed = []
        read = config_reader(self.tree)
        for path in self.tree.iter_files():
            if path.rpartition("/")[2] not in CONFIG_FILE_NAMES:
                continue
            source = read(path)
            if source is None:
                continue
            result = self.codemods.rewrite_config(
                path,
                source,
                modules=modules,
                files=files or {},
                new_packages=new_packages,
                gone_packages=gone_packages,
                line_length=self.style.line_length,
            )
            if result != source:
                self.tree.write(path, result)
                changed.append(path)
        return changed

    def rewrite_docs(self, renames: Mapping[str, str]) -> list[str]:
        """The `docs: true` option: old dotted names in comments and docstrings follow."""
        needles = [old.encode() for old in renames]
        changed = []
        for path in self.python_files():
            source = self.tree.read_bytes(path)
            if not any(n in source for n in needles):
                continue
            result = self.codemods.rewrite_docs(source, renames=renames)
            if result != source:
                self.tree.write(path, result)
                changed.append(path)
        return changed

    def rewrite_references(
        self,
        renames: Mapping[str, str],
        *,
        names: Sequence[str] | None = None,
        moved: Mapping[str, str] | None = None,
        moved_inits: Collection[str] = (),
        skip: Sequence[str] = (),
        shadowed: frozenset[str] = frozenset(),
    ) -> list[str]:
        """Rewrite every reference to `renames` in the tree; returns the files changed.

        `moved` maps a file's new path to its old module name, for files this step moved
        (their own relative imports must be re-based even when they mention nothing);
        `moved_inits`: those of them that were a package's `__init__.py` before.
        `shadowed`: old module paths that their package's `__init__` binds to something
        else (`from .isoparser import isoparser`), so `from pkg import isoparser` stays."""
        moved = moved or {}
        files: list[ReferenceFile] = []
        for path in self.python_files():
            if path in skip:
                continue
            source = self.tree.read_bytes(path)  # read once: the batch gets these bytes
            mentions = self.codemods.may_reference(source, renames=renames)
            is_package = path.endswith(("/__init__.py", "/__init__.pyi"))
            moved_from = moved.get(path)
            was_package = None if moved_from is None else path in moved_inits
            # A moved file's relative imports need re-basing only where the move changes
            # them: those of a package moved whole stay as they are.
            new_module = self.context_module_of(path) if moved_from is not None else None
            if (
                moved_from is not None
                and new_module is not None
                and not self.codemods.relative_imports_change(
                    source,
                    old_module=moved_from,
                    new_module=new_module,
                    is_package=is_package,
                    renames=renames,
                    relative=self.style.relative_imports,
                    was_package=was_package,
                )
            ):
                moved_from = None
            if not mentions and moved_from is None:
                continue  # unparsed: a large generated module without either moves as it is
            # After the prefilter: costs more than a read. A script runs as `__main__`.
            script = not path.endswith(PYTHON_SUFFIXES)
            module = "__main__" if script else self.context_module_of(path)
            if module is None:
                continue
            files.append(ReferenceFile(path, source, module, is_package, moved_from, was_package))
        # In path order, so that a parse error names the first broken file.
        rewriting = f"rewriting references in {len(files)} file{'' if len(files) == 1 else 's'}"
        with self.progress.stage(rewriting):
            results = self.codemods.rewrite_references_batch(
                files,
                renames=renames,
                names=names,
                relative=self.style.relative_imports,
                protected=self.protected,
                shadowed=shadowed,
            )
        changed = []
        for file, result in zip(files, results, strict=True):
            if result != file.source:
                self.tree.write(file.path, result)
                changed.append(file.path)
        return changed
