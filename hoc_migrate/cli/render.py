"""Rendering for the terminal: coloured diffs and summaries (plain when piped)."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

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
