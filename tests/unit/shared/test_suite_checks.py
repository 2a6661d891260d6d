"""A failed check says which rows failed and by how much, in one line."""

from __future__ import annotations

import dagster as dg
import great_expectations.expectations as gxe
import pandas as pd

from expectations.runner import make_suite, rule, run_suite
from orchestration.shared.suite_checks import (
    DETAIL_KEY,
    EXPECTED_KEY,
    suite_check_results,
    suite_check_specs,
)

KEY = dg.AssetKey(["raw", "sends"])
SUITE = make_suite(
    "share",
    [
        rule(
            gxe.ExpectColumnValuesToBeBetween(column="share", max_value=0.01),
            name="share_within_limit",
            severity="error",
            description="share <= 0.01",
        ),
        rule(
            gxe.ExpectColumnValuesToBeBetween(column="rows", min_value=0),
            name="rows_not_negative",
            severity="warn",
            description="rows >= 0",
        ),
    ],
)


def test_a_failed_check_names_its_rows_and_values() -> None:
    frame = pd.DataFrame(
        {
            "arrival_date": pd.to_datetime(["2025-03-01", "2025-03-02", "2025-03-03"]),
            "share": [0.0, 0.4712, 0.02],
            "rows": [10, 20, 30],
        }
    )
    results = suite_check_results(
        KEY, run_suite(SUITE, frame), frame=frame, label_columns=["arrival_date"]
    )
    by_name = {r.check_name: r for r in results}

    failed = by_name["share_within_limit"]
    assert not failed.passed and failed.severity == dg.AssetCheckSeverity.ERROR
    assert failed.metadata[DETAIL_KEY].value == "2025-03-02: share=0.4712; 2025-03-03: share=0.02"
    assert failed.metadata[EXPECTED_KEY].value == "<= 0.01"
    assert by_name["rows_not_negative"].passed
    assert DETAIL_KEY not in by_name["rows_not_negative"].metadata


def test_specs_block_on_errors_only() -> None:
    specs = {s.name: s for s in suite_check_specs(KEY, SUITE)}
    assert specs["share_within_limit"].blocking
    assert not specs["rows_not_negative"].blocking


def test_without_the_frame_a_failed_check_counts_its_rows() -> None:
    frame = pd.DataFrame({"share": [0.5, 0.6, 0.0, 0.0], "rows": [1, 2, 3, 4]})
    (failed,) = [r for r in suite_check_results(KEY, run_suite(SUITE, frame)) if not r.passed]
    assert failed.metadata[DETAIL_KEY].value == "2 unexpected"
    assert failed.metadata[EXPECTED_KEY].value == "<= 0.01"


def test_the_summary_says_what_a_failed_check_allows() -> None:
    from orchestration.cli.launch import CheckOutcome

    outcome = CheckOutcome("raw/sends:share_within_limit", "2025-03-02: share=0.47", "<= 0.01")
    assert outcome.describe() == (
        "raw/sends:share_within_limit (2025-03-02: share=0.47), expected <= 0.01"
    )
    assert CheckOutcome("marts/x:y").describe() == "marts/x:y"
