"""Fault injection for `apply`: crash, interrupt (Ctrl-C, SIGTERM, SIGHUP), fail a write or a
git command at every stage, or run a verify command whose child detaches; then check that the user's repository is exactly as before (or holds exactly the verified
branch, when the fault came after it was made) once the next command has run.

Used by `test_fault_injection.py` (the whole matrix, once) and `benchmarks/torture.py`.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import GIT_ENV, ROOT, git, make_repo, state_dir
from tests.reliability.harness import cli, hoc_leftovers, repo_state

LAUNCHER = Path(__file__).resolve().parent / "fault_launcher.py"
BRANCH = "migrate/faults"
PR_OUT = "pr-out"  # inside the repository, as `--pr-out` requires

FILES: dict[str, str | bytes] = {
    "src/app/__init__.py": "",
    "src/app/a.py": '"""Module a."""\n\nA = 1\n',
    "src/app/b.py": "from app.a import A\n\nB = A + 1\n",
    "src/app/pkg/__init__.py": "",
    "src/app/pkg/m.py": "from ..a import A\n\nM = A + 10\n",
    "src/app/c.py": "import app.pkg.m\n\nC = app.pkg.m.M\n",
    "README.md": "A small package.\n",
}


def plan_text(verify: str | None = None) -> str:
    """The plan of every case; `verify`: its verify mapping (default: import the result)."""
    if verify is None:
        command = [sys.executable, "-c", "import app.b, app.c"]
        verify = f"{{command: {command!r}, command_cwd: src}}"
    return (
        "name: faults\n"
        "source_roots: [src]\n"
        f"verify: {verify}\n"
        "steps:\n"
        "  - move: {from: src/app/a.py, to: src/app/sub/a2.py}\n"
        "  - move: {from: src/app/pkg, to: src/app/pkg2}\n"
    )


# Stages (points of fault_launcher.py) x kinds of fault.
STAGES = (
    "journal",
    "worktree",
    "commit-1",
    "mid-commit",
    "commit-2",
    "verify",
    "command",
    "branch",
    "pr",
    "cleanup",
)
SIGNALS = ("kill", "int", "term", "hup")
# How apply ends on each (a signal handled as Ctrl-C ends with 128 + its number; 0 when it
# landed after the work was done).
SIGNAL_EXITS = {"int": (130, 0), "term": (143, 0), "hup": (129, 0)}
# (point, action): writes that fail (disk full, read-only) and git commands that fail.
FAILURES = (
    ("write=apply.lock", "enospc"),  # the journal
    ("write=worktrees", "enospc"),  # a file of a commit
    ("write=worktrees", "erofs"),
    ("write=commit-message", "enospc"),
    ("write=pr-out", "enospc"),  # the PR files (after the branch)
    ("mid-commit", "gitfail"),
    ("worktree", "gitfail"),
)
# Git refusing: set up in the repository before apply runs (no injection).
GIT_STATES = (
    "user-index-lock",
    "worktree-index-lock",
    "pre-commit-hook-rejects",
    "commit-msg-hook-rejects",
    "hooks-path-rejects",
    "reference-transaction-hook-rejects",
)


@dataclass
class FaultResult:
    case: str
    exit_code: int | None
    branch_made: bool
    left_behind: list[str] = field(default_factory=list)  # what differs once recovered
    notes: list[str] = field(default_factory=list)  # left for the next run, which cleaned it

    @property
    def clean(self) -> bool:
        return not self.left_behind


def expected_tree(work: Path) -> str:
    """The tree a successful apply of the plan produces (computed once, in its own repo)."""
    repo = make_repo(work / "control", dict(FILES))
    plan = work / "control-plan.yaml"
    plan.write_text(plan_text(), encoding="utf-8")
    done = cli("apply", plan, "--branch", BRANCH, "--repo", repo)
    assert done.code == 0, done.stderr
    return git(repo, "rev-parse", f"{BRANCH}^{{tree}}").strip()


def launch(repo: Path, plan: Path, fault: str | None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **GIT_ENV, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    if fault:
        env["HOC_FAULT"] = fault
    args = ["apply", str(plan), "--branch", BRANCH, "--pr-out", str(repo / PR_OUT)]
    return subprocess.run(
        [sys.executable, str(LAUNCHER), *args, "--repo", str(repo)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def prepare_git_state(repo: Path, state: str) -> Callable[[], None]:
    """Put the repository in `state`; returns how to undo it (after the checks)."""
    hooks = repo / ".git" / "hooks"
    marker = repo.parent / "hook-ran"
    reject = f"#!/bin/sh\ntouch '{marker}'\necho rejected >&2\nexit 1\n"
    if state == "reference-transaction-hook-rejects":  # git runs it for the branch: expected
        reject = "#!/bin/sh\necho rejected >&2\nexit 1\n"
    if state == "user-index-lock":
        lock = repo / ".git" / "index.lock"
        lock.write_text("")
        return lambda: lock.unlink()
    if state == "worktree-index-lock":
        return lambda: None  # done by the launcher (see `fault_for`)
    if state in (
        "pre-commit-hook-rejects",
        "commit-msg-hook-rejects",
        "reference-transaction-hook-rejects",
    ):
        name = state.removesuffix("-hook-rejects")
        hook = hooks / name
        hook.write_text(reject)
        hook.chmod(0o755)
        return lambda: hook.unlink()
    if state == "hooks-path-rejects":
        folder = repo.parent / "rejecting-hooks"
        folder.mkdir(exist_ok=True)
        for name in ("pre-commit", "commit-msg", "post-checkout", "pre-push"):
            (folder / name).write_text(reject)
            (folder / name).chmod(0o755)
        git(repo, "config", "core.hooksPath", str(folder))
        return lambda: None  # part of the repository's state from now on
    raise AssertionError(state)


def check_after(repo: Path, before: dict[str, object], tree: str) -> tuple[bool, list[str]]:
    """What is left behind, once the next command has run (empty: nothing)."""
    problems: list[str] = []
    now = repo_state(repo)
    made = BRANCH in str(now["refs"])
    if made:
        got = git(repo, "rev-parse", f"{BRANCH}^{{tree}}").strip()
        if got != tree:
            problems.append(f"the branch exists but does not hold the verified result ({got})")
        refs = [
            r for r in str(now["refs"]).splitlines() if not r.startswith(f"refs/heads/{BRANCH} ")
        ]
        now = {**now, "refs": "\n".join(refs) + ("\n" if refs else "")}
    pr = repo / PR_OUT
    files = dict(now["files"])  # type: ignore[call-overload]
    pr_files = sorted(k for k in files if k.startswith(PR_OUT + "/"))
    for key in pr_files:
        del files[key]
    now = {**now, "files": files}
    if pr_files:
        if not made:
            problems.append(f"PR files without a branch: {pr_files}")
        elif not (pr / "PR.md").is_file() or not any(p.endswith(".diff") for p in pr_files):
            problems.append(f"partial PR files left: {pr_files}")
    for key, value in before.items():
        if now[key] != value:
            problems.append(f"{key} differs:\n  before: {value!r}\n  after:  {now[key]!r}")
    return made, problems


def run_case(work: Path, tree: str, point: str, action: str) -> FaultResult:
    """Apply with one injected fault, then the next command, then compare."""
    repo = make_repo(work / "repo", dict(FILES))
    plan = work / "plan.yaml"
    plan.write_text(plan_text(), encoding="utf-8")
    before = repo_state(repo)
    run = launch(repo, plan, f"{point}:{action}")
    case = f"{point}:{action}"
    extra: list[str] = []
    notes = [f"left for the next run: {hoc_leftovers(repo)}"] if hoc_leftovers(repo) else []
    if action == "kill" and run.returncode != -signal.SIGKILL:
        extra.append(f"expected SIGKILL, got exit {run.returncode}: {run.stderr[-2000:]}")
    if action in SIGNAL_EXITS and (
        run.returncode not in SIGNAL_EXITS[action] or "Traceback" in run.stderr
    ):
        extra.append(f"{action}: exit {run.returncode}: {run.stderr[-2000:]}")
    if action in ("enospc", "erofs", "gitfail"):
        if run.returncode not in (0, 2) or "Traceback" in run.stderr:
            extra.append(f"a failed write/git: exit {run.returncode}: {run.stderr[-2000:]}")
        elif run.returncode == 2 and "error:" not in run.stderr:
            extra.append(f"no clear message: {run.stderr[-2000:]}")
    nxt = cli("dry-run", plan, "--repo", repo, "--no-check")
    if nxt.code not in (0,) or "Traceback" in nxt.stderr:
        extra.append(f"the next command failed: exit {nxt.code}: {nxt.stderr[-2000:]}")
    if hoc_leftovers(repo):
        extra.append(f"the next command did not clean up: {hoc_leftovers(repo)}")
    made, problems = check_after(repo, before, tree)
    return FaultResult(case, run.returncode, made, extra + problems, notes)


def run_git_state_case(work: Path, tree: str, state: str) -> FaultResult:
    repo = make_repo(work / "repo", dict(FILES))
    plan = work / "plan.yaml"
    plan.write_text(plan_text(), encoding="utf-8")
    undo = prepare_git_state(repo, state)
    marker = repo.parent / "hook-ran"
    before = repo_state(repo)
    fault = "worktree:indexlock" if state == "worktree-index-lock" else None
    run = launch(repo, plan, fault)
    extra: list[str] = []
    if run.returncode not in (0, 2) or "Traceback" in run.stderr:
        extra.append(f"exit {run.returncode}: {run.stderr[-2000:]}")
    if run.returncode == 2 and not _diagnostics(run.stderr).startswith("error:"):
        extra.append(f"no clear message: {run.stderr[-2000:]}")
    if hoc_leftovers(repo):
        extra.append(f"left {hoc_leftovers(repo)}")
    if marker.exists():
        extra.append("a hook of the user's repository ran on hoc-migrate's own commits")
    made, problems = check_after(repo, before, tree)
    undo()
    return FaultResult(state, run.returncode, made, extra + problems)


def _diagnostics(stderr: str) -> str:
    """stderr without the line apply prints before it runs the plan's verify command."""
    lines = stderr.splitlines(keepends=True)
    return "".join(line for line in lines if not line.startswith(ANNOUNCED))


ANNOUNCED = "running the plan's verify command in "


def run_random_kill(work: Path, tree: str, sig: int, delay: float) -> FaultResult:
    """Send `sig` to apply's whole process group (git children too, as Ctrl-C in a terminal
    does) `delay` seconds after apply took its lock (started working); then the next command;
    then compare."""
    repo = make_repo(work / "repo", dict(FILES))
    plan = work / "plan.yaml"
    plan.write_text(plan_text(), encoding="utf-8")
    before = repo_state(repo)
    proc = _start(repo, plan)
    lock = state_dir(repo) / "apply.lock"
    while not lock.exists() and proc.poll() is None:
        time.sleep(0.002)
    time.sleep(delay)
    with contextlib.suppress(ProcessLookupError):  # it may have finished already
        os.killpg(proc.pid, sig)
    proc.communicate(timeout=300)
    extra: list[str] = []
    nxt = cli("dry-run", plan, "--repo", repo, "--no-check")
    if nxt.code != 0:
        extra.append(f"the next command failed: exit {nxt.code}: {nxt.stderr[-2000:]}")
    if hoc_leftovers(repo):
        extra.append(f"the next command did not clean up: {hoc_leftovers(repo)}")
    made, problems = check_after(repo, before, tree)
    name = f"{signal.Signals(sig).name}@+{delay:.3f}s"
    return FaultResult(name, proc.returncode, made, extra + problems)


# -- a verify command whose child detaches -----------------------------------------------------
DETACHED = ("exits", "times-out", "SIGTERM", "SIGHUP")


def detached_plan(pidfile: Path, mode: str) -> str:
    """A verify command that starts a child in a session of its own, which keeps the output
    pipe open for ten minutes, then passes (`exits`) or runs past its 2 s timeout."""
    child = f"setsid sh -c 'echo $$ > \"{pidfile}\"; exec sleep 600' &"
    then = f"{sys.executable} -c 'import app.b, app.c'" if mode == "exits" else "sleep 600"
    return plan_text(f"{{command: {json.dumps(f'{child} {then}')}, command_cwd: src, timeout: 2}}")


def running(pid: int) -> bool:
    """Whether `pid` runs (a zombie has ended; /proc tells them apart)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return False
    return stat[stat.rfind(b")") + 2 :][:1] not in (b"Z", b"X")


def run_detached_case(work: Path, tree: str, mode: str) -> FaultResult:
    """Apply with a verify command whose child detaches (setsid): it ends (`exits`), times
    out, or apply gets SIGTERM/SIGHUP while it runs; the child must be gone, the rest as in
    every case."""
    repo = make_repo(work / "repo", dict(FILES))
    pidfile = work / "detached.pid"
    plan = work / "plan.yaml"
    plan.write_text(detached_plan(pidfile, mode), encoding="utf-8")
    before = repo_state(repo)
    proc = _start(repo, plan)
    extra: list[str] = []
    if mode.startswith("SIG"):
        while not pidfile.exists() and proc.poll() is None:
            time.sleep(0.01)
        time.sleep(0.2)  # into the command's wait
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, getattr(signal, mode))  # apply alone, as `kill PID` does
    _, err = proc.communicate(timeout=300)
    stderr = err.decode(errors="replace")
    expected = {"exits": 0, "times-out": 1, "SIGTERM": 143, "SIGHUP": 129}[mode]
    if proc.returncode != expected or "Traceback" in stderr:
        extra.append(f"expected exit {expected}, got {proc.returncode}: {stderr[-2000:]}")
    if mode == "times-out" and "timed out after 2s" not in stderr:
        extra.append(f"no timeout reported: {stderr[-2000:]}")
    child = int(pidfile.read_text()) if pidfile.exists() else None
    if child is None:
        extra.append("the verify command's child never started")
    elif running(child):
        extra.append(f"the detached child {child} outlived the verify command")
        os.kill(child, signal.SIGKILL)
    nxt = cli("dry-run", plan, "--repo", repo, "--no-check")
    if nxt.code != 0:
        extra.append(f"the next command failed: exit {nxt.code}: {nxt.stderr[-2000:]}")
    if hoc_leftovers(repo):
        extra.append(f"left {hoc_leftovers(repo)}")
    made, problems = check_after(repo, before, tree)
    if made != (mode == "exits"):
        extra.append(f"branch made: {made}")
    return FaultResult(f"detached child, {mode}", proc.returncode, made, extra + problems)


def _start(repo: Path, plan: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, **GIT_ENV, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    args = ["apply", str(plan), "--branch", BRANCH, "--pr-out", str(repo / PR_OUT)]
    return subprocess.Popen(
        [sys.executable, str(LAUNCHER), *args, "--repo", str(repo)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def apply_duration(work: Path) -> float:
    """How long one undisturbed apply works once it holds its lock (to spread kills over)."""
    repo = make_repo(work / "timing", dict(FILES))
    plan = work / "timing-plan.yaml"
    plan.write_text(plan_text(), encoding="utf-8")
    proc = _start(repo, plan)
    lock = state_dir(repo) / "apply.lock"
    while not lock.exists() and proc.poll() is None:
        time.sleep(0.002)
    start = time.monotonic()
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return time.monotonic() - start
