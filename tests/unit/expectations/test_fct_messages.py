from __future__ import annotations

from datetime import datetime, timedelta

import duckdb
import pytest
import yaml

from expectations import fct_messages
from expectations.guards import build_suite, frame_sql
from expectations.runner import SuiteOutcome, run_suite
from orchestration import paths
from tests.unit.expectations.support import assert_fails_only, assert_passes, create_table

FACTS = "marts.fct_messages"
SUMMARY = "marts.mart_campaign_summary"
AS_OF = datetime(2025, 3, 31)


def _message(
    message_id: str,
    status: str | None,
    *,
    campaign_id: str = "c1",
    age_days: float = 1,
    excluded: bool = False,
) -> dict[str, object]:
    return {
        "message_id": message_id,
        "campaign_id": campaign_id,
        "attempted_at": AS_OF - timedelta(days=age_days),
        "is_accepted": status is not None,
        "delivery_status": status,
        "is_excluded": excluded,
    }


@pytest.fixture
def warehouse(connection: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    facts = [
        _message("m1", "delivered", age_days=40),
        _message("m2", "undelivered", age_days=35),
        _message("m3", "delivery_pending", age_days=29.9),
        _message("m4", None),
        # Excluded messages stay in the facts and out of the summary.
        _message("m5", "delivered", excluded=True),
        _message("m6", None, excluded=True),
        _message("m7", "delivered", campaign_id="c2"),
    ]
    summary = [
        {"campaign_id": "c1", "messages_attempted": 4, "messages_sent": 3},
        {"campaign_id": "c2", "messages_attempted": 1, "messages_sent": 1},
        {"campaign_id": "c3", "messages_attempted": 0, "messages_sent": 0},
    ]
    create_table(connection, FACTS, facts)
    create_table(connection, SUMMARY, summary)
    return connection


def _validate(
    connection: duckdb.DuckDBPyConnection, window_days: int | None = None
) -> SuiteOutcome:
    parameters = fct_messages.frame_parameters(AS_OF, window_days)
    frame = connection.execute(frame_sql(fct_messages.GUARD), parameters).df()
    return run_suite(build_suite(fct_messages.GUARD), frame)


def test_facts_that_agree_with_the_summary_pass(warehouse: duckdb.DuckDBPyConnection) -> None:
    assert_passes(_validate(warehouse))


def test_frame_is_one_row_per_campaign(warehouse: duckdb.DuckDBPyConnection) -> None:
    parameters = fct_messages.frame_parameters(AS_OF)
    frame = warehouse.execute(frame_sql(fct_messages.GUARD), parameters).df()
    assert sorted(frame["campaign_id"]) == ["c1", "c2", "c3"]


@pytest.mark.parametrize("age_days", [30, 45])
def test_message_pending_past_the_window_blocks(
    warehouse: duckdb.DuckDBPyConnection, age_days: int
) -> None:
    attempted_at = AS_OF - timedelta(days=age_days)
    warehouse.execute(
        f"update {FACTS} set attempted_at = ? where message_id = 'm3'", [attempted_at]
    )
    outcome = _validate(warehouse)
    assert_fails_only(outcome, "no_pending_past_delivery_window")
    assert outcome.blocks


def test_window_length_comes_from_the_parameter(warehouse: duckdb.DuckDBPyConnection) -> None:
    assert_fails_only(_validate(warehouse, window_days=7), "no_pending_past_delivery_window")


def test_summary_sent_disagreeing_with_facts_blocks(warehouse: duckdb.DuckDBPyConnection) -> None:
    warehouse.execute(f"update {SUMMARY} set messages_sent = 4 where campaign_id = 'c1'")
    outcome = _validate(warehouse)
    assert_fails_only(outcome, "summary_messages_sent_match_facts")
    assert outcome.blocks


def test_summary_attempted_disagreeing_with_facts_blocks(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    warehouse.execute(f"update {SUMMARY} set messages_attempted = 5 where campaign_id = 'c1'")
    assert_fails_only(_validate(warehouse), "summary_messages_attempted_match_facts")


def test_facts_of_a_campaign_missing_from_the_summary_block(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    warehouse.execute(f"delete from {SUMMARY} where campaign_id = 'c2'")
    assert_fails_only(
        _validate(warehouse),
        "summary_messages_sent_match_facts",
        "summary_messages_attempted_match_facts",
    )


def test_the_window_is_dbt_s_delivery_window_var() -> None:
    project = yaml.safe_load((paths.DBT_PROJECT_DIR / "dbt_project.yml").read_text())
    window = project["vars"]["delivery_window_days"]
    assert fct_messages.frame_parameters(AS_OF) == {"as_of": AS_OF, "window_days": window}
