"""The memo of a whole layer check of a working tree on disk: an unchanged tree, checked
with the same configuration, options and code, gets the stored result without a file read.

A check is a function of what it asks its tree (listings, stats of the files it reads,
existence of paths) and of its inputs (configuration, options, today's date, the checker's
code). `RecordingTree` notes every question and the answer while a check runs; the memo
stores them with the result under a key made of the inputs. The next run with the same key
asks the same questions again: the same answers, the same result. A file changed within
RACY_NS of the recording run (a same-size change in the same timestamp tick could go
unseen), or read without a stat to vouch for it, makes the run unmemoizable.

Stored with marshal (plain data, never pickle: the cache folder sits in a repository that
others may write to).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import marshal
import os
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from hoc_migrate import __version__
from hoc_migrate.adapters.check_cache import is_racy, keep_newest, write_cache_file
from hoc_migrate.adapters.filesystem import DiskTree, FileStat, same_answers
from hoc_migrate.core.layers.config import DebtEntry
from hoc_migrate.core.layers.findings import FileInfo, Finding, Status
from hoc_migrate.core.layers.result import CheckResult, CheckStats

#: Bump when what is stored changes shape.
MEMO_VERSION = 1
#: Memos kept (one per repository x configuration x options), the most recent ones.
MAX_MEMOS = 8
_PACKAGE = Path(__file__).resolve().parent.parent


class RecordingTree:
    """A DiskTree that notes every question asked and its answer (see the module doc)."""

    def __init__(self, tree: DiskTree) -> None:
        self.tree = tree
        self.started_ns = time.time_ns()  # before any question: see is_racy
        self.answers: dict[tuple[str, str], Any] = {}
        self.unsure = False  # a file read without a stat that vouches for its content

    @property
    def root(self) -> Path:
        return self.tree.root

    def iter_files(self, under: str = "") -> Iterator[str]:
        files = tuple(self.tree.iter_files(under))
        self.answers["list", under] = files
        return iter(files)

    def file_stat(self, path: str) -> FileStat | None:
        found = self.tree.file_stat(path)
        self.answers["stat", path] = found
        return found

    def read_bytes(self, path: str) -> bytes:
        if self.file_stat(path) is None:  # a symlink, or gone: its content is not vouched
            self.unsure = True
        return self.tree.read_bytes(path)

    def size(self, path: str) -> int:
        if self.file_stat(path) is None:
            self.unsure = True
        return self.tree.size(path)

    def exists(self, path: str) -> bool:
        found = self.tree.exists(path)
        self.answers["exists", path] = found
        return found

    def is_dir(self, path: str) -> bool:
        found = self.tree.is_dir(path)
        self.answers["is_dir", path] = found
        return found

    def trustworthy(self) -> bool:
        """Whether the answers can vouch for the result on a later run."""
        return not self.unsure and not any(
            kind == "stat" and answer is not None and is_racy(answer, self.started_ns)
            for (kind, _), answer in self.answers.items()
        )


def _canonical(value: Any) -> Any:
    """A form of `value` whose repr is the same in every process (sets are sorted; the
    order of mappings and sequences is kept: it may matter)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__,) + tuple(
            (f.name, _canonical(getattr(value, f.name))) for f in dataclasses.fields(value)
        )
    if isinstance(value, Mapping):
        return tuple((_canonical(k), _canonical(v)) for k, v in value.items())
    if isinstance(value, set | frozenset):
        return tuple(sorted((_canonical(v) for v in value), key=repr))
    if isinstance(value, list | tuple):
        return tuple(_canonical(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


#: The checker's own modules (folder -> file names; None: every module of the folder).
_CHECKER_CODE: dict[str, frozenset[str] | None] = {
    "core": None,
    "core/layers": None,
    "adapters": frozenset(
        {"check_cache.py", "check_memo.py", "filesystem.py", "import_scanner.py"}
    ),
    "services": frozenset({"check.py"}),
}


def _code_state() -> tuple[tuple[str, int, int], ...]:
    """Size and mtime of the checker's own modules: a changed rule is a changed result."""
    found: list[tuple[str, int, int]] = []
    for folder, names in _CHECKER_CODE.items():
        try:
            with os.scandir(_PACKAGE / folder) as entries:
                for entry in entries:
                    if entry.name.endswith(".py") and (names is None or entry.name in names):
                        st = entry.stat()
                        found.append((f"{folder}/{entry.name}", st.st_size, st.st_mtime_ns))
        except OSError:
            continue
    return tuple(sorted(found))


def memo_key(tree: DiskTree, inputs: Mapping[str, Any]) -> str:
    """The key of a check of `tree` with these inputs (configuration, options, date)."""
    shapes = tuple(
        tuple(f.name for f in dataclasses.fields(cls))
        for cls in (Finding, FileInfo, DebtEntry, CheckStats, CheckResult)
    )
    material = repr(
        (
            MEMO_VERSION,
            __version__,
            sys.version_info[:3],
            _code_state(),
            shapes,
            str(tree.root),
            _canonical(dict(inputs)),
        )
    )
    return hashlib.blake2b(material.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _fields(value: Any) -> tuple[Any, ...]:
    return tuple(getattr(value, f.name) for f in dataclasses.fields(value))


def _encode_finding(finding: Finding) -> tuple[Any, ...]:
    return tuple(v.value if isinstance(v, Status) else v for v in _fields(finding))


def _encode_debt(entry: DebtEntry) -> tuple[Any, ...]:
    return tuple(v.isoformat() if isinstance(v, dt.date) else v for v in _fields(entry))


def _decode_debt(data: tuple[Any, ...]) -> DebtEntry:
    entry = DebtEntry(*data)
    if isinstance(entry.expires, str):
        entry = dataclasses.replace(entry, expires=dt.date.fromisoformat(entry.expires))
    return entry


def encode_result(result: CheckResult) -> tuple[Any, ...]:
    return (
        tuple(_encode_finding(f) for f in result.findings),
        tuple((path, _fields(info)) for path, info in result.files.items()),
        tuple(_encode_debt(d) for d in result.stale_debt),
        tuple(_encode_debt(d) for d in result.expired_debt),
        result.baseline_fixed,
        _fields(result.stats),
    )


def decode_result(data: tuple[Any, ...]) -> CheckResult:
    findings, infos, stale, expired, fixed, stats = data
    decoded = []
    for values in findings:
        finding = Finding(*values)
        decoded.append(dataclasses.replace(finding, status=Status(finding.status)))
    return CheckResult(
        findings=tuple(decoded),
        files={path: FileInfo(*values) for path, values in infos},
        stale_debt=tuple(_decode_debt(d) for d in stale),
        expired_debt=tuple(_decode_debt(d) for d in expired),
        baseline_fixed=fixed,
        stats=CheckStats(*stats),
    )


class ResultMemo:
    """The stored result of one check (key: see `memo_key`) in `cache_dir`."""

    def __init__(self, cache_dir: Path, tree: DiskTree, key: str) -> None:
        self.cache_dir = cache_dir
        self.tree = tree
        self.key = key
        self.path = cache_dir / f"result-{key}.marshal"
        self.recorder = RecordingTree(tree)
        # After a successful `load`: the questions and answers that vouch for the result.
        self.vouched_by: list[tuple[str, str, Any]] = []

    def load(self) -> CheckResult | None:
        """The stored result when the tree still answers every question the same; its stats
        say that nothing was parsed."""
        try:
            data = marshal.loads(self.path.read_bytes())
            if not (isinstance(data, dict) and data.get("key") == self.key):
                return None
            if not same_answers(self.tree, data["answers"]):
                return None
            result = decode_result(data["result"])
            self.vouched_by = list(data["answers"])
        except (OSError, EOFError, ValueError, TypeError, KeyError):
            return None  # none yet, damaged, or of another shape: check afresh
        stats = result.stats
        return dataclasses.replace(
            result,
            stats=dataclasses.replace(
                stats, parsed=0, cached=stats.parsed + stats.cached, workers=1
            ),
        )

    def save(self, result: CheckResult) -> None:
        """Store `result` with the recorder's answers, unless they cannot vouch for it."""
        try:
            if not self.recorder.trustworthy():
                self.path.unlink(missing_ok=True)
                return
            answers = [(kind, arg, a) for (kind, arg), a in self.recorder.answers.items()]
            document = {"key": self.key, "answers": answers, "result": encode_result(result)}
            write_cache_file(self.path, marshal.dumps(document))
        except OSError:
            return  # a read-only cache folder: the next run checks afresh, nothing is lost
        keep_newest(self.cache_dir, "result-*.marshal", MAX_MEMOS)
