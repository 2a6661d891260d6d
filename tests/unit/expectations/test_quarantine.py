from __future__ import annotations

from datetime import date

import duckdb
import pytest

from expectations import quarantine
from expectations.runner import SuiteOutcome, run_suite
from expectations.thresholds import MAX_QUARANTINE_SHARE
from tests.unit.expectations.support import assert_fails_only, assert_passes, create_table

TABLE = "raw.landed_files"
DAY_1, DAY_2, DAY_3 = date(2025, 3, 1), date(2025, 3, 2), date(2025, 3, 3)


def _file(
    arrival_date: date,
    name: str,
    rows_read: int,
    rows_quarantined: int = 0,
    *,
    source: str = "sends",
    unreadable: bool = False,
    estimated: int | None = None,
) -> dict[str, object]:
    return {
        "source": source,
        "arrival_date": arrival_date,
        "source_file": name,
        "file_format": "jsonl",
        "rows_read": rows_read,
        "rows_loaded": rows_read - rows_quarantined,
        "rows_quarantined": rows_quarantined,
        "is_unreadable": unreadable,
        "file_bytes": 100 * rows_read,
        "rows_estimated": estimated,
    }


@pytest.fixture
def landed(connection: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    rows = [
        _file(DAY_1, "a.jsonl", 600),
        _file(DAY_1, "b.jsonl", 400),
        _file(DAY_2, "a.jsonl", 1000),
        # Outside the validated source or range, however bad.
        _file(DAY_1, "x.jsonl", 10, 10, source="contacts"),
        _file(DAY_3, "x.jsonl", 10, 10),
    ]
    create_table(connection, TABLE, rows)
    # A column of only NULLs comes from pandas untyped.
    connection.execute(f"alter table {TABLE} alter rows_estimated type bigint")
    return connection


def _add(connection: duckdb.DuckDBPyConnection, *files: dict[str, object]) -> None:
    for file in files:
        connection.execute(
            f"insert into {TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", list(file.values())
        )


def _validate(
    connection: duckdb.DuckDBPyConnection, max_share: float = MAX_QUARANTINE_SHARE
) -> SuiteOutcome:
    parameters = quarantine.frame_parameters("sends", DAY_1, DAY_3)
    frame = connection.execute(quarantine.FRAME_SQL, parameters).df()
    return run_suite(quarantine.build_suite(max_share=max_share), frame)


def test_days_without_quarantine_pass(landed: duckdb.DuckDBPyConnection) -> None:
    assert_passes(_validate(landed))


def test_frame_is_one_row_per_day_of_the_source_in_range(
    landed: duckdb.DuckDBPyConnection,
) -> None:
    parameters = quarantine.frame_parameters("sends", DAY_1, DAY_3)
    frame = landed.execute(quarantine.FRAME_SQL, parameters).df()
    assert list(frame.columns) == [
        "source",
        "arrival_date",
        "rows_read",
        "rows_quarantined",
        "quarantined_share",
    ]
    assert frame["rows_read"].tolist() == [1000, 1000]


def test_half_a_percent_quarantined_only_warns(landed: duckdb.DuckDBPyConnection) -> None:
    _add(landed, _file(DAY_2, "b.jsonl", 1000, 10))  # 10 of 2000 rows: 0.5 %
    outcome = _validate(landed)
    assert_fails_only(outcome, "no_rows_quarantined")
    assert outcome["no_rows_quarantined"].severity == "warn"
    assert not outcome.blocks


def test_two_percent_quarantined_blocks(landed: duckdb.DuckDBPyConnection) -> None:
    _add(landed, _file(DAY_2, "b.jsonl", 1000, 40))  # 40 of 2000 rows: 2 %
    outcome = _validate(landed)
    assert_fails_only(outcome, "no_rows_quarantined", "quarantined_share_within_limit")
    assert outcome["quarantined_share_within_limit"].severity == "error"
    assert outcome.blocks


def test_the_threshold_is_configurable(landed: duckdb.DuckDBPyConnection) -> None:
    _add(landed, _file(DAY_2, "b.jsonl", 1000, 40))
    outcome = _validate(landed, max_share=0.05)
    assert_fails_only(outcome, "no_rows_quarantined")
    assert not outcome.blocks


def test_a_day_of_only_unreadable_files_blocks(landed: duckdb.DuckDBPyConnection) -> None:
    landed.execute(f"delete from {TABLE} where arrival_date = ?", [DAY_2])
    _add(landed, _file(DAY_2, "corrupt.jsonl.gz", 0, unreadable=True))
    outcome = _validate(landed)
    assert_fails_only(outcome, "no_rows_quarantined", "quarantined_share_within_limit")


def test_an_unreadable_file_among_many_rows_warns(landed: duckdb.DuckDBPyConnection) -> None:
    _add(landed, _file(DAY_2, "corrupt.jsonl.gz", 0, unreadable=True))
    outcome = _validate(landed)
    assert_fails_only(outcome, "no_rows_quarantined")
    assert not outcome.blocks


def test_an_unreadable_file_counts_at_its_estimated_rows(
    landed: duckdb.DuckDBPyConnection,
) -> None:
    """A truncated file holding as many rows as the rest of the day blocks the day."""
    _add(landed, _file(DAY_2, "truncated.jsonl.gz", 0, unreadable=True, estimated=900))
    outcome = _validate(landed)
    assert_fails_only(outcome, "no_rows_quarantined", "quarantined_share_within_limit")
    assert outcome.blocks
