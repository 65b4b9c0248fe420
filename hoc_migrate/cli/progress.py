"""The progress port (hoc_migrate.ports.Progress) on stderr, for the command line.

On a terminal, the stages under way are shown live (named, with their counts and a bar when
the count is known) and cleared when done; with -v, each stage prints one line as it ends:
what it did and how long it took, terminal or not. Otherwise, and with -q, nothing.

The display is refreshed when a stage starts, advances or ends, never by a timer: a refresh
thread would keep the codemods from forking their worker processes (see
adapters/codemod_runner.py), and services report every batch anyway.
"""

from __future__ import annotations

import time

from rich.console import Console, RenderableType
from rich.markup import escape
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TaskID, TextColumn
from rich.text import Text

from hoc_migrate.ports import ProgressStage


class _Bar(ProgressColumn):
    """A bar for a stage that knows its total; nothing for one that does not (a pulsing bar
    would only move when a stage reports, which is when it ends)."""

    def __init__(self) -> None:
        super().__init__()
        self._bar = BarColumn()

    def render(self, task: Task) -> RenderableType:
        return Text("") if task.total is None else self._bar.render(task)


class _Count(ProgressColumn):
    """`done/total` for a stage that knows its total; nothing for one that does not."""

    def render(self, task: Task) -> Text:
        if task.total is None:
            return Text("")
        return Text(f"{int(task.completed):,}/{int(task.total):,}", style="progress.download")


class _Elapsed(ProgressColumn):
    def render(self, task: Task) -> Text:
        return Text(f"{task.elapsed or 0.0:.1f}s", style="progress.elapsed")


class TerminalProgress:
    """Shows the stages services report: live when `live` (stderr is a terminal), one line
    per finished stage when `verbose`. `close()` ends the display (the command's end)."""

    def __init__(self, console: Console, *, live: bool, verbose: bool) -> None:
        self.console = console
        self.verbose = verbose
        self._open = 0  # stages not closed yet: the depth of the next one
        self._display: Progress | None = None
        if live:
            self._display = Progress(
                TextColumn("{task.description}"),
                _Bar(),
                _Count(),
                _Elapsed(),
                console=console,
                transient=True,
                auto_refresh=False,
                redirect_stdout=False,
                redirect_stderr=False,
            )

    def stage(self, name: str, total: int | None = None) -> ProgressStage:
        return _TerminalStage(self, name, total)

    def note(self, text: str) -> None:
        if self.verbose:
            self.console.print(escape(text), highlight=False)

    def close(self) -> None:
        if self._display is not None and self._display.live.is_started:
            self._display.stop()

    # -- for the stages ------------------------------------------------------------------
    def _started(self, name: str, total: int | None) -> TaskID | None:
        self._open += 1
        if self._display is None:
            return None
        task = self._display.add_task(escape(name), total=total)
        if not self._display.live.is_started:
            self._display.start()
        self._display.refresh()
        return task

    def _advanced(self, task: TaskID | None, count: int) -> None:
        if self._display is not None and task is not None:
            self._display.advance(task, count)
            self._display.refresh()

    def _ended(self, task: TaskID | None, line: str) -> None:
        self._open -= 1
        if self._display is not None and task is not None:
            self._display.remove_task(task)
            if not self._display.tasks:
                self._display.stop()  # transient: the display is cleared
            else:
                self._display.refresh()
        if self.verbose:
            self.console.print("  " * self._open + escape(line), highlight=False)


class _TerminalStage(ProgressStage):
    def __init__(self, owner: TerminalProgress, name: str, total: int | None) -> None:
        self._owner = owner
        self._name = name
        self._total = total
        self._report: str | None = None
        self._started = time.monotonic()
        self._closed = False
        self._task = owner._started(name, total)

    def advance(self, count: int = 1) -> None:
        self._owner._advanced(self._task, count)

    def report(self, text: str) -> None:
        self._report = text

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        seconds = time.monotonic() - self._started
        what = f": {self._report}" if self._report else ""
        self._owner._ended(self._task, f"{self._name}{what} ({seconds:.1f}s)")
