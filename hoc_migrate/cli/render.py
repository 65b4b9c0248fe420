"""Rendering for the terminal: coloured diffs and summaries (plain when piped)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from rich.console import Console
from rich.text import Text

#: References printed in full on the terminal; the rest are counted (JSON and PR.md list all).
SHOWN_REFERENCES = 40


class _Reference(Protocol):
    @property
    def path(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def text(self) -> str: ...


_DIFF_STYLES = (
    ("diff --git", "bold"),
    ("+++", "bold"),
    ("---", "bold"),
    ("@@", "cyan"),
    ("+", "green"),
    ("-", "red"),
    ("rename ", "yellow"),
    ("similarity ", "yellow"),
    ("new file", "yellow"),
    ("deleted file", "yellow"),
)


def print_diff(console: Console, patch: str) -> None:
    """Print a patch; colour only on a terminal, byte-faithful text when piped."""
    if not console.is_terminal:
        # Surrogate-escaped bytes (non-UTF-8 content) go out exactly as they came in.
        raw = patch.encode("utf-8", "surrogateescape")
        buffer = getattr(console.file, "buffer", None)
        if buffer is not None:
            buffer.write(raw)
            buffer.flush()
        else:
            console.file.write(raw.decode("utf-8", "replace"))
            console.file.flush()
        return
    for line in patch.splitlines():
        style = next((s for prefix, s in _DIFF_STYLES if line.startswith(prefix)), "")
        console.print(Text(line, style=style), soft_wrap=True)


def print_references(console: Console, references: Sequence[_Reference]) -> None:
    """The mentions of moved modules no codemod followed, with file and line."""
    console.print(
        f"[yellow]references left to review[/] ({len(references)}; no codemod follows "
        "them, nothing changed):"
    )
    for ref in references[:SHOWN_REFERENCES]:
        console.print(f"  {ref.path}:{ref.line}: {ref.text}", markup=False, highlight=False)
    rest = references[SHOWN_REFERENCES:]
    if rest:
        files = len({r.path for r in rest})
        console.print(
            f"  ... and {len(rest)} more in {files} file(s) (all of them: --format json)",
            markup=False,
        )
