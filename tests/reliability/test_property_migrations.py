"""Property-based migrations: random packages, random valid plans, every promise checked.

For each (package, plan) pair (see `packages.py` for what is generated):

* the dry run writes nothing and exits 0 (the layer check gains no error);
* `apply` makes a verified branch, and the dry run's diff, `git apply`-ed to the base,
  gives exactly that branch's tree;
* every module of the result imports (each in a fresh process) and the package's own tests
  pass (values, lazy imports, `mock.patch` strings, `__init__` re-exports, hybrid splits);
* running the same plan again changes nothing;
* for plans of moves, the inverse plan (the moves reversed) gives the base tree back, byte
  for byte.

`HOC_MIGRATE_LONG=1` runs hundreds of examples instead of a few (see `conftest.py`).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import event, given
from hypothesis import strategies as st

from tests.reliability.conftest import reliability_settings
from tests.reliability.harness import check_migration
from tests.reliability.packages import packages, plans


def _kinds(steps: list[dict[str, object]]) -> None:
    for step in steps:
        event(f"step: {next(iter(step))}")
    event(f"steps: {len(steps)}")


@reliability_settings(ci_examples=8)
@given(data=st.data())
def test_moves_keep_the_package_working_and_their_inverse_restores_every_byte(
    data: st.DataObject,
) -> None:
    pkg = data.draw(packages(), label="package")
    steps = data.draw(plans(pkg, moves_only=True), label="plan")
    _kinds(steps)
    with tempfile.TemporaryDirectory(prefix="hoc-prop-") as tmp:
        failures = check_migration(Path(tmp), pkg, steps, check_inverse=True)
    assert not failures, "\n\n".join(failures)


@reliability_settings(ci_examples=6)
@given(data=st.data())
def test_plans_with_every_step_kind_keep_the_package_working_and_are_idempotent(
    data: st.DataObject,
) -> None:
    pkg = data.draw(packages(), label="package")
    steps = data.draw(plans(pkg), label="plan")
    _kinds(steps)
    with tempfile.TemporaryDirectory(prefix="hoc-prop-") as tmp:
        failures = check_migration(Path(tmp), pkg, steps, check_inverse=False)
    assert not failures, "\n\n".join(failures)
