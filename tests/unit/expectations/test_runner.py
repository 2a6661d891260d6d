from __future__ import annotations

import re

import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd
import pytest

from expectations import quarantine, volume
from expectations.guards import build_suite
from expectations.registry import GUARDS
from expectations.runner import make_suite, rule, run_suite

SUITES = [
    *(build_suite(guard) for guard in GUARDS),
    quarantine.build_suite(),
    volume.build_suite(),
]


def _between(column: str, name: str, severity: str = "error") -> gxe.Expectation:
    return rule(
        gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0),
        name=name,
        severity=severity,  # type: ignore[arg-type]
        description=f"{column} >= 0",
    )


@pytest.mark.parametrize("suite", SUITES, ids=lambda s: s.name)
def test_every_expectation_has_a_unique_snake_case_name_and_a_description(
    suite: gx.ExpectationSuite,
) -> None:
    names = [e.meta["name"] for e in suite.expectations]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", name) for name in names)
    assert all(e.description for e in suite.expectations)
    assert {e.meta["severity"] for e in suite.expectations} <= {"error", "warn"}


def test_outcomes_follow_the_suite_order_and_carry_counts() -> None:
    names = ["z_last_alphabetically", "a_first_alphabetically", "m_middle"]
    suite = make_suite("order", [_between(c, n) for c, n in zip("xyz", names, strict=True)])
    outcome = run_suite(suite, pd.DataFrame({"x": [1, -1, -2], "y": [0, 1, 2], "z": [3, 3, -3]}))
    assert [e.name for e in outcome.expectations] == names
    assert [e.unexpected_count for e in outcome.expectations] == [2, 0, 1]
    assert outcome["z_last_alphabetically"].unexpected_sample == (-1, -2)


def test_a_failed_warning_does_not_block() -> None:
    suite = make_suite("warn", [_between("x", "x_not_negative", "warn")])
    outcome = run_suite(suite, pd.DataFrame({"x": [-1]}))
    assert not outcome.success
    assert not outcome.blocks


def test_an_expectation_that_cannot_run_fails_with_its_error() -> None:
    suite = make_suite("missing", [_between("absent", "absent_not_negative")])
    outcome = run_suite(suite, pd.DataFrame({"x": [1]}))
    assert outcome["absent_not_negative"].error
    assert outcome.blocks


def test_repeated_names_are_rejected() -> None:
    suite = make_suite("twice", [_between("x", "same"), _between("x", "same")])
    with pytest.raises(ValueError, match="repeats"):
        run_suite(suite, pd.DataFrame({"x": [1]}))


def test_an_unknown_severity_is_rejected() -> None:
    with pytest.raises(ValueError, match="severity"):
        _between("x", "x_not_negative", "fatal")
