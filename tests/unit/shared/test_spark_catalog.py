"""The catalog of Spark's tables: what the checks and the publication read on Spark."""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration import paths
from orchestration.publish.builds import publish_marts
from orchestration.shared.duckdb_settings import resolve_settings
from orchestration.shared.engine import ENGINES
from orchestration.shared.spark_catalog import refresh_catalog


def _spark_table(tables: Path, schema: str, table: str, sql: str, parts: int = 2) -> Path:
    """A folder laid out as Spark writes a table: part files and a `_SUCCESS` marker."""
    folder = tables / f"{schema}.db" / table
    folder.mkdir(parents=True)
    with duckdb.connect() as conn:
        conn.execute("set TimeZone = 'UTC'")
        for part in range(parts):
            target = folder / f"part-{part:05d}-x.snappy.parquet"
            conn.execute(f"copy ({sql} where {part} = {part}) to '{target}' (format parquet)")
    (folder / "_SUCCESS").touch()
    return folder


def test_the_catalog_reads_every_table_of_the_marts_schema(tmp_path: Path) -> None:
    tables = tmp_path / "tables"
    _spark_table(tables, "marts", "mart_a", "select 1 as id, 'x' as label")
    _spark_table(tables, "marts", "fct_b", "select 2 as id")
    _spark_table(tables, "staging", "stg_c", "select 3 as id")
    catalog = tmp_path / "catalog.duckdb"

    views = refresh_catalog(catalog, tables, resolve_settings(tmp_path / "spill"))

    assert views == ["marts.fct_b", "marts.mart_a"]
    with duckdb.connect(str(catalog), read_only=True) as conn:
        assert conn.execute("select * from marts.mart_a").fetchall() == [(1, "x"), (1, "x")]
        assert conn.execute("select count(*) from marts.fct_b").fetchone() == (2,)


def test_instants_come_back_as_naive_utc_timestamps(tmp_path: Path) -> None:
    tables = tmp_path / "tables"
    _spark_table(
        tables,
        "marts",
        "mart_t",
        "select timestamptz '2025-03-01 12:00:00+02' as sent_at, "
        "timestamp '2025-03-01 12:00' as naive",
        parts=1,
    )
    catalog = tmp_path / "catalog.duckdb"

    refresh_catalog(catalog, tables, resolve_settings(tmp_path / "spill"))

    with duckdb.connect(str(catalog), read_only=True) as conn:
        row = conn.execute("select sent_at, naive, typeof(sent_at) from marts.mart_t").fetchone()
    assert row is not None
    assert str(row[0]) == "2025-03-01 10:00:00"
    assert str(row[1]) == "2025-03-01 12:00:00"
    assert row[2] == "TIMESTAMP"


def test_the_publication_reads_the_catalog_as_it_reads_the_working_database(
    tmp_path: Path,
) -> None:
    warehouse = tmp_path / "warehouse"
    tables = paths.spark_tables_dir(warehouse)
    _spark_table(tables, "marts", "mart_a", "select 7 as id, 'it''s' as label")
    settings = resolve_settings(tmp_path / "spill")
    catalog = ENGINES["spark"].working_db(warehouse)
    refresh_catalog(catalog, tables, settings)

    assert publish_marts(catalog, warehouse, settings=settings) == ["mart_a"]

    with duckdb.connect(str(paths.serving_db(warehouse)), read_only=True) as conn:
        assert conn.execute("select * from marts.mart_a").fetchall() == [(7, "it's")] * 2


def test_a_refresh_replaces_the_catalog_whole(tmp_path: Path) -> None:
    tables = tmp_path / "tables"
    folder = _spark_table(tables, "marts", "mart_gone", "select 1 as id")
    catalog = tmp_path / "catalog.duckdb"
    settings = resolve_settings(tmp_path / "spill")
    refresh_catalog(catalog, tables, settings)
    for file in folder.iterdir():
        file.unlink()
    folder.rmdir()

    assert refresh_catalog(catalog, tables, settings) == []
    assert not list(tmp_path.glob(".catalog.duckdb.*"))
