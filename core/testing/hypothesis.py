"""Hypothesis profiles for the suite: `ci` (the default) and `nightly` (`HYPOTHESIS_PROFILE=nightly`).

- `ci`: derandomized: every run of a test draws the same examples, so a red build is red again on a
  developer's machine, and a green one does not turn red by luck. No example database.
- `nightly`: random examples, ten times as many per test: the search for inputs nobody thought of.

A test that needs fewer or more examples than the profile's default says so with `examples(n)`, its
count in the `ci` profile, scaled for `nightly`; never with a bare `max_examples`, which would keep the
nightly run as short as CI. The root `conftest.py` loads the profile before any test module is imported,
so every `@settings(...)` inherits it.
"""
from __future__ import annotations

import os

from hypothesis import settings

PROFILE_VARIABLE = "HYPOTHESIS_PROFILE"
NIGHTLY_SCALE = 10

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("nightly", max_examples=100 * NIGHTLY_SCALE, derandomize=False, print_blob=True)


def profile_name() -> str:
    return os.environ.get(PROFILE_VARIABLE, "ci")


def load_profile() -> None:
    settings.load_profile(profile_name())


def examples(ci: int) -> int:
    """How many examples a test runs: `ci` in the ci profile, `NIGHTLY_SCALE` times as many at night."""
    return ci * NIGHTLY_SCALE if profile_name() == "nightly" else ci
