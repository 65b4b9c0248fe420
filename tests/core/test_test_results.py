"""A branch's test run against its base's: moved tests and doctests keep their identity."""

from __future__ import annotations

from hoc_migrate.core.test_results import TestRun, compare_runs


def run(*ids: str, failed: tuple[str, ...] = ()) -> TestRun:
    return TestRun(1 if failed else 0, frozenset(ids), frozenset(failed), has_results=True)


def test_the_doctests_of_a_moved_module_still_run() -> None:
    """more-itertools under `pytest --doctest-modules`: `more_itertools.more` moved to
    `more_itertools._core.more` (flat layout), and `calc.ops` to `calc.arith` (src layout,
    where JUnit's class name is the file's path and the doctest's name the module's)."""
    base = run(
        "more_itertools.more::more_itertools.more.adjacent",
        "src.calc.ops::calc.ops.add",
        "tests.test_more.AdjacentTests::test_call",
        "tests.test_known::test_bug",
        failed=("tests.test_known::test_bug",),
    )
    branch = run(
        "more_itertools._core.more::more_itertools._core.more.adjacent",
        "src.calc.arith::calc.arith.add",
        "tests.test_more.AdjacentTests::test_call",
        "tests.test_known::test_bug",
        failed=("tests.test_known::test_bug",),
    )
    renames = {
        "more_itertools.more": "more_itertools._core.more",
        "calc.ops": "calc.arith",
        "src.calc.ops": "src.calc.arith",
    }
    comparison = compare_runs(base, branch, renames)
    assert comparison.missing == ()
    assert comparison.new_failures == ()
    assert comparison.preexisting == ("tests.test_known::test_bug",)
    assert not comparison.broken


def test_a_doctest_that_fails_only_on_the_branch_is_broken_by_the_change() -> None:
    base = run("pkg.mod::pkg.mod.f")
    branch = run("pkg.core.mod::pkg.core.mod.f", failed=("pkg.core.mod::pkg.core.mod.f",))
    comparison = compare_runs(base, branch, {"pkg.mod": "pkg.core.mod"})
    assert comparison.new_failures == ("pkg.core.mod::pkg.core.mod.f",)
    assert comparison.missing == ()
