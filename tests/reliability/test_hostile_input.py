"""Hostile and broken input: one clear message, exit 2, nothing written, for every case.

Each refused case runs `dry-run` and `apply` through the CLI and checks exit code 2, an empty
stdout, one `error:` line on stderr naming the problem, no traceback, and the repository
byte-identical before and after (files, index, refs, HEAD, `git worktree list`, stash, and
nothing left in hoc-migrate's state folder, `.git/hoc-migrate/`). Output paths, branch
names, what a repository brings, special files, encodings and the verify command are in
test_hostile_repository.py.

Some inputs are not errors and must work (see the tests after the corpus): sources with a BOM,
CRLF line endings, tabs or an encoding cookie; file names with spaces, non-ASCII characters
and newlines; a 5 MB generated module; a cycle of moves; a repository with no commits (dry
run), a detached HEAD, a shallow clone; non-Python files that name a moved module.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import GIT_ENV, git, make_repo
from tests.reliability.harness import apply_patch, cli, repo_state, tree_of

BASE: dict[str, str | bytes] = {
    "src/app/__init__.py": "",
    "src/app/a.py": '"""Module a."""\n\nA = 1\n',
    "src/app/b.py": "from app.a import A\n\nB = A + 1\n",
    "src/app/pkg/__init__.py": "",
    "src/app/pkg/m.py": "from ..a import A\n\nM = A + 10\n",
    "README.md": "A small package.\n",
}
MOVE_A = "  - move: {from: src/app/a.py, to: src/app/sub/a2.py}\n"


def plan_text(steps: str, extra: str = "") -> str:
    return f"name: hostile\nsource_roots: [src]\n{extra}steps:\n{steps}"


def outside_folder(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.py").write_text("SECRET = 1\n")
    return outside


def link_dir_outside(repo: Path, tmp_path: Path) -> None:
    (repo / "src/app/escape").symlink_to(outside_folder(tmp_path), target_is_directory=True)


def link_file_outside(repo: Path, tmp_path: Path) -> None:
    (repo / "src/app/pkg/secret.py").symlink_to(outside_folder(tmp_path) / "secret.py")


def link_file_inside(repo: Path, tmp_path: Path) -> None:
    (repo / "src/app/c.py").symlink_to(repo / "src/app/b.py")


def broken_importer(repo: Path, tmp_path: Path) -> None:
    (repo / "src/app/broken.py").write_text("import app.a\ndef f(:\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "broken")


def bad_bytes_importer(repo: Path, tmp_path: Path) -> None:
    (repo / "src/app/binary.py").write_bytes(b"import app.a\nX = '\xff\xfe'\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "binary")


@dataclass(frozen=True)
class Refused:
    id: str
    plan: str | bytes
    message: str
    setup: Callable[[Path, Path], None] | None = None


def _steps(count: int) -> str:
    return "".join("  - {move: {from: src/app/a.py, to: src/app/b2.py}}\n" for _ in range(count))


def _laughs() -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    return "\n".join(lines) + "\nname: x\nsteps: *a9\n"


REFUSED = [
    Refused(
        "yaml-list",
        "- move: {from: a, to: b}\n",
        "a plan must be a mapping with 'name' and 'steps' (got list)",
    ),
    Refused(
        "yaml-scalar",
        "just some text\n",
        "a plan must be a mapping with 'name' and 'steps' (got str)",
    ),
    Refused("yaml-empty", "", "a plan must be a mapping with 'name' and 'steps' (got empty)"),
    Refused("yaml-invalid", "name: [unclosed\n", "not valid YAML"),
    Refused("yaml-billion-laughs", _laughs(), "aliases (*name) are not allowed in plans"),
    Refused(
        "yaml-deep-nesting",
        "name: x\nsteps: " + "[" * 50_000 + "]" * 50_000 + "\n",
        "the plan nests too deeply",
    ),
    Refused(
        "yaml-python-object-tag",
        "name: x\nsteps: !!python/object/apply:os.system ['touch PWNED']\n",
        "YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed in plans",
    ),
    Refused(
        "yaml-custom-tag",
        "name: x\nsteps: !include other.yaml\n",
        "YAML tag '!include' is not allowed in plans",
    ),
    Refused("yaml-duplicate-key", plan_text(MOVE_A) + "name: again\n", "duplicate key 'name'"),
    Refused("yaml-non-text-key", "name: x\n? [a, b]\n: 1\nsteps: []\n", "keys must be text"),
    Refused("plan-not-utf8", b"name: caf\xe9\nsteps: []\n", "the plan is not UTF-8 text"),
    Refused(
        "plan-nul-character",
        b"name: x\x00\nsteps: []\n",
        "plan.yaml:1: column 8: a control or special character (U+0000) that YAML does not allow",
    ),
    Refused(
        "plan-bell-character",
        plan_text("  - move: {from: src/app/a.py\x07, to: src/app/b2.py}\n"),
        "plan.yaml:4: column 30: a control or special character (U+0007)",
    ),
    Refused("plan-100000-steps", plan_text(_steps(100_000)), "plans are at most 2 MB"),
    Refused(
        "plan-5001-steps",
        plan_text(_steps(5_001)),
        "the plan has 5001 steps; at most 5000 are accepted",
    ),
    Refused(
        "plan-unknown-step", plan_text("  - frobnicate: {x: 1}\n"), "unknown step kind 'frobnicate'"
    ),
    Refused(
        "path-dotdot",
        plan_text("  - move: {from: src/app/a.py, to: ../outside.py}\n"),
        "'to': '../outside.py' contains '..'",
    ),
    Refused(
        "path-dotdot-inside",
        plan_text("  - move: {from: src/app/a.py, to: src/app/../../../../etc/x.py}\n"),
        "contains '..'; plan paths may not leave the repository",
    ),
    Refused(
        "path-backslash-dotdot",
        plan_text("  - move: {from: src/app/a.py, to: 'src\\..\\..\\x.py'}\n"),
        "contains '..'",
    ),
    Refused(
        "path-absolute",
        plan_text("  - move: {from: /etc/passwd, to: src/app/p.py}\n"),
        "'from': '/etc/passwd' is absolute",
    ),
    Refused(
        "path-drive",
        plan_text("  - move: {from: src/app/a.py, to: 'C:/x.py'}\n"),
        "'to': 'C:/x.py' is absolute",
    ),
    Refused(
        "path-home",
        plan_text("  - move: {from: src/app/a.py, to: ~/x.py}\n"),
        "'to': '~/x.py' is absolute",
    ),
    Refused(
        "path-into-git",
        plan_text("  - move: {from: src/app/a.py, to: .git/hooks/a.py}\n"),
        "is inside .git",
    ),
    Refused(
        "path-newline",
        plan_text('  - move: {from: src/app/a.py, to: "src/app/x\\ny.py"}\n'),
        "the path contains a control character",
    ),
    Refused(
        "path-space",
        plan_text("  - move: {from: src/app/a.py, to: 'src/app/has space.py'}\n"),
        "'to' is not an importable module path inside a source root (src): src/app/has space.py",
    ),
    Refused(
        "source-root-outside",
        "name: x\nsource_roots: [../..]\nsteps:\n" + MOVE_A,
        "source root '../..' is not a folder of the repository",
    ),
    Refused("scope-absolute", plan_text(MOVE_A, "scope: [/etc]\n"), "scope: '/etc' is absolute"),
    Refused(
        "debt-dotdot",
        plan_text(MOVE_A, "debt:\n  - {path: ../x.py, rules: [LAYER_BOUNDARY], reason: r}\n"),
        "debt: '../x.py' contains '..'",
    ),
    Refused(
        "command-cwd-outside",
        plan_text(MOVE_A, "verify: {command: [python, -c, 'print(1)'], command_cwd: ../..}\n"),
        "verify.command_cwd: '../..' contains '..'",
    ),
    Refused(
        "command-cwd-absolute",
        plan_text(MOVE_A, "verify: {command: [python, -c, 'print(1)'], command_cwd: /tmp}\n"),
        "verify.command_cwd: '/tmp' is absolute",
    ),
    Refused(
        "symlink-folder-outside",
        plan_text("  - move: {from: src/app/a.py, to: src/app/escape/a.py}\n"),
        "'to': src/app/escape/a.py is or passes through a symbolic link",
        link_dir_outside,
    ),
    Refused(
        "symlink-inside-moved-package",
        plan_text("  - move: {from: src/app/pkg, to: src/app/pkg2}\n"),
        "'from': src/app/pkg holds symbolic links (src/app/pkg/secret.py)",
        link_file_outside,
    ),
    Refused(
        "destination-is-symlink",
        plan_text("  - move: {from: src/app/a.py, to: src/app/c.py}\n"),
        "'to': src/app/c.py is or passes through a symbolic link",
        link_file_inside,
    ),
    Refused(
        "source-is-symlink",
        plan_text("  - move: {from: src/app/c.py, to: src/app/d.py}\n"),
        "'from': src/app/c.py is or passes through a symbolic link",
        link_file_inside,
    ),
    Refused(
        "source-is-folder-for-a-file",
        plan_text("  - extract_schema: {from: src/app/pkg, to: src/app/schemas.py, names: [M]}\n"),
        "'from' is a folder, not a module file: src/app/pkg",
    ),
    Refused(
        "folder-moved-to-a-file-name",
        plan_text("  - move: {from: src/app/pkg, to: src/app/pkg2.py}\n"),
        "src/app/pkg is a folder: a package moves to a folder, not to a file (src/app/pkg2.py)",
    ),
    Refused(
        "fix-header-on-a-folder",
        plan_text("  - fix_header: {path: src/app/pkg, layer: L5}\n"),
        "'path' is a folder; name its files with a glob: src/app/pkg/*.py",
    ),
    Refused(
        "case-only-rename",
        plan_text("  - move: {from: src/app/a.py, to: src/app/A.py}\n"),
        "only changes letter case",
    ),
    Refused(
        "move-onto-itself",
        plan_text("  - move: {from: src/app/a.py, to: src/app/a.py}\n"),
        "is moved onto itself",
    ),
    Refused(
        "move-into-itself",
        plan_text("  - move: {from: src/app/pkg, to: src/app/pkg/inner}\n"),
        "cannot move the package src/app/pkg into itself",
    ),
    Refused(
        "move-onto-existing",
        plan_text("  - move: {from: src/app/a.py, to: src/app/b.py}\n"),
        "'to' already exists: src/app/b.py",
    ),
    Refused(
        "cycle-onto-a-taken-path",
        plan_text(
            "  - move: {from: src/app/a.py, to: src/app/t.py}\n"
            "  - move: {from: src/app/t.py, to: src/app/b.py}\n"
        ),
        "'to' already exists: src/app/b.py",
    ),
    Refused(
        "moved-twice",
        plan_text(MOVE_A + "  - move: {from: src/app/a.py, to: src/app/a3.py}\n"),
        "'from' does not exist: src/app/a.py (step 1 moved it away)",
    ),
    Refused(
        "syntax-error-in-an-importer",
        plan_text(MOVE_A),
        "src/app/broken.py:2: does not parse",
        broken_importer,
    ),
    Refused(
        "undecodable-importer",
        plan_text(MOVE_A),
        "src/app/binary.py: is not readable Python source (UnicodeDecodeError)",
        bad_bytes_importer,
    ),
]


@pytest.mark.parametrize("case", REFUSED, ids=[c.id for c in REFUSED])
def test_hostile_input_is_refused_with_one_message_and_nothing_written(
    case: Refused, tmp_path: Path
) -> None:
    repo = make_repo(tmp_path / "repo", dict(BASE))
    if case.setup is not None:
        case.setup(repo, tmp_path)
    plan = tmp_path / "plan.yaml"
    plan.write_bytes(case.plan if isinstance(case.plan, bytes) else case.plan.encode())
    for command in ("dry-run", "apply"):
        before = repo_state(repo)
        extra = ["--branch", "hostile"] if command == "apply" else []
        out = cli(command, plan, *extra, "--repo", repo)
        assert out.code == 2, (command, out.stderr, out.stdout)
        assert out.stdout == ""
        assert out.stderr.startswith("error: "), out.stderr
        assert [line for line in out.stderr.splitlines() if line.startswith("error:")] == [
            out.stderr.splitlines()[0]
        ]
        assert case.message in out.stderr, out.stderr
        assert "Traceback" not in out.stderr
        assert repo_state(repo) == before, command
    assert not (repo / "PWNED").exists() and not Path("PWNED").exists()


# -- inputs that are not errors: they must work ------------------------------------------------
def run_python(src: Path, code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-B", "-c", code],
        cwd=src,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def dry_run_then_apply(repo: Path, plan: Path) -> str:
    """The dry-run diff, checked against `apply`'s branch (then applied to the checkout)."""
    before = repo_state(repo)
    dry = cli("dry-run", plan, "--repo", repo, "--no-check")
    assert dry.code == 0, dry.stderr
    assert repo_state(repo) == before
    applied = cli("apply", plan, "--branch", "migrated", "--repo", repo)
    assert applied.code == 0, applied.stderr
    assert apply_patch(repo, dry.stdout) is None
    assert git(repo, "write-tree").strip() == tree_of(repo, "migrated")
    return dry.stderr


def write_plan(tmp_path: Path, steps: str) -> Path:
    plan = tmp_path / "plan.yaml"
    plan.write_text(plan_text(steps), encoding="utf-8")
    return plan


def test_bom_crlf_tabs_and_an_encoding_cookie_survive_a_move(tmp_path: Path) -> None:
    files = {
        **BASE,
        # The moved module: a BOM and CRLF line endings, and a relative import to re-base.
        "src/app/helpers.py": "H = 41\n",
        "src/app/a.py": b'\xef\xbb\xbf"""Module a."""\r\nfrom .helpers import H\r\n\r\nA = H - 40\r\n',
        "src/app/tabs.py": "import app.a\n\n\ndef f():\n\treturn app.a.A\n",
        "src/app/latin.py": b"# -*- coding: latin-1 -*-\nfrom app.a import A\n\nNAME = '\xe9t\xe9'\n",
        "src/app/crlf.py": b"from app import a\r\n\r\nX = a.A\r\n",
    }
    repo = make_repo(tmp_path / "repo", files)
    dry_run_then_apply(repo, write_plan(tmp_path, MOVE_A))

    def show(path: str) -> bytes:
        return subprocess.run(
            ["git", "show", f"migrated:{path}"], cwd=repo, capture_output=True, check=True
        ).stdout

    assert show("src/app/sub/a2.py") == (
        b'\xef\xbb\xbf"""Module a."""\r\nfrom ..helpers import H\r\n\r\nA = H - 40\r\n'
    )
    assert show("src/app/tabs.py") == b"import app.sub.a2\n\n\ndef f():\n\treturn app.sub.a2.A\n"
    assert show("src/app/latin.py") == (
        b"# -*- coding: latin-1 -*-\nfrom app.sub.a2 import A\n\nNAME = '\xe9t\xe9'\n"
    )
    assert show("src/app/crlf.py") == b"from app.sub import a2 as a\r\n\r\nX = a.A\r\n"
    probe = "import app.tabs, app.latin, app.crlf; print(app.tabs.f(), app.latin.NAME, app.crlf.X)"
    assert run_python(repo / "src", probe) == "1 été 1\n"


def test_file_names_with_spaces_non_ascii_and_newlines_do_not_break_the_diff(
    tmp_path: Path,
) -> None:
    files = {
        **BASE,
        "docs/notes é.md": "See app.a for the value.\n",
        "data/line\nbreak.txt": "data\n",
        "src/app/pkg/data file é.txt": "moves with its package\n",
        "src/app/pkg/new\nline.txt": "moves too\n",
        "src/app/pkg/tab\there.txt": "and this\n",
        'src/app/pkg/quote".txt': "and this\n",
    }
    repo = make_repo(tmp_path / "repo", files)
    plan = write_plan(
        tmp_path,
        "  - move: {from: src/app/pkg, to: src/app/pkg2}\n"
        "  - move: {from: src/app/a.py, to: src/app/ñandú.py}\n",
    )
    summary = dry_run_then_apply(repo, plan)
    assert "docs/notes é.md:1: See app.a for the value." in summary
    listed = git(repo, "ls-tree", "-r", "--name-only", "-z", "migrated").split("\0")
    assert "src/app/pkg2/data file é.txt" in listed
    assert "src/app/pkg2/new\nline.txt" in listed
    assert "data/line\nbreak.txt" in listed
    out = run_python(repo / "src", "import app.b, app.pkg2.m; print(app.b.B, app.pkg2.m.M)")
    assert out == "2 11\n"


def test_a_5mb_generated_module_is_handled(tmp_path: Path) -> None:
    rows = "".join(f"    ({i}, 'row {i}'),\n" for i in range(240_000))
    big = f'"""Generated."""\n\nTABLE = [\n{rows}]\n'
    assert len(big) > 5_000_000
    repo = make_repo(tmp_path / "repo", {**BASE, "src/app/pkg/table.py": big})
    plan = write_plan(tmp_path, "  - move: {from: src/app/pkg, to: src/app/data}\n" + MOVE_A)
    dry_run_then_apply(repo, plan)
    out = run_python(
        repo / "src", "import app.data.table as t, app.data.m as m; print(len(t.TABLE), m.M)"
    )
    assert out == "240000 11\n"


def test_moves_that_come_back_are_nothing_to_do(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", dict(BASE))
    plan = write_plan(
        tmp_path,
        "  - move: {from: src/app/a.py, to: src/app/sub/t.py}\n"
        "  - move: {from: src/app/sub/t.py, to: src/app/a.py}\n",
    )
    before = repo_state(repo)
    dry = cli("dry-run", plan, "--repo", repo)
    assert (dry.code, dry.stdout) == (0, "")
    assert "nothing to do: the plan's effect is already there" in dry.stderr
    applied = cli("apply", plan, "--branch", "migrated", "--repo", repo)
    assert applied.code == 2
    assert "the plan changes nothing at HEAD" in applied.stderr
    assert repo_state(repo) == before


def test_a_swap_through_a_temporary_name_works(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", dict(BASE))
    plan = write_plan(
        tmp_path,
        "  - move: {from: src/app/a.py, to: src/app/t.py}\n"
        "  - move: {from: src/app/b.py, to: src/app/a.py}\n"
        "  - move: {from: src/app/t.py, to: src/app/b.py}\n",
    )
    dry_run_then_apply(repo, plan)
    out = run_python(
        repo / "src", "import app.a, app.b, app.pkg.m; print(app.a.B, app.b.A, app.pkg.m.M)"
    )
    assert out == "2 1 11\n"
    assert (repo / "src/app/a.py").read_text() == "from app.b import A\n\nB = A + 1\n"
    assert (repo / "src/app/pkg/m.py").read_text() == "from ..b import A\n\nM = A + 10\n"


def test_a_repository_without_commits_can_be_dry_run_but_not_applied(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for name, text in BASE.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(str(text))
    plan = write_plan(tmp_path, MOVE_A)
    before = repo_state(repo)
    dry = cli("dry-run", plan, "--repo", repo, "--no-check")
    assert dry.code == 0, dry.stderr
    assert "rename to src/app/sub/a2.py" in dry.stdout
    applied = cli("apply", plan, "--branch", "migrated", "--repo", repo)
    assert applied.code == 2
    assert applied.stdout == ""
    assert "error: the repository has no commits: there is no base to branch from" in applied.stderr
    assert repo_state(repo) == before


def test_a_detached_head_works_and_stays_detached(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", dict(BASE))
    git(repo, "checkout", "-q", "--detach", "HEAD")
    head = git(repo, "rev-parse", "HEAD")
    dry_run_then_apply(repo, write_plan(tmp_path, MOVE_A))
    assert git(repo, "rev-parse", "HEAD") == head
    assert git(repo, "symbolic-ref", "-q", "HEAD", check=False) == ""
    assert git(repo, "merge-base", "migrated", "HEAD") == head


def test_a_shallow_clone_works(tmp_path: Path) -> None:
    origin = make_repo(tmp_path / "origin", dict(BASE))
    for i in range(3):
        (origin / "README.md").write_text(f"A small package, take {i}.\n")
        git(origin, "commit", "-q", "-am", f"edit {i}")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{origin}", str(clone)],
        check=True,
        env={**os.environ, **GIT_ENV},
    )
    git(clone, "config", "user.name", "Clone User")
    git(clone, "config", "user.email", "clone@example.com")
    assert (clone / ".git" / "shallow").exists()
    dry_run_then_apply(clone, write_plan(tmp_path, MOVE_A))
    missing = cli(
        "apply", write_plan(tmp_path, MOVE_A), "--branch", "b2", "--base", "HEAD~2", "--repo", clone
    )
    assert missing.code == 2
    assert "--base HEAD~2: no such commit in this repository" in missing.stderr


def test_mentions_no_codemod_follows_are_listed_never_changed(tmp_path: Path) -> None:
    files = {
        **BASE,
        "src/app/a.pyi": "A: int\n",  # the stub beside the moved module: moves with it
        "src/app/b.pyi": "from app.a import A\n\nB: int\n",  # a stub importer: rewritten
        "docs/guide.md": "Values live in `app.a` (src/app/a.py).\n",
        "pyproject.toml": '[project.scripts]\nshow = "app.a:main"\n',  # followed
        "setup.cfg": "[metadata]\nname = app\n",  # mentions nothing: not listed
        "src/app/c.py": 'CODE = "from app.a import A; print(A)"  # runs app.a\n',
    }
    repo = make_repo(tmp_path / "repo", files)
    plan = write_plan(tmp_path, MOVE_A)
    dry = cli("dry-run", plan, "--repo", repo, "--no-check")
    assert dry.code == 0, dry.stderr
    listed = dry.stderr.split("references left to review (2; no codemod follows them")[1]
    assert listed.splitlines()[1:] == [
        "  docs/guide.md:1: Values live in `app.a` (src/app/a.py).",
        '  src/app/c.py:1: CODE = "from app.a import A; print(A)"  # runs app.a',
    ]
    assert "setup.cfg" not in dry.stderr
    assert "rename from src/app/a.pyi\nrename to src/app/sub/a2.pyi" in dry.stdout
    assert "-from app.a import A\n+from app.sub.a2 import A\n" in dry.stdout  # b.pyi
    assert '-show = "app.a:main"\n+show = "app.sub.a2:main"\n' in dry.stdout
    for name in ("docs/guide.md", "src/app/c.py"):
        assert f"b/{name}" not in dry.stdout
    data = cli("dry-run", plan, "--repo", repo, "--no-check", "--format", "json")
    refs = {(r["path"], r["line"]) for r in json.loads(data.stdout)["references_to_review"]}
    assert refs == {("docs/guide.md", 1), ("src/app/c.py", 1)}


def test_apply_never_writes_through_a_link_that_only_the_base_commit_has(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", dict(BASE))
    link_dir_outside(repo, tmp_path)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a link to a folder outside")
    (repo / "src/app/escape").unlink()  # gone from the checkout, still in HEAD
    plan = write_plan(tmp_path, "  - move: {from: src/app/a.py, to: src/app/escape/a.py}\n")
    out = cli("apply", plan, "--branch", "escape", "--repo", repo)
    written_outside = (tmp_path / "outside" / "a.py").exists()
    assert not written_outside, "apply wrote a file outside the repository"
    assert out.code == 2
    assert "symbolic link" in out.stderr
