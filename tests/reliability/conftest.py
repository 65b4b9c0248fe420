"""Hypothesis profiles for the reliability suite.

The default ("ci") keeps the property tests to a few dozen examples so the whole suite runs
in well under two minutes on two cores; `HOC_MIGRATE_LONG=1` selects "long" (hundreds of
examples per property; `benchmarks/torture.py` runs it and prints the figures).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

_COMMON = {
    "deadline": None,  # one example runs git, the CLI and subprocesses: seconds, not ms
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}
# No shrinking in CI: an example takes about a second, and shrinking one can take minutes;
# the failure report shows the package and the plan as drawn.
settings.register_profile(
    "hoc-reliability-ci",
    max_examples=10,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    **_COMMON,  # type: ignore[arg-type]
)
settings.register_profile("hoc-reliability-long", max_examples=400, **_COMMON)  # type: ignore[arg-type]


def long_run() -> bool:
    return os.environ.get("HOC_MIGRATE_LONG", "") not in ("", "0")


def reliability_settings(ci_examples: int) -> settings:
    """This suite's settings (not loaded globally: other suites keep theirs): `ci_examples`
    examples by default, the long profile with HOC_MIGRATE_LONG=1, and exactly
    HOC_MIGRATE_EXAMPLES examples when that is set."""
    profile = settings.get_profile("hoc-reliability-long" if long_run() else "hoc-reliability-ci")
    count = os.environ.get("HOC_MIGRATE_EXAMPLES")
    if count:
        return settings(profile, max_examples=int(count))
    return profile if long_run() else settings(profile, max_examples=ci_examples)
