"""Run one command with a time limit and log everything it printed.

Every subprocess of the replay goes through `Runner.run`: nothing waits forever, and the
project's log holds each command, where it ran, its exit code, its time and its output.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

# What a command's exit code is when it was stopped at its time limit (as `timeout(1)` says).
TIMED_OUT = 124
# What it is when it could not be started at all (as a shell says for "command not found").
NOT_STARTED = 127


@dataclass(frozen=True)
class Result:
    argv: tuple[str, ...]
    exit: int
    seconds: float
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.exit == 0

    def tail(self, lines: int = 8) -> str:
        """The last lines of what it printed (stderr, else stdout), for a table note."""
        text = (self.stderr.strip() or self.stdout.strip()).splitlines()
        return "\n".join(text[-lines:])


def clean_env(venv: Path | None = None, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment a developer of the project would have with its venv activated.

    No bytecode is written: a package folder left with only a `__pycache__` after a checkout
    would import as a namespace package and hide a broken move. Wide output, no colour, so
    that what hoc-migrate prints can be read back line by line.
    """
    keep = ("HOME", "USER", "LANG", "TMPDIR", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL")
    env = {key: os.environ[key] for key in keep if key in os.environ}
    path = os.environ.get("PATH", "/usr/bin:/bin")
    if venv is not None:
        env["VIRTUAL_ENV"] = str(venv)
        path = f"{venv / 'bin'}{os.pathsep}{path}"
    env.update(
        PATH=path,
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONUTF8="1",
        LC_ALL="C.UTF-8",
        COLUMNS="250",
        NO_COLOR="1",
        TERM="dumb",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        GIT_AUTHOR_NAME="hoc-realworld",
        GIT_AUTHOR_EMAIL="hoc-realworld@example.invalid",
        GIT_COMMITTER_NAME="hoc-realworld",
        GIT_COMMITTER_EMAIL="hoc-realworld@example.invalid",
        GIT_CONFIG_NOSYSTEM="1",
    )
    if extra:
        env.update(extra)
    return env


class Runner:
    """Runs commands for one project, appending each to the project's log."""

    def __init__(self, log: Path, env: Mapping[str, str]) -> None:
        self.log = log
        self.env = dict(env)
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text("", encoding="utf-8")

    def note(self, text: str) -> None:
        with self.log.open("a", encoding="utf-8") as out:
            out.write(f"\n## {text}\n")

    def run(
        self,
        argv: Sequence[str | Path],
        *,
        cwd: Path,
        timeout: float,
        stdin: str | None = None,
    ) -> Result:
        args = tuple(str(part) for part in argv)
        start = time.monotonic()
        try:
            done = subprocess.run(
                args,
                cwd=cwd,
                env=self.env,
                input=stdin if stdin is not None else "",
                capture_output=True,
                text=True,
                errors="replace",
                timeout=timeout,
                check=False,
            )
            result = Result(
                args, done.returncode, time.monotonic() - start, done.stdout, done.stderr
            )
        except subprocess.TimeoutExpired as expired:
            result = Result(
                args,
                TIMED_OUT,
                time.monotonic() - start,
                _text(expired.stdout),
                _text(expired.stderr) + f"\n[replay] stopped after {timeout:.0f} s",
            )
        except OSError as error:
            result = Result(args, NOT_STARTED, time.monotonic() - start, "", str(error))
        self._log(result, cwd)
        return result

    def _log(self, result: Result, cwd: Path) -> None:
        with self.log.open("a", encoding="utf-8") as out:
            out.write(f"\n$ {shlex.join(result.argv)}\n")
            out.write(f"  (in {cwd}) -> exit {result.exit} in {result.seconds:.1f} s\n")
            if result.stdout:
                out.write("--- stdout\n" + _clip(result.stdout) + "\n")
            if result.stderr:
                out.write("--- stderr\n" + _clip(result.stderr) + "\n")


def _text(data: bytes | str | None) -> str:
    if data is None:
        return ""
    return data if isinstance(data, str) else data.decode("utf-8", "replace")


def _clip(text: str, limit: int = 200_000) -> str:
    """Keep a log readable: a suite's output can be megabytes; its ends say what happened."""
    if len(text) <= limit:
        return text.rstrip("\n")
    half = limit // 2
    return f"{text[:half]}\n[... {len(text) - limit} characters left out ...]\n{text[-half:]}"
