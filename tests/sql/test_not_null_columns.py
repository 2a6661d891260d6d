"""`not_null_columns`, the one test per model that stands for a `not_null` per column, fails
once for each listed column that holds a NULL, and ignores the columns it does not list."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.sql.dbt import run_dbt


def test_each_listed_column_with_nulls_is_one_failure(
    empty_build: Path, empty_warehouse: Path
) -> None:
    # dim_senders lists sender_id, workspace_id and channel; sender_name is not listed.
    with duckdb.connect(str(empty_warehouse)) as conn:
        conn.execute(
            "insert into marts.dim_senders (sender_id, workspace_id, channel, sender_name) "
            "values ('s1', 'w1', 'sms', null), ('s2', null, null, 'x'), ('s3', null, 'sms', 'y')"
        )
    completed = run_dbt(
        empty_warehouse,
        empty_build / "raw",
        ["test", "--select", "dim_senders,test_name:not_null_columns"],
    )

    output = completed.stdout[-3000:]
    assert completed.returncode != 0, output
    # workspace_id (2 rows) and channel (1 row): two columns, so two failing rows.
    assert "Got 2 results" in output, output
