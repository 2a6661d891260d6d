"""What the Spark engine built, as a DuckDB database the checks and the publication read.

On Spark, the dbt models are tables of Spark's own warehouse: Parquet files in one folder per
table, `<spark tables>/<schema>.db/<table>/`. The Great Expectations checks and the
publication read the models through DuckDB on either engine; for Spark they read this
catalog, a small DuckDB file of views over those folders, so that neither copies anything
nor knows which engine built the models.

The profile makes Spark's `timestamp` a naive one (TIMESTAMP_NTZ), as on DuckDB. A column that
is an instant all the same (Spark's TIMESTAMP, e.g. on a cluster whose server lacks that
setting) reads as `TIMESTAMP WITH TIME ZONE`; the views give it back as naive UTC, so both
engines publish the same type for it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import duckdb

from contract.sources import quote_ident
from orchestration import paths
from orchestration.shared.duckdb_settings import DuckDBSettings, connect, literal_path

# The schemas whose tables the checks and the publication read.
CATALOG_SCHEMAS = ("marts",)
# A cluster's own folder of Spark's tables (README, "Running on Spark").
SPARK_TABLES_ENV = "CW_SPARK_TABLES_DIR"


def spark_tables_dir(warehouse: Path) -> Path:
    """Where Spark keeps the models' tables, as the profile and the catalog both need it: a
    cluster's own (`$CW_SPARK_TABLES_DIR`), else the warehouse's."""
    configured = os.environ.get(SPARK_TABLES_ENV)
    return Path(configured) if configured else paths.spark_tables_dir(warehouse)


def spark_table_folders(tables_dir: Path, schema: str) -> dict[str, Path]:
    """{table: folder} of every table Spark keeps in `schema` (views have no folder)."""
    folder = tables_dir / f"{schema}.db"
    if not folder.is_dir():
        return {}
    return {
        table.name: table
        for table in sorted(folder.iterdir())
        if table.is_dir() and not table.name.startswith((".", "_"))
    }


def refresh_catalog(
    catalog_db: Path,
    tables_dir: Path,
    settings: DuckDBSettings,
    schemas: Sequence[str] = CATALOG_SCHEMAS,
) -> list[str]:
    """Write `catalog_db` anew: one view `<schema>.<table>` per Spark table. Returns the
    views' qualified names. The file is replaced whole, so a reader never sees half of it."""
    catalog_db.parent.mkdir(parents=True, exist_ok=True)
    partial = catalog_db.with_name(f".{catalog_db.name}.{os.getpid()}.tmp")
    partial.unlink(missing_ok=True)
    created: list[str] = []
    with connect(settings, str(partial)) as conn:
        for schema in schemas:
            conn.execute(f"create schema {quote_ident(schema)}")
            for table, folder in spark_table_folders(tables_dir, schema).items():
                conn.execute(
                    f"create view {quote_ident(schema)}.{quote_ident(table)} as "
                    + _select_naive_utc(conn, folder)
                )
                created.append(f"{schema}.{table}")
    os.replace(partial, catalog_db)
    return created


def _select_naive_utc(conn: duckdb.DuckDBPyConnection, folder: Path) -> str:
    """`select ... from read_parquet(<folder>)`, with instants as naive UTC timestamps.

    A view's text cannot hold a bound parameter: the folder, a path of the warehouse's own
    configuration (never anything read from a data file), is quoted as a literal and escaped
    as a glob.
    """
    pattern = literal_path(folder).replace("'", "''") + "/**/*.parquet"
    reader = f"read_parquet('{pattern}', hive_partitioning = true, union_by_name = true)"
    columns = conn.execute(f"describe select * from {reader}").fetchall()
    select_list = ", ".join(
        f"timezone('UTC', {quote_ident(name)}) as {quote_ident(name)}"
        if kind == "TIMESTAMP WITH TIME ZONE"
        else quote_ident(name)
        for name, kind, *_ in columns
    )
    return f"select {select_list} from {reader}"
