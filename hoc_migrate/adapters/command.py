"""Runs a plan's verification command (a test suite) in a worktree, with a timeout.

A string runs through the shell (as the user would type it); a list runs as is. The command
gets its own process group, so a timeout or Ctrl-C stops everything it started.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from hoc_migrate.core.verification import CommandResult

PYTHON_TOKEN = "{python}"


def with_interpreter(command: tuple[str, ...] | str) -> tuple[str, ...] | str:
    """`{python}` stands for the interpreter hoc-migrate runs on, so a plan can run the
    project's tests with the environment it was installed in, whatever `python` is on PATH."""
    if isinstance(command, str):
        return command.replace(PYTHON_TOKEN, shlex.quote(sys.executable))
    return tuple(sys.executable if part == PYTHON_TOKEN else part for part in command)


def run_command(
    command: tuple[str, ...] | str,
    cwd: Path,
    timeout: float,
    env: Mapping[str, str] | None = None,
) -> CommandResult:
    command = with_interpreter(command)
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
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        out, _ = process.communicate()
        return CommandResult(None, _text(out), timed_out=True)
    except BaseException:  # Ctrl-C: stop the command too, then let the caller clean up
        _kill_group(process)
        process.communicate()
        raise
    return CommandResult(process.returncode, _text(out))


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def _text(data: bytes | None) -> str:
    return (data or b"").decode("utf-8", "replace")
