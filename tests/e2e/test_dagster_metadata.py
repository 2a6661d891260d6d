"""What the Dagster UI shows of a run: each raw partition its own counts, each dbt table its
row count."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb

from contract.sources import quote_ident
from orchestration.shared.engine import ENGINES


def _instance(warehouse: Path) -> dg.DagsterInstance:
    return dg.DagsterInstance.from_config(str(warehouse / "dagster_home"))


def _metadata(event: dg.EventLogEntry) -> dict[str, object]:
    materialization = event.asset_materialization
    assert materialization is not None
    return {key: value.value for key, value in materialization.metadata.items()}


def test_each_raw_partition_shows_its_own_counts(published_scenario: Path) -> None:
    warehouse = published_scenario / "warehouse"
    with duckdb.connect() as conn:
        landed = dict(
            conn.execute(
                "select cast(arrival_date as varchar), count(*) "
                "from read_parquet(?, hive_partitioning = true) group by all",
                [str(warehouse / "raw" / "sends" / "arrival_date=*" / "rows.parquet")],
            ).fetchall()
        )
    with _instance(warehouse) as instance:
        key = dg.AssetKey(["raw", "sends"])
        shown = {}
        for day in landed:
            records = instance.fetch_materializations(
                dg.AssetRecordsFilter(asset_key=key, asset_partitions=[day]), limit=1
            ).records
            if records:
                shown[day] = _metadata(records[0].event_log_entry)
    assert set(shown) == set(landed)
    assert {day: m["rows_loaded"] for day, m in shown.items()} == landed
    assert {day: m["dagster/row_count"] for day, m in shown.items()} == landed
    # Not the run's totals: the days differ (8 sends on 01-01, 1 on 01-04, ...).
    assert len({m["rows_loaded"] for m in shown.values()}) > 1


def test_every_dbt_table_shows_its_row_count(published_scenario: Path) -> None:
    warehouse = published_scenario / "warehouse"
    with duckdb.connect(str(ENGINES["duckdb"].working_db(warehouse)), read_only=True) as conn:
        tables = conn.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' and table_schema in ('staging', 'intermediate', "
            "'marts')"
        ).fetchall()
        rows = {
            (schema, name): conn.execute(
                f"select count(*) from {quote_ident(schema)}.{quote_ident(name)}"
            ).fetchone()[0]
            for schema, name in tables
        }
    assert len(rows) > 30
    with _instance(warehouse) as instance:
        shown = {}
        for schema, name in rows:
            event = instance.get_latest_materialization_event(dg.AssetKey([schema, name]))
            assert event is not None, (schema, name)
            shown[(schema, name)] = _metadata(event).get("dagster/row_count")
    assert shown == rows
    assert rows[("marts", "mart_campaign_summary")] == 8
