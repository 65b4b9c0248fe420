"""Errors that mean "could not run" (exit 2). Each carries every problem found, not just the first."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can."""

    message: str
    file: str | None = None
    line: int | None = None
    context: str | None = None  # e.g. "step 3 (move)"

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "") + ": "
        ctx = f"{self.context}: " if self.context else ""
        return f"{where}{ctx}{self.message}"


class HocMigrateError(Exception):
    """Base of every error the CLI maps to exit code 2 ("could not run")."""

    exit_code = 2

    def __init__(
        self, summary: str, problems: list[Problem] | None = None, hint: str | None = None
    ):
        super().__init__(summary)
        self.summary = summary
        self.problems = list(problems or [])
        self.hint = hint

    def __str__(self) -> str:
        lines = [self.summary] + [f"  {p}" for p in self.problems]
        return "\n".join(lines)


class ConfigError(HocMigrateError):
    """The checker's configuration is invalid (unknown keys, bad values)."""


class PlanError(HocMigrateError):
    """A plan file is invalid or does not fit the tree it is applied to."""


class SourceParseError(HocMigrateError):
    """A source file that a step must transform does not parse: `path` and `line` locate it
    in the tree as the step saw it (see `written_as` for the tree the user wrote)."""

    def __init__(
        self, path: str, line: int | None, reason: str, detail: str, hint: str | None = None
    ):
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {reason}", [Problem(detail, file=path, line=line)], hint)
        self.path, self.line, self.reason, self.detail = path, line, reason, detail

    def written_as(self, path: str, note: str) -> SourceParseError:
        """The same error naming the file by `path`, where the user wrote it, with `note`
        ("moved to ...") saying where the step found it."""
        return SourceParseError(path, self.line, f"{self.reason} ({note})", self.detail, self.hint)


class UsageError(HocMigrateError):
    """Missing path, bad option combination, repository in a state we refuse to touch."""


class GitError(HocMigrateError):
    """A git operation failed; the message says which and what was cleaned up."""
