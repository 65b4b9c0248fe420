"""Repeated checks of a tree on disk: unchanged files are known by their stat (never read),
an unchanged tree gets its stored result, and every change still gives a cold run's result.

Files here are fresh, so a real run would treat them as "racy" (changed less than RACY_NS
ago: their stat cannot vouch for them) and hash them. The tests of the stat path set
RACY_NS to 0 and give every change its own mtime, in the past, as the passing of time would;
the racy tests keep the real window."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import hoc_migrate.adapters.check_cache as check_cache
from hoc_migrate.adapters.filesystem import DiskTree
from hoc_migrate.core.layers.config import CheckConfig, DebtEntry
from hoc_migrate.core.layers.result import CheckResult
from hoc_migrate.services.check import run_check
from tests.check.support import HOC

ENGINE = "# Layer: L5 — Domain Engines\n"
DRIVER = "# Layer: L6 — Drivers\n"
CONFIG = CheckConfig(source_roots=("backend",))
FILES = {
    f"{HOC}/engines/pricing.py": ENGINE + "import sqlalchemy\n",
    f"{HOC}/engines/quotes.py": ENGINE + "from app.hoc.cus.integrations.drivers import store\n",
    f"{HOC}/engines/rates.py": ENGINE + "RATE = 1\n",
    f"{HOC}/drivers/store.py": DRIVER + "import sqlalchemy\n",
    f"{HOC}/drivers/ledger_service.py": DRIVER + "LEDGER = 1\n",
}


class Clock:
    """Gives each write its own mtime, whole seconds apart, long ago."""

    def __init__(self) -> None:
        self.now = 1_600_000_000

    def write(self, root: Path, path: str, text: str) -> None:
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        self.set(target)

    def set(self, target: Path, mtime: int | None = None) -> None:
        self.now += 10
        seconds = self.now if mtime is None else mtime
        os.utime(target, ns=(seconds * 10**9, seconds * 10**9))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every file DiskTree reads (in this process: few files, no worker processes)."""
    seen: list[str] = []
    read = DiskTree.read_bytes

    def counting(self: DiskTree, path: str) -> bytes:
        seen.append(path)
        return read(self, path)

    monkeypatch.setattr(DiskTree, "read_bytes", counting)
    yield seen


@pytest.fixture
def no_racy_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(check_cache, "RACY_NS", 0)


def make_tree(root: Path, clock: Clock, files: dict[str, str] = FILES) -> Path:
    for path, text in files.items():
        clock.write(root, path, text)
    return root


def warm(root: Path, config: CheckConfig = CONFIG, **options: Any) -> CheckResult:
    return run_check(DiskTree(root), config, cache_dir=root / ".hoc-migrate" / "cache", **options)


def cold(root: Path, config: CheckConfig = CONFIG, **options: Any) -> CheckResult:
    return run_check(DiskTree(root), config, **options)


def assert_same(warm_result: CheckResult, cold_result: CheckResult) -> None:
    assert warm_result.findings == cold_result.findings
    assert warm_result.files == cold_result.files
    assert warm_result.stats.lines == cold_result.stats.lines
    assert warm_result.stats.source_roots == cold_result.stats.source_roots


def rules(result: CheckResult) -> dict[str, int]:
    return result.counts_by_rule(severity=None)


@pytest.mark.usefixtures("no_racy_window")
def test_an_unchanged_tree_is_neither_read_nor_parsed_again(
    tmp_path: Path, clock: Clock, reads: list[str]
) -> None:
    root = make_tree(tmp_path, clock)
    first = warm(root)
    assert (first.stats.parsed, first.stats.cached) == (5, 0)
    reads.clear()
    second = warm(root)
    assert reads == []
    assert (second.stats.parsed, second.stats.cached) == (0, 5)
    assert_same(second, first)
    # Other options: no stored result for them, yet no file is read: the stats vouch.
    narrowed = warm(root, ignore=["BANNED_NAMING"])
    assert reads == []
    assert narrowed.stats.parsed == 0
    assert_same(narrowed, cold(root, ignore=["BANNED_NAMING"]))


@pytest.mark.usefixtures("no_racy_window")
def test_edits_renames_additions_and_config_changes_give_the_cold_result(
    tmp_path: Path, clock: Clock, reads: list[str]
) -> None:
    root = make_tree(tmp_path, clock)
    warm(root)
    pricing = f"{HOC}/engines/pricing.py"

    # An edit of the same size: only the mtime tells.
    clock.write(root, pricing, ENGINE + "import sqlmodel__\n")
    edited = warm(root)
    assert edited.stats.parsed == 1
    assert_same(edited, cold(root))
    assert "SQLALCHEMY_RUNTIME" not in rules(edited)

    # A touched but identical file is hashed, not parsed.
    clock.set(root / pricing)
    reads.clear()
    touched = warm(root)
    assert (touched.stats.parsed, reads) == (0, [pricing])
    assert_same(touched, cold(root))

    # A rename: a new path, known content.
    os.rename(root / pricing, root / HOC / "engines" / "pricing_service.py")
    renamed = warm(root)
    assert renamed.stats.parsed == 0
    assert_same(renamed, cold(root))
    assert rules(renamed)["BANNED_NAMING"] == 2

    # A new file.
    clock.write(root, f"{HOC}/engines/tariffs.py", ENGINE + "import sqlalchemy.orm\n")
    added = warm(root)
    assert added.stats.parsed == 1
    assert_same(added, cold(root))

    # A file removed.
    (root / HOC / "drivers" / "ledger_service.py").unlink()
    removed = warm(root)
    assert_same(removed, cold(root))

    # Another configuration: the rules change, the facts do not.
    relaxed = CheckConfig(source_roots=("backend",), runtime_banned_layers=("L4",))
    reconfigured = warm(root, relaxed)
    assert reconfigured.stats.parsed == 0
    assert_same(reconfigured, cold(root, relaxed))
    assert "SQLALCHEMY_RUNTIME" not in rules(reconfigured)
    assert_same(warm(root), cold(root))


@pytest.mark.usefixtures("no_racy_window")
def test_a_changed_header_of_an_imported_file_outside_the_checked_paths_counts(
    tmp_path: Path, clock: Clock
) -> None:
    root = make_tree(tmp_path, clock)
    engines = f"{HOC}/engines"
    before = warm(root, paths=[engines])
    assert_same(before, cold(root, paths=[engines]))
    # quotes.py (L5) imports drivers/store.py, which now declares L4: a boundary problem.
    clock.write(root, f"{HOC}/drivers/store.py", "# Layer: L4 — Runtime\nimport sqlalchemy\n")
    after = warm(root, paths=[engines])
    assert_same(after, cold(root, paths=[engines]))
    assert after.findings != before.findings


@pytest.mark.usefixtures("no_racy_window")
def test_the_date_is_part_of_a_stored_result(tmp_path: Path, clock: Clock) -> None:
    root = make_tree(tmp_path, clock)
    debt = DebtEntry(
        f"{HOC}/engines/pricing.py", ("SQLALCHEMY_RUNTIME",), "M25", expires=dt.date(2030, 1, 1)
    )
    config = CheckConfig(source_roots=("backend",), debt=(debt,))
    before = warm(root, config, today=dt.date(2029, 12, 31))
    after = warm(root, config, today=dt.date(2030, 1, 2))
    assert "EXPIRED_DEBT" not in rules(before)
    assert rules(after)["EXPIRED_DEBT"] == 1
    assert_same(after, cold(root, config, today=dt.date(2030, 1, 2)))


def test_a_same_size_edit_keeping_the_mtime_is_seen_in_the_racy_window(
    tmp_path: Path, clock: Clock
) -> None:
    # The real window: the files were just written, their stats cannot vouch for them.
    root = make_tree(tmp_path, clock)
    pricing = root / HOC / "engines" / "pricing.py"
    first = warm(root)
    mtime = pricing.stat().st_mtime_ns // 10**9
    pricing.write_text(ENGINE + "import sqlmodel__\n", encoding="utf-8")
    clock.set(pricing, mtime)  # same size, same mtime, same inode
    second = warm(root)
    assert_same(second, cold(root))
    assert second.findings != first.findings


def test_a_racy_file_is_hashed_even_when_its_stat_looks_unchanged(
    tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file system with coarse timestamps (FAT: 2 s): two writes within one tick leave the
    # same stat. Here every stat says "now" and the same size: only the content can tell.
    root = make_tree(tmp_path, clock)
    now = os.stat(root).st_mtime_ns
    real_stat = DiskTree.file_stat

    def coarse(self: DiskTree, path: str) -> tuple[int, int, int, int, int] | None:
        found = real_stat(self, path)
        return None if found is None else (found[0], now, now, found[3], found[4])

    monkeypatch.setattr(DiskTree, "file_stat", coarse)
    first = warm(root)
    (root / HOC / "engines" / "pricing.py").write_text(
        ENGINE + "import sqlmodel__\n", encoding="utf-8"
    )
    second = warm(root)
    assert_same(second, cold(root))
    assert second.findings != first.findings


def test_other_trees_are_known_by_content_and_store_no_result(tmp_path: Path) -> None:
    from tests.check.support import MemoryTree

    cache = tmp_path / "cache"
    tree = MemoryTree(dict(FILES))
    run_check(tree, CONFIG, cache_dir=cache)
    assert not list(cache.glob("result-*"))
    tree.files[f"{HOC}/engines/rates.py"] = (ENGINE + "import sqlmodel\n").encode()
    again = run_check(tree, CONFIG, cache_dir=cache)
    assert again.stats.parsed == 1
    assert rules(again)["SQLALCHEMY_RUNTIME"] == 2


@pytest.mark.parametrize("cached", [True, False])
def test_worker_processes_read_the_files_they_parse(
    tmp_path: Path, clock: Clock, cached: bool
) -> None:
    files = dict(FILES)
    for i in range(12):
        files[f"{HOC}/engines/e{i}.py"] = ENGINE + f"import sqlalchemy\nVALUE = {i}\n"
    files[f"{HOC}/engines/broken.py"] = ENGINE + "def (:\n"
    root = make_tree(tmp_path, clock, files)
    (root / HOC / "engines" / "latin1.py").write_bytes(ENGINE.encode() + b"X = '\xe9'\n")
    serial = cold(root, jobs=1)
    run = warm if cached else cold
    parallel = run(root, jobs=2, parallel_min=4)
    assert parallel.stats.workers == 2
    assert_same(parallel, serial)
    assert rules(parallel)["PARSE_ERROR"] == 2
