"""A run's data tests read the rows it wrote (dbt_project/macros/get_where_subquery.sql): on a
run with a window, a NULL in an older row is not tested, and a key test fails on a key that
a window row shares with an older row, but not on a duplicate wholly before the window (the
weekly full check's business). With no window (a first build, --full-refresh, the full
check), every row is tested."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from tests.sql.dbt import run_dbt

_WINDOW_START = "2025-01-20"
_TESTS = ["test", "--select", "stg_app__senders,test_type:generic"]


def _land_senders(working: Path) -> None:
    # (sender_id, updated_at, arrival date) in staging, as earlier builds left them.
    with duckdb.connect(str(working)) as conn:
        conn.executemany(
            "insert into staging.stg_app__senders by name select ? as sender_id, "
            "cast(? as timestamp) as updated_at, cast(? as date) as _arrival_date",
            [
                # s1: one row before the window, its repeat in it
                ("s1", "2025-01-01 00:00:00", "2025-01-10"),
                ("s1", "2025-01-01 00:00:00", "2025-01-25"),
                # s2: repeated, both rows before the window
                ("s2", "2025-01-01 00:00:00", "2025-01-10"),
                ("s2", "2025-01-01 00:00:00", "2025-01-11"),
                # s3: a NULL updated_at before the window
                ("s3", None, "2025-01-10"),
            ],
        )


def _failures(output: str) -> dict[str, int]:
    """{test name: failing rows} of dbt's `FAIL n <test>` lines."""
    found = re.findall(r"\d+ of \d+ FAIL (\d+) (\w+)", output)
    return {name.split("_stg_app__senders")[0]: int(rows) for rows, name in found}


def test_a_window_run_tests_its_rows_and_their_keys_and_a_full_run_every_row(
    empty_build: Path, empty_warehouse: Path
) -> None:
    raw = empty_build / "raw"
    _land_senders(empty_warehouse)

    nightly = run_dbt(empty_warehouse, raw, _TESTS, window_start=_WINDOW_START)
    # s1 only: its window row shares its key with an older one.
    assert _failures(nightly.stdout) == {"unique_combination_of_columns": 1}, nightly.stdout[-3000:]

    full = run_dbt(empty_warehouse, raw, _TESTS)
    # s1 and s2 repeated; s3's NULL updated_at.
    assert _failures(full.stdout) == {"unique_combination_of_columns": 2, "not_null_columns": 1}, (
        full.stdout[-3000:]
    )
