"""The warehouse resource: where the landing zone and the databases are, and how to open them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb

from orchestration import paths
from orchestration.lib.ingest import configure
from orchestration.lib.sources import LANDED_FILES_TABLE, RAW_SCHEMA

# DuckDB allows one writer per database file: every asset that writes shares this pool.
WAREHOUSE_POOL = "warehouse_writer"


class WarehouseResource(dg.ConfigurableResource):
    """The landing zone and the working DuckDB database of one warehouse directory.

    Empty settings fall back to `$CW_LANDING_DIR` / `$CW_WAREHOUSE_DIR` and then to the
    contract's defaults, read when the run starts, so the CLI's flags reach every asset.
    """

    landing_dir: str = ""
    warehouse_dir: str = ""
    memory_limit: str = "4GB"
    # Blocking share of quarantined rows per source and arrival date (the contract's 1 %).
    max_quarantine_share: float = 0.01

    @property
    def landing(self) -> Path:
        return Path(self.landing_dir).resolve() if self.landing_dir else paths.landing_dir()

    @property
    def warehouse(self) -> Path:
        return Path(self.warehouse_dir).resolve() if self.warehouse_dir else paths.warehouse_dir()

    @property
    def working_db(self) -> Path:
        return paths.working_db(self.warehouse)

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A configured connection to the working database; closed on exit."""
        self.warehouse.mkdir(parents=True, exist_ok=True)
        conn = duckdb.connect(str(self.working_db), read_only=read_only)
        try:
            configure(conn, self.memory_limit, paths.spill_dir(self.warehouse))
            yield conn
        finally:
            conn.close()

    def latest_arrival_date(self) -> date | None:
        """The latest arrival date any file was ingested for, if any."""
        if not self.working_db.exists():
            return None
        with self.connect(read_only=True) as conn:
            exists = conn.execute(
                "select count(*) from information_schema.tables "
                "where table_schema = ? and table_name = ?",
                [RAW_SCHEMA, LANDED_FILES_TABLE],
            ).fetchone()
            if not exists or not exists[0]:
                return None
            row = conn.execute(
                f"select max(arrival_date) from {RAW_SCHEMA}.{LANDED_FILES_TABLE}"
            ).fetchone()
        return row[0] if row else None
