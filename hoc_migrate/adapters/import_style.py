"""Applies the project's own import style to the files a step changed.

The project's tools do the work, with the project's configuration: `ruff check --select I001
--fix` where ruff's isort rules are enabled, isort's API where isort is configured, `ruff
format` or black where the project formats with them. A file is restyled only where the
tool found it clean before the step (a file the project does not keep sorted is left as the
rewrite made it: sorting it would mix unrelated changes into the move), and only when the
step changed its imports. Where none of them ran on a file (none is configured, or the file
was not clean for them), or where the formatter the project names did not run (it is not
installed, or the file was not clean for it), a rewritten import longer than the project's
line length, indent included, is wrapped (isort's black-style wrapping of that one
statement).
"""

from __future__ import annotations

import ast
import fnmatch
import json
import os
import posixpath
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from hoc_migrate.core.style import STYLE_FILES, ImportStyle, detect_style
from hoc_migrate.ports import StyledFile, TreeReader, config_reader

_TIMEOUT = 60.0


def _find_tool(name: str) -> str | None:
    """The tool beside the running interpreter (its virtual environment), else on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which(name)


def read_style(tree: TreeReader) -> ImportStyle:
    return detect_style(config_reader(tree))


def _imports(source: bytes) -> list[str] | None:
    """Every import statement, normalized (None: the file does not parse)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    return [
        ast.dump(node) for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)
    ]


class ProjectStyle:
    """The `SourceStyle` port: the project's style, applied by its own tools."""

    def __init__(
        self,
        style: ImportStyle,
        repo_root: Path,
        *,
        jobs: int = 4,
        packages: Sequence[str] = (),
    ) -> None:
        self.style = style
        self.root = repo_root
        # The project's packages are first-party unless its configuration says otherwise
        # (pluggy's `known-local-folder = ["pluggy"]` sorts them with relative imports).
        owned = (p for p in packages if style.is_first_party(p))
        self._first_party = sorted({*style.first_party, *owned})
        self._jobs = jobs
        self._ruff = _find_tool("ruff") if "ruff" in (style.sorter, style.formatter) else None
        self._black = _find_tool("black") if style.formatter == "black" else None
        self._missing = [
            tool
            for tool, found in (("ruff", self._ruff), ("black", self._black))
            if tool in (style.sorter, style.formatter) and found is None
        ]

    @property
    def relative_imports(self) -> str:
        return self.style.relative

    @property
    def line_length(self) -> int | None:
        return self.style.line_length

    def describe(self) -> list[str]:
        lines = self.style.describe()
        lines += [
            f"{tool} is not installed here: that part of the style is not applied"
            for tool in self._missing
        ]
        return lines

    # -- the port ---------------------------------------------------------------------
    def restyle(self, files: Sequence[StyledFile]) -> list[bytes]:
        if not files or (
            self.style.sorter is None
            and self.style.formatter is None
            and self.style.line_length is None
        ):
            return [f.after for f in files]
        if len(files) == 1 or self._jobs < 2:
            return [self._restyle(f) for f in files]
        with ThreadPoolExecutor(self._jobs) as pool:
            return list(pool.map(self._restyle, files))

    def _restyle(self, file: StyledFile) -> bytes:
        if not file.path.endswith((".py", ".pyi")):
            return file.after
        after_imports = _imports(file.after)
        if after_imports is None or (
            file.before is not None and _imports(file.before) == after_imports
        ):
            return file.after  # no import changed (or it does not parse: verification says)
        text = file.after
        ran: list[bool] = []
        sorter = self._sorter()
        for step in (sorter, self._formatter()):
            old = file.before
            clean = step is not None and (
                old is None or step(old, file.before_path or file.path) == old
            )
            if step is not None and clean:
                text = step(text, file.path) or text
            ran.append(clean)
        sorted_, formatted = ran
        # The formatter the project names did not run on the file (it is not installed
        # here, or the file was not clean for it before), or no tool of the project's ran at
        # all: the rewritten imports still keep to its line length (a sorter's own line
        # length, ruff's 88 by default, is not black's 79).
        unformatted = not formatted and (self.style.formatter is not None or not sorted_)
        if unformatted and self.style.line_length is not None:
            wrapped = _wrap_long_imports(text, file.before, self.style.line_length)
            if sorted_ and sorter is not None and wrapped != text:
                # The wrapping sorts the names as isort does: the project's sorter has the
                # last word on their order (it keeps the wrapping: a trailing comma).
                wrapped = sorter(wrapped, file.path) or wrapped
            text = wrapped
        return text

    def _sorter(self) -> Callable[[bytes, str], bytes | None] | None:
        if self.style.sorter == "ruff" and self._ruff is not None:
            return self._ruff_sort
        if self.style.sorter == "isort":
            return self._isort
        return None

    def _formatter(self) -> Callable[[bytes, str], bytes | None] | None:
        if self.style.formatter == "ruff" and self._ruff is not None:
            return self._ruff_format
        if self.style.formatter == "black" and self._black is not None:
            return self._black_format
        return None

    # -- the tools ----------------------------------------------------------------------
    def _disk_path(self, path: str) -> str:
        """Where the tools are told the file is: its path in the repository, or, while its
        folder exists only in the plan's result, the same name in the nearest folder that
        exists (ruff misjudges first-party imports in a file whose folder is missing)."""
        full = self.root / path
        folder = full.parent
        while folder != self.root and not folder.is_dir():
            folder = folder.parent
        return str(folder / full.name)

    def _run(self, command: list[str], source: bytes) -> bytes | None:
        try:
            done = subprocess.run(
                command,
                input=source,
                capture_output=True,
                cwd=self.root,
                timeout=_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout if done.returncode == 0 else None

    def _ruff_sort(self, source: bytes, path: str) -> bytes | None:
        assert self._ruff is not None
        # Only I001 is fixed, whatever else the configuration selects.
        return self._run(
            [
                self._ruff,
                "check",
                "--select",
                "I001",
                "--fixable",
                "I001",
                "--fix",
                "--exit-zero",
                "--quiet",
                "--no-cache",
                *self._first_party_option(),
                "--stdin-filename",
                self._disk_path(path),
                "-",
            ],
            source,
        )

    def _first_party_option(self) -> list[str]:
        """The project's packages as first-party, with those its configuration names."""
        if not self._first_party:
            return []
        names = ", ".join(json.dumps(n) for n in self._first_party)
        return ["--config", f"lint.isort.known-first-party = [{names}]"]

    def _ruff_format(self, source: bytes, path: str) -> bytes | None:
        assert self._ruff is not None
        return self._run(
            [
                self._ruff,
                "format",
                "--quiet",
                "--no-cache",
                "--stdin-filename",
                self._disk_path(path),
                "-",
            ],
            source,
        )

    def _black_format(self, source: bytes, path: str) -> bytes | None:
        assert self._black is not None
        return self._run(
            [self._black, "--quiet", "--stdin-filename", self._disk_path(path), "-"], source
        )

    def _isort(self, source: bytes, path: str) -> bytes | None:
        import isort  # noqa: PLC0415 (only projects configured for isort pay for it)

        try:
            text = source.decode("utf-8")
            config = isort.Config(settings_path=str(self.root))
            full = self.root / path
            # isort skips every path that is not on disk: a module the plan moved (it exists
            # only in the plan's result) would never be sorted. Its skip settings decide
            # from the new path instead; it is tracked (the plan commits it).
            on_disk = full.exists()
            if not on_disk and _isort_skips(config, full):
                return None
            sorted_text = isort.code(
                text, config=config, file_path=full, disregard_skip=not on_disk
            )
            return sorted_text.encode("utf-8")
        except Exception:  # noqa: BLE001 (a file isort cannot handle keeps the rewrite)
            return None


def _isort_skips(config: Any, full: Path) -> bool:
    """isort's `skip`, `extend_skip`, `skip_glob` and `extend_skip_glob` for `full`, which
    need not exist (as `isort.settings.Config.is_skipped` reads them, without its check that
    the file is on disk and in git)."""
    directory = Path(config.directory) if config.directory else None
    if directory is not None and directory in full.parents:
        name = os.path.relpath(full, directory)
    else:
        name = str(full)
    absolute = posixpath.abspath(full.as_posix())
    if any(absolute == posixpath.abspath(str(skip).replace("\\", "/")) for skip in config.skips):
        return True
    head, tail = os.path.split(name)
    while tail:
        if tail in config.skips:
            return True
        head, tail = os.path.split(head)
    return any(
        fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch("/" + name, pattern)
        for pattern in config.skip_globs
    )


def _wrap_long_imports(source: bytes, before: bytes | None, limit: int) -> bytes:
    """Wrap the single-line imports longer than `limit` that the step wrote (isort's
    black-style wrapping, one statement at a time)."""
    try:
        text = source.decode("utf-8")
        tree = ast.parse(text)
    except (UnicodeDecodeError, SyntaxError, ValueError):
        return source
    old_lines = set((before or b"").decode("utf-8", "replace").splitlines())
    lines = text.splitlines(keepends=True)
    long_ones = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        and node.lineno == node.end_lineno
        and len(lines[node.lineno - 1].rstrip("\r\n")) > limit
        and lines[node.lineno - 1].rstrip("\r\n") not in old_lines
    ]
    if not long_ones:
        return source
    import isort  # noqa: PLC0415

    for node in sorted(long_ones, key=lambda n: n.lineno, reverse=True):
        line = lines[node.lineno - 1]
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        if ";" in stripped or not stripped.startswith(("import ", "from ")):
            continue
        newline = "\r\n" if line.endswith("\r\n") else "\n"
        # An import inside a function is indented: the statement gets what the indent leaves.
        width = max(limit - len(indent.expandtabs()), 20)
        config = isort.Config(profile="black", line_length=width, combine_as_imports=True)
        try:
            wrapped = isort.code(stripped, config=config)
        except Exception:  # noqa: BLE001
            continue
        body = [f"{indent}{part}" if part else part for part in wrapped.splitlines()]
        lines[node.lineno - 1] = newline.join(body) + newline
    return "".join(lines).encode("utf-8")


def project_style(tree: TreeReader, repo_root: Path, packages: Sequence[str] = ()) -> ProjectStyle:
    """The style the repository's configuration files (in `tree`) describe; `packages`: the
    project's top-level packages (first-party for the sorter, wherever a plan puts them)."""
    return ProjectStyle(read_style(tree), repo_root, packages=packages)


__all__ = ["STYLE_FILES", "ProjectStyle", "project_style", "read_style"]
