"""Row counts of the relations a dbt build wrote, read from the working database afterwards.

dagster-dbt's own `fetch_row_counts()` asks dbt's adapter while dbt runs; on DuckDB the build's
process holds the only write lock on the file, so that query cannot open it. Counting once the
build is over costs one `count(*)` per table. Views are counted only when asked (the Spark
engine's catalog views read Parquet footers; a DuckDB view would run its whole query).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from contract.sources import quote_ident
from orchestration.shared.duckdb_settings import DuckDBSettings, connect


def relation_row_counts(
    database: Path,
    relations: Iterable[tuple[str, str]],
    settings: DuckDBSettings,
    *,
    include_views: bool = False,
) -> dict[tuple[str, str], int]:
    """{(schema, name): rows} of each of `relations` that exists in `database` as a table
    (or a view, with `include_views`). The database is only read."""
    wanted = set(relations)
    if not wanted or not database.exists():
        return {}
    counts: dict[tuple[str, str], int] = {}
    with connect(settings, str(database), read_only=True) as conn:
        kinds = "('BASE TABLE', 'VIEW')" if include_views else "('BASE TABLE')"
        present = conn.execute(
            "select table_schema, table_name from information_schema.tables "
            f"where table_catalog = current_database() and table_type in {kinds}"
        ).fetchall()
        for schema, name in present:
            if (schema, name) not in wanted:
                continue
            relation = f"{quote_ident(schema)}.{quote_ident(name)}"
            (rows,) = conn.execute(f"select count(*) from {relation}").fetchone() or (0,)
            counts[(schema, name)] = int(rows)
    return counts
