from __future__ import annotations

import duckdb
import pytest

from expectations import mart_failure_reasons
from expectations.guards import build_suite, frame_sql
from expectations.runner import SuiteOutcome, run_suite
from tests.unit.expectations.support import assert_fails_only, assert_passes, create_table

REASONS = "marts.mart_failure_reasons"
SUMMARY = "marts.mart_campaign_summary"


def _reason(
    campaign_id: str, stage: str, reason: str, messages: int, share: float | None
) -> dict[str, object]:
    return {
        "campaign_id": campaign_id,
        "stage": stage,
        "reason": reason,
        "messages": messages,
        "share_of_stage": share,
    }


@pytest.fixture
def warehouse(connection: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    reasons = [
        _reason("c1", "dropped", "rate_limited", 2, 2 / 3),
        _reason("c1", "dropped", "opted_out", 1, 1 / 3),
        _reason("c1", "undelivered", "provider_error", 1, 0.5),
        _reason("c1", "undelivered", "delivery_report_missing", 1, 0.5),
        _reason("c2", "undelivered", "unknown", 3, 1.0),
    ]
    summary = [
        {"campaign_id": "c1", "messages_dropped": 3, "messages_undelivered": 2},
        {"campaign_id": "c2", "messages_dropped": 0, "messages_undelivered": 3},
        # Never failed: no reason rows.
        {"campaign_id": "c3", "messages_dropped": 0, "messages_undelivered": 0},
    ]
    create_table(connection, REASONS, reasons)
    create_table(connection, SUMMARY, summary)
    return connection


def _validate(connection: duckdb.DuckDBPyConnection) -> SuiteOutcome:
    frame = connection.execute(frame_sql(mart_failure_reasons.GUARD)).df()
    return run_suite(build_suite(mart_failure_reasons.GUARD), frame)


def test_reasons_that_add_up_to_the_summary_pass(warehouse: duckdb.DuckDBPyConnection) -> None:
    assert_passes(_validate(warehouse))


def test_frame_is_one_row_per_campaign_of_either_side(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    warehouse.execute(f"insert into {REASONS} values ('c9', 'dropped', 'opted_out', 1, 1.0)")
    frame = warehouse.execute(frame_sql(mart_failure_reasons.GUARD)).df()
    assert sorted(frame["campaign_id"]) == ["c1", "c2", "c3", "c9"]


def test_every_expectation_is_blocking() -> None:
    suite = build_suite(mart_failure_reasons.GUARD)
    assert {e.meta["severity"] for e in suite.expectations} == {"error"}


BREAKS = [
    (
        "dropped_reason_miscounted",
        f"update {REASONS} set messages = 3 where reason = 'rate_limited'",
        ["dropped_reasons_add_up_to_summary"],
    ),
    (
        "undelivered_reason_miscounted",
        f"update {REASONS} set messages = 2 where campaign_id = 'c2'",
        ["undelivered_reasons_add_up_to_summary"],
    ),
    (
        "undelivered_reason_missing",
        f"delete from {REASONS} where reason = 'delivery_report_missing'",
        # The remaining reason still shows its old share 0.5.
        ["undelivered_reasons_add_up_to_summary", "shares_of_stage_sum_to_1"],
    ),
    (
        "campaign_not_in_summary",
        f"insert into {REASONS} values ('c9', 'dropped', 'opted_out', 1, 1.0)",
        ["dropped_reasons_add_up_to_summary"],
    ),
    (
        "summary_failures_without_reasons",
        f"update {SUMMARY} set messages_dropped = 1 where campaign_id = 'c3'",
        ["dropped_reasons_add_up_to_summary"],
    ),
    (
        # -1 and +2 on the same stage: the stage total is unchanged
        "negative_messages",
        f"update {REASONS} set messages = case reason when 'opted_out' then -1 else 4 end "
        "where campaign_id = 'c1' and stage = 'dropped'",
        ["no_count_negative"],
    ),
    (
        "share_outside_0_1",
        f"update {REASONS} set share_of_stage = case reason when 'opted_out' then -0.25 "
        "else 1.25 end where campaign_id = 'c1' and stage = 'dropped'",
        ["share_of_stage_within_0_1"],
    ),
    (
        "shares_not_summing_to_1",
        f"update {REASONS} set share_of_stage = 0.4 where reason = 'provider_error'",
        ["shares_of_stage_sum_to_1"],
    ),
    (
        "shares_all_null",
        f"update {REASONS} set share_of_stage = null where campaign_id = 'c2'",
        ["shares_of_stage_sum_to_1"],
    ),
]


@pytest.mark.parametrize(
    ("statement", "expected"), [b[1:] for b in BREAKS], ids=[b[0] for b in BREAKS]
)
def test_broken_failure_reasons_fail_on_the_intended_expectation(
    warehouse: duckdb.DuckDBPyConnection, statement: str, expected: list[str]
) -> None:
    warehouse.execute(statement)
    outcome = _validate(warehouse)
    assert_fails_only(outcome, *expected)
    assert outcome.blocks
