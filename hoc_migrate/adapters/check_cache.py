"""Facts for many files: the facts cache, and the scanner that fills it (in worker processes).

The cache holds what one parse of a file yields, keyed by the file's content hash.

One file per scanner fingerprint in the state folder's `cache/` (`.git/hoc-migrate/cache/`;
see workspace.py), read once and written once per run (atomically), so that a repeated run
only parses what changed. The files are marshal data, which is not safe to load from an
untrusted source: they are only ever read from the git directory or the user's cache
directory, which no commit, clone or checked tree can write (whoever can write there can
already make git run commands through `.git/config`). Facts never depend on the checker's configuration (rules are evaluated from
them on every run), so the key is content hash + the scanner's fingerprint (facts format,
Python version, scanner settings); a configuration change takes effect without a re-parse.

For a tree on disk the cache also remembers each file's stat (size, mtime, ctime, inode,
device) with its content hash, as git's index does: an unchanged file is then neither read
nor hashed. A stat vouches for nothing when the file changed within `RACY_NS` of the run
that recorded it (a second same-size change in the same timestamp tick would leave it
unchanged), so such "racy" files are hashed again; a changed stat falls back to the content
hash (a touched but identical file is not parsed again).
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from hoc_migrate.adapters import import_scanner
from hoc_migrate.adapters.filesystem import DiskTree, FileStat
from hoc_migrate.adapters.import_scanner import paused_gc, scan_many, scan_source
from hoc_migrate.adapters.workspace import write_atomically
from hoc_migrate.core.errors import UsageError
from hoc_migrate.core.layers.facts import FACTS_VERSION, FileFacts, decode_facts, encode_facts
from hoc_migrate.core.tree import TreeReader

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

#: Entries kept beyond the ones a run used (other branches, the before/after of a plan).
MIN_KEPT = 20_000
#: Working trees whose stats are kept (the repository, an apply's worktree, ...).
MAX_TREES = 4
#: A file changed less than this before a run (2 s: FAT's granularity) is "racy".
RACY_NS = 2_000_000_000


def content_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def scanner_fingerprint() -> str:
    settings = repr(
        (
            FACTS_VERSION,
            sys.version_info[:2],
            sorted(import_scanner.ROUTE_DECORATORS),
            sorted(import_scanner.ROUTE_CALLS),
            import_scanner._DB_METHOD_RE.pattern,
            import_scanner._DB_RECEIVER_RE.pattern,
            import_scanner._ROUTE_HINT_RE.pattern,
        )
    )
    return hashlib.blake2b(settings.encode(), digest_size=8).hexdigest()


def is_racy(stat: FileStat, since_ns: int) -> bool:
    """Whether `stat`, taken after `since_ns`, cannot vouch for the file's content: the
    file changed (mtime) or had its metadata changed (ctime) less than RACY_NS before."""
    return max(stat[1], stat[2]) > since_ns - RACY_NS


def write_cache_file(path: Path, blob: bytes) -> None:
    """Write `blob` to `path` in a cache folder (made when missing), atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, blob)


def keep_newest(folder: Path, pattern: str, count: int) -> None:
    """Remove all but the `count` most recently written files matching `pattern`."""
    try:
        found = sorted(folder.glob(pattern), key=lambda p: p.stat().st_mtime_ns)
        for old in found[:-count]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # pruning is housekeeping; a failure here loses nothing


class FactsCache:
    """Encoded facts (see core.layers.facts.encode_facts) by content digest, and per working
    tree on disk the (stat, digest, lines) of each file seen."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir
        self.fingerprint = scanner_fingerprint()
        self.path = cache_dir / f"facts-{self.fingerprint}.marshal"
        # Taken before any file is looked at: a stat is trusted only when the file is older
        # than this by RACY_NS, whatever the moment the stat was taken.
        self.started_ns = time.time_ns()
        self._entries: dict[str, tuple[Any, ...]] = {}
        self._used: dict[str, tuple[Any, ...]] = {}
        # root -> path -> (*FileStat, digest, lines)
        self._stats: dict[str, dict[str, tuple[Any, ...]]] = {}
        self._stats_changed = False
        self.hits = 0
        self.misses = 0
        self._added = 0
        self._load()

    def _load(self) -> None:
        try:
            data = marshal.loads(self.path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return  # no cache yet, or a damaged one: start afresh
        if isinstance(data, dict) and data.get("fingerprint") == self.fingerprint:
            entries = data.get("entries")
            if isinstance(entries, dict):
                self._entries = entries
            stats = data.get("stats")
            if isinstance(stats, dict):
                self._stats = stats

    @property
    def empty(self) -> bool:
        return not self._entries and not self._used

    def get(self, digest: str) -> tuple[Any, ...] | None:
        found = self._entries.get(digest) or self._used.get(digest)
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
            self._used[digest] = found
        return found

    def put(self, digest: str, encoded: tuple[Any, ...]) -> None:
        self._used[digest] = encoded
        self._added += 1

    def known(self, root: str, path: str, stat: FileStat) -> tuple[str, int] | None:
        """(digest, lines) of a file whose stat is the one recorded (and was not racy)."""
        entry = self._stats.get(root, {}).get(path)
        if entry is None or tuple(entry[:5]) != stat:
            return None
        digest, lines = entry[5], entry[6]
        return (digest, lines) if isinstance(digest, str) and isinstance(lines, int) else None

    def remember(self, root: str, path: str, stat: FileStat, digest: str, lines: int) -> None:
        """Record a file's stat with the digest of the content read after that stat."""
        files = self._stats.setdefault(root, {})
        if is_racy(stat, self.started_ns):
            if files.pop(path, None) is not None:
                self._stats_changed = True
            return
        entry = (*stat, digest, lines)
        if files.get(path) != entry:
            files[path] = entry
            self._stats_changed = True

    def save(self) -> None:
        """Write this run's entries first, then older ones up to a bound; atomically."""
        keep = dict(self._used)
        limit = max(MIN_KEPT, 2 * len(keep))
        for digest, encoded in self._entries.items():
            if len(keep) >= limit:
                break
            keep.setdefault(digest, encoded)
        unchanged = not self._added and not self._stats_changed and len(keep) == len(self._entries)
        if unchanged and self.path.exists():
            return  # nothing new, nothing dropped
        stats = {root: self._stats[root] for root in list(self._stats)[-MAX_TREES:]}
        blob = marshal.dumps({"fingerprint": self.fingerprint, "entries": keep, "stats": stats})
        write_cache_file(self.path, blob)
        self._entries, self._stats = keep, stats
        self._added, self._stats_changed = 0, False

    def touch_tree(self, root: str) -> None:
        """Make `root` the most recently used working tree (the last one dropped)."""
        files = self._stats.pop(root, None)
        self._stats[root] = files if files is not None else {}


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


#: Parse in batches of at most this many files / bytes, so that a huge tree never sits in
#: memory all at once (read, parse, keep the facts, drop the bytes).
BATCH_FILES = 4000
BATCH_BYTES = 64 * 1024 * 1024


class DiskFiles(TreeReader, Protocol):
    """A tree on disk: its files can be told unchanged by their stat, and read by path in
    other processes (DiskTree, or a recorder wrapping one)."""

    @property
    def root(self) -> Path: ...

    def file_stat(self, path: str) -> FileStat | None: ...


_Item = TypeVar("_Item")
_Out = TypeVar("_Out")

#: What a worker sends back for a file it read itself: (digest, lines, encoded facts), or
#: None when it could not read it (the main process then reads it and reports the error).
ScannedFile = tuple[str, int, tuple[Any, ...]] | None


def scan_files(root: str, paths: Sequence[str]) -> list[ScannedFile]:
    """Worker-process entry point: read (confined to `root`), hash and scan files."""
    tree = DiskTree(Path(root))
    out: list[ScannedFile] = []
    with paused_gc():
        for path in paths:
            try:
                data = tree.read_bytes(path)
            except (OSError, UsageError):
                out.append(None)
                continue
            out.append((content_digest(data), data.count(b"\n"), encode_facts(scan_source(data))))
    return out


class FactsScanner:
    """Facts for the files handed to `add`: from the cache, else one parse each, in worker
    processes once more than `threshold` files need parsing.

    With `disk` (the same tree, on disk), an unchanged file's facts come from its stat alone,
    and workers read the files they parse themselves (paths travel, not contents)."""

    def __init__(
        self,
        tree: TreeReader,
        cache: FactsCache | None,
        jobs: int,
        threshold: int,
        *,
        disk: DiskFiles | None = None,
    ) -> None:
        self.tree = tree
        self.cache = cache
        self.disk = disk
        self.jobs = jobs
        self.threshold = max(threshold, 2)
        self.facts: dict[str, FileFacts] = {}
        self.lines = self.parsed = self.cached = 0
        self.workers = 1
        self._root = str(disk.root) if disk is not None else ""
        if cache is not None and disk is not None:
            cache.touch_tree(self._root)
        # Files to parse: by content digest (or path) -> their paths, and what to parse:
        # contents, or (on disk) paths with the stat taken before they are read.
        self._pending: dict[str, list[str]] = {}
        self._blobs: list[bytes] = []
        self._on_disk: list[tuple[str, FileStat]] = []
        self._bytes = 0
        self._pool: ProcessPoolExecutor | None = None

    def add(self, path: str, data: bytes | None = None) -> None:
        """The facts of `path` (whose content the caller may have read already)."""
        stat = self.disk.file_stat(path) if self.disk is not None else None
        if stat is None:  # not on disk, or not a plain file there: by content
            self._by_content(path, data if data is not None else self.tree.read_bytes(path), None)
            return
        if self.cache is not None:
            known = self.cache.known(self._root, path, stat)
            if known is not None and self._from_cache(path, *known):
                return
            if data is None and not self.cache.empty:
                # Hashed to find the facts of a moved, copied or touched file; a file new to
                # an empty cache goes straight to a parser, which reads it itself.
                data = self.tree.read_bytes(path)
        if data is not None and self._by_content(path, data, stat):
            return
        self._on_disk.append((path, stat))
        if len(self._on_disk) >= BATCH_FILES:
            self._flush()

    def _by_content(self, path: str, data: bytes, stat: FileStat | None) -> bool:
        """Facts from the cache by content digest, else queue the content for parsing;
        False for a file on disk that a parser is to read (`stat` given)."""
        digest = content_digest(data) if self.cache is not None else path
        lines = data.count(b"\n")
        if self.cache is not None and self._from_cache(path, digest, lines):
            if stat is not None:
                self.cache.remember(self._root, path, stat, digest, lines)
            return True
        if stat is not None:
            return False
        self.lines += lines
        self._queue_blob(path, digest, data)
        return True

    def _from_cache(self, path: str, digest: str, lines: int) -> bool:
        assert self.cache is not None
        encoded = self.cache.get(digest)
        facts = decode_facts(encoded) if encoded is not None else None
        if facts is None:
            return False
        self.facts[path] = facts
        self.lines += lines
        self.cached += 1
        return True

    def _queue_blob(self, path: str, digest: str, data: bytes) -> None:
        if digest not in self._pending:
            self._pending[digest] = []
            self._blobs.append(data)
            self._bytes += len(data)
        self._pending[digest].append(path)
        if len(self._blobs) >= BATCH_FILES or self._bytes >= BATCH_BYTES:
            self._flush()

    def close(self) -> None:
        try:
            self._flush()
        finally:
            if self._pool is not None:
                self._pool.shutdown()
        if self.cache is not None:
            self.cache.save()

    def _flush(self) -> None:
        if self._blobs:
            for (digest, paths), encoded in zip(
                self._pending.items(), self._parse(scan_many, self._blobs), strict=True
            ):
                self._record(paths, digest, encoded)
            self._pending, self._blobs, self._bytes = {}, [], 0
        if self._on_disk:
            on_disk, self._on_disk = self._on_disk, []
            work = functools.partial(scan_files, self._root)
            paths = [path for path, _ in on_disk]
            for (path, stat), scanned in zip(on_disk, self._parse(work, paths), strict=True):
                if scanned is None:  # unreadable in the worker: read here, for the real error
                    data = self.tree.read_bytes(path)
                    scanned = (content_digest(data), data.count(b"\n"), scan_many([data])[0])
                digest, lines, encoded = scanned
                self._record([path], digest, encoded)
                self.lines += lines
                if self.cache is not None:
                    self.cache.remember(self._root, path, stat, digest, lines)

    def _record(self, paths: list[str], digest: str, encoded: tuple[Any, ...]) -> None:
        facts = decode_facts(encoded)
        assert facts is not None  # just encoded by this very version
        if self.cache is not None:
            self.cache.put(digest, encoded)
        for path in paths:
            self.facts[path] = facts
        self.parsed += len(paths)

    def _parse(self, work: Callable[[list[_Item]], list[_Out]], items: list[_Item]) -> list[_Out]:
        """`work` (a module-level function of a batch) over `items`, in order: in worker
        processes when there are enough of them."""
        if self._pool is None and self.jobs > 1 and len(items) >= self.threshold:
            # Imported here: a run whose facts all come from the cache starts no process.
            from concurrent.futures import ProcessPoolExecutor

            try:
                self._pool = ProcessPoolExecutor(max_workers=self.jobs)
            except OSError:  # no processes here (sandbox, resource limits): serial
                self.jobs = 1
        if self._pool is None:
            return list(work(items))
        from concurrent.futures.process import BrokenProcessPool

        size = max(8, -(-len(items) // (self.jobs * 4)))  # ~4 batches a worker: balanced
        batches = [items[i : i + size] for i in range(0, len(items), size)]
        try:
            results = [e for batch in self._pool.map(work, batches) for e in batch]
        except (OSError, BrokenProcessPool):
            self._pool, self.jobs = None, 1
            return list(work(items))
        self.workers = self.jobs
        return results
