from __future__ import annotations

import duckdb
import pytest

from expectations import mart_campaign_revenue
from expectations.guards import build_suite, frame_sql
from expectations.runner import SuiteOutcome, run_suite
from tests.unit.expectations.support import assert_fails_only, assert_passes, create_table

REVENUE = "marts.mart_campaign_revenue"
SUMMARY = "marts.mart_campaign_summary"


def _row(
    campaign_id: str, currency: str | None, conversions: int, with_revenue: int, revenue
) -> dict[str, object]:
    return {
        "campaign_id": campaign_id,
        "currency": currency,
        "conversions": conversions,
        "conversions_with_revenue": with_revenue,
        "revenue": revenue,
    }


@pytest.fixture
def warehouse(connection: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    rows = [
        _row("c1", "USD", 3, 3, 30.5),
        # A conversion with a currency and no revenue stays in its currency's row.
        _row("c1", "EUR", 2, 1, 10.0),
        # Conversions without revenue (nor currency): the NULL-currency row.
        _row("c1", None, 2, 0, None),
        _row("c2", None, 1, 0, None),
    ]
    summary = [
        {"campaign_id": "c1", "conversions": 7},
        {"campaign_id": "c2", "conversions": 1},
        {"campaign_id": "c3", "conversions": 0},
    ]
    create_table(connection, REVENUE, rows)
    create_table(connection, SUMMARY, summary)
    return connection


def _validate(connection: duckdb.DuckDBPyConnection) -> SuiteOutcome:
    frame = connection.execute(frame_sql(mart_campaign_revenue.GUARD)).df()
    return run_suite(build_suite(mart_campaign_revenue.GUARD), frame)


def test_revenue_that_agrees_with_the_summary_passes_with_conversions_without_revenue(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    assert_passes(_validate(warehouse))


def test_frame_is_one_row_per_campaign_of_either_side(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    warehouse.execute(f"insert into {REVENUE} values ('c9', 'USD', 1, 1, 5.0)")
    frame = warehouse.execute(frame_sql(mart_campaign_revenue.GUARD)).df()
    assert sorted(frame["campaign_id"]) == ["c1", "c2", "c3", "c9"]


def test_every_expectation_is_blocking() -> None:
    suite = build_suite(mart_campaign_revenue.GUARD)
    assert {e.meta["severity"] for e in suite.expectations} == {"error"}


BREAKS = [
    (
        "conversions_off_by_one",
        f"update {REVENUE} set conversions = 4 where currency = 'USD'",
        ["conversions_add_up_to_summary"],
    ),
    (
        "conversions_without_revenue_left_out",
        f"delete from {REVENUE} where campaign_id = 'c2'",
        ["conversions_add_up_to_summary"],
    ),
    (
        "campaign_not_in_summary",
        f"insert into {REVENUE} values ('c9', 'USD', 1, 1, 5.0)",
        ["conversions_add_up_to_summary"],
    ),
    (
        "negative_count",
        f"update {REVENUE} set conversions_with_revenue = -1 where currency = 'EUR'",
        ["no_count_negative"],
    ),
    (
        "more_with_revenue_than_conversions",
        f"update {REVENUE} set conversions_with_revenue = 4 where currency = 'USD'",
        ["conversions_with_revenue_within_conversions"],
    ),
    (
        "negative_revenue",
        f"update {REVENUE} set revenue = -10.0 where currency = 'EUR'",
        ["revenue_not_negative"],
    ),
    (
        "revenue_without_currency",
        f"update {REVENUE} set conversions_with_revenue = 1, revenue = 5.0 "
        "where campaign_id = 'c2'",
        ["no_revenue_without_currency"],
    ),
]


@pytest.mark.parametrize(
    ("statement", "expected"), [b[1:] for b in BREAKS], ids=[b[0] for b in BREAKS]
)
def test_broken_revenue_fails_on_the_intended_expectation(
    warehouse: duckdb.DuckDBPyConnection, statement: str, expected: list[str]
) -> None:
    warehouse.execute(statement)
    outcome = _validate(warehouse)
    assert_fails_only(outcome, *expected)
    assert outcome.blocks
