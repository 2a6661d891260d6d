"""Every declared guard: its frame binds against the marts' contracts, its names are stable."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest

from expectations.guards import Guard, agreement_columns, build_suite, frame_sql, violation_column
from expectations.registry import GUARDS
from expectations.rules import Agreement
from tests.unit.expectations.support import mart_models

# Guards over assets whose yml declares no data types (no enforced contract).
_UNTYPED = {"fct_messages"}


def _create_from_contract(
    connection: duckdb.DuckDBPyConnection, models: dict[str, dict[str, Any]], mart: str
) -> None:
    columns = [
        f'"{c["name"]}" {c["data_type"]}'
        for c in models[mart]["columns"]
        # Struct lists are typed per engine with Jinja; no rule reads them.
        if "{{" not in str(c.get("data_type"))
    ]
    connection.execute("create schema if not exists marts")
    connection.execute(f'create table marts."{mart}" ({", ".join(columns)})')


@pytest.mark.parametrize(
    "guard", [g for g in GUARDS if g.asset not in _UNTYPED], ids=lambda g: g.asset
)
def test_the_frame_reads_only_documented_columns_of_the_right_types(
    connection: duckdb.DuckDBPyConnection, guard: Guard
) -> None:
    # Empty tables with exactly the contract's columns: a rule naming a column the mart does
    # not have, or comparing it as the wrong type, fails to bind.
    models = {m["name"]: m for m in mart_models()}
    for mart in (guard.asset, *guard.reads):
        _create_from_contract(connection, models, mart)
    frame = connection.execute(frame_sql(guard)).df()
    expected = [*guard.partition]
    for rule in guard.rules:
        if isinstance(rule, Agreement):
            expected += agreement_columns(rule)
    assert set(expected) <= set(frame.columns)
    assert frame.empty


def test_guards_are_named_after_their_assets_and_their_rules_are_unique() -> None:
    assets = [g.asset for g in GUARDS]
    assert len(set(assets)) == len(assets)
    for guard in GUARDS:
        names = [r.name for r in guard.rules]
        assert len(set(names)) == len(names), guard.asset
        assert build_suite(guard).name == guard.asset


def test_a_row_rule_is_counted_in_a_column_of_its_own() -> None:
    assert violation_column("no_count_negative") == "rows_breaking_no_count_negative"
