from __future__ import annotations

from datetime import date

import duckdb
import pytest

from expectations import (
    mart_data_quality,
    mart_execution_history,
    mart_response_buttons,
    mart_sender_performance,
    mart_template_benchmarks,
)
from expectations.guards import Guard, build_suite, frame_sql
from expectations.runner import SuiteOutcome, run_suite
from tests.unit.expectations.support import (
    assert_fails_only,
    assert_passes,
    create_table,
)

# The marts with bounds only: no total to agree on with another mart.
GUARDS: dict[str, Guard] = {
    m.GUARD.asset: m.GUARD
    for m in (
        mart_sender_performance,
        mart_response_buttons,
        mart_template_benchmarks,
        mart_execution_history,
        mart_data_quality,
    )
}

ROWS: dict[str, list[dict[str, object]]] = {
    "mart_sender_performance": [
        {
            "sender_id": "s1",
            "workspace_id": "w1",
            "messages_sent": 10,
            "messages_delivered": 8,
            "messages_undelivered": 1,
            "success_rate": 8 / 9,
            "messages_sent_30d": 4,
            "success_rate_30d": 1.0,
        },
        {
            "sender_id": "s2",
            "workspace_id": "w1",
            "messages_sent": 2,
            "messages_delivered": 0,
            "messages_undelivered": 0,
            "success_rate": None,
            "messages_sent_30d": 0,
            "success_rate_30d": None,
        },
        # A sender id used by messages but unknown to dim_senders: no workspace.
        {
            "sender_id": "s9",
            "workspace_id": None,
            "messages_sent": 1,
            "messages_delivered": 0,
            "messages_undelivered": 1,
            "success_rate": 0.0,
            "messages_sent_30d": 1,
            "success_rate_30d": 0.0,
        },
    ],
    "mart_response_buttons": [
        {
            "campaign_id": "c1",
            "step_id": "s1",
            "button_id": "b1",
            "card_index": None,
            "responses": 4,
            "unique_responders": 3,
        },
        {
            "campaign_id": "c1",
            "step_id": "s1",
            "button_id": "b1",
            "card_index": 0,
            "responses": 1,
            "unique_responders": 1,
        },
    ],
    "mart_template_benchmarks": [
        {
            "template_id": "t1",
            "country": "DE",
            "industry": "retail",
            "template_category": "marketing",
            "messages_sent": 10,
            "messages_delivered": 8,
            "messages_read": 4,
            "messages_clicked": 1,
            "read_rate": 0.5,
            "click_rate": 0.125,
            "comparable_templates": 2,
            "read_rate_benchmark": 0.6,
            "click_rate_benchmark": 0.2,
        },
        {
            "template_id": "t1",
            "country": None,
            "industry": "retail",
            "template_category": "marketing",
            "messages_sent": 1,
            "messages_delivered": 0,
            "messages_read": 0,
            "messages_clicked": 0,
            "read_rate": None,
            "click_rate": None,
            "comparable_templates": 0,
            "read_rate_benchmark": None,
            "click_rate_benchmark": None,
        },
    ],
    "mart_execution_history": [
        {"execution_id": "e1", "campaign_id": "c1", "messages_attempted": 2, "steps_reached": 3},
        {"execution_id": "e2", "campaign_id": "c1", "messages_attempted": 0, "steps_reached": 1},
        {"execution_id": "e3", "campaign_id": "c2", "messages_attempted": 1, "steps_reached": 1},
    ],
    "mart_data_quality": [
        {
            "source_name": source,
            "arrival_date": day,
            "rows_landed": 100,
            "rows_quarantined": 1,
            "quarantined_share": 1 / 101,
            "rows_staged": 98,
            "duplicates_removed": 2,
            "orphans": 1,
            "late_reports": 0,
            "excluded_test_rows": 3,
            "excluded_internal_rows": 1,
            "unattributed_conversions": 0,
            "unknown_error_codes": 0,
        }
        for source in ("sends", "delivery_reports")
        for day in (date(2025, 3, 1), date(2025, 3, 2))
    ],
}

# (mart, statement, the one expectation it must fail); {t} is the mart's table.
BREAKS = [
    (
        "mart_sender_performance",
        "update {t} set messages_sent_30d = -1 where sender_id = 's2'",
        "no_count_negative",
    ),
    (
        "mart_sender_performance",
        "update {t} set success_rate = 1.2 where sender_id = 's1'",
        "success_rate_within_0_1",
    ),
    (
        "mart_sender_performance",
        "update {t} set success_rate_30d = -0.1 where sender_id = 's9'",
        "success_rate_30d_within_0_1",
    ),
    (
        "mart_sender_performance",
        "update {t} set messages_delivered = 10 where sender_id = 's1'",
        "decided_within_sent",
    ),
    (
        "mart_sender_performance",
        "update {t} set messages_sent_30d = 3 where sender_id = 's2'",
        "sent_30d_within_lifetime",
    ),
    (
        "mart_response_buttons",
        "update {t} set unique_responders = -1 where card_index = 0",
        "no_count_negative",
    ),
    (
        "mart_response_buttons",
        "update {t} set unique_responders = 5 where card_index is null",
        "unique_responders_within_responses",
    ),
    (
        "mart_template_benchmarks",
        "update {t} set comparable_templates = -1 where country is null",
        "no_count_negative",
    ),
    (
        "mart_template_benchmarks",
        "update {t} set read_rate = 1.5 where country = 'DE'",
        "read_rate_within_0_1",
    ),
    (
        "mart_template_benchmarks",
        "update {t} set click_rate = -0.1 where country = 'DE'",
        "click_rate_within_0_1",
    ),
    (
        "mart_template_benchmarks",
        "update {t} set read_rate_benchmark = 2.0 where country = 'DE'",
        "read_rate_benchmark_within_0_1",
    ),
    (
        "mart_template_benchmarks",
        "update {t} set click_rate_benchmark = 1.1 where country = 'DE'",
        "click_rate_benchmark_within_0_1",
    ),
    (
        "mart_template_benchmarks",
        "update {t} set messages_delivered = 11 where country = 'DE'",
        "delivered_within_sent",
    ),
    (
        "mart_execution_history",
        "update {t} set steps_reached = -1 where execution_id = 'e2'",
        "no_count_negative",
    ),
    (
        "mart_data_quality",
        "update {t} set duplicates_removed = -2, rows_staged = 102 "
        "where source_name = 'sends' and arrival_date = '2025-03-01'",
        "no_count_negative",
    ),
    (
        "mart_data_quality",
        "update {t} set quarantined_share = 1.5 "
        "where source_name = 'delivery_reports' and arrival_date = '2025-03-01'",
        "quarantined_share_within_0_1",
    ),
]


@pytest.fixture
def warehouse(connection: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    for mart, rows in ROWS.items():
        create_table(connection, f"marts.{mart}", rows)
    return connection


def _validate(connection: duckdb.DuckDBPyConnection, mart: str) -> SuiteOutcome:
    frame = connection.execute(frame_sql(GUARDS[mart])).df()
    return run_suite(build_suite(GUARDS[mart]), frame)


def test_every_guarded_mart_has_a_clean_fixture_and_a_break_per_expectation() -> None:
    assert set(ROWS) == set(GUARDS)
    for mart, guard in GUARDS.items():
        names = [e.meta["name"] for e in build_suite(guard).expectations]
        assert sorted(names) == sorted(b[2] for b in BREAKS if b[0] == mart), mart


@pytest.mark.parametrize("mart", list(GUARDS))
def test_clean_mart_passes_with_null_keys_and_null_rates(
    warehouse: duckdb.DuckDBPyConnection, mart: str
) -> None:
    assert_passes(_validate(warehouse, mart))


@pytest.mark.parametrize("mart", list(GUARDS))
def test_every_expectation_is_blocking(mart: str) -> None:
    suite = build_suite(GUARDS[mart])
    assert {e.meta["severity"] for e in suite.expectations} == {"error"}


@pytest.mark.parametrize(
    ("mart", "statement", "expected"), BREAKS, ids=[f"{b[0]}-{b[2]}" for b in BREAKS]
)
def test_broken_mart_fails_on_the_intended_expectation(
    warehouse: duckdb.DuckDBPyConnection, mart: str, statement: str, expected: str
) -> None:
    warehouse.execute(statement.format(t=f"marts.{mart}"))
    outcome = _validate(warehouse, mart)
    assert_fails_only(outcome, expected)
    assert outcome.blocks
