from __future__ import annotations

import duckdb
import pytest

from expectations import mart_link_clicks
from expectations.guards import build_suite, frame_sql
from expectations.runner import SuiteOutcome, run_suite
from tests.unit.expectations.support import assert_fails_only, assert_passes, create_table

LINKS = "marts.mart_link_clicks"
SUMMARY = "marts.mart_campaign_summary"


def _row(
    campaign_id: str,
    step_id: str | None,
    link_id: str | None,
    card: int | None,
    clicks: int,
    clickers: int,
) -> dict[str, object]:
    return {
        "campaign_id": campaign_id,
        "step_id": step_id,
        "link_id": link_id,
        "card_index": card,
        "clicks": clicks,
        "unique_clickers": clickers,
    }


@pytest.fixture
def warehouse(connection: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    rows = [
        _row("c1", "s1", "l1", None, 5, 3),
        _row("c1", "s1", "l2", 0, 2, 2),
        # A click naming no step, link or card still counts.
        _row("c1", None, None, None, 1, 1),
        _row("c2", "s1", "l1", None, 4, 1),
    ]
    summary = [
        {"campaign_id": "c1", "clicks": 8},
        {"campaign_id": "c2", "clicks": 4},
        {"campaign_id": "c3", "clicks": 0},
    ]
    create_table(connection, LINKS, rows)
    create_table(connection, SUMMARY, summary)
    return connection


def _validate(connection: duckdb.DuckDBPyConnection) -> SuiteOutcome:
    frame = connection.execute(frame_sql(mart_link_clicks.GUARD)).df()
    return run_suite(build_suite(mart_link_clicks.GUARD), frame)


def test_link_clicks_that_add_up_to_the_summary_pass(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    assert_passes(_validate(warehouse))


def test_every_expectation_is_blocking() -> None:
    suite = build_suite(mart_link_clicks.GUARD)
    assert {e.meta["severity"] for e in suite.expectations} == {"error"}


BREAKS = [
    (
        "clicks_off_by_one",
        f"update {LINKS} set clicks = 6 where link_id = 'l1' and campaign_id = 'c1'",
        ["clicks_add_up_to_summary"],
    ),
    (
        "click_naming_no_link_left_out",
        f"delete from {LINKS} where link_id is null",
        ["clicks_add_up_to_summary"],
    ),
    (
        "campaign_not_in_summary",
        f"insert into {LINKS} values ('c9', 's1', 'l1', null, 1, 1)",
        ["clicks_add_up_to_summary"],
    ),
    (
        "negative_count",
        f"update {LINKS} set unique_clickers = -1 where campaign_id = 'c2'",
        ["no_count_negative"],
    ),
    (
        "more_clickers_than_clicks",
        f"update {LINKS} set unique_clickers = 5 where campaign_id = 'c2'",
        ["unique_clickers_within_clicks"],
    ),
]


@pytest.mark.parametrize(
    ("statement", "expected"), [b[1:] for b in BREAKS], ids=[b[0] for b in BREAKS]
)
def test_broken_link_clicks_fail_on_the_intended_expectation(
    warehouse: duckdb.DuckDBPyConnection, statement: str, expected: list[str]
) -> None:
    warehouse.execute(statement)
    outcome = _validate(warehouse)
    assert_fails_only(outcome, *expected)
    assert outcome.blocks
