"""Progress on stderr: long stages shown while they run when stderr is a terminal (a real
pseudo-terminal here), never when it is not, never with -q; -v prints what each did."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

from rich.console import Console

from hoc_migrate.cli.progress import TerminalProgress
from tests.apply.conftest import MOVE_RULES, SHOP, run, write_plan
from tests.conftest import GIT_ENV, make_repo

ROOT = Path(__file__).resolve().parents[2]


def run_with_terminal_stderr(*args: str | Path) -> tuple[int, str, str]:
    """`hoc-migrate ARGS` with stderr on a pseudo-terminal (120 columns) and stdout on a
    pipe: (exit code, stdout, everything the terminal received)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(GIT_ENV, TERM="xterm-256color", PYTHONPATH=str(ROOT))
    process = subprocess.Popen(
        [sys.executable, "-m", "hoc_migrate", *map(str, args)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=slave,
    )
    os.close(slave)
    received = bytearray()
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the process closed the terminal's last descriptor
            break
        if not data:
            break
        received += data
    os.close(master)
    assert process.stdout is not None
    with process.stdout:
        out = process.stdout.read().decode()
    return process.wait(), out, received.decode(errors="replace")


def test_apply_shows_its_stages_live_when_stderr_is_a_terminal(tmp_path: Path) -> None:
    shop = make_repo(tmp_path / "shop", dict(SHOP))
    plan = write_plan(shop, MOVE_RULES)

    code, out, terminal = run_with_terminal_stderr(
        "apply", plan, "--branch", "live", "--repo", shop
    )

    assert code == 0, terminal
    assert "branch live created at" in out
    for stage in (
        "step 1 (move)",
        "rewriting references in 1 file",
        "committing 2 commits",
        "verifying",
        "scanning",
    ):
        assert stage in terminal, (stage, terminal)
    assert "\x1b[2K" in terminal  # the display is redrawn in place, then cleared


def test_quiet_shows_no_progress_even_on_a_terminal(tmp_path: Path) -> None:
    shop = make_repo(tmp_path / "shop", dict(SHOP))
    plan = write_plan(shop, MOVE_RULES)

    code, out, terminal = run_with_terminal_stderr(
        "apply", plan, "--branch", "quiet", "--repo", shop, "-q"
    )

    assert code == 0, terminal
    assert "branch quiet created at" in out
    assert terminal.strip() == ""


def test_no_progress_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    shop = make_repo(tmp_path / "shop", dict(SHOP))
    plan = write_plan(shop, MOVE_RULES)

    result = run("apply", plan, "--branch", "piped", "--repo", shop)

    assert result.exit_code == 0, result.stderr
    assert "rewriting references" not in result.stderr
    assert "committing" not in result.stderr


def test_verbose_says_what_each_stage_did_without_a_terminal(tmp_path: Path) -> None:
    shop = make_repo(tmp_path / "shop", dict(SHOP))
    plan = write_plan(shop, MOVE_RULES)

    result = run("apply", plan, "--branch", "told", "--repo", shop, "-v")

    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == "source roots: backend"
    assert lines[1].startswith("  rewriting references in 1 file (")  # inside step 1
    assert lines[2].startswith("step 1 (move): done, 2 files (")
    assert lines[3].startswith("committing 2 commits (")
    assert any(line.startswith("  scanning ") for line in lines)  # inside verifying
    assert any(line.startswith("verifying (layer check, compile, imports) (") for line in lines)


def _console() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, force_terminal=True, width=100, color_system=None), buffer


def test_a_live_stage_shows_its_name_and_count_then_clears() -> None:
    console, buffer = _console()
    progress = TerminalProgress(console, live=True, verbose=False)

    with progress.stage("scanning 300 files", total=300) as stage:
        stage.advance(256)
        assert "scanning 300 files" in buffer.getvalue()
        assert "256/300" in buffer.getvalue()
        drawn = buffer.getvalue()
    progress.close()

    assert "\x1b[2K" in buffer.getvalue()[len(drawn) :]  # erased when the stage ended


def test_without_a_terminal_or_verbose_nothing_is_printed() -> None:
    console, buffer = _console()
    progress = TerminalProgress(console, live=False, verbose=False)
    with progress.stage("scanning 3 files", total=3) as stage:
        stage.advance(3)
        stage.report("3 parsed")
    progress.note("source roots: src")
    progress.close()
    assert buffer.getvalue() == ""


def test_verbose_prints_each_stage_when_it_ends_indented_by_depth() -> None:
    console, buffer = _console()
    progress = TerminalProgress(console, live=False, verbose=True)
    with progress.stage("step 1 (move)") as step:
        with progress.stage("rewriting references in 4 files", total=4) as rewrite:
            rewrite.report("2 changed")
        step.report("done")
    lines = buffer.getvalue().splitlines()
    assert lines[0].startswith("  rewriting references in 4 files: 2 changed (")
    assert lines[1].startswith("step 1 (move): done (") and lines[1].endswith("s)")
