"""The engine dbt builds the models on, as one object every stage asks: DuckDB or Spark.

What differs between the engines is answered here and nowhere else in the pipeline: dbt's
target, where an engine's dbt target folder and models' state live, which DuckDB database the
checks and the publication read, what follows a build, whether row counts include views, and
whether the engine can run in this environment at all.

The engine is `$CW_ENGINE` (a deployment's default), unless the run's configuration names one.
"""

from __future__ import annotations

import importlib.util
import os
from abc import ABC, abstractmethod
from pathlib import Path

from orchestration import paths
from orchestration.shared.duckdb_settings import DuckDBSettings
from orchestration.shared.spark_catalog import refresh_catalog, spark_tables_dir

ENGINE_ENV = "CW_ENGINE"


class Engine(ABC):
    """What a stage asks of the engine; one instance per engine, no state."""

    name: str
    # Whether the models' row counts include views: a DuckDB view would run its whole query
    # to be counted, a view of Spark's catalog reads Parquet footers.
    counts_views: bool

    @abstractmethod
    def home(self, warehouse: Path) -> Path:
        """The folder of what this engine keeps in `warehouse` (dbt's target, models' state)."""

    @abstractmethod
    def working_db(self, warehouse: Path) -> Path:
        """The DuckDB database the checks and the publication read the models from."""

    def dbt_target_args(self) -> list[str]:
        """The arguments that point `dbt build` at this engine's target of profiles.yml."""
        return []

    def dbt_target_dir(self, warehouse: Path) -> Path:
        """dbt's target folder; each engine parses for its own target, so each keeps its own
        partial parse."""
        return self.home(warehouse) / "dbt_target"

    def models_state(self, warehouse: Path) -> Path:
        """The as-of date the dbt models were last built as of (`transform/models_state.py`);
        each engine keeps its own models, so each has its own."""
        return self.home(warehouse) / "models_as_of"

    def after_build(self, warehouse: Path, settings: DuckDBSettings) -> str | None:
        """Make what a build wrote readable from `working_db`; a line for the run's log."""
        return None

    def unavailable(self) -> str | None:
        """Why this engine cannot run in this environment, or None when it can."""
        return None

    def __str__(self) -> str:
        return self.name


class DuckDBEngine(Engine):
    """dbt-duckdb in the pipeline's process: the models are tables of the working database."""

    name = "duckdb"
    counts_views = False

    def home(self, warehouse: Path) -> Path:
        return warehouse

    def working_db(self, warehouse: Path) -> Path:
        return warehouse / "warehouse.duckdb"


class SparkEngine(Engine):
    """dbt-spark's session method: the models are tables of Spark's own warehouse, read by the
    checks and the publication through a DuckDB catalog of views (`spark_catalog.py`)."""

    name = "spark"
    counts_views = True

    def home(self, warehouse: Path) -> Path:
        return paths.spark_dir(warehouse)

    def working_db(self, warehouse: Path) -> Path:
        return self.home(warehouse) / "catalog.duckdb"

    def dbt_target_args(self) -> list[str]:
        return ["--target", "spark"]

    def after_build(self, warehouse: Path, settings: DuckDBSettings) -> str | None:
        catalog = self.working_db(warehouse)
        views = refresh_catalog(catalog, spark_tables_dir(warehouse), settings)
        return f"catalog of Spark's tables: {len(views)} views in {catalog}"

    def unavailable(self) -> str | None:
        if importlib.util.find_spec("pyspark") is None:
            return (
                "the Spark engine needs its optional extra: "
                "pip install -r requirements-spark.lock (or .[spark])"
            )
        return None


ENGINES: dict[str, Engine] = {engine.name: engine for engine in (DuckDBEngine(), SparkEngine())}


def engine_named(configured: str = "") -> Engine:
    """The engine `configured` names, else `$CW_ENGINE`'s, else DuckDB; a ValueError names an
    unknown one."""
    chosen = (configured or os.environ.get(ENGINE_ENV, "")).strip().lower() or "duckdb"
    if chosen not in ENGINES:
        raise ValueError(f"{ENGINE_ENV}={chosen!r}: the engine is one of {', '.join(ENGINES)}")
    return ENGINES[chosen]
