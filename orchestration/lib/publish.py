"""Publish the marts: copy them into `serving.duckdb` and Parquet files, each swapped in whole.

Every output is built under a temporary name in its final directory and then renamed over
the old one. A rename within a file system is atomic, and on Linux a reader that has the old
`serving.duckdb` open keeps its inode: BI tools are never locked out, never see a half-built
file, and see the new marts on their next connection.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

import duckdb

from orchestration import paths
from orchestration.lib.sources import quote_ident

SERVING_SCHEMA = "marts"
_WORKING_ALIAS = "working"


def publish_marts(
    working_db: Path,
    warehouse: Path,
    schema: str = "marts",
    prefix: str = "mart_",
    *,
    memory_limit: str = "4GB",
    temp_directory: Path | None = None,
) -> list[str]:
    """Copy every `<schema>.<prefix>*` table of `working_db` to the serving outputs.

    Writes `<warehouse>/serving.duckdb` (schema `marts`) and
    `<warehouse>/parquet/<mart>.parquet`, each replaced atomically, and returns the names
    of the published marts, sorted. The working database is only read. Raises, leaving
    the published outputs as they were, when any step fails or no mart matches.
    """
    serving = paths.serving_db(warehouse)
    parquet_dir = paths.parquet_dir(warehouse)
    spill = temp_directory or paths.spill_dir(warehouse)
    for folder in (warehouse, parquet_dir, spill):
        folder.mkdir(parents=True, exist_ok=True)

    token = uuid.uuid4().hex
    serving_tmp = serving.with_name(f".{serving.name}.{token}.tmp")
    parquet_tmp: dict[Path, Path] = {}
    try:
        connection = duckdb.connect(
            str(serving_tmp),
            config={"memory_limit": memory_limit, "temp_directory": str(spill)},
        )
        try:
            marts = _copy_marts(connection, working_db, schema, prefix)
            for mart in marts:
                final = parquet_dir / f"{mart}.parquet"
                parquet_tmp[final] = final.with_name(f".{final.name}.{token}.tmp")
                connection.execute(
                    f"copy {SERVING_SCHEMA}.{quote_ident(mart)} to ? (format parquet)",
                    [str(parquet_tmp[final])],
                )
        finally:
            # Closing checkpoints the write-ahead log into the file, so the renamed file
            # is complete on its own.
            connection.close()
        _fsync(serving_tmp)
        os.replace(serving_tmp, serving)
        for final, tmp in parquet_tmp.items():
            _fsync(tmp)
            os.replace(tmp, final)
        _fsync(warehouse)
        _fsync(parquet_dir)
    finally:
        for leftover in (serving_tmp, _wal(serving_tmp), *parquet_tmp.values()):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    return marts


def _copy_marts(
    connection: duckdb.DuckDBPyConnection, working_db: Path, schema: str, prefix: str
) -> list[str]:
    """Create schema `marts` in the connection's database with a copy of each mart."""
    connection.execute(f"attach ? as {quote_ident(_WORKING_ALIAS)} (read_only)", [str(working_db)])
    rows = connection.execute(
        """
        select table_name
        from information_schema.tables
        where table_catalog = ? and table_schema = ? and starts_with(table_name, ?)
        order by table_name
        """,
        [_WORKING_ALIAS, schema, prefix],
    ).fetchall()
    marts = [name for (name,) in rows]
    if not marts:
        # Publishing nothing would wipe what readers see; a wrong schema or prefix must not.
        raise ValueError(f"no table {schema}.{prefix}* in {working_db}: nothing to publish")
    source = f"{quote_ident(_WORKING_ALIAS)}.{quote_ident(schema)}"
    connection.execute(f"create schema {SERVING_SCHEMA}")
    for mart in marts:
        # A mart that dbt built as a view is published as a table all the same: readers
        # of the serving file cannot resolve the working database's objects.
        connection.execute(
            f"create table {SERVING_SCHEMA}.{quote_ident(mart)} as "
            f"select * from {source}.{quote_ident(mart)}"
        )
    connection.execute(f"detach {quote_ident(_WORKING_ALIAS)}")
    return marts


def _wal(database: Path) -> Path:
    return database.with_name(database.name + ".wal")


def _fsync(path: Path) -> None:
    """Flush a file or directory to disk, so a crash cannot leave a renamed empty file."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
