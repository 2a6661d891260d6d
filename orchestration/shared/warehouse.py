"""The warehouse resource: where the landing zone and the databases are, and how to open them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from pydantic import Field

from expectations.thresholds import MAX_QUARANTINE_SHARE
from orchestration import paths
from orchestration.shared.duckdb_settings import DuckDBSettings, connect, resolve_settings
from orchestration.shared.engine import Engine, engine_named
from orchestration.shared.run_history import claim_run
from orchestration.shared.runlock import DEFAULT_LOCK_WAIT_SECONDS, already_held, hold_run_lock

# DuckDB allows one writer per database file: every asset that writes shares this pool.
WAREHOUSE_POOL = "warehouse_writer"


class WarehouseResource(dg.ConfigurableResource):
    """The landing zone, the raw layer and the working DuckDB database of one warehouse.

    The command passes its flags as this resource's run config. Empty settings fall back to
    the defaults a deployment sets in the environment (`$CW_LANDING_DIR`, `$CW_WAREHOUSE_DIR`,
    `$CW_ENGINE`, the `CW_DUCKDB_*` variables of `duckdb_settings.py`, e.g. for `dagster dev`)
    and then to the project's defaults, read when the run starts.

    In a run, the resource holds the warehouse's run lock from before the first step to after
    the last one: one run at a time works on a warehouse, and the next one waits. When the
    run's config says the caller holds it already (`run_lock_held`), it checks that instead.
    """

    landing_dir: str = ""
    warehouse_dir: str = ""
    engine_name: str = Field(
        default="",
        description="The engine dbt builds on: `duckdb` or `spark` (default: `$CW_ENGINE`, "
        "else `duckdb`).",
    )
    memory_limit: str = Field(
        default="", description="DuckDB's memory limit, e.g. `8GB` (default: half the machine)."
    )
    threads: int = Field(default=0, description="DuckDB's threads (default: every core).")
    temp_directory: str = Field(
        default="", description="Where DuckDB spills (default: `<warehouse>/tmp`)."
    )
    max_quarantine_share: float = Field(
        default=MAX_QUARANTINE_SHARE,
        description="Blocking share of quarantined rows per source and arrival date.",
    )
    lock_wait_seconds: float = Field(
        default=DEFAULT_LOCK_WAIT_SECONDS,
        description="How long a run waits for another run on the warehouse to end.",
    )
    run_lock_held: bool = Field(
        default=False,
        description="The caller already holds the warehouse's run lock for this run (the "
        "command takes it first, so that its wait shows); the run checks that this process "
        "holds it instead of taking it.",
    )

    @property
    def landing(self) -> Path:
        return Path(self.landing_dir).resolve() if self.landing_dir else paths.landing_dir()

    @property
    def warehouse(self) -> Path:
        return Path(self.warehouse_dir).resolve() if self.warehouse_dir else paths.warehouse_dir()

    @property
    def engine(self) -> Engine:
        """The engine dbt builds on, which every stage asks what differs on it."""
        return engine_named(self.engine_name)

    @property
    def working_db(self) -> Path:
        """The DuckDB database the checks and the publication read the models from."""
        return self.engine.working_db(self.warehouse)

    @property
    def written_folders(self) -> tuple[Path, ...]:
        """The folders a step writes: the warehouse and DuckDB's spill folder, which a
        deployment may put on a disk of its own."""
        return (self.warehouse, self.duckdb_settings.temp_directory)

    @property
    def raw(self) -> Path:
        return paths.raw_dir(self.warehouse)

    @property
    def duckdb_settings(self) -> DuckDBSettings:
        return resolve_settings(
            paths.spill_dir(self.warehouse), self.memory_limit, self.threads, self.temp_directory
        )

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator[WarehouseResource]:
        """Hold the run lock for the run; then mark the warehouse's dead runs failed."""
        run = context.run
        run_id = run.run_id if run else None
        lock = paths.run_lock(self.warehouse)
        with (
            already_held(lock)
            if self.run_lock_held
            else hold_run_lock(lock, self.lock_wait_seconds, run_id)
        ):
            if context.instance is not None and run_id is not None:
                claim_run(context.instance, run_id, str(self.warehouse))
            yield self

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A configured connection to the working database; closed on exit."""
        self.warehouse.mkdir(parents=True, exist_ok=True)
        conn = connect(self.duckdb_settings, str(self.working_db), read_only=read_only)
        try:
            yield conn
        finally:
            conn.close()
