"""The long reliability run: hundreds of random (package, plan) pairs, and every fault kind at
every stage of `apply`, with the figures printed at the end.

    .venv/bin/python benchmarks/torture.py [--moves 300] [--mixed 200] [--kills 40] [--seed N]

* property runs: random packages and valid plans (tests/reliability/packages.py), each checked
  for every promise (tests/reliability/harness.py: check_migration); moves-only plans also
  check that their inverse gives the base tree back byte for byte. Failures do not stop the
  run: each is counted and written to benchmarks/out/torture-failures.txt.
* fault injection: every stage x {SIGKILL, SIGINT}, failing writes and git commands, git
  refusing (locks, hooks), and signals sent to apply's process group at random moments.

`HOC_MIGRATE_LONG=1 pytest tests/reliability` runs the same property tests with the long
hypothesis profile instead (stopping at the first failure).
"""

from __future__ import annotations

import argparse
import random
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.reliability import faults  # noqa: E402
from tests.reliability.harness import check_migration  # noqa: E402
from tests.reliability.packages import packages, plan_yaml, plans  # noqa: E402

OUT = ROOT / "benchmarks" / "out"


class PropertyRun:
    def __init__(self, name: str, moves_only: bool) -> None:
        self.name = name
        self.moves_only = moves_only
        self.tried = 0
        self.failed: list[str] = []
        self.kinds: Counter[str] = Counter()
        self.seconds = 0.0

    def run(self, examples: int, seed_value: int) -> None:
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
            derandomize=False,
        )
        @given(data=st.data())
        def one(data: Any) -> None:
            pkg = data.draw(packages())
            steps = data.draw(plans(pkg, moves_only=self.moves_only))
            self.tried += 1
            self.kinds.update(next(iter(s)) for s in steps)
            with tempfile.TemporaryDirectory(prefix="hoc-torture-") as tmp:
                try:
                    problems = check_migration(Path(tmp), pkg, steps, check_inverse=self.moves_only)
                except Exception:  # the harness or the generator broke: count it too
                    problems = [traceback.format_exc()]
            if problems:
                self.failed.append(
                    f"## {self.name} #{self.tried}\n{pkg!r}\n{plan_yaml('failing', steps)}\n"
                    + "\n".join(problems)
                )
            print(f"\r{self.name}: {self.tried}/{examples}, {len(self.failed)} failing", end="")

        start = time.monotonic()
        seed(seed_value)(one)()
        self.seconds = time.monotonic() - start
        print()


def fault_matrix(kills: int, seed: int) -> tuple[list[faults.FaultResult], float]:
    results: list[faults.FaultResult] = []
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="hoc-torture-faults-") as tmp:
        work = Path(tmp)
        tree = faults.expected_tree(work)
        count = 0

        def case(make: Any) -> None:
            nonlocal count
            count += 1
            folder = work / f"case{count}"
            folder.mkdir()
            result = make(folder)
            results.append(result)
            mark = "ok " if result.clean else "LEFT"
            print(f"  {mark} {result.case} (exit {result.exit_code}, branch {result.branch_made})")

        for stage in faults.STAGES:
            for action in faults.SIGNALS:
                case(lambda f, s=stage, a=action: faults.run_case(f, tree, s, a))
        for point, action in faults.FAILURES:
            case(lambda f, p=point, a=action: faults.run_case(f, tree, p, a))
        for state in faults.GIT_STATES:
            case(lambda f, s=state: faults.run_git_state_case(f, tree, s))
        duration = faults.apply_duration(work)
        rng = random.Random(seed)
        for i in range(kills):
            sig = signal.SIGKILL if i % 2 == 0 else signal.SIGINT
            delay = rng.uniform(0, duration * 1.1)
            case(lambda f, s=sig, d=delay: faults.run_random_kill(f, tree, s, d))
    return results, time.monotonic() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=300, help="moves-only plans (with inverse)")
    parser.add_argument("--mixed", type=int, default=200, help="plans of every step kind")
    parser.add_argument("--kills", type=int, default=40, help="signals at random moments")
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--no-faults", action="store_true")
    args = parser.parse_args()

    runs = [PropertyRun("moves+inverse", True), PropertyRun("every step kind", False)]
    runs[0].run(args.moves, args.seed)
    runs[1].run(args.mixed, args.seed + 1)
    fault_results: list[faults.FaultResult] = []
    fault_seconds = 0.0
    if not args.no_faults:
        print("fault injection:")
        fault_results, fault_seconds = fault_matrix(args.kills, args.seed)

    OUT.mkdir(parents=True, exist_ok=True)
    report = OUT / "torture-failures.txt"
    lines = [f for r in runs for f in r.failed]
    lines += [
        f"## fault {r.case}\n" + "\n".join(r.left_behind) for r in fault_results if not r.clean
    ]
    report.write_text("\n\n".join(lines) + "\n", encoding="utf-8")

    print("\n== property-based migrations ==")
    for r in runs:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(r.kinds.items()))
        print(
            f"{r.name:<16} plans tried {r.tried:>4}  failing {len(r.failed):>3}  "
            f"({r.seconds:.0f}s; steps: {kinds})"
        )
    if fault_results:
        n_stages, n_signals = len(faults.STAGES), len(faults.SIGNALS)
        left = [r for r in fault_results if not r.clean]
        print("\n== fault injection ==")
        print(f"stages x signals        {n_stages} x {n_signals} = {n_stages * n_signals}")
        print(f"failing writes / git    {len(faults.FAILURES)}")
        print(f"git refusing / hooks    {len(faults.GIT_STATES)}")
        print(f"signals at random times {args.kills}")
        print(f"cases in all            {len(fault_results)} ({fault_seconds:.0f}s)")
        print(f"left something behind   {len(left)}: {', '.join(r.case for r in left) or '-'}")
    print(f"\ndetails of every failure: {report.relative_to(ROOT)}")
    failing = sum(len(r.failed) for r in runs) + sum(not r.clean for r in fault_results)
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
