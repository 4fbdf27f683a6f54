"""What a test needs from the machine (a program, a package, a service): without it the test is skipped
with the reason locally, and fails in CI.

CI (the CI environment variable set, e.g. CI=true or CI=1) installs and starts everything the suite
uses, so a missing tool there is a broken setup that a skip would hide. CI="", "0", "false" or "no"
count as not CI.
"""

import os

import pytest

_NOT_CI = ("", "0", "false", "no")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in _NOT_CI


def require(condition: object, reason: str) -> None:
    """Go on when `condition` is truthy; otherwise skip with `reason`, or fail with it under CI."""
    if condition:
        return
    if in_ci():
        pytest.fail(f"{reason} (CI is set: a missing requirement fails the test instead of skipping it)", pytrace=False)
    pytest.skip(reason)
