from __future__ import annotations

import duckdb
import pytest

from expectations import step_funnel
from expectations.runner import SuiteOutcome, run_suite
from tests.expectations.support import assert_fails_only, assert_passes, create_table

TABLE = "marts.mart_campaign_step_funnel"


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
    return connection


def _validate(connection: duckdb.DuckDBPyConnection) -> SuiteOutcome:
    frame = connection.execute(step_funnel.FRAME_SQL).df()
    return run_suite(step_funnel.build_suite(), frame)


def test_clean_funnel_passes(funnel: duckdb.DuckDBPyConnection) -> None:
    assert_passes(_validate(funnel))


BREAKS = [
    (f"insert into {TABLE} select * from {TABLE} where step_id = 's2'", "campaign_step_unique"),
    (f"update {TABLE} set conversions = -1 where step_id = 's3'", "no_count_negative"),
    (f"update {TABLE} set dropoff_rate = 1.2 where step_id = 's2'", "dropoff_rate_at_most_1"),
]


@pytest.mark.parametrize(("statement", "expected"), BREAKS, ids=[b[1] for b in BREAKS])
def test_broken_funnel_fails_on_the_intended_expectation(
    funnel: duckdb.DuckDBPyConnection, statement: str, expected: str
) -> None:
    funnel.execute(statement)
    outcome = _validate(funnel)
    assert_fails_only(outcome, expected)
    assert outcome.blocks


def test_same_step_id_in_two_campaigns_is_not_a_duplicate(
    funnel: duckdb.DuckDBPyConnection,
) -> None:
    funnel.execute(f"insert into {TABLE} select * replace ('c2' as campaign_id) from {TABLE}")
    assert_passes(_validate(funnel))
