from __future__ import annotations

from datetime import date

import duckdb
import pytest

from expectations import mart_campaign_daily, mart_campaign_monthly, mart_campaign_weekly
from expectations.dbt_vars import campaign_period_metrics, dbt_var
from expectations.guards import Guard, build_suite, frame_sql
from expectations.mart_campaign_daily import SHARED_COUNTS
from expectations.runner import SuiteOutcome, run_suite
from tests.period_metrics import PERIOD_COUNTS
from tests.unit.expectations.support import (
    assert_fails_only,
    assert_passes,
    create_table,
    documented_columns,
)

DAILY = "marts.mart_campaign_daily"
SUMMARY = "marts.mart_campaign_summary"
GUARDS: dict[str, Guard] = {
    m.GUARD.asset: m.GUARD
    for m in (mart_campaign_daily, mart_campaign_weekly, mart_campaign_monthly)
}
PERIOD_COLUMNS = {
    "mart_campaign_daily": "activity_date",
    "mart_campaign_weekly": "week_start_date",
    "mart_campaign_monthly": "month_start_date",
}
MARTS = list(GUARDS)
# Each campaign's first day, and c1's late delivery alone in a later ISO week and month, so
# every period mart has a row holding nothing but that delivery.
FIRST_DAY = date(2025, 3, 28)
LATE_DAY = date(2025, 4, 7)
FIRST_PERIOD = {
    "mart_campaign_daily": FIRST_DAY,
    "mart_campaign_weekly": date(2025, 3, 24),
    "mart_campaign_monthly": date(2025, 3, 1),
}
LATE_PERIOD = {
    "mart_campaign_daily": LATE_DAY,
    "mart_campaign_weekly": LATE_DAY,
    "mart_campaign_monthly": date(2025, 4, 1),
}


def _day(campaign_id: str, day: date, **counts: int) -> dict[str, object]:
    return {
        "workspace_id": "w1",
        "campaign_id": campaign_id,
        "activity_date": day,
        "reporting_timezone": "Europe/Berlin",
        **{c: counts.get(c, 0) for c in SHARED_COUNTS},
    }


DAYS = [
    _day(
        "c1",
        FIRST_DAY,
        messages_attempted=5,
        messages_sent=4,
        messages_dropped=1,
        messages_delivered=2,
        opens=2,
        clicks=3,
        responses=1,
        segments_sent=6,
    ),
    _day(
        "c1",
        date(2025, 3, 29),
        messages_attempted=2,
        messages_sent=2,
        messages_delivered=1,
        messages_undelivered=1,
        messages_delivery_pending=1,
        opens=1,
        conversions=1,
        segments_sent=2,
    ),
    _day("c1", LATE_DAY, messages_delivered=1),
    _day(
        "c2",
        date(2025, 3, 29),
        messages_attempted=1,
        messages_sent=1,
        messages_delivered=1,
        opens=1,
        clicks=2,
    ),
]

_SUMS = ", ".join(f"cast(sum({c}) as bigint) as {c}" for c in SHARED_COUNTS)
_ZEROS = ", ".join(f"0 as {c}" for c in SHARED_COUNTS)


@pytest.fixture
def warehouse(connection: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    create_table(connection, DAILY, DAYS)
    for mart, unit in (("mart_campaign_weekly", "week"), ("mart_campaign_monthly", "month")):
        connection.execute(
            f"""
            create table marts.{mart} as
            select
                workspace_id,
                campaign_id,
                cast(date_trunc('{unit}', activity_date) as date) as {PERIOD_COLUMNS[mart]},
                reporting_timezone,
                {_SUMS}
            from {DAILY}
            group by all
            """
        )
    # The summary, with c3 never sent: no period rows, every count 0.
    connection.execute(
        f"""
        create table {SUMMARY} as
        select campaign_id, {_SUMS} from {DAILY} group by campaign_id
        union all
        select 'c3', {_ZEROS}
        """
    )
    return connection


def _validate(connection: duckdb.DuckDBPyConnection, mart: str) -> SuiteOutcome:
    frame = connection.execute(frame_sql(GUARDS[mart])).df()
    return run_suite(build_suite(GUARDS[mart]), frame)


@pytest.mark.parametrize("mart", MARTS)
def test_periods_that_add_up_to_the_summary_pass(
    warehouse: duckdb.DuckDBPyConnection, mart: str
) -> None:
    assert_passes(_validate(warehouse, mart))


@pytest.mark.parametrize("mart", MARTS)
def test_frame_is_one_row_per_campaign_of_either_side(
    warehouse: duckdb.DuckDBPyConnection, mart: str
) -> None:
    warehouse.execute(
        f"insert into marts.{mart} by name select 'c9' as campaign_id, 1 as messages_attempted"
    )
    frame = warehouse.execute(frame_sql(GUARDS[mart])).df()
    assert sorted(frame["campaign_id"]) == ["c1", "c2", "c3", "c9"]


@pytest.mark.parametrize("mart", MARTS)
def test_the_suite_checks_every_count_the_mart_shares_with_the_summary(mart: str) -> None:
    documented = set(documented_columns(mart)) & set(documented_columns("mart_campaign_summary"))
    # Keys and labels are shared too, but are no counts.
    labels = {"workspace_id", "workspace_name", "campaign_id", "campaign_name", "channel"}
    assert set(SHARED_COUNTS) == documented - labels


def test_the_period_counts_are_the_dbt_var_the_marts_are_built_from() -> None:
    # The checks read the dbt var that the period marts' macro returns, in column order.
    assert campaign_period_metrics() == SHARED_COUNTS == PERIOD_COUNTS
    assert dbt_var("campaign_period_metrics") == list(PERIOD_COUNTS)


def test_every_expectation_is_blocking() -> None:
    for mart in MARTS:
        suite = build_suite(GUARDS[mart])
        assert {e.meta["severity"] for e in suite.expectations} == {"error"}


# Statements on the period mart under test: {t} is the table, {p} its period column,
# {first} and {late} c1's first period and the period holding only its late delivery.
BREAKS = [
    (
        "late_period_dropped",
        "delete from {t} where campaign_id = 'c1' and {p} = {late}",
        ["messages_delivered"],
    ),
    (
        "campaign_not_in_summary",
        "insert into {t} by name select 'c9' as campaign_id, {late} as {p}, "
        "1 as messages_attempted, 1 as messages_dropped",
        ["messages_attempted", "messages_dropped"],
    ),
    *(
        (f"{c}_off_by_one", f"update {{t}} set {c} = {c} + 1 where campaign_id = 'c2'", [c])
        for c in SHARED_COUNTS
    ),
]

# Every break on the daily mart; the weekly and monthly suites are the same but for the
# period column, so a few breaks each cover them.
CASES = [
    pytest.param(mart, statement, counts, id=f"{mart}-{name}")
    for mart in MARTS
    for name, statement, counts in BREAKS
    if mart == "mart_campaign_daily"
    or name in ("late_period_dropped", "campaign_not_in_summary", "segments_sent_off_by_one")
]


def _sql(statement: str, mart: str) -> str:
    return statement.format(
        t=f"marts.{mart}",
        p=PERIOD_COLUMNS[mart],
        first=f"date '{FIRST_PERIOD[mart]}'",
        late=f"date '{LATE_PERIOD[mart]}'",
    )


@pytest.mark.parametrize(("mart", "statement", "counts"), CASES)
def test_period_mart_that_does_not_add_up_fails_on_that_count(
    warehouse: duckdb.DuckDBPyConnection, mart: str, statement: str, counts: list[str]
) -> None:
    warehouse.execute(_sql(statement, mart))
    outcome = _validate(warehouse, mart)
    assert_fails_only(outcome, *(f"{c}_add_up_to_summary" for c in counts))
    assert outcome.blocks


@pytest.mark.parametrize("mart", MARTS)
def test_copied_period_row_fails_on_the_totals(
    warehouse: duckdb.DuckDBPyConnection, mart: str
) -> None:
    # The duplicate key itself is dbt's unique test's to report.
    warehouse.execute(
        _sql("insert into {t} select * from {t} where campaign_id = 'c1' and {p} = {late}", mart)
    )
    outcome = _validate(warehouse, mart)
    assert_fails_only(outcome, "messages_delivered_add_up_to_summary")


@pytest.mark.parametrize("mart", MARTS)
def test_negative_count_fails_even_when_the_total_agrees(
    warehouse: duckdb.DuckDBPyConnection, mart: str
) -> None:
    # One period's opens set to -1 and made up in another: the sum is unchanged.
    warehouse.execute(
        _sql("update {t} set opens = -1 where campaign_id = 'c1' and {p} = {late}", mart)
    )
    warehouse.execute(
        _sql("update {t} set opens = opens + 1 where campaign_id = 'c1' and {p} = {first}", mart)
    )
    outcome = _validate(warehouse, mart)
    assert_fails_only(outcome, "no_count_negative")
    assert outcome.blocks
