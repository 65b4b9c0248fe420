"""How this process was started, when it matters to a command.

`command_line` is set by `main` (the console script) for `check`, so that its output may be
recorded for replay; commands run by other means (tests through typer's runner) leave it
None and record nothing.
"""

from __future__ import annotations

command_line: list[str] | None = None
