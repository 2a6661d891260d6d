"""Helpers shared by the suite tests: scratch tables, outcome assertions, documented columns."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import duckdb
import pandas as pd
import yaml

from expectations.runner import SuiteOutcome
from orchestration import paths


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


def documented_columns(model: str) -> list[str]:
    """The columns of a mart as its dbt yml documents them (the names BI tools rely on)."""
    for node in mart_models():
        if node["name"] == model:
            return [column["name"] for column in node.get("columns", [])]
    raise KeyError(model)


@functools.cache
def mart_models() -> tuple[dict[str, Any], ...]:
    """The models of the marts' yml files (one per model: core/, reports/, quality/)."""
    models: list[dict[str, Any]] = []
    for path in sorted((paths.DBT_PROJECT_DIR / "models" / "marts").rglob("*.yml")):
        models.extend(yaml.safe_load(path.read_text()).get("models", []))
    return tuple(models)
