"""What the services need from the outside world, as Protocols; adapters implement them."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, Self

from hoc_migrate.core.input_limits import MAX_CONFIG_BYTES, config_too_large
from hoc_migrate.core.tree import TreeReader

__all__ = [
    "CONFIG_FILE_NAMES",
    "NO_PROGRESS",
    "Extraction",
    "PlainStyle",
    "Progress",
    "ProgressStage",
    "ReferenceFile",
    "SourceCodemods",
    "SourceStyle",
    "Split",
    "StyledFile",
    "TreeReader",
    "config_reader",
]


class ProgressStage:
    """One long stage under way (see `Progress`): a context manager, or `close()` it.

    This base shows nothing: it is the default, and the base of the CLI's stages."""

    def advance(self, count: int = 1) -> None:
        """`count` more of the stage's items are done (call it per batch, not per file)."""

    def report(self, text: str) -> None:
        """What the stage did, in a few words ("12 parsed, 800 from cache"); shown with -v."""

    def close(self) -> None:
        """The stage is over (a second call does nothing)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class Progress(Protocol):
    """Where services say which long stage they are at (scanning, rewriting, committing,
    verifying), since they never print. Stages may nest. The CLI shows them on a terminal."""

    def stage(self, name: str, total: int | None = None) -> ProgressStage:
        """A stage starts: `name` says what, with its count ("rewriting 40 files");
        `total`, when known, is what `advance` counts up to."""
        ...

    def note(self, text: str) -> None:
        """A fact about the run ("source roots: backend"); shown with -v."""
        ...


class _NoProgress:
    """The default: nothing is shown, at the cost of a call per stage."""

    _stage = ProgressStage()

    def stage(self, name: str, total: int | None = None) -> ProgressStage:
        return self._stage

    def note(self, text: str) -> None:
        pass


NO_PROGRESS: Progress = _NoProgress()


@dataclass(frozen=True)
class Extraction:
    """What `extract_schema` did to one module: both texts after, and what moved."""

    source: bytes
    target: bytes
    moved: tuple[str, ...] = ()
    helpers: tuple[str, ...] = ()  # private helpers that travelled with them
    already: tuple[str, ...] = ()  # names that were already in the target


@dataclass(frozen=True)
class Split:
    """What `split_hybrid` did: engine and driver texts, and the classification behind it."""

    engine: bytes
    driver: bytes
    moved: tuple[str, ...] = ()
    already: tuple[str, ...] = ()
    explanation: tuple[str, ...] = field(default_factory=tuple)
    split: tuple[str, ...] = ()  # of `moved`: methods that stay, their database statements go
    protocol: bytes | None = None  # the driver protocols' module (`protocol: true`)


@dataclass(frozen=True)
class ReferenceFile:
    """One file for `rewrite_references_batch`: its bytes and its place in the module tree."""

    path: str
    source: bytes
    module: str
    is_package: bool
    moved_from: str | None = None  # the file's old module, when this step moved it
    # Whether it was a package's `__init__.py` there (None: as it is now): a module moved
    # to `pkg/__init__.py` re-bases its relative imports from its old package to `pkg`.
    was_package: bool | None = None


@dataclass(frozen=True)
class StyledFile:
    """A file a step changed, for `SourceStyle.restyle`: before (None: created) and after."""

    path: str
    after: bytes
    before: bytes | None = None
    before_path: str | None = None  # where it was before, when the step moved it


class SourceStyle(Protocol):
    """The project's own import style (sorting, formatting, relative-import policy)."""

    @property
    def relative_imports(self) -> str:
        """How rewritten imports may be relative: "keep", "no-parents" or "absolute"."""
        ...

    @property
    def line_length(self) -> int | None:
        """The longest line the project's linter accepts (None: it configures none)."""
        ...

    def describe(self) -> list[str]: ...

    def restyle(self, files: Sequence[StyledFile]) -> list[bytes]:
        """Each file's bytes in the project's style (its `after` when nothing applies)."""
        ...


class PlainStyle:
    """No style: imports are edited in place, relative ones kept relative."""

    relative_imports = "keep"
    line_length: int | None = None

    def describe(self) -> list[str]:
        return []

    def restyle(self, files: Sequence[StyledFile]) -> list[bytes]:
        return [f.after for f in files]


#: Packaging and tool configuration files whose module references `rewrite_config` follows.
CONFIG_FILE_NAMES = frozenset(
    {
        "pyproject.toml",
        "setup.cfg",
        "tox.ini",
        "pytest.ini",
        "mypy.ini",
        ".mypy.ini",
        ".coveragerc",
        ".importlinter",
        ".flake8",
        "setup.py",
        "entry_points.txt",  # a committed *.egg-info's (sdists carry one)
    }
)


def config_reader(tree: TreeReader) -> Callable[[str], bytes | None]:
    """`read(path)`: a configuration file's bytes from `tree`, None when it is absent (or a
    folder). A file above MAX_CONFIG_BYTES is refused before it is read (ConfigError), and
    a special file by the disk tree (UsageError): a committed 60 MB pyproject.toml or a FIFO
    in its place must not hold up a command."""

    def read(path: str) -> bytes | None:
        try:
            if not tree.exists(path) or tree.is_dir(path):
                return None
            size = tree.size(path)
            if size > MAX_CONFIG_BYTES:
                raise config_too_large(path, size)
            data = tree.read_bytes(path)
        except OSError:
            return None
        if len(data) > MAX_CONFIG_BYTES:  # it grew since: still not used
            raise config_too_large(path, len(data))
        return data

    return read


class SourceCodemods(Protocol):
    """The per-file transforms (LibCST codemods), behind a boundary so services stay free of
    libcst. Sources are bytes as on disk (encoding, BOM and line endings are kept). Parse
    failures raise SourceParseError naming the file and line; refusals raise PlanError."""

    def may_reference(self, source: bytes, *, renames: Mapping[str, str]) -> bool: ...

    def rewrite_references(
        self,
        source: bytes,
        *,
        path: str,
        module: str,
        is_package: bool,
        renames: Mapping[str, str],
        names: Sequence[str] | None = None,
        moved_from: str | None = None,
        relative: str = "keep",
        protected: frozenset[str] = frozenset(),
        was_package: bool | None = None,
        shadowed: frozenset[str] = frozenset(),
    ) -> bytes: ...

    def relative_imports_change(
        self,
        source: bytes,
        *,
        old_module: str,
        new_module: str,
        is_package: bool,
        renames: Mapping[str, str],
        relative: str = "keep",
        was_package: bool | None = None,
    ) -> bool:
        """Whether a file moved from `old_module` to `new_module` needs its relative imports
        rewritten (True when unsure); `was_package`: it was a package's `__init__.py` at the
        old place (None: as it is now)."""
        ...

    def rewrite_references_batch(
        self,
        files: Sequence[ReferenceFile],
        *,
        renames: Mapping[str, str],
        names: Sequence[str] | None = None,
        relative: str = "keep",
        protected: frozenset[str] = frozenset(),
        shadowed: frozenset[str] = frozenset(),
    ) -> list[bytes]:
        """`rewrite_references` for every file (possibly in parallel): the results in the
        order of `files`. On failure, raises the error of the first failing file in that
        order, as `rewrite_references` would have."""
        ...

    def rewrite_config(
        self,
        path: str,
        source: bytes,
        *,
        modules: Mapping[str, str],
        files: Mapping[str, str],
        new_packages: Sequence[str] = (),
        gone_packages: Sequence[str] = (),
        line_length: int | None = None,
    ) -> bytes:
        """A configuration file (CONFIG_FILE_NAMES) with the references whose meaning is
        known (entry points, coverage sources, mypy overrides, ...) following `modules`
        (old -> new dotted names) and `files` (old -> new paths); explicit `packages` lists
        gain `new_packages` (created by the step) where they list the parent, and lose
        `gone_packages` (names the step left no package at). A list grown past
        `line_length` (the project's; None: PEP 8's) is wrapped one name a line."""
        ...

    def rewrite_docs(self, source: bytes, *, renames: Mapping[str, str]) -> bytes:
        """Exact dotted names of `renames` in comments and docstrings, followed."""
        ...

    def read_header(self, source: bytes) -> Mapping[str, str]:
        """The header block's fields ('Layer', 'AUDIENCE', 'Role', ...); empty when none."""
        ...

    def set_header(
        self,
        source: bytes,
        *,
        path: str,
        layer: str | None = None,
        description: str | None = None,
        audience: str | None = None,
        role: str | None = None,
        hybrid: bool = False,
        note: str | None = None,
        fields: Mapping[str, str] | None = None,
    ) -> bytes:
        """Set only the given header fields; every other line stays as it was."""
        ...

    def extract_definitions(
        self,
        source: bytes,
        *,
        path: str,
        target: bytes | None,
        names: Sequence[str] | str,
        source_module: str,
        target_module: str,
        source_is_package: bool,
        reexport: bool,
        audience: str | None,
        role: str | None,
    ) -> Extraction: ...

    def split_module(
        self,
        source: bytes,
        *,
        path: str,
        driver: bytes | None,
        names: Sequence[str] | str,
        module: str,
        driver_module: str,
        engine_module: str | None,
        partial: bool,
        audience: str | None,
        note: str | None,
        line_length: int = 88,
        first_party: Sequence[str] = (),
        protocol_module: str | None = None,
        protocol: bytes | None = None,
    ) -> Split: ...

    def classify(self, source: bytes, *, path: str) -> list[str]:
        """One line per function/class/method: its verdict (db / logic) and the evidence."""
        ...
