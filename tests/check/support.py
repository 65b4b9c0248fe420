"""Helpers for the checker tests: an in-memory TreeReader (the planner's overlay case) and
shortcuts to run the check and pick findings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hoc_migrate.core.layers.config import CheckConfig
from hoc_migrate.core.layers.result import CheckResult
from hoc_migrate.services.check import run_check

HOC = "backend/app/hoc/cus/integrations"
CONFIG = CheckConfig(source_roots=("backend",))


class MemoryTree:
    """A TreeReader over a dict of path -> text or bytes."""

    def __init__(self, files: dict[str, str | bytes]) -> None:
        self.files = {
            path: content.encode("utf-8") if isinstance(content, str) else content
            for path, content in files.items()
        }

    def iter_files(self, under: str = "") -> Iterator[str]:
        prefix = f"{under.rstrip('/')}/" if under else ""
        for path in sorted(self.files):
            if path == under or path.startswith(prefix):
                yield path

    def read_bytes(self, path: str) -> bytes:
        try:
            return self.files[path]
        except KeyError:
            raise FileNotFoundError(path) from None

    def size(self, path: str) -> int:
        return len(self.read_bytes(path))

    def exists(self, path: str) -> bool:
        return path in self.files or self.is_dir(path)

    def is_dir(self, path: str) -> bool:
        prefix = f"{path.rstrip('/')}/" if path else ""
        return any(p.startswith(prefix) for p in self.files)


def check(files: dict[str, str | bytes], **options: Any) -> CheckResult:
    """The check of an in-memory tree; source root `backend` unless `config=` says."""
    config = options.pop("config", CONFIG)
    return run_check(MemoryTree(files), config, **options)


def found(result: CheckResult, rule: str) -> list[tuple[str, int, str | None]]:
    """(path below the integrations domain, line, imported module) for each finding of `rule`."""
    prefix = HOC + "/"
    return sorted(
        (f.file.removeprefix(prefix), f.line, f.module) for f in result.findings if f.rule == rule
    )
