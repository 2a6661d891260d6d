from __future__ import annotations

import duckdb
import pytest

from expectations import mart_campaign_step_funnel
from expectations.guards import build_suite, frame_sql
from expectations.runner import SuiteOutcome, run_suite
from tests.unit.expectations.support import assert_fails_only, assert_passes, create_table

TABLE = "marts.mart_campaign_step_funnel"
SUMMARY = "marts.mart_campaign_summary"


def _step(step_id: str, order: int, parent: str | None, reached: int, dropoff: float | None):
    return {
        "campaign_id": "c1",
        "step_id": step_id,
        "step_type": "message",
        "step_order": order,
        "parent_step_id": parent,
        "branch_label": None,
        "contacts_reached": reached,
        "messages_sent": reached,
        "contacts_seen": reached // 2,
        "contacts_clicked": reached // 4,
        "conversions": 1,
        "dropoff_rate": dropoff,
    }


@pytest.fixture
def funnel(connection: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    rows = [
        _step("s1", 1, None, 100, None),
        _step("s2", 2, "s1", 60, 0.4),
        # A step re-entered by a loop can reach more contacts than its parent.
        _step("s3", 3, "s2", 66, -0.1),
    ]
    create_table(connection, TABLE, rows)
    # c1's summary holds a send and a conversion of a message without a step; c2 sent nothing.
    summary = [
        {"campaign_id": "c1", "messages_sent": 227, "conversions": 4},
        {"campaign_id": "c2", "messages_sent": 0, "conversions": 0},
    ]
    create_table(connection, SUMMARY, summary)
    return connection


def _validate(connection: duckdb.DuckDBPyConnection) -> SuiteOutcome:
    frame = connection.execute(frame_sql(mart_campaign_step_funnel.GUARD)).df()
    return run_suite(build_suite(mart_campaign_step_funnel.GUARD), frame)


def test_clean_funnel_passes(funnel: duckdb.DuckDBPyConnection) -> None:
    assert_passes(_validate(funnel))


BREAKS = [
    (f"update {TABLE} set conversions = -1 where step_id = 's3'", ["no_count_negative"]),
    (f"update {TABLE} set dropoff_rate = 1.2 where step_id = 's2'", ["dropoff_rate_at_most_1"]),
    # A send counted under two steps.
    (
        f"update {TABLE} set messages_sent = messages_sent + 2 where step_id = 's2'",
        ["messages_sent_within_summary"],
    ),
    (
        f"update {TABLE} set conversions = 3 where step_id = 's1'",
        ["conversions_within_summary"],
    ),
    # A campaign the summary does not know: every count it holds is more than the summary's.
    (
        f"insert into {TABLE} select * replace ('c9' as campaign_id) from {TABLE} "
        "where step_id = 's1'",
        ["messages_sent_within_summary", "conversions_within_summary"],
    ),
]


@pytest.mark.parametrize(
    ("statement", "expected"), BREAKS, ids=["_".join(b[1]) + str(i) for i, b in enumerate(BREAKS)]
)
def test_broken_funnel_fails_on_the_intended_expectation(
    funnel: duckdb.DuckDBPyConnection, statement: str, expected: list[str]
) -> None:
    funnel.execute(statement)
    outcome = _validate(funnel)
    assert_fails_only(outcome, *expected)
    assert outcome.blocks


def test_a_funnel_holding_less_than_the_summary_passes(
    funnel: duckdb.DuckDBPyConnection,
) -> None:
    # Messages without a step count in the summary only.
    funnel.execute(f"update {SUMMARY} set messages_sent = 1000, conversions = 50")
    assert_passes(_validate(funnel))
