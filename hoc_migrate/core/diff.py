"""Render a ChangeSet as a git-style unified diff that `git apply` accepts."""

from __future__ import annotations

import difflib
import hashlib
from collections import Counter
from collections.abc import Collection

from hoc_migrate.core.changes import ChangeKind, ChangeSet, FileChange

_NO_NEWLINE = "\\ No newline at end of file\n"


def blob_id(content: bytes) -> str:
    """The git blob id of `content` (what `git hash-object` prints)."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def similarity(before: bytes, after: bytes) -> int:
    """Percent similarity of two files as git's rename detection counts it: the bytes of the
    lines both hold, as multisets (diffcore-delta), not a sequence match; linear, where a
    sequence match of a large generated module took a second."""
    if before == after:
        return 100
    a, b = Counter(before.splitlines(keepends=True)), Counter(after.splitlines(keepends=True))
    if not a and not b:
        return 100
    same = sum(len(line) * min(count, b[line]) for line, count in a.items() if line in b)
    return int(100 * same / max(len(before), len(after)))


def _decode(content: bytes) -> list[str]:
    return content.decode("utf-8", errors="surrogateescape").splitlines(keepends=True)


def _encode(text: str) -> str:
    # Surrogate-escaped bytes stay as they were when the diff is written with the same handler.
    return text


def _hunks(before: bytes, after: bytes, a_name: str, b_name: str, context: int) -> str:
    a, b = _decode(before), _decode(after)
    out: list[str] = []
    for line in difflib.unified_diff(a, b, a_name, b_name, n=context):
        if line.startswith(("---", "+++")):
            out.append(line.rstrip("\n") + "\n")
            continue
        if not line.endswith("\n"):
            out.append(line + "\n" + _NO_NEWLINE)
        else:
            out.append(line)
    return "".join(out)


def _quote(path: str) -> str:
    """Quote a path the way git does when it holds special characters."""
    if all(32 < ord(c) < 127 and c not in '"\\' for c in path):
        return path
    escaped = path.encode("utf-8").decode("latin-1")
    escaped = (
        escaped.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    )
    octal = "".join(c if 32 <= ord(c) < 127 else f"\\{ord(c):03o}" for c in escaped)
    return f'"{octal}"'


def _a(path: str) -> str:
    return _quote(f"a/{path}")


def _b(path: str) -> str:
    return _quote(f"b/{path}")


def render_file(
    change: FileChange, context: int = 3, executables: Collection[str] = frozenset()
) -> str:
    """One file's part of the patch; `executables` are the base's paths with mode 100755 (a
    file keeps its mode when it is moved or edited, as git keeps it)."""
    kept = change.kind is not ChangeKind.ADDED and (change.old_path or change.path) in executables
    mode = "100755" if kept else "100644"
    before = change.before or b""
    after = change.after or b""
    if change.kind is ChangeKind.ADDED:
        head = (
            f"diff --git {_a(change.path)} {_b(change.path)}\n"
            f"new file mode {mode}\nindex {'0' * 7}..{blob_id(after)[:7]}\n"
        )
        body = _hunks(b"", after, "/dev/null", _b(change.path), context) if after else ""
        return head + body
    if change.kind is ChangeKind.DELETED:
        head = (
            f"diff --git {_a(change.path)} {_b(change.path)}\n"
            f"deleted file mode {mode}\nindex {blob_id(before)[:7]}..{'0' * 7}\n"
        )
        body = _hunks(before, b"", _a(change.path), "/dev/null", context) if before else ""
        return head + body
    old = change.old_path or change.path
    head = f"diff --git {_a(old)} {_b(change.path)}\n"
    if change.kind is ChangeKind.RENAMED:
        head += (
            f"similarity index {similarity(before, after)}%\n"
            f"rename from {_quote(old)}\nrename to {_quote(change.path)}\n"
        )
    if before == after:
        return head
    head += f"index {blob_id(before)[:7]}..{blob_id(after)[:7]} {mode}\n"
    return head + _hunks(before, after, _a(old), _b(change.path), context)


def render_diff(
    changes: ChangeSet, context: int = 3, executables: Collection[str] = frozenset()
) -> str:
    """The whole change as one patch, files in path order (renames by their new path)."""
    ordered = sorted(changes.changes, key=lambda c: c.path)
    return "".join(render_file(c, context, executables) for c in ordered)
