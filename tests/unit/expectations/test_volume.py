"""A day far under its recent volume warns; quiet days never block."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pytest

from expectations import volume
from expectations.runner import SuiteOutcome, run_suite
from tests.unit.expectations.support import assert_fails_only, assert_passes, create_table

FIRST = date(2025, 3, 1)


def _files(counts: dict[int, int], source: str = "sends") -> list[dict[str, object]]:
    return [
        {
            "source": source,
            "arrival_date": FIRST + timedelta(days=day - 1),
            "source_file": f"{source}/{day}.jsonl",
            "file_format": "jsonl",
            "rows_read": rows,
            "rows_loaded": rows,
            "rows_quarantined": 0,
            "is_unreadable": False,
            "file_bytes": rows * 100,
            "rows_estimated": None,
        }
        for day, rows in counts.items()
    ]


def _validate(connection: duckdb.DuckDBPyConnection, first_day: int, last_day: int) -> SuiteOutcome:
    parameters = volume.frame_parameters(
        "sends", FIRST + timedelta(days=first_day - 1), FIRST + timedelta(days=last_day)
    )
    return run_suite(volume.build_suite(), connection.execute(volume.FRAME_SQL, parameters).df())


@pytest.fixture
def steady(connection: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    create_table(
        connection,
        "raw.landed_files",
        _files({day: 1000 for day in range(1, 11)}) + _files({11: 5}, source="contacts"),
    )
    return connection


def test_steady_days_pass(steady: duckdb.DuckDBPyConnection) -> None:
    assert_passes(_validate(steady, 1, 10))


def test_a_day_under_a_tenth_of_its_norm_warns(steady: duckdb.DuckDBPyConnection) -> None:
    steady.execute("update raw.landed_files set rows_read = 90 where arrival_date = '2025-03-09'")
    outcome = _validate(steady, 8, 10)
    assert_fails_only(outcome, "volume_within_recent_norm")
    assert outcome["volume_within_recent_norm"].unexpected_count == 1
    assert not outcome.blocks


def test_a_missing_day_counts_as_empty(steady: duckdb.DuckDBPyConnection) -> None:
    """The day a folder was not delivered has no landed file at all."""
    outcome = _validate(steady, 8, 11)
    assert_fails_only(outcome, "volume_within_recent_norm")


def test_days_without_enough_history_are_not_judged(connection) -> None:
    create_table(connection, "raw.landed_files", _files({1: 1000, 2: 1000, 3: 1}))
    assert_passes(_validate(connection, 1, 3))
