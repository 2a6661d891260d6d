"""The one place that knows where the project's folders and the run's outputs are.

Outputs default to folders under the working directory and are overridden by
environment variables, as `shared/contract/interface.md` says.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

# The dbt project's folder has one owner, the checks' reader of its vars: the checks import
# nothing of the pipeline, so the pipeline takes it from them.
from expectations.dbt_vars import DBT_PROJECT_DIR, PROJECT_FILES_DIR
from expectations.dbt_vars import IS_PACKAGED as IS_PACKAGED

DBT_PROFILES_DIR = DBT_PROJECT_DIR
SEEDS_DIR = PROJECT_FILES_DIR / "seeds"
# The dbt installed beside the running interpreter, found without relying on PATH.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")
DAGSTER_EXECUTABLE = str(Path(sys.executable).parent / "dagster")
# The Dagster workspace a deployment and `campaign-warehouse ui` load.
WORKSPACE_FILE = PROJECT_FILES_DIR / "workspace.yaml"
# The pipeline starts dbt through this launcher, which dies with its parent
# (`transform/launcher.py`).
DBT_CHILD_EXECUTABLE = str(Path(sys.executable).parent / "campaign-warehouse-dbt")

LANDING_ENV = "CW_LANDING_DIR"
WAREHOUSE_ENV = "CW_WAREHOUSE_DIR"


def landing_dir() -> Path:
    """Where the landing zone is: `$CW_LANDING_DIR`, else `data/landing`."""
    return Path(os.environ.get(LANDING_ENV, "data/landing")).resolve()


def warehouse_dir() -> Path:
    """Where everything the pipeline writes lives: `$CW_WAREHOUSE_DIR`, else `data/warehouse`."""
    return Path(os.environ.get(WAREHOUSE_ENV, "data/warehouse")).resolve()


def spark_dir(warehouse: Path) -> Path:
    """What the Spark engine keeps: its tables' files, the local metastore, the catalog."""
    return warehouse / "spark"


def spark_tables_dir(warehouse: Path) -> Path:
    """Spark's `spark.sql.warehouse.dir`: one folder `<schema>.db/<table>` per table."""
    return spark_dir(warehouse) / "tables"


def raw_dir(warehouse: Path) -> Path:
    """The raw layer: Parquet partitions per source and arrival date (`ingest/rawlayer.py`)."""
    return warehouse / "raw"


def serving_db(warehouse: Path) -> Path:
    """The published marts that BI tools open read-only."""
    return warehouse / "serving.duckdb"


def parquet_dir(warehouse: Path) -> Path:
    """The published marts as Parquet files, one per mart."""
    return warehouse / "parquet"


def report_file(warehouse: Path) -> Path:
    """Where `campaign-warehouse report` writes its page unless told otherwise."""
    return warehouse / "report.html"


def published_dir(warehouse: Path) -> Path:
    """The published builds, of which `serving.duckdb` and `parquet` show the current one."""
    return warehouse / "published"


def spill_dir(warehouse: Path) -> Path:
    """DuckDB's temp directory, so large inputs spill to disk instead of failing."""
    return warehouse / "tmp"


def run_lock(warehouse: Path) -> Path:
    """The lock one run at a time holds on the warehouse (see `shared/runlock.py`)."""
    return warehouse / "run.lock"


DAGSTER_HOME_ENV = "DAGSTER_HOME"


def dagster_home(warehouse: Path) -> Path:
    """Where Dagster keeps a run's records: `$DAGSTER_HOME`, else `<warehouse>/dagster_home`,
    so that `dagster dev` with the same home shows the command's runs."""
    configured = os.environ.get(DAGSTER_HOME_ENV)
    return Path(configured).resolve() if configured else warehouse / "dagster_home"


def logs_dir(warehouse: Path) -> Path:
    """The command's log of each run."""
    return warehouse / "logs"


FIRST_ARRIVAL_DATE_ENV = "CW_FIRST_ARRIVAL_DATE"
# The first arrival date of the scenarios and the demo. A deployment sets its own first landed
# day, so that the Dagster UI does not list the days before it as missing partitions.
DEFAULT_FIRST_ARRIVAL_DATE = "2025-01-01"


def first_arrival_date() -> str:
    """The first arrival-date partition: `CW_FIRST_ARRIVAL_DATE` (YYYY-MM-DD), or the default."""
    value = os.environ.get(FIRST_ARRIVAL_DATE_ENV) or DEFAULT_FIRST_ARRIVAL_DATE
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise ValueError(
            f"{FIRST_ARRIVAL_DATE_ENV}={value!r}: give the first arrival date as YYYY-MM-DD"
        ) from None
