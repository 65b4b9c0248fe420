"""Reads a JUnit XML report (pytest's `--junitxml`) into a TestRun."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from pathlib import Path

from hoc_migrate.core.test_results import TestRun

#: Larger reports are not read (the run is then judged by its exit code alone).
MAX_REPORT_BYTES = 64 * 1024 * 1024


def read_junit(path: Path, returncode: int | None) -> TestRun:
    """The run's test ids and failures; a missing or unreadable report gives a run without
    results (judged by its exit code only)."""
    try:
        if path.stat().st_size > MAX_REPORT_BYTES:
            return TestRun(returncode)
        root = ElementTree.parse(path).getroot()
    except (OSError, ElementTree.ParseError):
        return TestRun(returncode)
    ran: set[str] = set()
    failed: set[str] = set()
    for case in root.iter("testcase"):
        classname, name = case.get("classname", ""), case.get("name", "")
        test_id = f"{classname}::{name}" if classname else name
        if not test_id:
            continue
        if case.find("skipped") is not None and case.find("failure") is None:
            ran.add(test_id)
            continue
        ran.add(test_id)
        if case.find("failure") is not None or case.find("error") is not None:
            failed.add(test_id)
    return TestRun(returncode, frozenset(ran), frozenset(failed), has_results=True)
