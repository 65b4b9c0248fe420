"""The verify command's runner: what it starts never outlives it, whether it ends, times out or
is interrupted, including a child that leaves its process group (`setsid`) and holds the
output pipe; hoc-migrate's own other child processes are left alone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import FrameType

import pytest

import hoc_migrate.adapters.command as command_module
from hoc_migrate.adapters.command import run_command
from tests.reliability.faults import running

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="finds processes in /proc"
)


def detaching(pidfile: Path, then: str) -> str:
    """A shell command that starts a child in its own session (holding the output pipe),
    waits until the child wrote its pid, then runs `then`."""
    return (
        f"setsid sh -c 'echo $$ > \"{pidfile}\"; exec sleep 600' & "
        f'while [ ! -s "{pidfile}" ]; do sleep 0.01; done; {then}'
    )


def test_a_detached_child_is_killed_when_the_command_ends(tmp_path: Path) -> None:
    pidfile = tmp_path / "child.pid"
    result = run_command(detaching(pidfile, "echo started; exit 3"), tmp_path, 60)
    assert (result.returncode, result.output, result.timed_out) == (3, "started\n", False)
    assert not running(int(pidfile.read_text()))


def test_a_timeout_kills_the_command_and_its_detached_child(tmp_path: Path) -> None:
    pidfile = tmp_path / "child.pid"
    result = run_command(detaching(pidfile, "echo waiting; sleep 600"), tmp_path, 1)
    assert (result.returncode, result.timed_out) == (None, True)
    assert result.output == "waiting\n"
    assert not running(int(pidfile.read_text()))


def test_an_interruption_kills_everything_the_command_started(tmp_path: Path) -> None:
    pidfile = tmp_path / "child.pid"

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGUSR1, interrupt)
    # Ctrl-C once the child runs (a thread watches for its pid file).
    watcher = threading.Thread(target=_signal_when_written, args=(pidfile,), daemon=True)
    watcher.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            run_command(detaching(pidfile, "sleep 600"), tmp_path, 600)
    finally:
        signal.signal(signal.SIGUSR1, previous)
        watcher.join()
    assert not running(int(pidfile.read_text()))


def _signal_when_written(pidfile: Path) -> None:
    while not pidfile.exists() or not pidfile.read_text().strip():
        time.sleep(0.01)
    os.kill(os.getpid(), signal.SIGUSR1)


def test_hoc_migrates_own_child_processes_are_left_alone(tmp_path: Path) -> None:
    helper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        result = run_command("sleep 0.1 & echo done", tmp_path, 60)
        assert (result.returncode, result.output) == (0, "done\n")
        assert running(helper.pid)
    finally:
        helper.kill()
        helper.wait()


def test_only_the_end_of_a_huge_output_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(command_module, "OUTPUT_MAX", 1000)
    script = "import sys; sys.stdout.write(''.join(f'{i:04d}' for i in range(1250)))"
    result = run_command((sys.executable, "-c", script), tmp_path, 60)
    assert result.returncode == 0
    head, _, kept = result.output.partition("\n")
    assert head == "[... the first 4000 bytes of output cut ...]"
    assert kept == "".join(f"{i:04d}" for i in range(1000, 1250))
