"""The git repository, through GitPython: state checks, worktrees, commits, branches, patches.

Everything that changes the repository happens in a separate, detached worktree under
`<git-common-dir>/hoc-migrate/worktrees/`; the user's working tree, index and current branch
are never touched. The only ref ever written is the branch the user named, a new
`refs/heads/<name>` (or, with --force, that branch replaced), and only at the very end.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import git

from hoc_migrate.adapters.filesystem import SKIPPED_DIRS
from hoc_migrate.adapters.workspace import workspace, write_atomically
from hoc_migrate.core.changes import ChangeKind, ChangeSet, FileChange
from hoc_migrate.core.commits import CommitSpec
from hoc_migrate.core.errors import GitError, UsageError

# Hooks of the user's repository do not run on the commits and checkouts we make: they are
# ours, verified by hoc-migrate itself, and a hook could touch the user's working tree.
_NO_HOOKS = ("-c", f"core.hooksPath={os.devnull}")
# Paths are data, never pathspec magic or globs.
_LITERAL = {"GIT_LITERAL_PATHSPECS": "1"}
_BATCH = 500  # paths per `git add` call, far below any argument-length limit


@dataclass(frozen=True)
class Worktree:
    path: Path
    head: str | None
    branch: str | None  # refs/heads/... or None when detached


class GitTree:
    """A commit's files as a TreeReader, read from the object database (no checkout)."""

    def __init__(self, repo: GitRepo, commit: str) -> None:
        self._repo = repo
        self.commit = commit
        self._files: dict[str, str] | None = None
        self._dirs: set[str] = set()
        self._links: set[str] = set()  # symbolic links (mode 120000): never written through
        self._executables: set[str] = set()  # regular files with mode 100755

    def _index(self) -> dict[str, str]:
        if self._files is None:
            out = self._repo.run("ls-tree", "-r", "-z", "--full-tree", self.commit)
            files: dict[str, str] = {}
            for entry in out.split(b"\0"):
                if not entry:
                    continue
                meta, _, raw_path = entry.partition(b"\t")
                mode, kind, sha = meta.decode().split(" ")
                path = os.fsdecode(raw_path)
                if mode == "120000":
                    self._links.add(path)
                # Regular files only: symlinks and submodules are not source a check reads.
                if kind != "blob" or mode not in ("100644", "100755"):
                    continue
                parts = path.split("/")
                if any(p in SKIPPED_DIRS or p.endswith(".egg-info") for p in parts[:-1]):
                    continue
                files[path] = sha
                if mode == "100755":
                    self._executables.add(path)
                for i in range(1, len(parts)):
                    self._dirs.add("/".join(parts[:i]))
            self._files = files
        return self._files

    def iter_files(self, under: str = "") -> Iterator[str]:
        files = self._index()
        if under in files:
            yield under
            return
        prefix = under.rstrip("/") + "/" if under else ""
        for path in sorted(files):
            if path.startswith(prefix):
                yield path

    def read_bytes(self, path: str) -> bytes:
        sha = self._index().get(path)
        if sha is None:
            raise FileNotFoundError(path)
        return self._repo.read_blob(sha)

    def size(self, path: str) -> int:
        sha = self._index().get(path)
        if sha is None:
            raise FileNotFoundError(path)
        return self._repo.blob_size(sha)

    def is_file(self, path: str) -> bool:
        return path in self._index()

    def is_dir(self, path: str) -> bool:
        self._index()
        return path == "" or path.rstrip("/") in self._dirs

    def exists(self, path: str) -> bool:
        return self.is_file(path) or self.is_dir(path)

    def is_symlink(self, path: str) -> bool:
        self._index()
        return path.rstrip("/") in self._links

    def is_executable(self, path: str) -> bool:
        """Whether the commit holds `path` with mode 100755."""
        self._index()
        return path in self._executables

    def symlinks(self, under: str) -> list[str]:
        """The symbolic links the commit holds below folder `under`."""
        self._index()
        prefix = under.rstrip("/") + "/" if under else ""
        return sorted(link for link in self._links if link.startswith(prefix))


class GitRepo:
    """A repository with a working tree. Use as a context manager (closes git's helpers)."""

    def __init__(self, root: Path) -> None:
        try:
            self.repo = git.Repo(root)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            raise UsageError(
                f"{root} is not a git repository",
                hint="apply, pr and report work on a git repository: run `git init` and commit",
            ) from None
        if self.repo.working_tree_dir is None:
            self.repo.close()
            raise UsageError(f"{root} is a bare repository; hoc-migrate needs a working tree")
        self.root = Path(self.repo.working_tree_dir).resolve()
        self.git_dir = Path(self.repo.git_dir).resolve()  # this worktree's own git dir

    def __enter__(self) -> GitRepo:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self.repo.close()

    # -- running git ------------------------------------------------------------------
    def run(
        self,
        *args: str,
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
        check: bool = True,
    ) -> bytes:
        """Run `git args...` (in `cwd`, default the repository) and return its raw stdout."""
        runner = git.Git(str(cwd or self.root))
        status, out, err = runner.execute(
            ["git", *args],
            with_extended_output=True,
            with_exceptions=False,
            stdout_as_string=False,
            strip_newline_in_stdout=False,
            env=dict(env or {}),
        )
        if check and status != 0:
            message = err if isinstance(err, str) else os.fsdecode(err or b"")
            raise GitError(f"git {args[0]} failed: {message.strip() or f'exit {status}'}")
        return out if isinstance(out, bytes) else os.fsencode(out or "")

    def text(self, *args: str, cwd: Path | None = None) -> str:
        return self.run(*args, cwd=cwd).decode("utf-8", "surrogateescape").strip()

    def ok(self, *args: str) -> bool:
        runner = git.Git(str(self.root))
        status, _, _ = runner.execute(
            ["git", *args], with_extended_output=True, with_exceptions=False
        )
        return status == 0

    def read_blob(self, sha: str) -> bytes:
        data: bytes = self.repo.odb.stream(bytes.fromhex(sha)).read()
        return data

    def blob_size(self, sha: str) -> int:
        return int(self.repo.odb.info(bytes.fromhex(sha)).size)  # the header only

    # -- state ------------------------------------------------------------------------
    def has_commits(self) -> bool:
        return self.ok("rev-parse", "--verify", "-q", "HEAD^{commit}")

    def resolve_commit(self, rev: str) -> str:
        if rev.startswith("-") or not self.ok("rev-parse", "--verify", "-q", f"{rev}^{{commit}}"):
            raise UsageError(
                f"--base {rev}: no such commit in this repository",
                hint="in a shallow clone, fetch the base commit first (git fetch --deepen)",
            )
        return self.text("rev-parse", "--verify", "-q", f"{rev}^{{commit}}")

    def operation_in_progress(self) -> str | None:
        """'merge', 'rebase', 'cherry-pick', 'revert' or 'bisect' when one is under way."""
        markers = [
            ("MERGE_HEAD", "merge"),
            ("rebase-merge", "rebase"),
            ("rebase-apply", "rebase"),
            ("CHERRY_PICK_HEAD", "cherry-pick"),
            ("REVERT_HEAD", "revert"),
            ("BISECT_LOG", "bisect"),
        ]
        for name, what in markers:
            if (self.git_dir / name).exists():
                return what
        return None

    def identity_problem(self) -> str | None:
        """Why git could not make a commit here (no user.name/user.email), or None."""
        for var in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"):
            if not self.ok("var", var):
                return "git does not know who you are (set user.name and user.email)"
        return None

    def branch_tip(self, name: str) -> str | None:
        ref = f"refs/heads/{name}"
        if not self.ok("rev-parse", "--verify", "-q", f"{ref}^{{commit}}"):
            return None
        return self.text("rev-parse", "--verify", "-q", f"{ref}^{{commit}}")

    def worktrees(self) -> list[Worktree]:
        out = self.run("worktree", "list", "--porcelain").decode("utf-8", "surrogateescape")
        result: list[Worktree] = []
        for block in out.split("\n\n"):
            fields = dict(line.partition(" ")[::2] for line in block.splitlines() if line)
            if "worktree" in fields:
                result.append(
                    Worktree(Path(fields["worktree"]), fields.get("HEAD"), fields.get("branch"))
                )
        return result

    def branch_checked_out_at(self, name: str) -> Path | None:
        for tree in self.worktrees():
            if tree.branch == f"refs/heads/{name}":
                return tree.path
        return None

    def uncommitted_paths(self) -> set[str]:
        """Paths with changes in the working tree or the index, untracked files included."""
        out = self.run("status", "--porcelain=v1", "-z", "--untracked-files=all")
        paths: set[str] = set()
        entries = iter(out.split(b"\0"))
        for entry in entries:
            if not entry:
                continue
            status, path = entry[:2], os.fsdecode(entry[3:])
            paths.add(path)
            if status[:1] in (b"R", b"C"):  # renames carry their source as the next entry
                paths.add(os.fsdecode(next(entries, b"")))
        return paths

    def ignored_files(self, folders: Sequence[str]) -> list[str]:
        """The files git ignores below `folders` (build outputs: `_version.py`, `.so`)."""
        if not folders:
            return []
        out = self.run(
            "ls-files", "--others", "--ignored", "--exclude-standard", "-z", "--", *folders
        )
        return [os.fsdecode(p) for p in out.split(b"\0") if p]

    def tree(self, commit: str) -> GitTree:
        return GitTree(self, commit)

    # -- worktrees --------------------------------------------------------------------
    def worktree_dir(self, name: str) -> Path:
        return workspace(self.root, "worktrees") / name

    def add_worktree(self, path: Path, commit: str) -> None:
        """A detached worktree at `commit`: no branch exists until the result is verified."""
        self.run(*_NO_HOOKS, "worktree", "add", "--detach", "--quiet", str(path), commit)

    def remove_worktree(self, path: Path) -> None:
        """Remove a worktree we made, even half-made or already gone from disk."""
        if path.exists():
            self.run("worktree", "remove", "--force", "--force", str(path), check=False)
            if path.exists():
                shutil.rmtree(path, ignore_errors=True)
        # A `worktree add` killed midway leaves its entry locked ("initializing"); prune
        # skips locked entries, so unlock it first.
        self.run("worktree", "unlock", str(path), check=False)
        self.prune_worktrees()

    def prune_worktrees(self) -> None:
        self.run("worktree", "prune", check=False)

    # -- commits and branches ---------------------------------------------------------
    def commit(self, worktree: Path, spec: CommitSpec, message_file: Path) -> str:
        """Make `spec` one commit in `worktree`; returns the new commit id."""
        touched: list[str] = []
        # Two phases, so chains and swaps (a -> b, b -> c) never overwrite a file still needed.
        parked: list[tuple[Path, str]] = []
        for i, (old, new) in enumerate(spec.renames):
            park = worktree / f".hoc-migrate-move-{i}"
            os.replace(worktree / old, park)
            parked.append((park, new))
            touched += [old, new]
        for park, new in parked:
            (worktree / new).parent.mkdir(parents=True, exist_ok=True)
            os.replace(park, worktree / new)
        for path, content in spec.writes.items():
            target = worktree / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            touched.append(path)
        for path in spec.deletes:
            (worktree / path).unlink(missing_ok=True)
            touched.append(path)
        for old, _ in spec.renames:
            _remove_empty_parents(worktree, old)
        for path in spec.deletes:
            _remove_empty_parents(worktree, path)
        unique = sorted(set(touched))
        for start in range(0, len(unique), _BATCH):
            chunk = unique[start : start + _BATCH]
            self.run("add", "--all", "--force", "--", *chunk, cwd=worktree, env=_LITERAL)
        write_atomically(message_file, spec.message.encode("utf-8"))
        self.run(
            *_NO_HOOKS,
            "commit",
            "--quiet",
            "--no-verify",
            "--allow-empty",
            "--cleanup=verbatim",
            "-F",
            str(message_file),
            cwd=worktree,
        )
        return self.text("rev-parse", "HEAD", cwd=worktree)

    def set_branch(self, name: str, commit: str, *, force: bool) -> None:
        args = ["branch", "--no-track"] + (["--force"] if force else []) + [name, commit]
        self.run(*args)

    def merge_base(self, a: str, b: str) -> str | None:
        if not self.ok("merge-base", a, b):
            return None
        return self.text("merge-base", a, b)

    def commits_between(self, base: str, tip: str) -> list[tuple[str, str]]:
        """(id, subject) of each commit in base..tip, oldest first."""
        out = self.text("log", "--reverse", "--format=%H%x00%s", f"{base}..{tip}")
        pairs = [line.split("\0", 1) for line in out.splitlines() if line]
        return [(pair[0], pair[1] if len(pair) > 1 else "") for pair in pairs]

    # -- diffs and patches ------------------------------------------------------------
    def changes(self, base: str, tip: str) -> ChangeSet:
        """What `tip` changes relative to `base`, renames detected as `git diff -M` does."""
        out = self.run("diff-tree", "-r", "-z", "-M", "--name-status", "--no-commit-id", base, tip)
        before, after = self.tree(base), self.tree(tip)
        fields = [os.fsdecode(f) for f in out.split(b"\0") if f]
        result: list[FileChange] = []
        i = 0
        while i < len(fields):
            status = fields[i]
            if status[0] in "RC":
                old, new = fields[i + 1], fields[i + 2]
                i += 3
            else:
                old = new = fields[i + 1]
                i += 2
            old_content = _read_or_none(before, old)
            new_content = _read_or_none(after, new)
            if status[0] == "R":
                result.append(FileChange(ChangeKind.RENAMED, new, old, old_content, new_content))
            elif status[0] in "AC":
                result.append(FileChange(ChangeKind.ADDED, new, None, None, new_content))
            elif status[0] == "D":
                result.append(FileChange(ChangeKind.DELETED, old, old, old_content, None))
            else:
                result.append(FileChange(ChangeKind.MODIFIED, new, old, old_content, new_content))
        return ChangeSet(tuple(sorted(result, key=lambda c: c.path)))

    def diff(self, base: str, tip: str, paths: Sequence[str] = ()) -> bytes:
        """`git diff -M --binary base tip [-- paths]`: a patch `git apply` accepts."""
        extra = ["--", *paths] if paths else []
        return self.run(
            "-c",
            "diff.noprefix=false",
            "diff",
            "-M",
            "--binary",
            "--no-color",
            "--no-ext-diff",
            base,
            tip,
            *extra,
            env=_LITERAL,
        )

    def format_patch(self, base: str, tip: str, out_dir: Path) -> list[Path]:
        """One `git am`-able patch per commit of base..tip, written into `out_dir`."""
        out = self.text(
            "format-patch",
            "-M",
            "--binary",
            "--no-signature",
            "--no-color",
            "-o",
            str(out_dir),
            f"{base}..{tip}",
        )
        return [Path(line) for line in out.splitlines() if line]


def _read_or_none(tree: GitTree, path: str) -> bytes | None:
    try:
        return tree.read_bytes(path)
    except FileNotFoundError:
        return None


def _remove_empty_parents(root: Path, path: str) -> None:
    """Remove folders a move or delete emptied, so no empty package folders linger."""
    folder = (root / path).parent
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
