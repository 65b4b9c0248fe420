"""Runs a plan's verification command (a test suite) in a worktree, with a timeout.

A string runs through the shell (as the user would type it); a list runs as is. Either way it
is code the plan brings, run with the user's rights (the CLI prints it before it runs).

Nothing the command starts outlives it: when it exits, times out or is interrupted (Ctrl-C,
SIGTERM, SIGHUP), everything it started is killed (SIGKILL). It runs in its own session and
process group, killed as a whole; on Linux hoc-migrate is also its child subreaper while it
runs (prctl PR_SET_CHILD_SUBREAPER), so a descendant that leaves the group (`setsid cmd &`, a
daemon's double fork) is re-parented to hoc-migrate instead of init, found through /proc and
killed too. Output is read until the command itself exits, not until the pipe closes: a
detached child holding the pipe cannot hold `apply` past the command or its timeout.
"""

from __future__ import annotations

import contextlib
import os
import select
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO

from hoc_migrate.core.verification import CommandResult

PYTHON_TOKEN = "{python}"
#: Bytes of output kept (the last ones: a failing test suite ends with its summary).
OUTPUT_MAX = 4 * 1024 * 1024
#: Once everything is killed, how long to read what is left in the pipe (a process outside
#: reach, on a system without /proc, may still hold it open).
_DRAIN_SECONDS = 1.0
_POLL_SECONDS = 0.05  # how often to look whether the command ended, without a pidfd
_PR_SET_CHILD_SUBREAPER, _PR_GET_CHILD_SUBREAPER = 36, 37


def with_interpreter(command: tuple[str, ...] | str) -> tuple[str, ...] | str:
    """`{python}` stands for the interpreter hoc-migrate runs on, so a plan can run the
    project's tests with the environment it was installed in, whatever `python` is on PATH."""
    if isinstance(command, str):
        return command.replace(PYTHON_TOKEN, shlex.quote(sys.executable))
    return tuple(sys.executable if part == PYTHON_TOKEN else part for part in command)


def shown_command(command: tuple[str, ...] | str) -> str:
    """The command as it will run, for a human (`{python}` replaced)."""
    command = with_interpreter(command)
    return command if isinstance(command, str) else shlex.join(command)


def run_command(
    command: tuple[str, ...] | str,
    cwd: Path,
    timeout: float,
    env: Mapping[str, str] | None = None,
) -> CommandResult:
    command = with_interpreter(command)
    with _subreaper():
        ours = _children_of(os.getpid())  # git helper processes: never touched
        try:
            process = subprocess.Popen(
                command,
                cwd=cwd,
                env=None if env is None else dict(env),
                shell=isinstance(command, str),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as exc:
            return CommandResult(None, "", error=str(exc))
        assert process.stdout is not None
        output = _Output()
        try:
            ended = _read_until_exit(process, output, timeout)
        finally:  # ended, timed out, or interrupted: nothing it started survives it
            _kill_everything(process, ours)
            _drain(process.stdout, output)
            process.stdout.close()
            process.wait()
    if not ended:
        return CommandResult(None, output.text(), timed_out=True)
    return CommandResult(process.returncode, output.text())


class _Output:
    """The command's output, its last OUTPUT_MAX bytes kept."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.cut = 0

    def add(self, chunk: bytes) -> None:
        self.data += chunk
        extra = len(self.data) - OUTPUT_MAX
        if extra > 0:
            del self.data[:extra]
            self.cut += extra

    def text(self) -> str:
        text = self.data.decode("utf-8", "replace")
        return f"[... the first {self.cut} bytes of output cut ...]\n{text}" if self.cut else text


def _read_until_exit(process: subprocess.Popen[bytes], output: _Output, timeout: float) -> bool:
    """Collect output until the command's own process exits (True) or `timeout` (False)."""
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    pipe: int | None = process.stdout.fileno()
    exited = _exit_notifier(process.pid)
    try:
        while process.poll() is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            watched = [fd for fd in (pipe, exited) if fd is not None]
            wait = remaining if exited is not None else min(remaining, _POLL_SECONDS)
            if not watched:
                time.sleep(wait)
                continue
            ready, _, _ = select.select(watched, [], [], wait)
            if pipe is not None and pipe in ready:
                chunk = os.read(pipe, 65536)
                if chunk:
                    output.add(chunk)
                else:
                    pipe = None  # every writer closed it; the process may still run
        return True
    finally:
        if exited is not None:
            os.close(exited)


def _exit_notifier(pid: int) -> int | None:
    """A file descriptor that becomes readable when `pid` exits (Linux pidfd), or None."""
    pidfd_open = getattr(os, "pidfd_open", None)
    if pidfd_open is None:
        return None
    try:
        fd: int = pidfd_open(pid)
    except OSError:
        return None
    return fd


def _drain(stream: IO[bytes], output: _Output) -> None:
    """What is still in the pipe, until every writer is gone or _DRAIN_SECONDS passed."""
    fd = stream.fileno()
    deadline = time.monotonic() + _DRAIN_SECONDS
    while (remaining := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            return
        chunk = os.read(fd, 65536)
        if not chunk:
            return
        output.add(chunk)


def _kill_everything(process: subprocess.Popen[bytes], ours: set[int]) -> None:
    """SIGKILL the command's process group, then every descendant of this process that is not
    one of `ours` (its own helpers, and theirs), until none is left; reap the orphans."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    for _ in range(200):
        alive, zombies = _descendants(os.getpid(), exclude=ours)
        # Orphans re-parented to us are ours to reap (the command's own process: Popen's).
        unreaped = [pid for pid in zombies if pid != process.pid and not _reaped(pid)]
        if not alive and not unreaped:
            return
        for pid in alive:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.005)  # let the kernel end them before looking again


def _reaped(pid: int) -> bool:
    try:
        return os.waitpid(pid, os.WNOHANG)[0] == pid
    except ChildProcessError:
        return True  # not our child (or reaped already): not ours to wait for


def _processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, state) of every process, from /proc (empty without it)."""
    found: dict[int, tuple[int, str]] = {}
    try:
        names = os.listdir("/proc")
    except OSError:
        return found
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                data = handle.read()
        except OSError:
            continue  # ended meanwhile
        # `pid (comm) state ppid ...`; comm may hold spaces and parentheses.
        fields = data[data.rfind(b")") + 2 :].split()
        if len(fields) >= 2:
            found[int(name)] = (int(fields[1]), fields[0].decode("ascii", "replace"))
    return found


def _children_of(pid: int) -> set[int]:
    return {child for child, (parent, _) in _processes().items() if parent == pid}


def _descendants(root: int, exclude: set[int]) -> tuple[list[int], list[int]]:
    """(running, zombie) descendants of `root`, the subtrees of `exclude` left out."""
    children: dict[int, list[int]] = {}
    processes = _processes()
    for pid, (parent, _) in processes.items():
        children.setdefault(parent, []).append(pid)
    alive: list[int] = []
    zombies: list[int] = []
    todo = [pid for pid in children.get(root, []) if pid not in exclude]
    while todo:
        pid = todo.pop()
        (zombies if processes[pid][1] in ("Z", "X") else alive).append(pid)
        todo.extend(children.get(pid, []))
    return alive, zombies


@contextlib.contextmanager
def _subreaper() -> Iterator[None]:
    """Make this process the child subreaper of what it starts meanwhile (Linux only)."""
    prctl = _prctl()
    if prctl is None:
        yield
        return
    import ctypes

    previous = ctypes.c_int(0)
    prctl(_PR_GET_CHILD_SUBREAPER, ctypes.byref(previous), 0, 0, 0)
    if prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        yield
        return
    try:
        yield
    finally:
        prctl(_PR_SET_CHILD_SUBREAPER, previous.value, 0, 0, 0)


def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        prctl: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return prctl
