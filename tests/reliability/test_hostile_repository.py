"""Hostile and mistaken input beyond the plan itself (issue #13): output paths, branch names,
what a repository brings (a `.hoc-migrate` link, a forged cache, an old lock), special files
and pipes as plans, files in other encodings, and the verify command (code a plan brings).

Each refused case checks the exit code, the message, and that nothing changed outside the
repository (the folder around it, the user's cache directory), in its refs, or in its working
tree (see `Snapshot`).
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from hoc_migrate.adapters.check_cache import content_digest
from tests.conftest import GIT_ENV, ROOT, git, make_repo, state_dir
from tests.reliability.harness import Outcome, cli, repo_state

BASE: dict[str, str | bytes] = {
    "src/app/__init__.py": "",
    "src/app/a.py": '"""Module a."""\n\nA = 1\n',
    "src/app/b.py": "from app.a import A\n\nB = A + 1\n",
    "README.md": "A small package.\n",
    # The project's own layers (a check that puts no file in a layer stops with exit 2).
    "pyproject.toml": '[tool.hoc-migrate]\nlayers = ["app.b", "app.a"]\n',
}
PLAN = (
    "name: hostile\nsource_roots: [src]\n"
    "steps:\n  - move: {from: src/app/a.py, to: src/app/sub/a2.py}\n"
)
SHOP = "backend/app/hoc/cus/shop"
HOC_TREE: dict[str, str | bytes] = {
    "backend/app/__init__.py": "",
    "backend/app/hoc/__init__.py": "",
    "backend/app/hoc/cus/__init__.py": "",
    f"{SHOP}/__init__.py": "",
    f"{SHOP}/engines/__init__.py": "# Layer: L5 — Domain Engines\n",
    f"{SHOP}/drivers/__init__.py": "# Layer: L6 — Drivers\n",
    f"{SHOP}/engines/good.py": "# Layer: L5 — Domain Engines\nRATE = 1\n",
    f"{SHOP}/engines/bad.py": "# Layer: L5 — Domain Engines\nimport sqlalchemy\n",
}


def digests(folder: Path, skip: Path | None = None) -> dict[str, str]:
    """Every file (and link) below `folder`, by path: its content's digest or its target."""
    out: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if skip is None or Path(dirpath, d) != skip)
        for name in filenames:
            full = Path(dirpath) / name
            key = str(full.relative_to(folder))
            if full.is_symlink():
                out[key] = "link:" + os.readlink(full)
            elif full.is_file():
                out[key] = hashlib.sha256(full.read_bytes()).hexdigest()
    return out


class Snapshot:
    """The repository (working tree, index, refs, HEAD, worktrees, stash, hoc-migrate's lock
    and leftovers), everything around it in the test's folder, and the user's cache."""

    def __init__(self, repo: Path, around: Path) -> None:
        self.repo, self.around = repo, around
        self.state = self.take()

    def take(self) -> dict[str, object]:
        return {
            "repository": repo_state(self.repo),
            "outside": digests(self.around, skip=self.repo),
            "user cache": digests(Path(os.environ["XDG_CACHE_HOME"])),
        }

    def unchanged(self) -> bool:
        return self.take() == self.state


def refused(out: Outcome, message: str) -> None:
    assert out.code == 2, (out.stdout, out.stderr)
    assert out.stdout == ""
    assert out.stderr.startswith("error: "), out.stderr
    assert message in out.stderr, out.stderr
    assert "Traceback" not in out.stderr


def plan_file(tmp_path: Path, text: str = PLAN) -> Path:
    plan = tmp_path / "plan.yaml"
    plan.write_text(text, encoding="utf-8")
    return plan


# -- output files ---------------------------------------------------------------------------
def test_check_output_refuses_a_tracked_file_unless_forced(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", dict(BASE))
    snapshot = Snapshot(repo, tmp_path)
    out = cli("check", "--repo", repo, "--output", repo / "src/app/a.py")
    refused(out, "--output")
    assert "would overwrite src/app/a.py, which git tracks" in out.stderr
    assert "pass --force to overwrite it" in out.stderr
    assert snapshot.unchanged()
    forced = cli(
        "check", "--repo", repo, "-f", "json", "--output", repo / "src/app/a.py", "--force"
    )
    assert forced.code == 0, forced.stderr
    assert json.loads((repo / "src/app/a.py").read_text())["summary"]["errors"] == 0


@pytest.mark.parametrize("target", [".git/HEAD", ".git/hooks/pre-commit", ".git"])
def test_check_output_refuses_the_git_directory(tmp_path: Path, target: str) -> None:
    repo = make_repo(tmp_path / "repo", dict(BASE))
    head = (repo / ".git/HEAD").read_bytes()
    snapshot = Snapshot(repo, tmp_path)
    out = cli("check", "--repo", repo, "--output", repo / target)
    refused(out, "inside the git directory (writing there can break the repository)")
    assert snapshot.unchanged()
    assert (repo / ".git/HEAD").read_bytes() == head
    assert not (repo / ".git/hooks/pre-commit").exists()


def test_check_output_never_writes_through_a_link(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", dict(BASE))
    outside = tmp_path / "outside"
    outside.mkdir()
    (repo / "reports").symlink_to(outside, target_is_directory=True)
    (repo / "inside.json").symlink_to(repo / "README.md")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "links")
    snapshot = Snapshot(repo, tmp_path)
    for target, message in (
        ("reports/layers.sarif", "reports is a symbolic link; hoc-migrate never writes through"),
        ("inside.json", "inside.json is a symbolic link"),
    ):
        out = cli("check", "--repo", repo, "--output", repo / target, "--force")
        refused(out, message)
        assert snapshot.unchanged()
    assert list(outside.iterdir()) == []


def test_a_report_goes_in_atomically_and_leaves_nothing_else(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", dict(BASE))
    target = repo / "out" / "layers.json"
    for _ in range(2):  # written, then replaced
        out = cli("check", "--repo", repo, "-f", "json", "--output", target)
        assert out.code == 0, out.stderr
    assert json.loads(target.read_text())["summary"]["files"] >= 1
    assert sorted(p.name for p in target.parent.iterdir()) == ["layers.json"]


def test_outputs_get_the_mode_a_plain_write_gives_or_keep_the_replaced_ones(
    tmp_path: Path,
) -> None:
    repo = make_repo(tmp_path / "repo", dict(BASE))
    fresh, kept = repo / "out/fresh.json", repo / "out/kept.json"
    kept.parent.mkdir()
    kept.write_text("old\n")
    kept.chmod(0o640)
    previous = os.umask(0o022)
    try:
        for target in (fresh, kept):
            out = cli("check", "--repo", repo, "-f", "json", "--output", target)
            assert out.code == 0, out.stderr
        plan = plan_file(tmp_path)
        applied = cli("apply", plan, "--branch", "b", "--pr-out", repo / "pr", "--repo", repo)
    finally:
        os.umask(previous)
    assert applied.code == 0, applied.stderr
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644  # not mkstemp's 0600
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    assert json.loads(kept.read_text())["summary"]["errors"] == 0
    assert stat.S_IMODE((repo / "pr/PR.md").stat().st_mode) == 0o644


def test_report_pr_and_apply_outputs_refuse_tracked_files_and_the_git_directory(
    tmp_path: Path,
) -> None:
    repo = make_repo(tmp_path / "repo", {**BASE, "review/PR.md": "tracked notes\n"})
    plan = plan_file(tmp_path)
    snapshot = Snapshot(repo, tmp_path)
    # Refused before any work: no branch, no worktree, nothing written.
    refused(
        cli("apply", plan, "--branch", "b", "--pr-out", repo / "review", "--repo", repo),
        "--pr-out",
    )
    refused(
        cli("apply", plan, "--branch", "b", "--pr-out", repo / ".git/pr", "--repo", repo),
        "inside the git directory",
    )
    refused(cli("report", plan, "--out", repo / "README.md", "--repo", repo), "which git tracks")
    assert snapshot.unchanged()
    applied = cli("apply", plan, "--branch", "b", "--repo", repo)
    assert applied.code == 0, applied.stderr
    after_apply = Snapshot(repo, tmp_path)
    pr = cli("pr", plan, "--branch", "b", "--out", repo / "review", "--repo", repo)
    refused(pr, "would overwrite review/PR.md, which git tracks")
    assert after_apply.unchanged()
    forced = cli("pr", plan, "--branch", "b", "--out", repo / "review", "--force", "--repo", repo)
    assert forced.code == 0, forced.stderr
    assert (repo / "review/PR.md").read_text() != "tracked notes\n"


def repo_with_inner_repositories(tmp_path: Path) -> Path:
    """BASE with a submodule at vendor/sub (tracking tracked.txt and PR.md), a nested
    repository at nested/ (tracking n.txt) and a folder broken/ with a gitfile git cannot
    read."""
    sub = make_repo(tmp_path / "sub", {"tracked.txt": "sub's file\n", "PR.md": "sub's\n"})
    repo = make_repo(tmp_path / "repo", dict(BASE))
    git(repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub), "vendor/sub")
    git(repo, "commit", "-q", "-m", "a submodule")
    make_repo(repo / "nested", {"n.txt": "nested's file\n"})
    (repo / "broken").mkdir()
    (repo / "broken/.git").write_text("not a gitfile\n")
    return repo


def inner_git_files(repo: Path) -> dict[str, bytes]:
    """What the snapshot skips (it never walks a `.git` folder): the nested git directories."""
    return {
        str(p.relative_to(repo)): p.read_bytes()
        for top in (repo / "nested/.git", repo / ".git/modules")
        for p in sorted(top.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (
            "vendor/sub/tracked.txt",
            "would overwrite vendor/sub/tracked.txt, which git tracks (in the repository at "
            "vendor/sub)",
        ),
        ("vendor/sub/.git", "inside the git directory of vendor/sub"),
        ("nested/.git/HEAD", "inside the git directory of nested"),
        ("nested/.git", "inside the git directory of nested"),
        ("nested/n.txt", "would overwrite nested/n.txt, which git tracks (in the repository at"),
        ("broken/x.txt", "cannot tell whether git tracks it in broken (fatal: invalid gitfile"),
    ],
)
def test_check_output_refuses_what_a_submodule_or_nested_repository_holds(
    tmp_path: Path, target: str, message: str
) -> None:
    repo = repo_with_inner_repositories(tmp_path)
    snapshot = Snapshot(repo, tmp_path)
    inner = inner_git_files(repo)
    out = cli("check", "--repo", repo, "--output", repo / target)
    refused(out, f"--output {repo / target}: {message}")
    assert "pass --force" in out.stderr
    assert snapshot.unchanged()
    assert inner_git_files(repo) == inner
    forced = cli("check", "--repo", repo, "--output", repo / "nested/n.txt", "--force")
    assert forced.code == 0, forced.stderr


def test_pr_folders_refuse_files_a_submodule_tracks(tmp_path: Path) -> None:
    repo = repo_with_inner_repositories(tmp_path)
    plan = plan_file(tmp_path)
    snapshot = Snapshot(repo, tmp_path)
    out = cli("apply", plan, "--branch", "b", "--pr-out", repo / "vendor/sub", "--repo", repo)
    refused(out, "would overwrite vendor/sub/PR.md, which git tracks (in the repository at")
    assert snapshot.unchanged()  # refused before any work: no branch, no worktree


# -- branch names ---------------------------------------------------------------------------
def branch_cases(repo: Path) -> list[tuple[str, str]]:
    head = git(repo, "rev-parse", "HEAD").strip()
    return [
        ("@{-1}", "git reads it as the branch 'other', not as a new name"),
        ("HEAD", "not a valid branch name"),
        ("@", "a name git keeps for itself"),
        ("FETCH_HEAD", "a name git keeps for itself"),
        ("refs/heads/zz", "a full ref name; --branch takes the branch's own name"),
        (head, "a commit id, not a branch name"),
        (head[:9], f"already names the commit {head[:12]}"),
        ("v1", "already names refs/tags/v1"),
        ("x" * 300, "a part of it is 300 bytes long"),
        ("-x", "not a valid branch name"),
        ("a..b", "not a valid branch name"),
    ]


def test_branch_names_git_would_read_otherwise_are_refused_and_release_the_lock(
    tmp_path: Path,
) -> None:
    repo = make_repo(tmp_path / "repo", dict(BASE))
    git(repo, "branch", "other")
    git(repo, "checkout", "-q", "other")
    git(repo, "checkout", "-q", "main")  # @{-1} is now `other`
    git(repo, "tag", "v1")
    plan = plan_file(tmp_path)
    snapshot = Snapshot(repo, tmp_path)
    for name, message in branch_cases(repo):
        for force in ([], ["--force"]):
            out = cli("apply", plan, "--branch", name, *force, "--repo", repo)
            refused(out, f"--branch {name!r}: {message}")
            assert snapshot.unchanged(), name
            assert not (state_dir(repo) / "apply.lock").exists()
    # Nothing is jammed: the next commands run.
    for command in (["plan", "validate"], ["dry-run"]):
        assert cli(*command, plan, "--repo", repo).code == 0
    assert cli("apply", plan, "--branch", "migrate/ok", "--repo", repo).code == 0


@pytest.mark.parametrize(
    ("name", "clash"), [("dfa/sub", "dfa"), ("dfa/sub/deeper", "dfa"), ("dfb", "dfb/x")]
)
def test_a_branch_name_git_cannot_store_beside_another_is_refused_before_anything_runs(
    tmp_path: Path, name: str, clash: str
) -> None:
    repo = make_repo(tmp_path / "repo", dict(BASE))
    git(repo, "branch", "dfa")
    git(repo, "branch", "dfb/x")
    ran = tmp_path / "verify-ran"
    plan = plan_file(
        tmp_path, PLAN + f"verify:\n  command: ['{{python}}', -c, 'open({str(ran)!r}, \"w\")']\n"
    )
    snapshot = Snapshot(repo, tmp_path)
    for force in ([], ["--force"]):
        out = cli("apply", plan, "--branch", name, *force, "--repo", repo)
        refused(out, f"--branch {name!r}: clashes with the branch {clash!r}")
        assert f"delete the branch {clash} first" in out.stderr
        assert "running the plan's verify command" not in out.stderr
        assert not ran.exists()
        assert not (state_dir(repo) / "apply.lock").exists()
        assert snapshot.unchanged()


def test_branches_named_alike_but_for_slashes_keep_their_own_run_records(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", dict(BASE))
    plan = plan_file(tmp_path)
    for name in ("m/x", "m__x"):
        out = cli("apply", plan, "--branch", name, "--repo", repo)
        assert out.code == 0, out.stderr
    records = sorted((state_dir(repo) / "runs").glob("*.json"))
    assert len(records) == 2, records
    recorded = {json.loads(r.read_text())["branch"]: r.name for r in records}
    assert recorded["m/x"] == "m__x.json"  # the readable name where it is unambiguous
    assert set(recorded) == {"m/x", "m__x"}
    for name in ("m/x", "m__x"):
        pr = cli("pr", plan, "--branch", name, "--repo", repo)
        assert pr.code == 0, pr.stderr
    assert len(list((state_dir(repo) / "pr").iterdir())) == 2


# -- what a repository brings ----------------------------------------------------------------
def test_a_committed_hoc_migrate_link_sends_nothing_outside_the_repository(
    tmp_path: Path,
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    repo = make_repo(tmp_path / "repo", dict(BASE))
    (repo / ".hoc-migrate").symlink_to(outside, target_is_directory=True)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a link where older versions kept their state")
    plan = plan_file(tmp_path)
    for command in (
        ["check", "--repo", repo],
        ["dry-run", plan, "--repo", repo],
        ["apply", plan, "--branch", "b", "--repo", repo],
        ["pr", plan, "--branch", "b", "--repo", repo],
        ["report", plan, "--branch", "b", "--repo", repo],
    ):
        out = cli(*command)
        assert out.code == 0, (command, out.stderr)
        assert list(outside.iterdir()) == [], command
    assert (state_dir(repo) / "pr" / "b" / "PR.md").is_file()
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""


def forged_cache(repo: Path) -> tuple[str, bytes]:
    """(file name, contents) of a facts cache that gives `bad.py` the facts of `good.py`."""
    assert cli("check", "--repo", repo).code == 1
    [real] = (state_dir(repo) / "cache").glob("facts-*.marshal")
    data = marshal.loads(real.read_bytes())
    good = content_digest((repo / SHOP / "engines/good.py").read_bytes())
    bad = content_digest((repo / SHOP / "engines/bad.py").read_bytes())
    data["entries"][bad] = data["entries"][good]
    data["stats"] = {}
    return real.name, marshal.dumps(data)


def test_a_cache_committed_to_the_repository_does_not_fool_check(tmp_path: Path) -> None:
    origin = make_repo(tmp_path / "origin", dict(HOC_TREE))
    name, forged = forged_cache(origin)
    for folder in (origin / ".hoc-migrate" / "cache", origin / ".hoc-migrate"):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(forged)
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "a crafted cache")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(origin), str(clone))
    snapshot = Snapshot(clone, tmp_path)
    out = cli("check", "--repo", clone)
    assert out.code == 1, out.stderr
    assert "SQLALCHEMY_RUNTIME" in out.stdout and "engines/bad.py" in out.stdout
    assert "(2 parsed" not in out.stderr and "0 from cache" in out.stderr
    assert (clone / ".hoc-migrate" / "cache" / name).read_bytes() == forged  # never touched
    assert Snapshot(clone, tmp_path).state["outside"] == snapshot.state["outside"]


def test_an_old_state_folder_in_the_repository_is_trusted_for_nothing(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "repo",
        {
            **BASE,
            # A lock "held" by a live process (init): it once made every apply exit 2.
            ".hoc-migrate/apply.lock": json.dumps({"pid": 1, "host": socket.gethostname()}),
            ".hoc-migrate/worktrees/b/README.md": "not a worktree\n",
        },
    )
    plan = plan_file(tmp_path)
    snapshot = Snapshot(repo, tmp_path)
    assert cli("plan", "validate", plan, "--repo", repo).code == 0
    applied = cli("apply", plan, "--branch", "b", "--repo", repo)
    assert applied.code == 0, applied.stderr
    assert "recovered" not in applied.stderr
    now = Snapshot(repo, tmp_path).state
    assert now["outside"] == snapshot.state["outside"]
    assert dict(now["repository"])["files"] == dict(snapshot.state["repository"])["files"]


# -- plans from special files, pipes and standard input ---------------------------------------
def test_a_device_as_the_plan_is_refused(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", dict(BASE))
    snapshot = Snapshot(repo, tmp_path)
    for command in (["plan", "validate"], ["dry-run"]):
        out = cli(*command, "/dev/zero", "--repo", repo)
        refused(out, "/dev/zero: is a character device, not a plan file")
    refused(cli("apply", "/dev/zero", "--branch", "b", "--repo", repo), "a character device")
    assert snapshot.unchanged()


def test_an_endless_fifo_is_read_up_to_the_cap(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", dict(BASE))
    fifo = tmp_path / "plan.fifo"
    os.mkfifo(fifo)
    writer = subprocess.Popen(["sh", "-c", f"yes 'name: x' > '{fifo}'"], stderr=subprocess.DEVNULL)
    try:
        snapshot = Snapshot(repo, tmp_path)
        out = cli("plan", "validate", fifo, "--repo", repo)
    finally:
        writer.kill()
        writer.wait()
    refused(out, "the plan is more than 2 MB; plans are at most 2 MB")
    assert snapshot.unchanged()


def test_a_fifo_nobody_writes_to_reads_as_an_empty_plan(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", dict(BASE))
    fifo = tmp_path / "plan.fifo"
    os.mkfifo(fifo)
    out = cli("plan", "validate", fifo, "--repo", repo)
    refused(out, "a plan must be a mapping with 'name' and 'steps' (got empty)")


def test_a_plan_from_a_pipe_is_capped_and_named_stdin(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", dict(BASE))
    snapshot = Snapshot(repo, tmp_path)
    huge = b"# padding\n" * 300_000  # 3 MB: the size of a pipe is known only by reading
    refused(cli("plan", "validate", "-", "--repo", repo, stdin=huge), "<stdin>: the plan is more")
    bad = b"name: x\nsteps:\n  - frobnicate: {}\n"
    out = cli("dry-run", "-", "--repo", repo, stdin=bad)
    refused(out, "<stdin>: the plan is not valid")
    assert "<stdin>:3: step 1: unknown step kind 'frobnicate'" in out.stderr
    assert snapshot.unchanged()


def test_plans_read_from_stdin_validate_dry_run_and_apply(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", dict(BASE))
    plan = PLAN.encode()
    valid = cli("plan", "validate", "-", "--repo", repo, stdin=plan)
    assert valid.code == 0 and valid.stdout.startswith("<stdin>: valid (1 step)"), valid.stderr
    dry = cli("dry-run", "-", "--repo", repo, stdin=plan)
    assert dry.code == 0 and "rename to src/app/sub/a2.py" in dry.stdout, dry.stderr
    # apply reads the plan again to write the PR files: the same standard input.
    out = cli("apply", "-", "--branch", "b", "--pr-out", repo / "pr", "--repo", repo, stdin=plan)
    assert out.code == 0, out.stderr
    assert "src/app/sub/a2.py" in git(repo, "ls-tree", "-r", "--name-only", "b")
    assert "hostile" in (repo / "pr" / "PR.md").read_text()


def test_a_plan_from_stdin_with_a_nul_is_refused_naming_stdin_line_and_column(
    tmp_path: Path,
) -> None:
    repo = make_repo(tmp_path / "repo", dict(BASE))
    snapshot = Snapshot(repo, tmp_path)
    bad = PLAN.replace("name: hostile", "name: hos\x00tile").encode()
    for command in (["plan", "validate", "-"], ["dry-run", "-"], ["apply", "-", "--branch", "b"]):
        out = cli(*command, "--repo", repo, stdin=bad)
        refused(out, "<stdin>: not valid YAML")
        assert "<stdin>:1: column 10: a control or special character (U+0000)" in out.stderr
        assert snapshot.unchanged()


def run_tool(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """hoc-migrate in its own process, with a timeout: what is tested could hang."""
    return subprocess.run(
        [sys.executable, "-m", "hoc_migrate", *map(str, args)],
        cwd=cwd,
        env={**os.environ, **GIT_ENV, "PYTHONPATH": str(ROOT)},  # this checkout's code
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "name", ["pyproject.toml", "hoc-migrate.toml", "setup.cfg", ".importlinter"]
)
def test_a_fifo_as_a_configuration_file_is_refused_not_waited_on(tmp_path: Path, name: str) -> None:
    files = dict(BASE)
    if name == "pyproject.toml":  # the configuration moves to hoc-migrate.toml
        files["hoc-migrate.toml"] = str(files.pop("pyproject.toml")).split("\n", 1)[1]
    repo = make_repo(tmp_path / "repo", files)
    os.mkfifo(repo / name)
    snapshot = Snapshot(repo, tmp_path)
    for command in (["check"], ["plan", "suggest", "--domain", "app"]):
        done = run_tool(*command, cwd=repo)
        assert done.returncode == 2, (command, done.stdout, done.stderr)
        assert done.stderr.startswith(
            f"error: {name}: is a FIFO (named pipe), not a regular file; hoc-migrate reads "
            "only regular files"
        ), done.stderr
        assert "Traceback" not in done.stderr
        assert snapshot.unchanged()


def test_a_committed_configuration_file_is_read_only_up_to_the_cap(tmp_path: Path) -> None:
    padded = str(BASE["pyproject.toml"]) + "# padding\n" * 300_000  # 3 MB
    repo = make_repo(tmp_path / "repo", {**BASE, "pyproject.toml": padded})
    plan = plan_file(tmp_path)
    snapshot = Snapshot(repo, tmp_path)
    message = (
        "pyproject.toml: the configuration file is 3.0 MB; hoc-migrate reads configuration "
        "files of at most 2 MB"
    )
    refused(cli("check", "--repo", repo), message)
    for command in (["dry-run", plan], ["apply", plan, "--branch", "b"]):
        refused(cli(*command, "--repo", repo), message)
        assert not (state_dir(repo) / "apply.lock").exists()
    assert snapshot.unchanged()


# -- encodings ----------------------------------------------------------------------------------
LATIN1_STORE = b'# -*- coding: latin-1 -*-\n# Layer: L5\n"""Caf\xe9."""\n\nNAME = "\xe9t\xe9"\n'


def test_a_latin1_file_moved_across_layers_keeps_its_encoding(tmp_path: Path) -> None:
    files = {**HOC_TREE, f"{SHOP}/engines/store.py": LATIN1_STORE}
    del files[f"{SHOP}/engines/bad.py"]
    repo = make_repo(tmp_path / "repo", files)
    plan = plan_file(
        tmp_path,
        "name: latin\nsource_roots: [backend]\nsteps:\n"
        f"  - move: {{from: {SHOP}/engines/store.py, to: {SHOP}/drivers/store.py}}\n",
    )
    out = cli("apply", plan, "--branch", "latin", "--repo", repo)
    assert out.code == 0, out.stderr
    moved = subprocess.run(
        ["git", "show", f"latin:{SHOP}/drivers/store.py"], cwd=repo, capture_output=True
    ).stdout
    # latin-1 has no em dash: the header's dash is an ASCII one; the rest is latin-1 still.
    assert moved == LATIN1_STORE.replace(b"# Layer: L5\n", b"# Layer: L6 - Drivers\n")
    git(repo, "checkout", "-q", "latin")
    probe = "import app.hoc.cus.shop.drivers.store as m; print(m.NAME, m.__doc__)"
    done = subprocess.run(
        [sys.executable, "-B", "-c", probe], cwd=repo / "backend", capture_output=True, text=True
    )
    assert done.stdout == "été Café.\n", done.stderr


def test_text_the_encoding_cannot_hold_is_refused_naming_the_file(tmp_path: Path) -> None:
    files = {**HOC_TREE, f"{SHOP}/engines/store.py": LATIN1_STORE}
    repo = make_repo(tmp_path / "repo", files)
    plan = plan_file(
        tmp_path,
        "name: latin\nsource_roots: [backend]\nsteps:\n"
        f"  - fix_header: {{path: {SHOP}/engines/store.py, hybrid: true, note: 'split ✓ soon'}}\n",
    )
    snapshot = Snapshot(repo, tmp_path)
    for command in (["dry-run", plan], ["apply", plan, "--branch", "latin"]):
        out = cli(*command, "--repo", repo)
        refused(
            out,
            f"{SHOP}/engines/store.py: its encoding (iso-8859-1) cannot hold '✓' (U+2713), "
            "which the plan would write at line 3",
        )
        assert snapshot.unchanged()


# -- the verify command is code -----------------------------------------------------------------
def test_apply_prints_the_verify_command_before_it_runs_it(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", dict(BASE))
    plan = plan_file(
        tmp_path,
        PLAN + "verify:\n  command: ['{python}', -c, 'print(\"the tests ran\")']\n"
        "  command_cwd: src\n  timeout: 60\n",
    )
    out = cli("apply", plan, "--branch", "b", "--timeout", "30", "--repo", repo)
    assert out.code == 0, out.stderr
    lines = out.stderr.splitlines()
    [announced] = [i for i, line in enumerate(lines) if line.startswith("running the plan's")]
    assert lines[announced] == (
        f"running the plan's verify command in {state_dir(repo).resolve()}/worktrees/b/src "
        f"(timeout 30s): {sys.executable} -c 'print(\"the tests ran\")'"
    )
    [passed] = [i for i, line in enumerate(lines) if "PASSED   command" in line]
    assert announced < passed
