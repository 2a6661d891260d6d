"""Helpers shared by the suite tests: a scratch DuckDB and outcome assertions."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from expectations.runner import SuiteOutcome


def create_table(
    connection: duckdb.DuckDBPyConnection, table: str, rows: Sequence[dict[str, object]]
) -> None:
    """Create `table` (schema-qualified, our own name) from a list of rows."""
    schema = table.split(".")[0]
    frame = pd.DataFrame(list(rows))
    connection.execute(f"create schema if not exists {schema}")
    connection.register("_rows", frame)
    connection.execute(f"create or replace table {table} as select * from _rows")
    connection.unregister("_rows")


def failing(outcome: SuiteOutcome) -> list[str]:
    return [e.name for e in outcome.expectations if not e.success]


def assert_passes(outcome: SuiteOutcome) -> None:
    assert failing(outcome) == [], outcome
    assert not outcome.blocks


def assert_fails_only(outcome: SuiteOutcome, *names: str) -> None:
    """Exactly `names` fail, on the data (not because they could not run)."""
    assert failing(outcome) == list(names), outcome
    for name in names:
        assert outcome[name].error is None, outcome[name].error
        assert outcome[name].unexpected_count, outcome[name]
