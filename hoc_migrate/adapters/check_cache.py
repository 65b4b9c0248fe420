"""Facts for many files: the facts cache, and the scanner that fills it (in worker processes).

The cache holds what one parse of a file yields, keyed by the file's content hash.

One file per scanner fingerprint in `<repo>/.hoc-migrate/cache/` (with a `.gitignore` of
`*`), read once and written once per run (atomically), so that a repeated run only parses
what changed. Facts never depend on the checker's configuration (rules are evaluated from
them on every run), so the key is content hash + the scanner's fingerprint (facts format,
Python version, scanner settings); a configuration change takes effect without a re-parse.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from hoc_migrate.adapters import import_scanner
from hoc_migrate.adapters.import_scanner import scan_many
from hoc_migrate.core.layers.facts import FACTS_VERSION, FileFacts, decode_facts

#: Entries kept beyond the ones a run used (other branches, the before/after of a plan).
MIN_KEPT = 20_000


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


def ensure_ignored(folder: Path) -> None:
    """Create `folder` with a `.gitignore` of `*` so the cache is never committed."""
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / ".gitignore"
    if not marker.exists():
        marker.write_text("*\n", encoding="utf-8")


class FactsCache:
    """Encoded facts (see core.layers.facts.encode_facts) by content digest."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir
        self.fingerprint = scanner_fingerprint()
        self.path = cache_dir / f"facts-{self.fingerprint}.marshal"
        self._entries: dict[str, tuple[Any, ...]] = {}
        self._used: dict[str, tuple[Any, ...]] = {}
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

    def get(self, digest: str) -> tuple[Any, ...] | None:
        found = self._entries.get(digest)
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
            self._used[digest] = found
        return found

    def put(self, digest: str, encoded: tuple[Any, ...]) -> None:
        self._used[digest] = encoded
        self._added += 1

    def save(self) -> None:
        """Write this run's entries first, then older ones up to a bound; atomically."""
        keep = dict(self._used)
        limit = max(MIN_KEPT, 2 * len(keep))
        for digest, encoded in self._entries.items():
            if len(keep) >= limit:
                break
            keep.setdefault(digest, encoded)
        if not self._added and len(keep) == len(self._entries) and self.path.exists():
            return  # nothing new, nothing dropped
        ensure_ignored(self.cache_dir)
        if self.cache_dir.parent.name == ".hoc-migrate":
            ensure_ignored(self.cache_dir.parent)
        blob = marshal.dumps({"fingerprint": self.fingerprint, "entries": keep})
        fd, tmp = tempfile.mkstemp(prefix=".facts-", dir=self.cache_dir)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(blob)
            os.replace(tmp, self.path)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._entries = keep
        self._added = 0


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


#: Parse in batches of at most this many files / bytes, so that a huge tree never sits in
#: memory all at once (read, parse, keep the facts, drop the bytes).
BATCH_FILES = 4000
BATCH_BYTES = 64 * 1024 * 1024


class FactsScanner:
    """Facts for the files handed to `add`: from the cache, else one parse each, in worker
    processes once more than `threshold` files need parsing."""

    def __init__(self, cache: FactsCache | None, jobs: int, threshold: int) -> None:
        self.cache = cache
        self.jobs = jobs
        self.threshold = max(threshold, 2)
        self.facts: dict[str, FileFacts] = {}
        self.lines = self.parsed = self.cached = 0
        self.workers = 1
        self._pending: dict[str, list[str]] = {}  # content digest (or path) -> paths
        self._blobs: list[bytes] = []
        self._bytes = 0
        self._pool: ProcessPoolExecutor | None = None

    def add(self, path: str, data: bytes) -> None:
        self.lines += data.count(b"\n")
        digest = content_digest(data) if self.cache is not None else path
        encoded = self.cache.get(digest) if self.cache is not None else None
        facts = decode_facts(encoded) if encoded is not None else None
        if facts is not None:
            self.facts[path] = facts
            self.cached += 1
            return
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
        if not self._blobs:
            return
        for (digest, paths), encoded in zip(
            self._pending.items(), self._parse(self._blobs), strict=True
        ):
            facts = decode_facts(encoded)
            assert facts is not None  # just encoded by this very version
            if self.cache is not None:
                self.cache.put(digest, encoded)
            for path in paths:
                self.facts[path] = facts
            self.parsed += len(paths)
        self._pending, self._blobs, self._bytes = {}, [], 0

    def _parse(self, blobs: list[bytes]) -> list[tuple[Any, ...]]:
        if self._pool is None and self.jobs > 1 and len(blobs) >= self.threshold:
            try:
                self._pool = ProcessPoolExecutor(max_workers=self.jobs)
            except OSError:  # no processes here (sandbox, resource limits): serial
                self.jobs = 1
        if self._pool is None:
            return scan_many(blobs)
        size = max(8, -(-len(blobs) // (self.jobs * 4)))  # ~4 batches a worker: balanced
        batches = [blobs[i : i + size] for i in range(0, len(blobs), size)]
        try:
            results = [e for batch in self._pool.map(scan_many, batches) for e in batch]
        except (OSError, BrokenProcessPool):
            self._pool, self.jobs = None, 1
            return scan_many(blobs)
        self.workers = self.jobs
        return results
