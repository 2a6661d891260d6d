from __future__ import annotations

from datetime import date

import duckdb
import pytest

from expectations import mart_channel_daily
from expectations.guards import build_suite, frame_sql
from expectations.mart_channel_daily import COUNT_COLUMNS
from expectations.runner import SuiteOutcome, run_suite
from tests.unit.expectations.support import assert_fails_only, assert_passes, create_table

CAMPAIGN_DAILY = "marts.mart_campaign_daily"
CHANNEL_DAILY = "marts.mart_channel_daily"
DAY_1 = date(2025, 3, 28)
DAY_2 = date(2025, 3, 29)


def _day(
    workspace_id: str, campaign_id: str, channel: str, day: date, **counts: int
) -> dict[str, object]:
    # `channel` is the fixture's, to derive mart_channel_daily; the campaign mart has none.
    return {
        "workspace_id": workspace_id,
        "campaign_id": campaign_id,
        "channel": channel,
        "activity_date": day,
        **{c: counts.get(c, 0) for c in COUNT_COLUMNS},
    }


CAMPAIGN_DAYS = [
    _day("w1", "c1", "sms", DAY_1, messages_attempted=3, messages_sent=3, segments_sent=4),
    _day("w1", "c2", "whatsapp", DAY_1, messages_attempted=2, messages_sent=1, messages_dropped=1),
    # Two campaigns on one channel and day: one channel row.
    _day("w1", "c3", "sms", DAY_1, messages_attempted=1, messages_sent=1, clicks=2),
    _day("w1", "c1", "sms", DAY_2, messages_delivered=3, opens=1, conversions=1, responses=1),
    _day("w2", "c4", "email", DAY_1, messages_attempted=1, messages_sent=1),
    # w2's second day holds only a late open.
    _day("w2", "c4", "email", DAY_2, opens=1),
]

_SUMS = ", ".join(f"cast(sum({c}) as bigint) as {c}" for c in COUNT_COLUMNS)


@pytest.fixture
def warehouse(connection: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    create_table(connection, CAMPAIGN_DAILY, CAMPAIGN_DAYS)
    connection.execute(
        f"""
        create table {CHANNEL_DAILY} as
        select workspace_id, channel, activity_date, {_SUMS}
        from {CAMPAIGN_DAILY}
        group by all
        """
    )
    return connection


def _validate(connection: duckdb.DuckDBPyConnection) -> SuiteOutcome:
    frame = connection.execute(frame_sql(mart_channel_daily.GUARD)).df()
    return run_suite(build_suite(mart_channel_daily.GUARD), frame)


def test_channel_days_that_add_up_to_the_campaign_days_pass(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    assert_passes(_validate(warehouse))


def test_frame_is_one_row_per_workspace_day(warehouse: duckdb.DuckDBPyConnection) -> None:
    frame = warehouse.execute(frame_sql(mart_channel_daily.GUARD)).df()
    assert len(frame) == 4


def test_every_expectation_is_blocking() -> None:
    suite = build_suite(mart_channel_daily.GUARD)
    assert {e.meta["severity"] for e in suite.expectations} == {"error"}


BREAKS = [
    (
        "channel_day_dropped",
        f"delete from {CHANNEL_DAILY} where workspace_id = 'w2' and activity_date = '{DAY_2}'",
        ["opens"],
    ),
    (
        "campaign_day_dropped",
        f"delete from {CAMPAIGN_DAILY} where workspace_id = 'w2' and activity_date = '{DAY_2}'",
        ["opens"],
    ),
    *(
        (
            f"{c}_off_by_one",
            f"update {CHANNEL_DAILY} set {c} = {c} + 1 where channel = 'whatsapp'",
            [c],
        )
        for c in COUNT_COLUMNS
    ),
]


@pytest.mark.parametrize(
    ("statement", "counts"), [b[1:] for b in BREAKS], ids=[b[0] for b in BREAKS]
)
def test_channel_daily_that_does_not_add_up_fails_on_that_count(
    warehouse: duckdb.DuckDBPyConnection, statement: str, counts: list[str]
) -> None:
    warehouse.execute(statement)
    outcome = _validate(warehouse)
    assert_fails_only(outcome, *(f"{c}_add_up_to_campaign_daily" for c in counts))
    assert outcome.blocks


def test_negative_count_fails_even_when_the_total_agrees(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    # Two channels of one workspace day: -1 on one, +1 on the other.
    warehouse.execute(
        f"update {CHANNEL_DAILY} set messages_dropped = case channel when 'sms' then -1 else 2 end"
        f" where workspace_id = 'w1' and activity_date = '{DAY_1}'"
    )
    outcome = _validate(warehouse)
    assert_fails_only(outcome, "no_count_negative")
    assert outcome.blocks
