"""SIGTERM and SIGHUP end a command as Ctrl-C does (as `timeout`, a CI cancellation, systemd or
a closed terminal send them): an exception, so every cleanup runs on the way out (the apply's
worktree, lock and journal, a verify command and all it started, half-written outputs), then
exit 128 + the signal's number.

The exception is not a KeyboardInterrupt: click would turn that into "Aborted!" and exit 1.
"""

from __future__ import annotations

import signal
from types import FrameType

HANDLED = (signal.SIGTERM, signal.SIGHUP)


class Terminated(BaseException):
    """The process received SIGTERM or SIGHUP."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


def handle_termination() -> None:
    """Raise Terminated on SIGTERM and SIGHUP, unless they are ignored (`nohup` ignores
    SIGHUP on purpose: it stays ignored)."""
    for signum in HANDLED:
        if signal.getsignal(signum) is signal.SIG_DFL:
            signal.signal(signum, _terminate)


def _terminate(signum: int, frame: FrameType | None) -> None:
    # Once: a second signal while cleaning up must not cut the cleanup short. (Not SIG_IGN:
    # git commands the cleanup runs would inherit an ignored signal.)
    for handled in HANDLED:
        if signal.getsignal(handled) is _terminate:
            signal.signal(handled, _noted)
    raise Terminated(signum)


def _noted(signum: int, frame: FrameType | None) -> None:
    """A termination signal while the first one's cleanup runs: already on the way out."""
