"""A test run's results, and what a change did to them compared with its base.

Test ids are pytest's JUnit `classname::name` (`tests.test_cart::TestCart::test_total`). A
test module the plan moved keeps its identity: its ids are followed through the plan's
renames before the runs are compared, so a moved test that still passes is neither new nor
missing; so does a doctest of a moved module (`pkg.mod::pkg.mod.func`, its name the
documented object's dotted name).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from hoc_migrate.core.modules import follow

# pytest's exit codes: 0 passed, 1 tests failed, 2 interrupted, 3 internal error, 4 usage
# error, 5 no tests collected. Only 0 and 1 are runs whose results can be compared.
COMPARABLE_EXITS = (0, 1)
_DOTTED = re.compile(r"\w+(\.\w+)+")
NO_TESTS = 5


@dataclass(frozen=True)
class TestRun:
    """What one run of the verify command produced."""

    __test__ = False  # not a pytest test class, whatever pytest's collection rules say

    returncode: int | None
    ran: frozenset[str] = field(default_factory=frozenset)  # every test id reported
    failed: frozenset[str] = field(default_factory=frozenset)  # failures and errors
    has_results: bool = False  # a JUnit report was read

    def to_data(self) -> dict[str, object]:
        return {
            "returncode": self.returncode,
            "ran": sorted(self.ran),
            "failed": sorted(self.failed),
            "has_results": self.has_results,
        }

    @classmethod
    def from_data(cls, data: Mapping[str, object]) -> TestRun:
        code = data.get("returncode")
        ran, failed = data.get("ran", []), data.get("failed", [])
        return cls(
            code if isinstance(code, int) else None,
            frozenset(str(t) for t in ran) if isinstance(ran, list) else frozenset(),
            frozenset(str(t) for t in failed) if isinstance(failed, list) else frozenset(),
            bool(data.get("has_results", False)),
        )


def test_module_renames(file_renames: Mapping[str, str]) -> dict[str, str]:
    """`tests/unit/test_a.py -> tests/test_a.py` as the dotted prefixes JUnit ids start with."""
    out = {}
    for old, new in file_renames.items():
        if old.endswith(".py") and new.endswith(".py"):
            out[old[:-3].replace("/", ".")] = new[:-3].replace("/", ".")
    return out


def _follow_ids(ids: Iterable[str], renames: Mapping[str, str]) -> frozenset[str]:
    out = set()
    for test_id in ids:
        module, sep, rest = test_id.partition("::")
        # A doctest's name is the dotted name of what it documents (`pkg.mod::pkg.mod.f`,
        # `src.pkg.mod::pkg.mod.f`): that follows the module's rename too.
        if sep and _DOTTED.fullmatch(rest):
            rest = follow(rest, renames)
        out.add(follow(module, renames) + sep + rest)
    return frozenset(out)


@dataclass(frozen=True)
class TestComparison:
    """The branch's run against the base's: what the change broke, and what it did not."""

    __test__ = False

    new_failures: tuple[str, ...]  # fail on the branch, passed (or did not exist) on the base
    missing: tuple[str, ...]  # ran on the base, not on the branch at all
    preexisting: tuple[str, ...]  # fail on both
    fixed: tuple[str, ...]  # failed on the base, pass on the branch

    @property
    def broken(self) -> bool:
        return bool(self.new_failures or self.missing)


def compare_runs(base: TestRun, branch: TestRun, renames: Mapping[str, str]) -> TestComparison:
    """`renames`: old -> new dotted module names (test modules included)."""
    base_ran = _follow_ids(base.ran, renames)
    base_failed = _follow_ids(base.failed, renames)
    return TestComparison(
        new_failures=tuple(sorted(branch.failed - base_failed)),
        missing=tuple(sorted(base_ran - branch.ran)),
        preexisting=tuple(sorted(branch.failed & base_failed)),
        fixed=tuple(sorted((base_failed & branch.ran) - branch.failed)),
    )


_SHELL_OPERATORS = ("|", "&", ";", ">", "<", "`", "$(")


def is_pytest(command: tuple[str, ...] | str) -> bool:
    """Whether the command runs pytest (`pytest ...`, `python -m pytest ...`)."""
    words = command.split() if isinstance(command, str) else list(command)
    for index, word in enumerate(words):
        name = word.rpartition("/")[2]
        if name in ("pytest", "py.test"):
            return True
        if word == "-m" and index + 1 < len(words) and words[index + 1] in ("pytest", "py.test"):
            return True
    return False


def with_junit(command: tuple[str, ...] | str, report: str) -> tuple[str, ...] | str | None:
    """The pytest command writing a JUnit report to `report`; None when it cannot be added
    safely (not pytest, or a shell line with pipes or redirections)."""
    if not is_pytest(command):
        return None
    option = f"--junitxml={report}"
    if isinstance(command, str):
        if any(op in command for op in _SHELL_OPERATORS) or "'" in report or " " in report:
            return None
        return f"{command} {option}"
    return (*command, option)
